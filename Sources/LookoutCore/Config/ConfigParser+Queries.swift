import Foundation
import Yams

extension ConfigParser {
    static let queryKeys: Set<String> = ["name", "query", "unit", "warn", "critical", "service", "interval"]

    /// `queries:` — a list of `{ name, query, unit, warn, critical, service, interval }` (`CustomQuery`). Prometheus
    /// judges the PromQL itself; what is read here is what would make the query's rows wrong.
    static func readQueries(_ node: Node, at path: String, _ reader: inout YAMLReader) -> [(CustomQuery, Node)] {
        var queries: [(CustomQuery, Node)] = []
        for (index, entry) in (reader.sequence(node, at: path) ?? []).enumerated() {
            let entryPath = "\(path)[\(index)]"
            guard let pairs = reader.pairs(entry, at: entryPath, allowed: queryKeys) else { continue }
            var query = CustomQuery(name: "", query: "")
            var serviceNode: Node?
            for (key, _, value) in pairs {
                let keyPath = "\(entryPath).\(key)"
                switch key {
                case "name", "query":
                    guard let text = reader.string(value, at: keyPath) else { continue }
                    if text.trimmingWhitespace().isEmpty { reader.fail(value, keyPath, key == "name" ? "expected a name, such as \"gateway p95\"" : "expected a PromQL query") }
                    else if key == "name" {
                        if queries.contains(where: { $0.0.name == text }) { reader.fail(value, keyPath, "duplicate query name \"\(SafeText.escape(text))\"") }
                        query.name = text
                    } else { query.query = text }
                case "unit":
                    guard let text = reader.string(value, at: keyPath) else { continue }
                    guard let unit = QueryUnit(rawValue: text) else {
                        reader.fail(value, keyPath, "unknown unit \"\(SafeText.escape(text))\" (one of: \(QueryUnit.allCases.map(\.rawValue).joined(separator: ", ")))")
                        continue
                    }
                    query.unit = unit
                case "warn", "critical":
                    guard let text = reader.string(value, at: keyPath) else { continue }
                    switch QueryThreshold.parse(text) {
                    case let .success(threshold): if key == "warn" { query.warn = threshold } else { query.critical = threshold }
                    case let .failure(problem): reader.fail(value, keyPath, problem.message)
                    }
                case "service":
                    query.service = reader.string(value, at: keyPath)
                    serviceNode = value
                default:
                    guard let interval = reader.duration(value, at: keyPath) else { continue }
                    if interval < .seconds(1) { reader.fail(value, keyPath, "expected at least 1s") } else { query.interval = interval }
                }
            }
            for required in ["name", "query"] where !pairs.contains(where: { $0.0 == required }) {
                reader.fail(entry, "\(entryPath).\(required)", required == "name" ? "missing: the query's name on screen" : "missing: the PromQL to send")
            }
            if let warn = query.warn, let critical = query.critical, warn.comparison.rawValue.first != critical.comparison.rawValue.first {
                reader.fail(entry, "\(entryPath).critical", "warn and critical compare in opposite directions (\(warn.comparison.rawValue) and \(critical.comparison.rawValue))")
            }
            guard !query.name.isEmpty, !query.query.isEmpty else { continue }
            queries.append((query, serviceNode ?? entry))
        }
        return queries
    }

    /// The context's queries get its Prometheus, and a query about a service names one of the context's.
    static func resolveQueries(_ read: [(CustomQuery, Node)], node: Node, into context: inout ContextConfig, _ reader: inout YAMLReader) {
        let path = "contexts.\(context.name).queries"
        guard let server = context.prometheus else {
            reader.fail(node, path, "context \(context.name) has no `prometheus:` server to send its queries to")
            return
        }
        for (index, (query, serviceNode)) in read.enumerated() {
            var query = query
            query.server = server
            if let service = query.service, !context.services.contains(where: { $0.name == service }), context.discover.isEmpty {
                reader.fail(serviceNode, "\(path)[\(index)].service", "names no service of context \(context.name)")
                continue
            }
            context.queries.append(query)
        }
    }
}
