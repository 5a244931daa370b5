import Foundation
import LookoutCore

/// The Logs screen: every source's records, newest at the bottom, with level colours, the filter line,
/// pause state, source status, and the selected record as pretty JSON on Enter.
public struct LogsView {
    let logs: LogViewState

    public init(logs: LogViewState) { self.logs = logs }

    /// Draws the screen; returns the record rows the list showed.
    @discardableResult
    public func render(in area: Rect, canvas: inout Canvas) -> Int {
        guard area.height >= 4 else { return 1 }
        var x = area.x
        x += canvas.write(" Logs", x: x, y: area.y, style: .title)
        let shown = logs.visible
        x += canvas.write("  \(shown.count) shown · \(logs.lines.count) of \(logs.nextSequence) kept", x: x, y: area.y, style: .dim)
        if logs.skipped > 0 { x += canvas.write(" · \(logs.skipped) skipped", x: x, y: area.y, style: .warn) }
        if logs.malformed > 0 { x += canvas.write(" · \(logs.malformed) malformed", x: x, y: area.y, style: .warn) }
        if logs.masked > 0 { x += canvas.write(" · \(logs.masked) masked", x: x, y: area.y, style: .bad) }
        if logs.isPaused {
            x += canvas.write("  PAUSED", x: x, y: area.y, style: .warn)
            x += canvas.write(" (\(logs.newWhilePaused) new)", x: x, y: area.y, style: .warn)
        } else {
            x += canvas.write("  following", x: x, y: area.y, style: .ok)
        }
        filterLine(area: area, canvas: &canvas)

        let statusRows = min(logs.sourceStatus.count, max(1, area.height / 6))
        let listArea = Rect(x: area.x + 1, y: area.y + 2, width: area.width - 2, height: area.height - 2 - statusRows)
        if let detail = logs.detail, let line = logs.line(detail) {
            RecordDetail(line: line).render(in: listArea, canvas: &canvas)
        } else {
            // Where the visible rows sit in the whole list, at the title line's right end.
            if let hint = list(shown, in: listArea, canvas: &canvas) {
                canvas.write(hint, x: area.maxX - DisplayWidth.of(hint), y: area.y, style: .key)
            }
        }
        for (offset, entry) in logs.sourceStatus.sorted(by: { $0.key < $1.key }).prefix(statusRows).enumerated() {
            let style: StyleSlot = entry.value.hasPrefix("following") ? .dim : .warn
            canvas.write(" " + SafeText.escape("\(entry.key) — \(entry.value)"), x: area.x, y: area.maxY - statusRows + offset,
                         style: style, maxWidth: area.width)
        }
        return max(1, listArea.height - 1)
    }

    private func filterLine(area: Rect, canvas: inout Canvas) {
        let y = area.y + 1
        if let editor = logs.filterEditor {
            var x = area.x + 1
            x += canvas.write("/", x: x, y: y, style: .key)
            x += PromptLine(editor).draw(x: x, y: y, maxWidth: max(1, area.width - 40), canvas: &canvas)
            if let error = logs.filterError {
                canvas.write("  " + SafeText.escape(error), x: x, y: y, style: .bad, maxWidth: area.maxX - x)
            } else {
                canvas.write("  Enter apply · Esc cancel", x: x, y: y, style: .dim, maxWidth: area.maxX - x)
            }
        } else if let filter = logs.filter {
            canvas.write(" filter: " + SafeText.escape(filter.source), x: area.x, y: y, style: .key, maxWidth: area.width)
        } else {
            canvas.write(" no filter — / to filter by text, provider:openai, level>=warn, /regex/", x: area.x, y: y, style: .dim,
                         maxWidth: area.width)
        }
    }

    static let columns = [
        TableColumn("TIME", width: 12),
        TableColumn("LEVEL", width: 5),
        TableColumn("SERVICE", width: 10, dropPriority: 2),
        TableColumn("PROVIDER", width: 9, dropPriority: 1),
        TableColumn("LATENCY", width: 7, alignRight: true, dropPriority: 3),
        TableColumn("MESSAGE", width: 20, flex: 1),
    ]

    /// Draws the rows that end at the selected (or newest) line; returns the position hint when they do not all fit.
    private func list(_ shown: [Int], in area: Rect, canvas: inout Canvas) -> String? {
        let rows = max(0, area.height - 1)
        let current = logs.current
        let end = current.flatMap { shown.firstIndex(of: $0) }.map { $0 + 1 } ?? shown.count
        let start = max(0, end - rows)
        let window = shown[start..<end]
        let table = Table(columns: Self.columns, rows: window.compactMap { logs.line($0) }.map(Self.row),
                          selected: current.flatMap { window.firstIndex(of: $0) }.map { $0 - start })
        table.render(in: area, canvas: &canvas)
        if shown.isEmpty {
            let note = logs.filter != nil ? "no record matches the filter" : "no log records yet"
            canvas.write(note, x: area.x + 1, y: area.y + 2, style: .dim)
        }
        return Table.positionHint(first: start, visible: rows, total: shown.count)
    }

    static func row(_ line: LogLine) -> [TableCell] {
        let r = line.record
        let style: StyleSlot = r.isMalformed ? .warn : r.level >= .error || r.isError ? .bad : r.level == .warn ? .warn
            : r.level == .debug || r.level == .trace ? .dim : .normal
        let summary: String
        if r.isMalformed {
            summary = "malformed: " + (r.message.map { $0 + ": " } ?? "") + r.raw
        } else if r.isLLMCall {
            var parts = [r.model ?? "", r.status ?? "", r.httpStatus.map { "HTTP \($0)" } ?? "",
                         r.errorClass.map { $0.rawValue } ?? ""]
            if let i = r.inputTokens, let o = r.outputTokens { parts.append("\(i)→\(o) tok") }
            if let ttft = r.timeToFirstTokenMs { parts.append("ttft " + Format.millis(ttft)) }
            if let cost = r.costUSD { parts.append("$" + NumberText.fixed(cost, 5)) }
            // The line's own message beside the call summary (first line only: tracebacks stay in the detail view).
            if let message = r.message?.split(separator: "\n").first { parts.append(String(message.prefix(300))) }
            summary = parts.filter { !$0.isEmpty }.joined(separator: " · ")
        } else {
            summary = r.message ?? r.raw
        }
        return [
            TableCell(SafeText.escape(LogTime.clock(r.time)), .dim),
            TableCell(r.isMalformed ? "RAW" : r.level.description, style),
            TableCell(SafeText.escape(r.service ?? line.service), .dim),
            TableCell(SafeText.escape(r.provider ?? "")),
            TableCell(r.latencyMs.map(Format.millis) ?? ""),
            TableCell(SafeText.escape(summary), style == .normal ? .normal : style),
        ]
    }

}

/// One record: its fields, then its raw line as pretty-printed JSON (or as text), escaped.
struct RecordDetail {
    let line: LogLine

    func render(in area: Rect, canvas: inout Canvas) {
        let r = line.record
        var lines = ["mapping \(r.mapping) · service \(r.service ?? line.service) · level \(r.level)"
                        + (r.provider.map { " · provider \($0)" } ?? "") + (r.errorClass.map { " · error: \($0.rawValue)" } ?? "")]
        lines.append("")
        if let data = r.raw.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data),
           let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) {
            lines += String(decoding: pretty, as: UTF8.self).split(separator: "\n").map(String.init)
        } else {
            lines.append(r.raw)
        }
        for (offset, text) in lines.prefix(area.height).enumerated() {
            canvas.write(SafeText.escape(text), x: area.x, y: area.y + offset, style: offset == 0 ? .title : .normal, maxWidth: area.width)
        }
    }
}
