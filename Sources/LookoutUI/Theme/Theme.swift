/// A terminal colour: the terminal's default or an index in the 256-colour palette (0–15 are the named ones).
public enum TermColor: Sendable, Equatable, Hashable {
    case `default`
    case index(Int)

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses `default`, a colour name, `bright-<name>`, or a number 0–255.
    public static func parse(_ text: String) -> TermColor? {
        let lower = text.lowercased()
        if lower == "default" { return .default }
        if let index = names.firstIndex(of: lower) { return .index(index) }
        if lower.hasPrefix("bright-"), let index = names.firstIndex(of: String(lower.dropFirst(7))) { return .index(index + 8) }
        if let number = Int(lower), (0...255).contains(number) { return .index(number) }
        return nil
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

    public init(name: String, styles: [StyleSlot: SlotStyle]) {
        self.name = name
        self.styles = styles
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
        .header: SlotStyle(.index(4), bold: true),
        .border: SlotStyle(.index(8)),
        .ok: SlotStyle(.index(2)),
        .warn: SlotStyle(.index(3), bold: true),
        .bad: SlotStyle(.index(1), bold: true),
        .unknown: SlotStyle(.index(5)),
        .key: SlotStyle(.index(6), bold: true),
        .hintBar: SlotStyle(.index(7), on: .index(4)),
        .dialog: SlotStyle(.index(7), on: .index(0)),
    ])
}
