import Foundation
import LookoutCore

/// The context's own Prometheus queries (`queries:`): a row per series with its value in the query's unit, its
/// trend, when it was read and what it crossed; a query Prometheus refused or could not answer says why in its row.
public struct QueriesTable {
    let rows: [QueryBoard.Row]
    let now: Date

    public init(rows: [QueryBoard.Row], now: Date) {
        self.rows = rows
        self.now = now
    }

    static let columns = [
        TableColumn("QUERY", width: 16, flex: 2),
        TableColumn("VALUE", width: 10, alignRight: true),
        TableColumn("TREND", width: Self.trendWidth, dropPriority: 2),
        TableColumn("READ", width: 5, alignRight: true, dropPriority: 1),
        TableColumn("", width: 14, flex: 3),
    ]

    /// Readings a trend shows: the last four minutes at 15 s a reading.
    static let trendWidth = 16

    /// Lines the table needs: its header and a row per series (one for a query without any).
    public var height: Int { 1 + rows.reduce(0) { $0 + max(1, $1.series.count) + ($1.omitted > 0 ? 1 : 0) } }

    public func render(in area: Rect, canvas: inout Canvas) {
        Table(columns: Self.columns, rows: cells, selected: nil).render(in: area, canvas: &canvas)
    }

    var cells: [[TableCell]] {
        rows.flatMap { row -> [[TableCell]] in
            let name = SafeText.escape(row.query.name)
            let read = TableCell(row.answeredAt.map { Format.age($0, now: now) } ?? "–", .dim)
            if row.series.isEmpty {
                let why: TableCell = if let problem = row.problem { TableCell(problem, .bad) }
                    else if row.triedAt == nil { TableCell("asking Prometheus…", .unknown) }
                    else { TableCell("no series (nothing matched)", .dim) }
                return [[TableCell(name, .normal), TableCell("–", .dim), TableCell("", .dim), read, why]]
            }
            var lines = row.series.map { series -> [TableCell] in
                let severity = row.query.severity(of: series.latest)
                let style = Format.style(severity)
                let values = series.history.map { $0.value.isFinite ? max(0, $0.value) : 0 }
                var note: TableCell
                switch severity {
                case .critical?: note = TableCell("critical " + (row.query.critical?.text(row.query.unit) ?? ""), .bad)
                case .warning?: note = TableCell("warn " + (row.query.warn?.text(row.query.unit) ?? ""), .warn)
                case nil: note = TableCell("", .dim)
                }
                // A failed reading keeps the values last read; why it failed rides beside them.
                if let problem = row.problem { note = TableCell(([note.text, "not read: " + problem].filter { !$0.isEmpty }).joined(separator: " · "), .warn) }
                else if let warning = row.warnings.first { note = TableCell(([note.text, warning].filter { !$0.isEmpty }).joined(separator: " · "), .warn) }
                // Narrow: the label values alone still tell the series apart (`llm calls openai`).
                let labelValues = series.labels.sorted { $0.key < $1.key }.map { SafeText.escape($0.value) }.joined(separator: ",")
                return [TableCell(name + series.labelText, style, shorter: labelValues.isEmpty ? [] : [name + " " + labelValues]),
                        TableCell(row.query.unit.format(series.latest), style),
                        TableCell(Sparkline.text(values, width: Self.trendWidth), style == .normal ? .dim : style), read, note]
            }
            if row.omitted > 0 {
                lines.append([TableCell("  +\(row.omitted) more series", .dim), TableCell("", .dim), TableCell("", .dim), TableCell("", .dim),
                              TableCell("shown: the first \(CustomQuery.seriesShown), those past a threshold first", .dim)])
            }
            return lines
        }
    }
}
