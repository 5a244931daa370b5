import LookoutCore

/// The `?` overlay: every binding active on the current screen, generated from the key map that dispatches them.
public struct HelpView {
    let keyMap: KeyMap
    let screen: ScreenKind

    public init(keyMap: KeyMap, screen: ScreenKind) {
        self.keyMap = keyMap
        self.screen = screen
    }

    /// Lines of (keys, description) shown, in key-map order.
    public var entries: [(keys: String, description: String)] {
        keyMap.bindings(on: screen).map { binding in
            (binding.keys.map(\.description).joined(separator: " "), binding.description)
        }
    }

    public func render(in area: Rect, canvas: inout Canvas) {
        let entries = self.entries
        let keysWidth = entries.map { DisplayWidth.of($0.keys) }.max() ?? 0
        let descWidth = entries.map { DisplayWidth.of($0.description) }.max() ?? 0
        let width = min(area.width, keysWidth + descWidth + 7)
        let height = min(area.height, entries.count + 4)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + max(0, (area.height - height) / 2),
                       width: width, height: height)
        canvas.fill(box, with: Cell(" ", .dialog))
        Frame.draw(box, title: "Keys", canvas: &canvas)
        for (offset, entry) in entries.enumerated() {
            let y = box.y + 2 + offset
            guard y < box.maxY - 1 else { break }
            canvas.write(TextLayout.pad(entry.keys, to: keysWidth), x: box.x + 2, y: y, style: .key)
            canvas.write(entry.description, x: box.x + 4 + keysWidth, y: y, style: .dialog, maxWidth: box.maxX - (box.x + 5 + keysWidth))
        }
    }
}

/// A box-drawing frame with a title, in UTF-8 lines (see NOTES-C-INTEROP: ACS glyphs are unreliable in tmux).
enum Frame {
    static func draw(_ rect: Rect, title: String, canvas: inout Canvas) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let horizontal = String(repeating: "─", count: rect.width - 2)
        canvas.write("┌" + horizontal + "┐", x: rect.x, y: rect.y, style: .dialog)
        canvas.write("└" + horizontal + "┘", x: rect.x, y: rect.maxY - 1, style: .dialog)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            canvas.write("│", x: rect.x, y: y, style: .dialog)
            canvas.write("│", x: rect.maxX - 1, y: y, style: .dialog)
        }
        canvas.write(" \(title) ", x: rect.x + 2, y: rect.y, style: .title, maxWidth: rect.width - 4)
    }
}
