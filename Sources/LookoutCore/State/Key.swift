/// A key press as the terminal backend decodes it.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backspace, delete
    /// Alt (Meta) with a key: the terminal sends ESC and the key together.
    case alt(Character)
    /// A mouse event, when the dashboard runs with `--mouse`.
    case mouse(MouseEvent)

    /// The label used in help and hint bars.
    public var description: String {
        switch self {
        case .mouse: return "mouse"
        case .char(" "): return "Space"
        case let .char(c): return String(c)
        case let .ctrl(c): return "Ctrl-\(c.uppercased())"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case let .alt(c): return "Alt-\(c)"
        }
    }
}

/// What the mouse did: a click at a cell (0-based), or the wheel.
public enum MouseEvent: Hashable, Sendable {
    case click(x: Int, y: Int)
    case wheelUp, wheelDown
}
