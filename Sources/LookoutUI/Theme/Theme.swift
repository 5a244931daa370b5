import Foundation

/// A terminal colour: the terminal's default, an index in the 256-colour palette (0–15 are the named ones), or an
/// RGB colour (`#rrggbb`, drawn as the nearest palette colour the terminal has).
public enum TermColor: Sendable, Equatable, Hashable {
    case `default`
    case index(Int)
    case rgb(UInt8, UInt8, UInt8)

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `default`, a colour name, `bright-<name>`, or a number 0–255.
    public static func parse(_ text: String) -> TermColor? {
        let lower = text.lowercased()
        if lower == "default" { return .default }
        if let index = names.firstIndex(of: lower) { return .index(index) }
        if lower.hasPrefix("bright-"), let index = names.firstIndex(of: String(lower.dropFirst(7))) { return .index(index + 8) }
        if let number = Int(lower), (0...255).contains(number) { return .index(number) }
        if lower.count == 7, lower.hasPrefix("#"), let value = UInt32(lower.dropFirst(), radix: 16) {
            return .rgb(UInt8(value >> 16), UInt8((value >> 8) & 0xff), UInt8(value & 0xff))
        }
        return nil
    }

    /// The colour's RGB as xterm's default palette draws it (the 16 named colours, the 6×6×6 cube, the grey ramp);
    /// nil for the terminal's default, which only the theme's `terminal:` assumption knows.
    public var rgb: (r: Int, g: Int, b: Int)? {
        switch self {
        case .default: return nil
        case let .rgb(r, g, b): return (Int(r), Int(g), Int(b))
        case let .index(index): return Self.xterm(index)
        }
    }

    static let named: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    static func xterm(_ index: Int) -> (r: Int, g: Int, b: Int) {
        if index < 16 { let c = named[max(0, index)]; return (c.0, c.1, c.2) }
        if index >= 232 { let v = 8 + 10 * (index - 232); return (v, v, v) }
        let levels = [0, 95, 135, 175, 215, 255]
        let i = index - 16
        return (levels[i / 36], levels[(i / 6) % 6], levels[i % 6])
    }

    /// The palette index nearest to this colour among the first `count` (16 or 256), by RGB distance.
    public func nearestIndex(among count: Int) -> Int? {
        guard let (r, g, b) = rgb else { return nil }
        if case let .index(index) = self, index < count { return index }
        return (0..<count).min { a, b2 in
            let x = Self.xterm(a), y = Self.xterm(b2)
            return (x.r - r) * (x.r - r) + (x.g - g) * (x.g - g) + (x.b - b) * (x.b - b)
                < (y.r - r) * (y.r - r) + (y.g - g) * (y.g - g) + (y.b - b) * (y.b - b)
        }
    }
}

/// WCAG 2 contrast between two colours (1…21): text needs 4.5:1, 7:1 for the enhanced level.
public enum Contrast {
    public static func ratio(_ a: (r: Int, g: Int, b: Int), _ b: (r: Int, g: Int, b: Int)) -> Double {
        let la = luminance(a), lb = luminance(b)
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    static func luminance(_ c: (r: Int, g: Int, b: Int)) -> Double {
        func channel(_ value: Int) -> Double {
            let s = Double(value) / 255
            return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
    }
}

/// How one slot looks.
public struct SlotStyle: Sendable, Equatable, Hashable {
    public var foreground: TermColor
    public var background: TermColor
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(_ foreground: TermColor = .default, on background: TermColor = .default,
                bold: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
    }
}

/// A named set of slot styles. Files override the built-in defaults slot by slot.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [StyleSlot: SlotStyle]
    /// What the terminal's own default colours are assumed to be (`terminal: { fg, bg }`): a light theme is made for
    /// a light background. Contrast is judged against them wherever a slot keeps the default.
    public var terminalForeground: TermColor = .index(7)
    public var terminalBackground: TermColor = .index(0)

    public init(name: String, styles: [StyleSlot: SlotStyle]) {
        self.name = name
        self.styles = styles
    }

    /// A slot's text and background as they look, the terminal's defaults filled in (reverse applied); nil when the
    /// theme draws no colour at all (monochrome: the terminal's own pair, whatever it is).
    public func drawnColors(_ slot: StyleSlot, selected: Bool = false) -> (fg: (r: Int, g: Int, b: Int), bg: (r: Int, g: Int, b: Int))? {
        let style = style(slot)
        guard let defaultFg = terminalForeground.rgb, let defaultBg = terminalBackground.rgb else { return nil }
        let fg = style.foreground.rgb ?? defaultFg, bg = style.background.rgb ?? defaultBg
        return style.reverse != selected ? (bg, fg) : (fg, bg)
    }

    /// The style of `slot`, falling back to the built-in default.
    public func style(_ slot: StyleSlot) -> SlotStyle {
        styles[slot] ?? Theme.builtIn.styles[slot] ?? SlotStyle()
    }

    /// The fallback theme, identical to `themes/default.yaml`; works on 16-colour terminals.
    public static let builtIn = Theme(name: "default", styles: [
        .normal: SlotStyle(),
        .dim: SlotStyle(.index(8)),
        .title: SlotStyle(.index(6), bold: true),
        .header: SlotStyle(.index(15), bold: true),
        .border: SlotStyle(.index(8)),
        .ok: SlotStyle(.index(2)),
        .warn: SlotStyle(.index(3), bold: true),
        .bad: SlotStyle(.index(9), bold: true),
        .unknown: SlotStyle(.index(13)),
        .key: SlotStyle(.index(6), bold: true),
        .hintBar: SlotStyle(.index(7), on: .index(4)),
        .dialog: SlotStyle(.index(7), on: .index(0)),
    ])
}
