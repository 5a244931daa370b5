import Yams

/// Headers, the secondary endpoints of a service (`metrics:`, `routing:`) and `metric-mappings:`.
extension ConfigParser {
    static let sideEndpointKeys: Set<String> = ["path", "interval", "headers", "mapping", "prometheus"]

    /// `headers: { Name: value }`; values may use `${secret:NAME}`, never a newline or NUL.
    static func readHeaders(_ node: Node, at path: String, _ reader: inout YAMLReader) -> [HTTPHeader] {
        var headers: [HTTPHeader] = []
        for (name, keyNode, headerValue) in reader.pairs(node, at: path, allowed: nil) ?? [] {
            let headerPath = "\(path).\(name)"
            guard let text = reader.string(headerValue, at: headerPath) else { continue }
            for secret in SecretReference.names(in: text) { reader.secretReferences.append((secret, headerValue, headerPath)) }
            if !URLRules.isHeaderName(name) {
                reader.fail(keyNode, headerPath, "not a valid HTTP header name")
            } else if text.contains(where: { $0.isNewline || $0 == "\0" }) {
                reader.fail(headerValue, headerPath, "a header value must not contain a newline or NUL")
            }
            headers.append(HTTPHeader(name: name, value: text))
        }
        return headers
    }

    /// `metrics: /metrics` or `metrics: { path, interval, headers, mapping }` (the same for `routing:`, without mapping).
    static func readSideEndpoint(_ node: Node, at path: String, withMapping: Bool, _ reader: inout YAMLReader) -> SideEndpoint? {
        if case .scalar = node {
            guard let text = reader.string(node, at: path) else { return nil }
            guard text.hasPrefix("/") else { reader.fail(node, path, "a path must start with /"); return nil }
            return SideEndpoint(path: text)
        }
        let allowed = withMapping ? sideEndpointKeys : sideEndpointKeys.subtracting(["mapping", "prometheus"]).union(RoutingMapping.keys)
        guard let pairs = reader.pairs(node, at: path, allowed: allowed) else { return nil }
        var endpoint = SideEndpoint(path: "")
        let readsPrometheus = pairs.contains { $0.0 == "prometheus" }
        for (key, _, value) in pairs {
            switch key {
            case "primary", "standby", "disabled", "enabled":
                guard let text = reader.string(value, at: "\(path).\(key)") else { continue }
                guard let bodyPath = BodyPath(text) else {
                    reader.fail(value, "\(path).\(key)", "expected a body path such as \"[BODY].primary\"")
                    continue
                }
                var roles = endpoint.roles ?? RoutingMapping()
                switch key {
                case "primary": roles.primary = bodyPath
                case "standby": roles.standby = bodyPath
                case "disabled": roles.disabled = bodyPath
                default: roles.enabled = bodyPath
                }
                endpoint.roles = roles
            case "providers":
                var roles = endpoint.roles ?? RoutingMapping()
                roles.providers = (reader.sequence(value, at: "\(path).providers") ?? []).compactMap { reader.string($0, at: "\(path).providers") }
                endpoint.roles = roles
            case "path":
                guard let text = reader.string(value, at: "\(path).path") else { continue }
                if !text.hasPrefix("/") { reader.fail(value, "\(path).path", "a path must start with /") }
                endpoint.path = text
            case "prometheus":
                guard let text = reader.string(value, at: "\(path).prometheus") else { continue }
                if let problem = PromQL.problem(inMatchers: text) { reader.fail(value, "\(path).prometheus", problem); continue }
                endpoint.matchers = text
                reader.promQLReferences.append((value, "\(path).prometheus"))
            case "interval": endpoint.interval = reader.duration(value, at: "\(path).interval")
            case "headers": endpoint.headers = readHeaders(value, at: "\(path).headers", &reader)
            default:
                guard let name = reader.string(value, at: "\(path).mapping") else { continue }
                endpoint.mapping = name
                reader.metricMappingReferences.append((name, value, "\(path).mapping"))
            }
        }
        if readsPrometheus {
            if !endpoint.path.isEmpty { reader.fail(node, path, "either path (the service's own /metrics) or prometheus (its series in Prometheus), not both") }
            return endpoint.matchers == nil ? nil : endpoint
        }
        guard !endpoint.path.isEmpty else {
            reader.fail(node, "\(path).path", "missing: the endpoint's path, e.g. /metrics")
            return nil
        }
        if let roles = endpoint.roles, roles.primary == nil, roles.standby == nil, roles.disabled == nil {
            reader.fail(node, path, "a routing mapping needs at least one of primary, standby, disabled (a [BODY] path)")
        }
        return endpoint
    }

    /// A context's `prometheus: http://prometheus:9090` or `prometheus: { url, headers }` (and `alertmanager:` the same).
    static func readAPIServer(_ node: Node, at path: String, example: String, _ reader: inout YAMLReader) -> APIServer? {
        var urlNode = node
        var headers: [HTTPHeader] = []
        if case .mapping = node {
            guard let pairs = reader.pairs(node, at: path, allowed: ["url", "headers"]) else { return nil }
            guard let found = pairs.first(where: { $0.0 == "url" }) else { reader.fail(node, "\(path).url", "missing: the server's URL, e.g. \(example)"); return nil }
            urlNode = found.2
            if let value = pairs.first(where: { $0.0 == "headers" })?.2 { headers = readHeaders(value, at: "\(path).headers", &reader) }
        }
        let urlPath = urlNode == node ? path : "\(path).url"
        guard let url = reader.string(urlNode, at: urlPath) else { return nil }
        if let problem = URLRules.problem(with: url) { reader.fail(urlNode, urlPath, problem); return nil }
        return APIServer(url: url.hasSuffix("/") ? String(url.dropLast()) : url, headers: headers)
    }

    /// Sets each Prometheus-read service's server and query, once the file's contexts and metric mappings are known.
    static func resolvePromQL(_ config: inout LookoutConfig, _ reader: inout YAMLReader) {
        let nodes = Dictionary(reader.promQLReferences.map { ($0.1, $0.0) }, uniquingKeysWith: { a, _ in a })
        for c in config.contexts.indices {
            for s in config.contexts[c].services.indices {
                guard let metrics = config.contexts[c].services[s].metrics, let matchers = metrics.matchers else { continue }
                let path = "contexts.\(config.contexts[c].name).services[\(s)].metrics.prometheus"
                let node = nodes[path]
                guard let server = config.contexts[c].prometheus else {
                    reader.fail(node, path, "context \(config.contexts[c].name) has no `prometheus:` server to send the query to")
                    continue
                }
                let mapping = metrics.mapping.flatMap { name in config.metricMappings.first { $0.name == name } ?? MetricMapping.preset(named: name) }
                config.contexts[c].services[s].metrics?.promQL = PromQLSource(server: server, query: PromQL.seriesQuery(matchers: matchers, mapping: mapping))
            }
        }
    }

    static let versionKeys: Set<String> = ["header", "path", "field", "headers", "interval", "stall-after"]

    /// `version: { header: X-App-Version }`, `version: { path: /version, field: "[BODY].git.commit", headers, interval }`,
    /// or `version: { field: … }` (in the health bodies); each with `stall-after:` (default 10m).
    static func readVersion(_ node: Node, at path: String, _ reader: inout YAMLReader) -> VersionConfig {
        var config = VersionConfig()
        guard let pairs = reader.pairs(node, at: path, allowed: versionKeys) else { return config }
        var endpoint: SideEndpoint?
        for (key, _, value) in pairs {
            let keyPath = "\(path).\(key)"
            switch key {
            case "header":
                guard let name = reader.string(value, at: keyPath) else { continue }
                if URLRules.isHeaderName(name) { config.header = name } else { reader.fail(value, keyPath, "not a valid HTTP header name") }
            case "path":
                guard let text = reader.string(value, at: keyPath) else { continue }
                if !text.hasPrefix("/") { reader.fail(value, keyPath, "a path must start with /") }
                endpoint = endpoint ?? SideEndpoint(path: "")
                endpoint?.path = text
            case "field":
                guard let text = reader.string(value, at: keyPath) else { continue }
                guard let field = BodyPath(text) else {
                    reader.fail(value, keyPath, "expected a body path such as \"[BODY].git.commit\"")
                    continue
                }
                config.field = field
            case "headers", "interval":
                endpoint = endpoint ?? SideEndpoint(path: "")
                if key == "headers" { endpoint?.headers = readHeaders(value, at: keyPath, &reader) }
                else { endpoint?.interval = reader.duration(value, at: keyPath) }
            default:
                if let stall = reader.duration(value, at: keyPath) { config.stallAfter = stall }
            }
        }
        if let endpoint {
            if endpoint.path.isEmpty { reader.fail(node, "\(path).path", "missing: headers and interval belong to a version endpoint's path") }
            else { config.endpoint = endpoint }
        }
        if config.header != nil, config.endpoint != nil || config.field != nil {
            reader.fail(node, "\(path).header", "a header is a source of its own: use either header, or path and field")
        }
        return config
    }

    /// `metric-mappings: { NAME: { base: litellm, provider-labels: [..], latency: [..], … } }`.
    static func readMetricMappings(_ node: Node, _ reader: inout YAMLReader) -> [MetricMapping] {
        var mappings: [MetricMapping] = []
        let allowed = Set(MetricMapping.configKeys + ["base"])
        for (name, _, entry) in reader.pairs(node, at: "metric-mappings", allowed: nil) ?? [] {
            let path = "metric-mappings.\(name)"
            guard let pairs = reader.pairs(entry, at: path, allowed: allowed) else { continue }
            var mapping = MetricMapping(name: name)
            if let base = pairs.first(where: { $0.0 == "base" }) {
                if let text = reader.string(base.2, at: "\(path).base") {
                    if let preset = MetricMapping.preset(named: text) {
                        mapping = preset
                        mapping.name = name
                    } else {
                        let known = MetricMapping.presets.map(\.name).joined(separator: ", ")
                        reader.fail(base.2, "\(path).base", "unknown preset \"\(SafeText.escape(text))\" (one of: \(known))")
                    }
                }
            }
            for (key, _, value) in pairs where key != "base" {
                let names: [String]
                if MetricMapping.singleValueKeys.contains(key), case .scalar = value {} else if MetricMapping.singleValueKeys.contains(key) {
                    reader.fail(value, "\(path).\(key)", "expected one label name")
                    continue
                }
                if case .scalar = value {
                    names = reader.string(value, at: "\(path).\(key)").map { [$0] } ?? []
                } else {
                    names = (reader.sequence(value, at: "\(path).\(key)") ?? []).compactMap { reader.string($0, at: "\(path).\(key)") }
                }
                _ = mapping.set(key, names)
            }
            mappings.append(mapping)
        }
        return mappings
    }
}
