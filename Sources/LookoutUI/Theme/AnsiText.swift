import LookoutCore

/// A canvas as text with ANSI SGR colours, in a theme — what `lookout themes --preview` prints, without curses.
public enum AnsiText {
    /// `canvas`, one line per row, each run of one style opened with its SGR sequence and closed with a reset.
    /// `colors`: 256 (RGB colours as the nearest index), 16, or 0 for attributes only.
    public static func render(_ canvas: Canvas, theme: Theme, colors: Int = 256) -> String {
        var out = ""
        for y in 0..<canvas.height {
            var x = 0
            while x < canvas.width {
                let style = canvas[x, y].style, highlighted = canvas[x, y].highlighted
                var run = ""
                while x < canvas.width, canvas[x, y].style == style, canvas[x, y].highlighted == highlighted {
                    if let character = canvas[x, y].character { run.append(character) }
                    x += 1
                }
                out += sgr(theme.style(style), reverse: highlighted, colors: colors) + run + "\u{1b}[0m"
            }
            out += "\n"
        }
        return out
    }

    static func sgr(_ style: SlotStyle, reverse: Bool, colors: Int) -> String {
        var codes: [String] = []
        if style.bold { codes.append("1") }
        if style.underline { codes.append("4") }
        if style.reverse != reverse { codes.append("7") }
        if colors > 0 {
            if let fg = style.foreground.nearestIndex(among: colors >= 256 ? 256 : 16) { codes.append("38;5;\(fg)") }
            if let bg = style.background.nearestIndex(among: colors >= 256 ? 256 : 16) { codes.append("48;5;\(bg)") }
        }
        return "\u{1b}[" + (codes.isEmpty ? "0" : codes.joined(separator: ";")) + "m"
    }
}
