import Foundation
import Yams

extension ConfigParser {
    static let discoverKeys: Set<String> = ["targets", "name", "platform", "health", "readiness", "interval", "timeout", "metrics", "refresh"]

    /// `discover:` — a list of `{ targets: 'job="…"', name, platform, health, readiness, interval, timeout,
    /// metrics: { mapping }, refresh }` (`TargetDiscovery`).
    static func readDiscover(_ node: Node, at path: String, _ reader: inout YAMLReader) -> [TargetDiscovery] {
        var discoveries: [TargetDiscovery] = []
        for (index, entry) in (reader.sequence(node, at: path) ?? []).enumerated() {
            let entryPath = "\(path)[\(index)]"
            guard let pairs = reader.pairs(entry, at: entryPath, allowed: discoverKeys) else { continue }
            var discovery = TargetDiscovery(matchers: [])
            for (key, _, value) in pairs {
                let keyPath = "\(entryPath).\(key)"
                switch key {
                case "targets":
                    guard let text = reader.string(value, at: keyPath) else { continue }
                    switch LabelMatcher.list(text) {
                    case let .success(matchers): discovery.matchers = matchers
                    case let .failure(problem): reader.fail(value, keyPath, problem.message)
                    }
                case "name":
                    guard let text = reader.string(value, at: keyPath) else { continue }
                    if text.trimmingWhitespace().isEmpty { reader.fail(value, keyPath, "expected a name made of labels, such as \"{{job}}/{{instance}}\"") }
                    else { discovery.name = text }
                case "platform": discovery.platform = reader.string(value, at: keyPath) ?? ""
                case "health", "readiness":
                    guard let text = reader.string(value, at: keyPath) else { continue }
                    guard text.hasPrefix("/") else { reader.fail(value, keyPath, "a path must start with /"); continue }
                    if key == "health" { discovery.healthPath = text } else { discovery.readinessPath = text }
                case "interval": discovery.interval = reader.duration(value, at: keyPath)
                case "timeout": if let timeout = reader.duration(value, at: keyPath) { discovery.timeout = timeout }
                case "refresh":
                    guard let refresh = reader.duration(value, at: keyPath) else { continue }
                    if refresh < .seconds(1) { reader.fail(value, keyPath, "expected at least 1s") } else { discovery.refresh = refresh }
                default:
                    for (metricsKey, _, mappingNode) in reader.pairs(value, at: keyPath, allowed: ["mapping"]) ?? [] {
                        guard let name = reader.string(mappingNode, at: "\(keyPath).\(metricsKey)") else { continue }
                        discovery.metricsMapping = name
                        reader.metricMappingReferences.append((name, mappingNode, "\(keyPath).mapping"))
                    }
                }
            }
            if !pairs.contains(where: { $0.0 == "targets" }) {
                reader.fail(entry, "\(entryPath).targets", "missing: label matchers for the targets, such as job=\"chat-api\"")
                continue
            }
            if !discovery.matchers.isEmpty { discoveries.append(discovery) }
        }
        return discoveries
    }

    /// `health: { prometheus: 'up{job="chat-api"}' }`: the query whose series say whether the service is up.
    static func readHealthQuery(_ node: Node, at path: String, _ reader: inout YAMLReader) -> PromQLSource? {
        guard let pairs = reader.pairs(node, at: path, allowed: ["prometheus"]) else { return nil }
        guard let value = pairs.first?.2, let query = reader.string(value, at: "\(path).prometheus") else {
            reader.fail(node, "\(path).prometheus", "missing: a query such as up{job=\"chat-api\"}")
            return nil
        }
        guard !query.trimmingWhitespace().isEmpty else { reader.fail(value, "\(path).prometheus", "expected a query such as up{job=\"chat-api\"}"); return nil }
        reader.promQLReferences.append((value, "\(path).prometheus"))
        return PromQLSource(server: APIServer(url: ""), query: query)
    }

    /// A context with `discover:` or a `health: { prometheus }` needs its `prometheus:` server; the health queries get it.
    static func resolveDiscovery(_ config: inout LookoutConfig, _ reader: inout YAMLReader) {
        let nodes = Dictionary(reader.promQLReferences.map { ($0.1, $0.0) }, uniquingKeysWith: { a, _ in a })
        for c in config.contexts.indices {
            let context = config.contexts[c]
            if nodes["contexts.\(context.name).discover"] != nil, context.prometheus == nil {
                reader.fail(nodes["contexts.\(context.name).discover"], "contexts.\(context.name).discover", "context \(context.name) has no `prometheus:` server to ask for its targets")
            }
            for s in context.services.indices where context.services[s].healthQuery != nil {
                guard let server = context.prometheus else {
                    let path = "contexts.\(context.name).services[\(s)].health.prometheus"
                    reader.fail(nodes[path], path, "context \(context.name) has no `prometheus:` server to send the query to")
                    continue
                }
                config.contexts[c].services[s].healthQuery?.server = server
            }
        }
    }
}
