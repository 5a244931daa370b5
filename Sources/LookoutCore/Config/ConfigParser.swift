import Yams

/// Turns configuration text into a `LookoutConfig`, or every problem found, each with file, line and key.
public enum ConfigParser {
    static let topKeys: Set<String> = ["current-context", "contexts", "log-buffer", "log-buffer-mb", "mappings", "metric-mappings", "prices", "secrets", "keys"]
    static let contextKeys: Set<String> = ["services", "readonly", "protected", "budgets", "time-zone", "notify", "slo", "alert-rules", "theme", "log-hygiene", "prometheus", "alertmanager", "discover", "queries"]
    static let serviceKeys: Set<String> = ["name", "platform", "url", "health", "readiness",
                                           "interval", "timeout", "headers", "logs", "failure-threshold",
                                           "success-threshold", "conditions", "tls", "redirects", "deep",
                                           "metrics", "routing", "actions", "version"]
    static let tlsKeys: Set<String> = ["ca-file", "insecure"]
    static let logKeys: Set<String> = ["file", "command", "http", "mapping", "from-start"]

    /// Parses and validates `text`; `file` is only used to name the file in issues.
    public static func parse(_ text: String, file: String) throws(ConfigErrors) -> LookoutConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigErrors([syntaxIssue(error, file: file)])
        } catch {
            throw ConfigErrors([ConfigIssue(file: file, line: nil, key: "", message: "\(error)")])
        }
        guard let root else {
            throw ConfigErrors([ConfigIssue(file: file, line: nil, key: "", message: "the file is empty")])
        }
        var reader = YAMLReader(file: file)
        let config = readConfig(root, &reader)
        // In file order, whatever order the sections were read in.
        if !reader.issues.isEmpty {
            throw ConfigErrors(reader.issues.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
                .map(\.element))
        }
        return config
    }

    private static func readConfig(_ root: Node, _ reader: inout YAMLReader) -> LookoutConfig {
        var config = LookoutConfig(contexts: [])
        var contextsNode: Node?
        for (key, _, value) in reader.pairs(root, at: "", allowed: topKeys) ?? [] {
            switch key {
            case "mappings": config.mappings = MappingConfigParser.read(value, &reader)
            case "metric-mappings": config.metricMappings = readMetricMappings(value, &reader)
            case "prices": config.prices = readPrices(value, &reader)
            case "secrets": config.secrets = readSecrets(value, &reader)
            case "current-context": config.currentContext = reader.string(value, at: key)
            case "keys": config.keys = readKeys(value, &reader)
            case "log-buffer":
                if let text = reader.string(value, at: key), let size = Int(text), (100...10_000_000).contains(size) {
                    config.logBuffer = size
                } else {
                    reader.fail(value, key, "expected a number of records between 100 and 10000000")
                }
            case "log-buffer-mb":
                if let text = reader.string(value, at: key), let size = Int(text), (1...65_536).contains(size) {
                    config.logBufferBytes = size << 20
                } else {
                    reader.fail(value, key, "expected a number of megabytes between 1 and 65536")
                }
            default: contextsNode = value
            }
        }
        guard let contextsNode else {
            reader.fail(root, "contexts", "missing: list at least one context with its services")
            return config
        }
        for (name, keyNode, value) in reader.pairs(contextsNode, at: "contexts", allowed: nil) ?? [] {
            if let context = readContext(name: name, keyNode: keyNode, value, &reader) {
                config.contexts.append(context)
            }
        }
        if let current = config.currentContext, !config.contexts.contains(where: { $0.name == current }) {
            reader.fail(root, "current-context", "names no context in `contexts`")
        }
        for (name, node, path) in reader.secretReferences where config.secrets[name] == nil {
            reader.fail(node, path, "refers to ${secret:\(SafeText.escape(name))}, which `secrets:` does not define")
        }
        // Sources may name mappings defined anywhere in the file: checked once everything is read.
        for (name, node, path) in reader.mappingReferences where config.mapping(named: name) == nil {
            let known = (config.mappings.map(\.name) + LogMapping.presets.map(\.name)).joined(separator: ", ")
            reader.fail(node, path, "unknown mapping \"\(SafeText.escape(name))\" (one of: \(known))")
        }
        for (name, node, path) in reader.metricMappingReferences
        where !config.metricMappings.contains(where: { $0.name == name }) && MetricMapping.preset(named: name) == nil {
            let known = (config.metricMappings.map(\.name) + MetricMapping.presets.map(\.name)).joined(separator: ", ")
            reader.fail(node, path, "unknown metric mapping \"\(SafeText.escape(name))\" (one of: \(known))")
        }
        resolvePromQL(&config, &reader)
        resolveDiscovery(&config, &reader)
        return config
    }

    private static func readContext(name: String, keyNode: Node, _ node: Node,
                                    _ reader: inout YAMLReader) -> ContextConfig? {
        let path = "contexts.\(name)"
        var context = ContextConfig(name: name, services: [])
        var sawServices = false
        var budgetsNode: Node?
        var queries: (read: [(CustomQuery, Node)], node: Node)?
        for (key, _, value) in reader.pairs(node, at: path, allowed: contextKeys) ?? [] {
            if key == "readonly" || key == "protected" {
                guard let flag = value.bool else { reader.fail(value, "\(path).\(key)", "expected true or false"); continue }
                if key == "readonly" { context.readonly = flag } else { context.protected = flag }
                continue
            }
            if key == "theme" {
                guard let theme = reader.string(value, at: "\(path).theme") else { continue }
                if theme.isEmpty || theme.contains("/") { reader.fail(value, "\(path).theme", "expected a theme's name, such as light") }
                else { context.theme = theme }
                continue
            }
            if key == "time-zone" {
                if let zone = readTimeZone(value, at: "\(path).time-zone", &reader) { context.timeZone = zone }
                continue
            }
            if key == "budgets" {
                budgetsNode = value
                continue
            }
            if key == "slo" {
                for (sloKey, _, sloValue) in reader.pairs(value, at: "\(path).slo", allowed: ["availability", "latency-p95"]) ?? [] {
                    let sloPath = "\(path).slo.\(sloKey)"
                    if sloKey == "latency-p95" {
                        if let objective = reader.duration(sloValue, at: sloPath) { context.latencyObjective = objective }
                        continue
                    }
                    guard let text = reader.string(sloValue, at: sloPath), let percent = Double(text.replacingOccurrences(of: "%", with: "")),
                          percent > 0, percent < 100 else {
                        reader.fail(sloValue, sloPath, "expected a percentage between 0 and 100, such as 99.5")
                        continue
                    }
                    context.availabilityObjective = percent / 100
                }
                continue
            }
            if key == "log-hygiene" {
                if let hygiene = readLogHygiene(value, at: "\(path).log-hygiene", &reader) { context.logHygiene = hygiene }
                continue
            }
            if key == "alert-rules" {
                context.alertTimings = readAlertTimings(value, at: "\(path).alert-rules", &reader)
                continue
            }
            if key == "notify" {
                context.notify = readNotify(value, at: "\(path).notify", &reader)
                continue
            }
            if key == "queries" {
                queries = (readQueries(value, at: "\(path).queries", &reader), value)
                continue
            }
            if key == "discover" {
                context.discover = readDiscover(value, at: "\(path).discover", &reader)
                reader.promQLReferences.append((value, "\(path).discover"))
                continue
            }
            if key == "prometheus" || key == "alertmanager" {
                let server = readAPIServer(value, at: "\(path).\(key)", example: key == "prometheus" ? "http://prometheus:9090" : "http://alertmanager:9093", &reader)
                if key == "prometheus" { context.prometheus = server } else { context.alertmanager = server }
                continue
            }
            sawServices = true
            for (index, serviceNode) in (reader.sequence(value, at: "\(path).services") ?? []).enumerated() {
                let servicePath = "\(path).services[\(index)]"
                guard let service = readService(serviceNode, at: servicePath, &reader) else { continue }
                if context.services.contains(where: { $0.name == service.name }) {
                    reader.fail(serviceNode, "\(servicePath).name", "duplicate service name \"\(service.name)\"")
                }
                context.services.append(service)
            }
        }
        if !sawServices { reader.fail(keyNode, path, "missing key `services`") }
        // Read after the services, whatever the order in the file: a budget may name one of them.
        if let budgetsNode {
            context.budgets = readBudgets(budgetsNode, at: "\(path).budgets", services: context.services.map(\.name), &reader)
        }
        if let queries { resolveQueries(queries.read, node: queries.node, into: &context, &reader) }
        return context
    }

    /// One service: each group of keys read by its own step, every problem recorded with its line; nil when any was.
    private static func readService(_ node: Node, at path: String, _ reader: inout YAMLReader) -> ServiceConfig? {
        guard let pairs = reader.pairs(node, at: path, allowed: serviceKeys) else { return nil }
        var service = ServiceConfig(name: "", baseURL: "")
        var values: [String: Node] = [:]
        for (key, _, value) in pairs { values[key] = value }
        let issuesBefore = reader.issues.count
        readIdentity(values, of: node, at: path, into: &service, &reader)
        readProbing(values, of: node, at: path, into: &service, &reader)
        readThresholds(values, of: node, at: path, into: &service, &reader)
        if let value = values["headers"] { service.headers = readHeaders(value, at: "\(path).headers", &reader) }
        if let value = values["metrics"] { service.metrics = readSideEndpoint(value, at: "\(path).metrics", withMapping: true, &reader) }
        if let value = values["routing"] { service.routing = readSideEndpoint(value, at: "\(path).routing", withMapping: false, &reader) }
        if let value = values["actions"] { service.actions = readActions(value, at: "\(path).actions", &reader) }
        if let value = values["version"] { service.version = readVersion(value, at: "\(path).version", &reader) }
        readDeep(values, of: node, at: path, into: &service, &reader)
        readTransport(values, of: node, at: path, into: &service, &reader)
        readConditionsAndLogs(values, of: node, at: path, into: &service, &reader)
        return reader.issues.count == issuesBefore ? service : nil
    }

    /// `name`, `url` (required) and `platform`.
    private static func readIdentity(_ values: [String: Node], of node: Node, at path: String, into service: inout ServiceConfig,
                               _ reader: inout YAMLReader) {
        if let value = values["name"], let name = reader.string(value, at: "\(path).name") {
            if name.isEmpty || name.contains(where: { $0.isWhitespace || $0.isNewline }) {
                reader.fail(value, "\(path).name", "a service name must be non-empty, without spaces")
            }
            service.name = name
        } else if values["name"] == nil {
            reader.fail(node, "\(path).name", "missing")
        }
        if let value = values["url"], let url = reader.string(value, at: "\(path).url") {
            if let problem = URLRules.problem(with: url) { reader.fail(value, "\(path).url", problem) }
            service.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        } else if values["url"] == nil {
            reader.fail(node, "\(path).url", "missing: the service's base URL, e.g. https://chat.example.com")
        }
        if let value = values["platform"], let platform = reader.string(value, at: "\(path).platform") {
            service.platform = platform
        }
    }

    /// Paths, interval and timeout of the probes (a timeout longer than the interval is refused).
    private static func readProbing(_ values: [String: Node], of node: Node, at path: String, into service: inout ServiceConfig,
                               _ reader: inout YAMLReader) {
        if let value = values["health"], case .mapping = value {
            service.healthQuery = readHealthQuery(value, at: "\(path).health", &reader)
        } else if let value = values["health"], let health = reader.string(value, at: "\(path).health") {
            if !health.hasPrefix("/") { reader.fail(value, "\(path).health", "a path must start with /") }
            service.healthPath = health
        }
        if let value = values["readiness"] {
            if case let .scalar(scalar) = value, scalar.string.isEmpty || scalar.string == "null" || scalar.string == "~" {
                service.readinessPath = nil
            } else if let readiness = reader.string(value, at: "\(path).readiness") {
                if !readiness.hasPrefix("/") { reader.fail(value, "\(path).readiness", "a path must start with /") }
                service.readinessPath = readiness
            }
        }
        if let value = values["interval"], let interval = reader.duration(value, at: "\(path).interval") {
            service.interval = interval
        }
        if let value = values["timeout"], let timeout = reader.duration(value, at: "\(path).timeout") {
            service.timeout = timeout
        }
        if service.timeout > service.interval {
            reader.fail(values["timeout"] ?? node, "\(path).timeout",
                        "longer than the interval (\(DurationText.format(service.interval))): probes would overlap")
        }
    }

    /// `failure-threshold` and `success-threshold`: probes in a row, 1 to 100.
    private static func readThresholds(_ values: [String: Node], of node: Node, at path: String, into service: inout ServiceConfig,
                               _ reader: inout YAMLReader) {
        for key in ["failure-threshold", "success-threshold"] {
            guard let value = values[key], let text = reader.string(value, at: "\(path).\(key)") else { continue }
            guard let number = Int(text), (1...100).contains(number) else {
                reader.fail(value, "\(path).\(key)", "expected a number of probes between 1 and 100")
                continue
            }
            if key == "failure-threshold" { service.failureThreshold = number } else { service.successThreshold = number }
        }
    }

    /// `deep:` — a costly check on its own schedule, at most once a minute.
    private static func readDeep(_ values: [String: Node], of node: Node, at path: String, into service: inout ServiceConfig,
                               _ reader: inout YAMLReader) {
        if let value = values["deep"], let pairs = reader.pairs(value, at: "\(path).deep", allowed: ["path", "interval", "timeout"]) {
            var deep = DeepProbe(path: "")
            for (key, _, entry) in pairs {
                switch key {
                case "path":
                    if let text = reader.string(entry, at: "\(path).deep.path") {
                        if !text.hasPrefix("/") { reader.fail(entry, "\(path).deep.path", "a path must start with /") }
                        deep.path = text
                    }
                case "interval": if let d = reader.duration(entry, at: "\(path).deep.interval") { deep.interval = d }
                default: if let d = reader.duration(entry, at: "\(path).deep.timeout") { deep.timeout = d }
                }
            }
            if deep.path.isEmpty { reader.fail(value, "\(path).deep.path", "missing: the deep check's path, e.g. /health") }
            else if deep.interval < .seconds(60) {
                reader.fail(value, "\(path).deep.interval", "a costly probe runs at most once a minute (it may call an LLM on every run)")
            } else { service.deep = deep }
        }
    }

    /// `redirects:` and `tls:`.
    private static func readTransport(_ values: [String: Node], of node: Node, at path: String, into service: inout ServiceConfig,
                               _ reader: inout YAMLReader) {
        if let value = values["redirects"], let text = reader.string(value, at: "\(path).redirects") {
            if let policy = RedirectPolicy(rawValue: text) { service.redirects = policy }
            else { reader.fail(value, "\(path).redirects", "expected same-host, any or none") }
        }
        if let value = values["tls"] {
            for (key, _, entry) in reader.pairs(value, at: "\(path).tls", allowed: tlsKeys) ?? [] {
                if key == "ca-file" {
                    service.caFile = reader.string(entry, at: "\(path).tls.ca-file")
                } else if let flag = entry.bool {
                    service.insecure = flag
                } else {
                    reader.fail(entry, "\(path).tls.insecure", "expected true or false")
                }
            }
        }
    }

    /// Gatus-style `conditions:` and the `logs:` sources.
    private static func readConditionsAndLogs(_ values: [String: Node], of node: Node, at path: String, into service: inout ServiceConfig,
                               _ reader: inout YAMLReader) {
        if let value = values["conditions"] {
            for (index, node) in (reader.sequence(value, at: "\(path).conditions") ?? []).enumerated() {
                guard let text = reader.string(node, at: "\(path).conditions[\(index)]") else { continue }
                do { service.conditions.append(try Condition(text)) } catch {
                    reader.fail(node, "\(path).conditions[\(index)]", "\(error.description): \"\(SafeText.escape(text))\"")
                }
            }
        }
        if let value = values["logs"] {
            for (index, node) in (reader.sequence(value, at: "\(path).logs") ?? []).enumerated() {
                if let source = readLogSource(node, at: "\(path).logs[\(index)]", &reader) { service.logs.append(source) }
            }
        }
    }

    private static func readLogSource(_ node: Node, at path: String, _ reader: inout YAMLReader) -> LogSourceConfig? {
        guard let pairs = reader.pairs(node, at: path, allowed: logKeys) else { return nil }
        var values: [String: Node] = [:]
        for (key, _, value) in pairs { values[key] = value }
        var kind: LogSourceConfig.Kind?
        let given = ["file", "command", "http"].filter { values[$0] != nil }
        if given.count > 1 {
            reader.fail(node, path, "give one of `file`, `command` or `http`, not \(given.joined(separator: " and "))")
            return nil
        }
        if let value = values["http"] {
            guard let url = reader.string(value, at: "\(path).http") else { return nil }
            if let problem = URLRules.problem(with: url) { reader.fail(value, "\(path).http", problem) } else { kind = .http(url: url) }
        }
        switch (values["file"], values["command"]) {
        case (nil, nil) where values["http"] != nil:
            break
        case let (file?, nil):
            if let text = reader.string(file, at: "\(path).file") {
                if text.isEmpty { reader.fail(file, "\(path).file", "an empty path") } else { kind = .file(path: text) }
            }
        case let (nil, command?):
            let argv = (reader.sequence(command, at: "\(path).command") ?? []).compactMap { reader.string($0, at: "\(path).command") }
            if argv.isEmpty || argv[0].isEmpty {
                reader.fail(command, "\(path).command", "expected a non-empty argv list such as [kubectl, logs, -f, deploy/chat-api] (no shell)")
            } else {
                kind = .command(argv: argv)
            }
        case (_?, _?):
            reader.fail(node, path, "give either `file` or `command`, not both")
        case (nil, nil):
            reader.fail(node, path, "missing `file` (a path or glob), `command` (an argv list) or `http` (a streaming URL)")
        }
        var mapping: String?
        if let value = values["mapping"], let name = reader.string(value, at: "\(path).mapping") {
            reader.mappingReferences.append((name, value, "\(path).mapping"))
            mapping = name
        }
        var fromStart = false
        if let value = values["from-start"] {
            guard let flag = value.bool else {
                reader.fail(value, "\(path).from-start", "expected true or false")
                return nil
            }
            fromStart = flag
        }
        return kind.map { LogSourceConfig(kind: $0, mapping: mapping, fromStart: fromStart) }
    }

    private static func syntaxIssue(_ error: YamlError, file: String) -> ConfigIssue {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return ConfigIssue(file: file, line: mark.line, key: "", message: "YAML syntax error: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return ConfigIssue(file: file, line: context.mark.line, key: duplicates.joined(separator: ", "),
                               message: "duplicate key")
        default:
            return ConfigIssue(file: file, line: nil, key: "", message: "YAML error: \(error)")
        }
    }
}
