/// A column of a `Table`: a title and how wide it may be.
public struct TableColumn: Sendable, Equatable {
    public var title: String
    /// Minimum width; flexible columns share what is left.
    public var width: Int
    /// Extra share of the free width (0 = fixed).
    public var flex: Int
    public var alignRight: Bool
    /// Dropped first (highest first) when the area is too narrow for every column's minimum.
    public var dropPriority: Int

    public init(_ title: String, width: Int, flex: Int = 0, alignRight: Bool = false, dropPriority: Int = 0) {
        self.title = title
        self.width = width
        self.flex = flex
        self.alignRight = alignRight
        self.dropPriority = dropPriority
    }
}

/// One table cell: text (already escaped) and its style.
public struct TableCell: Sendable, Equatable {
    public var text: String
    public var style: StyleSlot
    /// Shorter wordings, longest first, for when `text` does not fit the column: the first that fits is drawn
    /// (`2.0.3→2.1.0 1:1`, then `mixed 1:1`, for `2.0.3→2.1.0 mixed 1:1`).
    public var shorter: [String]

    public init(_ text: String, _ style: StyleSlot = .normal, shorter: [String] = []) {
        self.text = text
        self.style = style
        self.shorter = shorter
    }

    /// The wording that fits `width`: the text, else the first shorter one that fits, else the shortest.
    func fitting(_ width: Int) -> String {
        guard !shorter.isEmpty, DisplayWidth.of(text) > width else { return text }
        return shorter.first { DisplayWidth.of($0) <= width } ?? shorter.last!
    }
}

/// A scrolling table with a header row and a selection bar.
public struct Table: Sendable {
    public var columns: [TableColumn]
    public var rows: [[TableCell]]
    public var selected: Int?
    public var scroll: Int

    public init(columns: [TableColumn], rows: [[TableCell]], selected: Int? = nil, scroll: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.selected = selected
        self.scroll = scroll
    }

    /// The first row to draw so that `selected` is visible in an area of `height` lines (one is the header),
    /// starting from `hint` (the state's remembered offset) and moving it as little as needed: the view owns the
    /// viewport, whatever page height the reducer assumed.
    public static func scroll(keeping selected: Int?, from hint: Int = 0, rows: Int, height: Int) -> Int {
        let visible = max(1, height - 1)
        guard rows > visible else { return 0 }
        var first = min(max(0, hint), rows - visible)
        if let selected {
            if selected < first { first = selected }
            if selected >= first + visible { first = selected - visible + 1 }
        }
        return min(max(0, first), rows - visible)
    }

    /// ` rows 12–24 of 140 `: where the visible rows sit in the whole list; nil when every row fits.
    public static func positionHint(first: Int, visible: Int, total: Int) -> String? {
        guard total > visible else { return nil }
        return " rows \(first + 1)–\(min(total, first + visible)) of \(total) "
    }

    /// Column widths for `width` cells (one space between columns); dropped columns get width 0. Columns take their
    /// width from their content (the title and every row, at least their minimum): while even the minimums do not fit,
    /// columns drop by priority; then fixed columns grow to their content (`100.0`, not `100…`), flexible ones share
    /// what is left up to theirs, and only a flexible last column takes the rest (a table never pads a name column
    /// to 110 cells).
    public func layout(width: Int) -> [Int] {
        let content = columns.indices.map { index in
            rows.reduce(max(columns[index].width, DisplayWidth.of(columns[index].title))) { widest, row in
                index < row.count ? max(widest, DisplayWidth.of(row[index].text)) : widest
            }
        }
        var kept = Array(columns.indices)
        func needed(_ indices: [Int]) -> Int { indices.reduce(0) { $0 + columns[$1].width } + max(0, indices.count - 1) }
        while needed(kept) > width, let drop = kept.filter({ columns[$0].dropPriority > 0 })
                .max(by: { columns[$0].dropPriority < columns[$1].dropPriority }) {
            kept.removeAll { $0 == drop }
        }
        // Still too wide with every droppable column gone: the last columns go too, whole — a clipped cell can lie
        // (`25ms` cut to `25m` reads as 25 minutes). The first column stays, shortened with `…` if it must be.
        while needed(kept) > width, kept.count > 1 { kept.removeLast() }
        var widths = columns.indices.map { kept.contains($0) ? columns[$0].width : 0 }
        var free = max(0, width - needed(kept))
        for index in kept.filter({ columns[$0].flex == 0 }).sorted(by: { content[$0] - columns[$0].width < content[$1] - columns[$1].width }) {
            let grow = min(free, content[index] - widths[index])
            widths[index] += grow
            free -= grow
        }
        var wanting = kept.filter { columns[$0].flex > 0 && widths[$0] < content[$0] }
        while free > 0, !wanting.isEmpty {
            let shares = wanting.reduce(0) { $0 + columns[$1].flex }
            var given = 0
            for index in wanting {
                let grow = min(content[index] - widths[index], max(1, free * columns[index].flex / shares), free - given)
                widths[index] += grow
                given += grow
            }
            free -= given
            wanting = wanting.filter { widths[$0] < content[$0] }
            if given == 0 { break }
        }
        if free > 0, let last = kept.last, columns[last].flex > 0 { widths[last] += free }
        return widths
    }

    /// Draws the header on the first row of `area` and as many rows as fit below it.
    public func render(in area: Rect, canvas: inout Canvas) {
        guard area.height > 0, area.width > 0 else { return }
        let widths = layout(width: area.width)
        canvas.fill(area)
        drawRow(columns.map { TableCell($0.title, .header) }, widths: widths, y: area.y, x: area.x, canvas: &canvas)
        let visible = max(0, area.height - 1)
        for offset in 0..<visible {
            let index = scroll + offset
            guard rows.indices.contains(index) else { break }
            let y = area.y + 1 + offset
            drawRow(rows[index], widths: widths, y: y, x: area.x, canvas: &canvas)
            if index == selected {
                canvas.highlight(Rect(x: area.x, y: y, width: area.width, height: 1))
            }
        }
    }

    private func drawRow(_ cells: [TableCell], widths: [Int], y: Int, x: Int, canvas: inout Canvas) {
        var column = x
        for (index, width) in widths.enumerated() where width > 0 {
            let cell = index < cells.count ? cells[index] : TableCell("")
            let text = TextLayout.pad(cell.fitting(width), to: width, alignRight: columns[index].alignRight)
            canvas.write(text, x: column, y: y, style: cell.style, maxWidth: width)
            column += width + 1
        }
    }
}

/// A screen's selectable list: the table under the title line, scrolled to keep the selection on screen, the
/// position hint (`rows 12–24 of 140`) at the title line's right end, and a line saying why it is empty.
struct ScreenList {
    let columns: [TableColumn]
    let rows: [[TableCell]]
    let selection: Int
    /// What an empty list shows instead.
    let empty: String

    /// Draws in `area` (its first line is the screen's title, left as it is) with the table in `tableArea` (default:
    /// the rest, inset by a column); returns the data rows shown, which the reducer pages by.
    func render(in area: Rect, tableArea: Rect? = nil, canvas: inout Canvas) -> Int {
        let tableArea = tableArea ?? Rect(x: area.x + 1, y: area.y + 1, width: area.width - 2, height: area.height - 1)
        let selected = rows.isEmpty ? nil : min(selection, rows.count - 1)
        let first = Table.scroll(keeping: selected, rows: rows.count, height: tableArea.height)
        Table(columns: columns, rows: rows, selected: selected, scroll: first).render(in: tableArea, canvas: &canvas)
        let visible = max(1, tableArea.height - 1)
        if let hint = Table.positionHint(first: first, visible: visible, total: rows.count) {
            canvas.write(hint, x: area.maxX - DisplayWidth.of(hint), y: area.y, style: .key)
        }
        if rows.isEmpty { canvas.write(empty, x: area.x + 2, y: area.y + 3, style: .dim, maxWidth: area.width - 4) }
        return visible
    }
}
