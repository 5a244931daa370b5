import LookoutCore
import Yams

/// Reads a theme file: `palette:` names colours once, `slots:` styles each slot with palette names or colours.
/// Unknown slots are warnings; bad colours are errors naming file, line and key.
public enum ThemeParser {
    /// A parsed theme and the warnings met on the way.
    public struct Outcome: Sendable, Equatable {
        public var theme: Theme
        public var warnings: [ConfigIssue]
    }

    public static func parse(_ text: String, file: String) throws(ConfigErrors) -> Outcome {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigErrors([ConfigIssue(file: file, line: nil, key: "", message: "YAML syntax error: \(error)")])
        }
        guard case let .mapping(top)? = root else {
            throw ConfigErrors([ConfigIssue(file: file, line: root?.mark?.line, key: "", message: "expected a mapping")])
        }
        var errors: [ConfigIssue] = []
        var warnings: [ConfigIssue] = []
        var theme = Theme(name: "custom", styles: [:])
        var palette: [String: TermColor] = [:]

        func issue(_ node: Node, _ key: String, _ message: String) -> ConfigIssue {
            ConfigIssue(file: file, line: node.mark?.line, key: key, message: message)
        }
        if let name = top["name"]?.string { theme.name = name }
        if let terminal = top["terminal"] {
            guard case let .mapping(fields) = terminal else {
                throw ConfigErrors([issue(terminal, "terminal", "expected { fg: COLOUR, bg: COLOUR }: the terminal's own colours the theme is made for")])
            }
            for (key, value) in fields {
                let field = key.string ?? ""
                guard field == "fg" || field == "bg" else {
                    warnings.append(issue(key, "terminal.\(field)", "unknown field, ignored (fg, bg)"))
                    continue
                }
                guard let color = value.string.flatMap(TermColor.parse), color != .default else {
                    errors.append(issue(value, "terminal.\(field)", "not a colour: a name, bright-<name>, 0-255 or #rrggbb"))
                    continue
                }
                if field == "fg" { theme.terminalForeground = color } else { theme.terminalBackground = color }
            }
        }
        if case let .mapping(entries)? = top["palette"] {
            for (key, value) in entries {
                let name = key.string ?? ""
                if let color = value.string.flatMap(TermColor.parse) { palette[name] = color }
                else { errors.append(issue(value, "palette.\(name)", "not a colour: use a name, bright-<name>, 0-255, #rrggbb or default")) }
            }
        }
        func color(_ node: Node, _ key: String) -> TermColor? {
            let text = node.string ?? ""
            if let named = palette[text] ?? TermColor.parse(text) { return named }
            errors.append(issue(node, key, "unknown colour \"\(SafeText.escape(text))\" (not in the palette, not a colour name, 0-255 or #rrggbb)"))
            return nil
        }
        if case let .mapping(slots)? = top["slots"] {
            for (key, value) in slots {
                let name = key.string ?? ""
                guard let slot = StyleSlot(rawValue: name) else {
                    warnings.append(issue(key, "slots.\(name)", "unknown slot, ignored"))
                    continue
                }
                guard case let .mapping(fields) = value else {
                    errors.append(issue(value, "slots.\(name)", "expected a mapping such as { fg: green, bold: true }"))
                    continue
                }
                var style = SlotStyle()
                for (fieldKey, fieldValue) in fields {
                    let field = fieldKey.string ?? ""
                    let path = "slots.\(name).\(field)"
                    switch field {
                    case "fg": style.foreground = color(fieldValue, path) ?? .default
                    case "bg": style.background = color(fieldValue, path) ?? .default
                    case "bold", "reverse", "underline":
                        guard let flag = fieldValue.bool else {
                            errors.append(issue(fieldValue, path, "expected true or false"))
                            continue
                        }
                        if field == "bold" { style.bold = flag } else if field == "reverse" { style.reverse = flag } else { style.underline = flag }
                    default:
                        warnings.append(issue(fieldKey, path, "unknown field, ignored (fg, bg, bold, reverse, underline)"))
                    }
                }
                theme.styles[slot] = style
            }
        }
        if !errors.isEmpty { throw ConfigErrors(errors) }
        return Outcome(theme: theme, warnings: warnings)
    }
}
