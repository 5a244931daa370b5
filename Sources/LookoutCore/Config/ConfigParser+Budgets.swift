import Foundation
import Yams

extension ConfigParser {
    static let budgetKeys: Set<String> = ["name", "scope", "period", "limit-usd", "limit-tokens", "warn"]

    /// `time-zone:` of a context: an IANA name (Europe/Berlin, UTC).
    static func readTimeZone(_ node: Node, at path: String, _ reader: inout YAMLReader) -> TimeZone? {
        guard let text = reader.string(node, at: path) else { return nil }
        guard let zone = TimeZone(identifier: text) else {
            reader.fail(node, path, "unknown time zone \"\(SafeText.escape(text))\" (an IANA name such as UTC or Europe/Berlin)")
            return nil
        }
        return zone
    }

    /// `budgets:` of a context: a list of limits, each with its scope, period and amount.
    static func readBudgets(_ node: Node, at path: String, services: [String], _ reader: inout YAMLReader) -> [BudgetConfig] {
        var budgets: [BudgetConfig] = []
        for (index, item) in (reader.sequence(node, at: path) ?? []).enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let budget = readBudget(item, at: itemPath, services: services, &reader) else { continue }
            if budgets.contains(where: { $0.name == budget.name }) {
                reader.fail(item, "\(itemPath).name", "duplicate budget name \"\(SafeText.escape(budget.name))\"")
                continue
            }
            budgets.append(budget)
        }
        return budgets
    }

    private static func readBudget(_ node: Node, at path: String, services: [String], _ reader: inout YAMLReader) -> BudgetConfig? {
        guard let pairs = reader.pairs(node, at: path, allowed: budgetKeys) else { return nil }
        var values: [String: Node] = [:]
        for (key, _, value) in pairs { values[key] = value }
        let before = reader.issues.count
        var scope = BudgetConfig.Scope.all
        if let value = values["scope"], let text = reader.string(value, at: "\(path).scope") {
            if let parsed = BudgetConfig.Scope(key: text) {
                scope = parsed
                if case let .service(name) = parsed, !services.contains(name) {
                    reader.fail(value, "\(path).scope", "names no service of this context: \"\(SafeText.escape(name))\"")
                }
            } else {
                reader.fail(value, "\(path).scope", "expected all, provider:NAME, model:PROVIDER/MODEL or service:NAME")
            }
        }
        var period: BudgetConfig.Period?
        if let value = values["period"], let text = reader.string(value, at: "\(path).period") {
            period = BudgetConfig.Period(text: text)
            if period == nil {
                reader.fail(value, "\(path).period", "expected hour, day, week, month or rolling D (1m to 31d), got \"\(SafeText.escape(text))\"")
            }
        } else if values["period"] == nil {
            reader.fail(node, "\(path).period", "missing: hour, day, week, month or rolling D")
        }
        let limit = readLimit(values, of: node, at: path, &reader)
        var warnAt = [0.5, 0.8, 1.0]
        if let value = values["warn"] {
            let items = reader.sequence(value, at: "\(path).warn") ?? []
            let parsed = items.compactMap { $0.scalar.flatMap { Double($0.string) } }
            if parsed.count != items.count || parsed.isEmpty || parsed.contains(where: { $0 <= 0 || $0 > 1000 }) {
                reader.fail(value, "\(path).warn", "expected a list of percentages such as [50, 80, 100]")
            } else {
                warnAt = parsed.map { $0 / 100 }
            }
        }
        var name: String?
        if let value = values["name"] { name = reader.string(value, at: "\(path).name") }
        guard reader.issues.count == before, let period, let limit else { return nil }
        return BudgetConfig(name: name, scope: scope, period: period, limit: limit, warnAt: warnAt)
    }

    /// Exactly one of `limit-usd` and `limit-tokens`.
    private static func readLimit(_ values: [String: Node], of node: Node, at path: String, _ reader: inout YAMLReader) -> BudgetConfig.Limit? {
        switch (values["limit-usd"], values["limit-tokens"]) {
        case let (usd?, nil):
            guard let text = reader.string(usd, at: "\(path).limit-usd"), let amount = Double(text.replacingOccurrences(of: "$", with: "")),
                  amount >= 0, amount.isFinite else {
                reader.fail(usd, "\(path).limit-usd", "expected an amount of US dollars such as 200 or 12.50")
                return nil
            }
            return .usd(amount)
        case let (nil, tokens?):
            guard let text = reader.string(tokens, at: "\(path).limit-tokens"), let amount = Int(text), amount >= 0 else {
                reader.fail(tokens, "\(path).limit-tokens", "expected a whole number of tokens such as 2000000")
                return nil
            }
            return .tokens(amount)
        case (.some, .some):
            reader.fail(node, "\(path).limit-usd", "give limit-usd or limit-tokens, not both")
            return nil
        case (nil, nil):
            reader.fail(node, "\(path).limit-usd", "missing: limit-usd (dollars) or limit-tokens")
            return nil
        }
    }
}

extension ConfigParser {
    static let notifyKeys: Set<String> = ["name", "kind", "url", "headers", "severity", "rules"]

    /// `notify:` of a context: where alerts are sent.
    static func readNotify(_ node: Node, at path: String, _ reader: inout YAMLReader) -> [NotifyTarget] {
        var targets: [NotifyTarget] = []
        for (index, item) in (reader.sequence(node, at: path) ?? []).enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let pairs = reader.pairs(item, at: itemPath, allowed: notifyKeys) else { continue }
            var values: [String: Node] = [:]
            for (key, _, value) in pairs { values[key] = value }
            let before = reader.issues.count
            var kind = NotifyTarget.Kind.json
            if let value = values["kind"], let text = reader.string(value, at: "\(itemPath).kind") {
                if let parsed = NotifyTarget.Kind(rawValue: text) { kind = parsed } else {
                    reader.fail(value, "\(itemPath).kind", "expected slack, json or alertmanager")
                }
            }
            var url = ""
            if let value = values["url"], let text = reader.string(value, at: "\(itemPath).url") {
                url = text
                for secret in SecretReference.names(in: text) { reader.secretReferences.append((secret, value, "\(itemPath).url")) }
                // A URL that is itself a secret (a Slack webhook) is checked once resolved; a plain one now.
                if SecretReference.names(in: text).isEmpty, let problem = URLRules.problem(with: text) {
                    reader.fail(value, "\(itemPath).url", problem)
                }
            } else if values["url"] == nil {
                reader.fail(item, "\(itemPath).url", "missing: where to POST")
            }
            var severity = Alert.Severity.warning
            if let value = values["severity"], let text = reader.string(value, at: "\(itemPath).severity") {
                if let parsed = Alert.Severity(rawValue: text) { severity = parsed } else {
                    reader.fail(value, "\(itemPath).severity", "expected warning or critical")
                }
            }
            var rules: [Alert.Rule]?
            if let value = values["rules"] {
                let names = (reader.sequence(value, at: "\(itemPath).rules") ?? []).compactMap { $0.scalar?.string }
                let parsed = names.compactMap(Alert.Rule.init(rawValue:))
                if parsed.count != names.count || parsed.isEmpty {
                    reader.fail(value, "\(itemPath).rules", "expected a list of: \(Alert.Rule.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                rules = parsed
            }
            let headers = values["headers"].map { readHeaders($0, at: "\(itemPath).headers", &reader) } ?? []
            let name = values["name"].flatMap { reader.string($0, at: "\(itemPath).name") } ?? "\(kind.rawValue)-\(index + 1)"
            guard reader.issues.count == before else { continue }
            targets.append(NotifyTarget(name: name, kind: kind, url: url, headers: headers, minimumSeverity: severity, rules: rules))
        }
        return targets
    }
}

extension ConfigParser {
    /// `alert-rules:` of a context: per rule, `for` (how long the condition holds before firing) and `clear` (how long
    /// it stays away before resolving); what is not given keeps the built-in time.
    static func readAlertTimings(_ node: Node, at path: String, _ reader: inout YAMLReader) -> [Alert.Rule: AlertTiming] {
        var timings: [Alert.Rule: AlertTiming] = [:]
        let names = Set(Alert.Rule.allCases.map(\.rawValue))
        for (name, _, value) in reader.pairs(node, at: path, allowed: names) ?? [] {
            guard let rule = Alert.Rule(rawValue: name) else { continue }
            var timing = AlertTiming(pendingFor: rule.timing.pendingFor, clearFor: rule.timing.clearFor)
            for (key, _, durationNode) in reader.pairs(value, at: "\(path).\(name)", allowed: ["for", "clear"]) ?? [] {
                let keyPath = "\(path).\(name).\(key)"
                guard let text = reader.string(durationNode, at: keyPath) else { continue }
                guard let duration = DurationText.parse(text), duration >= .zero, duration <= .seconds(86_400) else {
                    reader.fail(durationNode, keyPath, "expected a duration from 0s to 24h, such as 2m")
                    continue
                }
                if key == "for" { timing.pendingFor = duration } else { timing.clearFor = duration }
            }
            timings[rule] = timing
        }
        return timings
    }
}
