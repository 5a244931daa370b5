import Foundation
import LookoutCore

/// Writes a configuration as the YAML `ConfigParser` reads (used by `demo --write-config`).
public enum DemoConfigWriter {
    public static func yaml(for config: LookoutConfig) -> String {
        var lines = ["# lookout configuration for the embedded demo fleet (lookout demo --fleet-only).",
                     "# Ports are picked when the fleet starts; rewrite this file when you restart it."]
        if let current = config.currentContext { lines.append("current-context: \(current)") }
        if !config.secrets.isEmpty {
            lines.append("secrets:")
            for (name, source) in config.secrets.sorted(by: { $0.key < $1.key }) {
                switch source {
                case let .environment(variable): lines.append("  \(name): { env: \(variable) }")
                case let .file(path): lines.append("  \(name): { file: \"\(path)\" }")
                case let .command(argv): lines.append("  \(name): { command: [\(argv.map { "\"\($0)\"" }.joined(separator: ", "))] }")
                }
            }
        }
        // The built-in dated table needs no section (and keeps its date on screen); other prices are written out.
        if !config.prices.isEmpty, config.prices.asOf == nil { lines.append(ExampleConfig.pricesYAML(config.prices).trimmingCharacters(in: .newlines)) }
        lines.append("contexts:")
        for context in config.contexts {
            lines.append("  \(context.name):")
            if context.timeZone.identifier != "UTC" { lines.append("    time-zone: \(context.timeZone.identifier)") }
            lines += budgetLines(context.budgets)
            lines.append("    services:")
            for service in context.services {
                lines.append("      - name: \(service.name)")
                if !service.platform.isEmpty { lines.append("        platform: \"\(service.platform)\"") }
                lines.append("        url: \(service.baseURL)")
                lines.append("        health: \(service.healthPath)")
                if let readiness = service.readinessPath { lines.append("        readiness: \(readiness)") }
                lines.append("        interval: \(DurationText.format(service.interval))")
                lines.append("        timeout: \(DurationText.format(service.timeout))")
                for (key, endpoint) in [("metrics", service.metrics), ("routing", service.routing)] {
                    guard let endpoint else { continue }
                    lines.append("        \(key):")
                    lines.append("          path: \(endpoint.path)")
                    if let mapping = endpoint.mapping { lines.append("          mapping: \(mapping)") }
                    if let interval = endpoint.interval { lines.append("          interval: \(DurationText.format(interval))") }
                    if !endpoint.headers.isEmpty {
                        lines.append("          headers:")
                        for header in endpoint.headers { lines.append("            \(header.name): \"\(header.value)\"") }
                    }
                    if let roles = endpoint.roles {
                        for (name, path) in [("primary", roles.primary), ("standby", roles.standby), ("disabled", roles.disabled),
                                             ("enabled", roles.enabled)] {
                            if let path { lines.append("          \(name): \(DemoRoutes.quoted(path.text))") }
                        }
                        if !roles.providers.isEmpty { lines.append("          providers: [\(roles.providers.joined(separator: ", "))]") }
                    }
                }
                if !service.actions.isEmpty {
                    lines.append("        actions:")
                    for action in service.actions { lines += actionLines(action) }
                }
                if !service.logs.isEmpty {
                    lines.append("        logs:")
                    for source in service.logs {
                        switch source.kind {
                        case let .file(path): lines.append("          - file: \"\(path)\"")
                        case let .command(argv): lines.append("          - command: [\(argv.map { "\"\($0)\"" }.joined(separator: ", "))]")
                        case let .http(url): lines.append("          - http: \(url)")
                        }
                        if let mapping = source.mapping { lines.append("            mapping: \(mapping)") }
                        if source.fromStart { lines.append("            from-start: true") }
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `budgets:` of a context, indented for it.
    static func budgetLines(_ budgets: [BudgetConfig]) -> [String] {
        guard !budgets.isEmpty else { return [] }
        var lines = ["    budgets:"]
        for budget in budgets {
            lines.append("      - name: \"\(budget.name)\"")
            lines.append("        scope: \"\(budget.scope.key)\"")
            lines.append("        period: \(budget.period)")
            switch budget.limit {
            case let .usd(amount): lines.append("        limit-usd: \(amount)")
            case let .tokens(amount): lines.append("        limit-tokens: \(amount)")
            }
            if budget.warnAt != [0.5, 0.8, 1.0] {
                lines.append("        warn: [\(budget.warnAt.map { String(format: "%g", $0 * 100) }.joined(separator: ", "))]")
            }
        }
        return lines
    }

    /// One action under `actions:`, indented for a service.
    static func actionLines(_ action: ActionConfig) -> [String] {
        var lines = ["          \(action.name):"]
        switch action.kind {
        case let .http(method, url, headers, body):
            lines += ["            kind: http", "            method: \(method)", "            url: \(DemoRoutes.quoted(url))"]
            if !headers.isEmpty {
                lines.append("            headers:")
                lines += headers.map { "              \($0.name): \(DemoRoutes.quoted($0.value))" }
            }
            if let body { lines.append("            body: \(DemoRoutes.quoted(body))") }
        case let .command(argv):
            lines += ["            kind: command", "            argv: [\(argv.map(DemoRoutes.quoted).joined(separator: ", "))]"]
        }
        lines.append("            dangerous: \(action.dangerous)")
        lines.append("            confirm: \(action.confirm.rawValue)")
        lines.append("            timeout: \(DurationText.format(action.timeout))")
        if let expect = action.expect { lines.append("            expect: \(expect)") }
        if let roles = action.roles {
            let words = ProviderRole.allCases.compactMap { role in roles[role].map { "\(role.rawValue): \(DemoRoutes.quoted($0))" } }
            lines.append("            roles: { \(words.joined(separator: ", ")) }")
        }
        if let followUp = action.followUp {
            lines.append("            follow-up: { watch: readiness, timeout: \(DurationText.format(followUp.timeout)) }")
        }
        return lines
    }
}
