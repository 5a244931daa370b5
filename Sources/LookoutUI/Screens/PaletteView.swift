import LookoutCore

/// The `:` palette, over the top of the current screen: the line typed, then the best matches, the chosen one under
/// the selection bar, each with what it is.
public struct PaletteView {
    let palette: CommandPalette
    let matches: [PaletteEntry]

    public init(palette: CommandPalette, matches: [PaletteEntry]) {
        self.palette = palette
        self.matches = matches
    }

    /// Matches shown at most.
    static let shownMatches = 8

    public func render(in area: Rect, canvas: inout Canvas) {
        let width = min(area.width - 2, 72)
        let listed = min(Self.shownMatches, matches.count)
        let height = min(area.height, 3 + max(1, listed))
        guard width >= 20, height >= 3 else { return }
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y, width: width, height: height)
        canvas.fill(box, with: Cell(" ", .dialog))
        Frame.draw(box, title: "Command  ↑↓ choose · Tab complete · Enter run · Esc close", canvas: &canvas)
        var x = box.x + 2
        x += canvas.write(":", x: x, y: box.y + 1, style: .key)
        PromptLine(palette.editor).draw(x: x, y: box.y + 1, maxWidth: box.maxX - 2 - x, canvas: &canvas)
        guard listed > 0 else {
            canvas.write("no match", x: box.x + 2, y: box.y + 2, style: .dim, maxWidth: width - 4)
            return
        }
        // The selection stays on screen: the list scrolls by whole pages of matches.
        let rows = max(1, height - 3)
        let first = (palette.selection / rows) * rows
        for (offset, entry) in matches.dropFirst(first).prefix(rows).enumerated() {
            let y = box.y + 2 + offset
            let kindWidth = 9
            canvas.write(entry.label, x: box.x + 2, y: y, style: .dialog, maxWidth: width - 5 - kindWidth)
            canvas.write(TextLayout.pad(entry.kind, to: kindWidth, alignRight: true), x: box.maxX - 2 - kindWidth, y: y, style: .dim)
            if first + offset == palette.selection { canvas.highlight(Rect(x: box.x + 1, y: y, width: width - 2, height: 1)) }
        }
        if matches.count > first + rows {
            canvas.write(" \(matches.count - first - rows) more ", x: box.maxX - 12, y: box.maxY - 1, style: .dim)
        }
    }
}
