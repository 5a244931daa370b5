import Yams

/// `actions:` of a service, and a context's `readonly` / `protected`.
extension ConfigParser {
    static let actionKeys: Set<String> = ["kind", "method", "url", "headers", "body", "argv", "dangerous", "confirm",
                                          "timeout", "expect", "follow-up", "roles"]

    /// `actions: { NAME: { kind: http, method, url, headers, body | kind: command, argv; dangerous, confirm, timeout,
    /// expect, follow-up: { timeout } } }`.
    static func readActions(_ node: Node, at path: String, _ reader: inout YAMLReader) -> [ActionConfig] {
        var actions: [ActionConfig] = []
        for (name, keyNode, entry) in reader.pairs(node, at: path, allowed: nil) ?? [] {
            if let action = readAction(named: name, keyNode, entry, at: "\(path).\(name)", &reader) { actions.append(action) }
        }
        return actions
    }

    /// One action: its kind (with every template checked for unknown variables and secret references), then its
    /// options; nil when anything in it was wrong (each problem recorded with its line).
    static func readAction(named name: String, _ keyNode: Node, _ entry: Node, at actionPath: String,
                           _ reader: inout YAMLReader) -> ActionConfig? {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            reader.fail(keyNode, actionPath, "an action name is letters, digits, - and _")
            return nil
        }
        guard let pairs = reader.pairs(entry, at: actionPath, allowed: actionKeys) else { return nil }
        var values: [String: Node] = [:]
        for (key, _, value) in pairs { values[key] = value }
        let before = reader.issues.count
        var templates: [(String, Node, String)] = []   // text, node, key path: checked for unknown variables
        let kind = readActionKind(values, entry, at: actionPath, templates: &templates, &reader)
        for (template, node, keyPath) in templates {
            for unknown in ActionTemplate.unknownVariables(in: template) {
                reader.fail(node, keyPath, "unknown template variable {{\(SafeText.escape(unknown))}} (known: \(ActionTemplate.variables.sorted().joined(separator: ", ")))")
            }
            for secret in SecretReference.names(in: template) where !keyPath.contains(".headers.") {
                reader.secretReferences.append((secret, node, keyPath))
            }
        }
        guard let kind else { return nil }
        var action = ActionConfig(name: name, kind: kind)
        readActionOptions(values, at: actionPath, into: &action, &reader)
        return reader.issues.count == before ? action : nil
    }

    /// `kind: http` (method, url, headers, body) or `kind: command` (argv); every text that may hold a template is
    /// added to `templates`.
    static func readActionKind(_ values: [String: Node], _ entry: Node, at actionPath: String,
                               templates: inout [(String, Node, String)], _ reader: inout YAMLReader) -> ActionConfig.Kind? {
        func text(_ key: String) -> String? {
            guard let node = values[key], let value = reader.string(node, at: "\(actionPath).\(key)") else { return nil }
            templates.append((value, node, "\(actionPath).\(key)"))
            return value
        }
        let kindText = values["kind"].flatMap { reader.string($0, at: "\(actionPath).kind") } ?? (values["argv"] != nil ? "command" : "http")
        var kind: ActionConfig.Kind?
        switch kindText {
        case "http":
            guard let url = text("url") else {
                reader.fail(entry, "\(actionPath).url", "missing: the request's URL, e.g. \"{{url}}/admin/failover\"")
                return nil
            }
            if !(url.hasPrefix("{{url}}") || url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://")) {
                reader.fail(values["url"], "\(actionPath).url", "must start with http://, https:// or {{url}}")
            }
            let method = (text("method") ?? "POST").uppercased()
            if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) {
                reader.fail(values["method"], "\(actionPath).method", "expected GET, POST, PUT, PATCH or DELETE")
            }
            var headers: [HTTPHeader] = []
            if let node = values["headers"] {
                headers = readHeaders(node, at: "\(actionPath).headers", &reader)
                if case let .mapping(mapping) = node {
                    for (key, value) in mapping { templates.append((value.string ?? "", value, "\(actionPath).headers.\(key.string ?? "")")) }
                }
            }
            kind = .http(method: method, url: url, headers: headers, body: text("body"))
        case "command":
            let argvNode = values["argv"]
            let argv = argvNode.flatMap { reader.sequence($0, at: "\(actionPath).argv") }?.enumerated().compactMap { index, node -> String? in
                let value = reader.string(node, at: "\(actionPath).argv[\(index)]")
                if let value { templates.append((value, node, "\(actionPath).argv[\(index)]")) }
                return value
            } ?? []
            if argv.isEmpty { reader.fail(argvNode ?? entry, "\(actionPath).argv", "missing: the command as a list, e.g. [kubectl, rollout, restart, \"deployment/{{service}}\"]") }
            else if argv[0].contains("{{") { reader.fail(argvNode, "\(actionPath).argv[0]", "the program itself cannot be a template") }
            kind = .command(argv: argv)
        default:
            reader.fail(values["kind"], "\(actionPath).kind", "expected http or command")
        }
        return kind
    }

    /// `dangerous`, `confirm`, `timeout`, `expect`, `follow-up` and `roles`.
    static func readActionOptions(_ values: [String: Node], at actionPath: String, into action: inout ActionConfig,
                                  _ reader: inout YAMLReader) {
        if let node = values["dangerous"] {
            if let flag = node.bool { action.dangerous = flag } else { reader.fail(node, "\(actionPath).dangerous", "expected true or false") }
        }
        if let node = values["confirm"], let value = reader.string(node, at: "\(actionPath).confirm") {
            if let confirm = ActionConfig.Confirmation(rawValue: value == "true" ? "yes" : value) { action.confirm = confirm }
            else { reader.fail(node, "\(actionPath).confirm", "expected yes or type-name") }
        }
        if let node = values["timeout"], let timeout = reader.duration(node, at: "\(actionPath).timeout") { action.timeout = timeout }
        if let node = values["expect"], let value = reader.string(node, at: "\(actionPath).expect") {
            if let code = Int(value), (0...599).contains(code) { action.expect = code }
            else { reader.fail(node, "\(actionPath).expect", "expected an HTTP status or an exit code") }
        }
        if let node = values["follow-up"] {
            var timeout = Duration.seconds(300)
            for (key, _, value) in reader.pairs(node, at: "\(actionPath).follow-up", allowed: ["watch", "timeout"]) ?? [] {
                if key == "timeout", let d = reader.duration(value, at: "\(actionPath).follow-up.timeout") { timeout = d }
                if key == "watch", reader.string(value, at: "\(actionPath).follow-up.watch") != "readiness" {
                    reader.fail(value, "\(actionPath).follow-up.watch", "only readiness can be watched")
                }
            }
            action.followUp = .init(timeout: timeout)
        }
        if let node = values["roles"] { action.roles = readRoles(node, at: "\(actionPath).roles", &reader) }
    }

    /// `roles: [primary]` (what the API can do) or `roles: { primary: primary, disabled: down }` (and the word
    /// `{{role}}` becomes for each).
    static func readRoles(_ node: Node, at path: String, _ reader: inout YAMLReader) -> [ProviderRole: String]? {
        var roles: [ProviderRole: String] = [:]
        func role(_ text: String, _ at: Node) -> ProviderRole? {
            guard let role = ProviderRole(rawValue: text) else {
                reader.fail(at, path, "unknown role \"\(SafeText.escape(text))\" (primary, standby, disabled)")
                return nil
            }
            return role
        }
        if case .sequence = node {
            for item in reader.sequence(node, at: path) ?? [] {
                if let text = reader.string(item, at: path), let role = role(text, item) { roles[role] = role.rawValue }
            }
        } else {
            for (key, keyNode, value) in reader.pairs(node, at: path, allowed: nil) ?? [] {
                guard let role = role(key, keyNode), let word = reader.string(value, at: "\(path).\(key)") else { continue }
                do throws(ActionTemplateError) { try ActionTemplate.check("role", word) } catch {
                    reader.fail(value, "\(path).\(key)", "role word \(error.problem)")
                }
                roles[role] = word
            }
        }
        if roles.isEmpty { reader.fail(node, path, "name at least one role: primary, standby or disabled") }
        return roles
    }
}
