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

    /// One column when every entry fits the height, else as many columns as it takes (each with its own key width,
    /// descriptions cut to the room): at 80x24 the last entries (`?`, `q`) are never off the box.
    public func render(in area: Rect, canvas: inout Canvas) {
        let entries = self.entries
        let rows = max(1, area.height - 4)
        let columns = max(1, min(3, (entries.count + rows - 1) / rows))
        let perColumn = (entries.count + columns - 1) / columns
        let groups = stride(from: 0, to: entries.count, by: max(1, perColumn)).map { Array(entries[$0..<min(entries.count, $0 + perColumn)]) }
        let natural = groups.map { group in
            (keys: group.map { DisplayWidth.of($0.keys) }.max() ?? 0, description: group.map { DisplayWidth.of($0.description) }.max() ?? 0)
        }
        let width = min(area.width, natural.reduce(0) { $0 + $1.keys + $1.description + 3 } + 4)
        let height = min(area.height, perColumn + 4)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + max(0, (area.height - height) / 2),
                       width: width, height: height)
        canvas.fill(box, with: Cell(" ", .dialog))
        Frame.draw(box, title: "Keys", canvas: &canvas)
        // Columns share the room in proportion to what they need.
        let needed = max(1, natural.reduce(0) { $0 + $1.keys + $1.description + 3 })
        var x = box.x + 2
        for (index, group) in groups.enumerated() {
            let room = index == groups.count - 1 ? box.maxX - 1 - x
                : (box.width - 4) * (natural[index].keys + natural[index].description + 3) / needed
            for (offset, entry) in group.enumerated() {
                let y = box.y + 2 + offset
                guard y < box.maxY - 1 else { break }
                canvas.write(TextLayout.pad(entry.keys, to: natural[index].keys), x: x, y: y, style: .key, maxWidth: max(0, room - 1))
                canvas.write(entry.description, x: x + natural[index].keys + 2, y: y, style: .dialog,
                             maxWidth: max(0, room - natural[index].keys - 3))
            }
            x += room
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
