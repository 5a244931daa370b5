extension Key {
    /// Parses a key as the configuration and help write it: one character (`R`, `:`), `Space`, `Enter`, `Esc`, `Tab`,
    /// `Backspace`, `Del`, `Up`/`Down`/`Left`/`Right`, `PgUp`/`PgDn`, `Home`/`End`, `Ctrl-x`, `Alt-x`.
    public static func parse(_ text: String) -> Key? {
        if text.count == 1, let c = text.first { return .char(c) }
        let lower = text.lowercased()
        let named: [String: Key] = ["space": .char(" "), "enter": .enter, "return": .enter, "esc": .escape, "escape": .escape,
                                    "tab": .tab, "backspace": .backspace, "del": .delete, "delete": .delete, "up": .up,
                                    "down": .down, "left": .left, "right": .right, "pgup": .pageUp, "pageup": .pageUp,
                                    "pgdn": .pageDown, "pagedown": .pageDown, "home": .home, "end": .end]
        if let key = named[lower] { return key }
        for (prefix, make) in [("ctrl-", { Key.ctrl($0) }), ("alt-", { Key.alt($0) })] as [(String, (Character) -> Key)] {
            if lower.hasPrefix(prefix), text.count == prefix.count + 1, let c = text.last {
                return make(prefix == "ctrl-" ? Character(c.lowercased()) : c)
            }
        }
        return nil
    }
}

extension Command {
    /// The command's name in the configuration's `keys:` (kebab-case: `redeploy`, `open-palette`, `move-down`).
    public var configName: String {
        rawValue.reduce(into: "") { name, c in name += c.isUppercase ? "-" + c.lowercased() : String(c) }
    }

    public init?(configName: String) {
        guard let command = Command.allCases.first(where: { $0.configName == configName }) else { return nil }
        self = command
    }
}

/// A key given to a command that another command already has where both apply.
public struct KeyConflict: Sendable, Equatable, CustomStringConvertible {
    public var key: Key
    public var command: Command
    public var other: Command
    public var screen: ScreenKind

    public var description: String {
        "\(key) is also \(other.configName) on the \(screen.rawValue) screen; give one of them another key"
    }
}

extension KeyMap {
    /// The map with each command in `overrides` on the keys given instead of its own (every binding of it, so help
    /// and the hint bar follow), and the conflicts that makes: a new key that another command has on a screen where
    /// both apply.
    public func overriding(_ overrides: [Command: [Key]]) -> (map: KeyMap, conflicts: [KeyConflict]) {
        var map = self
        for index in map.bindings.indices {
            if let keys = overrides[map.bindings[index].command] { map.bindings[index].keys = keys }
        }
        var conflicts: [KeyConflict] = []
        for binding in map.bindings where overrides[binding.command] != nil {
            for other in map.bindings where other.command != binding.command {
                for screen in ScreenKind.allCases where binding.applies(to: screen) && other.applies(to: screen) {
                    for key in binding.keys where other.keys.contains(key) {
                        let conflict = KeyConflict(key: key, command: binding.command, other: other.command, screen: screen)
                        if !conflicts.contains(where: { $0.key == key && $0.command == conflict.command && $0.other == conflict.other }) {
                            conflicts.append(conflict)
                        }
                    }
                }
            }
        }
        return (map, conflicts)
    }
}
