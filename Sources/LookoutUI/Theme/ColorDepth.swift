/// How many colours the terminal draws: chosen once at start from terminfo's colour count, `COLORTERM` and
/// `NO_COLOR`, and used to turn every theme colour into one the terminal has (`Theme.resolved`).
public enum ColorDepth: String, Sendable, CaseIterable {
    /// No colour: attributes only (bold, reverse, underline). Every state also has a word or a symbol, so nothing
    /// is lost but the colour.
    case none
    /// The 16 named colours (an 8-colour terminal gets the bright half as bold).
    case sixteen = "16"
    /// xterm's 256-colour palette.
    case palette256 = "256"
    /// 24-bit colour (`COLORTERM=truecolor`): a theme's `#rrggbb` is kept as it is.
    case truecolor

    /// The depth of a terminal whose terminfo says `colors`, in `environment`: `NO_COLOR` (any non-empty value, per
    /// no-color.org) wins; `COLORTERM=truecolor|24bit` lifts a 256-colour terminal to 24 bits.
    public static func detect(colors: Int, environment: [String: String]) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        if colors < 8 { return .none }
        if colors >= 1 << 24 { return .truecolor }   // a direct-colour terminfo (xterm-direct)
        if colors >= 256 {
            let colorterm = environment["COLORTERM"]?.lowercased() ?? ""
            return colorterm == "truecolor" || colorterm == "24bit" ? .truecolor : .palette256
        }
        return .sixteen
    }
}

/// A slot's style as the terminal will draw it at one colour depth.
public struct ResolvedStyle: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// What a colour became: the terminal's default, a palette index, or 24-bit RGB.
    public enum Color: Sendable, Equatable, Hashable, CustomStringConvertible {
        case `default`
        case index(Int)
        case rgb(Int, Int, Int)

        public var description: String {
            switch self {
            case .default: return "-"
            case let .index(index): return "\(index)"
            case let .rgb(r, g, b):
                let hex = String((r << 16) | (g << 8) | b, radix: 16)
                return "#" + String(repeating: "0", count: 6 - hex.count) + hex
            }
        }
    }

    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool

    /// `fg 9 bg - bold`.
    public var description: String {
        var text = "fg \(foreground) bg \(background)"
        if bold { text += " bold" }
        if reverse { text += " reverse" }
        if underline { text += " underline" }
        return text
    }
}

extension Theme {
    /// `slot` as drawn at `depth`: colours turned into ones the terminal has (the nearest by RGB distance), or
    /// dropped without colour — attributes stay.
    public func resolved(_ slot: StyleSlot, at depth: ColorDepth) -> ResolvedStyle {
        let style = style(slot)
        func color(_ color: TermColor) -> ResolvedStyle.Color {
            switch (depth, color) {
            case (.none, _), (_, .default): return .default
            case let (.truecolor, .rgb(r, g, b)): return .rgb(Int(r), Int(g), Int(b))
            case (.truecolor, .index), (.palette256, _): return color.nearestIndex(among: 256).map { .index($0) } ?? .default
            case (.sixteen, _): return color.nearestIndex(among: 16).map { .index($0) } ?? .default
            }
        }
        return ResolvedStyle(foreground: color(style.foreground), background: color(style.background),
                             bold: style.bold, reverse: style.reverse, underline: style.underline)
    }
}
