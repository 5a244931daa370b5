import LookoutCore

/// What the dashboard draws when the terminal cannot show UTF-8 (`--ascii`, or a locale that is not UTF-8, as over
/// some bastions with `LANG=C`): every cell's character turned into one ASCII character of the same width, so layout
/// is unchanged — boxes become `+-|`, sparklines ` .:-=+*#`, markers `^ > + x`. Applied once, to the finished canvas.
public enum AsciiFallback {
    static let table: [Character: Character] = [
        "│": "|", "─": "-", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+", "┬": "+", "┴": "+", "┼": "+",
        "▁": ".", "▂": ".", "▃": ":", "▄": "-", "▅": "=", "▆": "+", "▇": "*", "█": "#",
        "░": ".", "▒": ":", "▓": "%", "▏": "|",
        "…": "~", "·": ".", "•": "*", "—": "-", "–": "-", "−": "-", "×": "x", "±": "~", "µ": "u", "§": "S",
        "→": ">", "←": "<", "↑": "^", "↓": "v", "▲": "^", "△": "^", "▼": "v", "✓": "+", "✗": "x", "≥": ">", "≤": "<",
    ]

    /// The ASCII stand-in for `character`: its own when ASCII, a table entry, else `?`.
    public static func character(_ character: Character) -> Character {
        if character.isASCII { return character }
        return table[character] ?? "?"
    }

    /// `canvas` with every character ASCII; the right half of a wide character becomes a second `?`.
    public static func canvas(_ canvas: Canvas) -> Canvas {
        var out = canvas
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                out[x, y].character = canvas[x, y].character.map(character) ?? "?"
            }
        }
        return out
    }
}
