import Yams

/// The top-level sections that are not contexts: `secrets:`, `prices:` and `keys:`.
extension ConfigParser {
    /// `secrets: { NAME: { env: VAR } | { file: PATH } | { command: [argv…] } }`.
    static func readSecrets(_ node: Node, _ reader: inout YAMLReader) -> [String: SecretSource] {
        var secrets: [String: SecretSource] = [:]
        for (name, _, entry) in reader.pairs(node, at: "secrets", allowed: nil) ?? [] {
            let path = "secrets.\(name)"
            guard let pairs = reader.pairs(entry, at: path, allowed: ["env", "file", "command"]), pairs.count == 1 else {
                reader.fail(entry, path, "give exactly one of `env`, `file` or `command`")
                continue
            }
            let (kind, _, value) = pairs[0]
            switch kind {
            case "env": if let variable = reader.string(value, at: "\(path).env") { secrets[name] = .environment(variable) }
            case "file": if let file = reader.string(value, at: "\(path).file") { secrets[name] = .file(file) }
            default:
                let argv = (reader.sequence(value, at: "\(path).command") ?? []).compactMap { reader.string($0, at: "\(path).command") }
                if argv.isEmpty { reader.fail(value, "\(path).command", "expected a non-empty argv list") } else { secrets[name] = .command(argv) }
            }
        }
        return secrets
    }

    /// `prices: { <provider>: { <model>: { input: USD per 1M tokens, output: USD per 1M tokens } } }`.
    static func readPrices(_ node: Node, _ reader: inout YAMLReader) -> PriceTable {
        var table = PriceTable()
        for (provider, _, models) in reader.pairs(node, at: "prices", allowed: nil) ?? [] {
            for (model, _, entry) in reader.pairs(models, at: "prices.\(provider)", allowed: nil) ?? [] {
                let path = "prices.\(provider).\(model)"
                var price = PriceTable.Price(inputPerMillion: 0, outputPerMillion: 0)
                var complete = true
                for side in ["input", "output"] {
                    guard case let .mapping(fields) = entry, let value = fields[side] else {
                        reader.fail(entry, path, "expected { input: <USD per 1M tokens>, output: <USD per 1M tokens> }")
                        complete = false
                        break
                    }
                    guard let number = reader.string(value, at: "\(path).\(side)").flatMap(Double.init), number >= 0, number.isFinite else {
                        reader.fail(value, "\(path).\(side)", "expected a price in USD per million tokens, such as 0.15")
                        complete = false
                        continue
                    }
                    if side == "input" { price.inputPerMillion = number } else { price.outputPerMillion = number }
                }
                if complete { table.prices[provider, default: [:]][model] = price }
            }
        }
        return table
    }

    /// `keys: { COMMAND: KEY or [KEY, …] }`: each command's keys replaced; unknown commands, unreadable keys and a key
    /// another command already has where both apply are errors on their line.
    static func readKeys(_ node: Node, _ reader: inout YAMLReader) -> [Command: [Key]] {
        var keys: [Command: [Key]] = [:]
        var lines: [Command: (Node, String)] = [:]
        for (name, keyNode, value) in reader.pairs(node, at: "keys", allowed: nil) ?? [] {
            let path = "keys.\(name)"
            guard let command = Command(configName: name) else {
                reader.fail(keyNode, path, "unknown command (one of: \(Command.allCases.map(\.configName).joined(separator: ", ")))")
                continue
            }
            let texts: [String]
            if case .scalar = value { texts = reader.string(value, at: path).map { [$0] } ?? [] }
            else { texts = (reader.sequence(value, at: path) ?? []).compactMap { reader.string($0, at: path) } }
            var parsed: [Key] = []
            for text in texts {
                if let key = Key.parse(text) { parsed.append(key) }
                else { reader.fail(value, path, "not a key: \"\(SafeText.escape(text))\" (a character, Ctrl-x, Alt-x, Enter, Esc, Tab, Space, Up, PgDn…)") }
            }
            guard !parsed.isEmpty else { continue }
            keys[command] = parsed
            lines[command] = (value, path)
        }
        for conflict in KeyMap.standard.overriding(keys).conflicts {
            guard let (node, path) = lines[conflict.command] else { continue }
            reader.fail(node, path, conflict.description)
        }
        return keys
    }

    /// `log-hygiene: off | on | [openai-key, email, prompt, …]` — what is masked in every log line (on: all but prompts).
    static func readLogHygiene(_ node: Node, at path: String, _ reader: inout YAMLReader) -> LogHygiene? {
        if let flag = node.bool { return flag ? .standard : .off }
        let names = LogHygiene.Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard case .sequence = node else {
            if let text = reader.string(node, at: path) {
                switch text {
                case "off": return .off
                case "on": return .standard
                default: reader.fail(node, path, "expected off, on or a list of: \(names)")
                }
            }
            return nil
        }
        var kinds: Set<LogHygiene.Kind> = []
        for item in reader.sequence(node, at: path) ?? [] {
            guard let name = reader.string(item, at: path) else { continue }
            guard let kind = LogHygiene.Kind(rawValue: name) else {
                reader.fail(item, path, "unknown kind \(SafeText.escape(name)); expected one of: \(names)")
                continue
            }
            kinds.insert(kind)
        }
        return LogHygiene(kinds: kinds)
    }
}
