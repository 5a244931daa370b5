import LookoutCore

/// A prompt's line as typed, with the cursor (`▏`, in the key colour) where the next character goes; long lines keep
/// the cursor in view. Escaped: what is typed may come from a paste.
struct PromptLine {
    let editor: LineEditor

    init(_ editor: LineEditor) { self.editor = editor }

    /// The line and its cursor as one string (for texts drawn in one style).
    var plain: String { SafeText.escape(editor.shown) }

    /// Draws at `x`, `y` in at most `maxWidth` columns; returns the columns used.
    @discardableResult
    func draw(x: Int, y: Int, maxWidth: Int, canvas: inout Canvas) -> Int {
        let characters = Array(editor.text)
        var before = SafeText.escape(String(characters[..<editor.cursor]))
        let after = SafeText.escape(String(characters[editor.cursor...]))
        // The cursor stays visible: a line longer than the room loses its start, not its cursor.
        let room = max(1, maxWidth - 1)
        if DisplayWidth.of(before) > room { before = "…" + String(before.suffix(room - 1)) }
        var cx = x
        cx += canvas.write(before, x: cx, y: y, style: .normal, maxWidth: room)
        cx += canvas.write("▏", x: cx, y: y, style: .key)
        cx += canvas.write(after, x: cx, y: y, style: .normal, maxWidth: max(0, x + maxWidth - cx))
        return cx - x
    }
}
