import LookoutCore

/// The Actions screen (`6`): the audit log, newest first — intents and results, who, where, what, how it ended.
public struct ActionsView {
    let state: AppState

    public init(state: AppState) { self.state = state }

    /// Draws the screen; returns the audit rows the table showed.
    @discardableResult
    public func render(in area: Rect, canvas: inout Canvas) -> Int {
        var x = area.x
        x += canvas.write(" Actions", x: x, y: area.y, style: .title)
        x += canvas.write(state.readOnly ? "  read-only: no action can run" : "  audit log, newest first", x: x, y: area.y,
                          style: state.readOnly ? .warn : .dim)
        let columns = [
            TableColumn("TIME", width: 8),
            TableColumn("PHASE", width: 6),
            TableColumn("USER", width: 8, dropPriority: 2),
            TableColumn("SERVICE", width: 10, flex: 1),
            TableColumn("ACTION", width: 28, flex: 1),
            TableColumn("RESULT", width: 17),
            TableColumn("REQUEST", width: 20, flex: 4, dropPriority: 1),
        ]
        let rows = state.audit.reversed().map { record -> [TableCell] in
            let clock = record.time.count >= 19 ? String(record.time.dropFirst(11).prefix(8)) : record.time
            var action = record.action
            if let provider = record.provider { action += " \(provider)" }
            if let role = record.role { action += "→\(role)" }
            if record.dryRun { action += " (dry)" }
            let result = record.result.map { "\($0)\(record.durationMs.map { " \($0)ms" } ?? "")" } ?? "…"
            let status = record.result.flatMap(ActionOutcome.Status.init(rawValue:))
            let good = status == .succeeded || status == .dryRun
            return [TableCell(clock, .dim), TableCell(record.phase.rawValue, .dim), TableCell(SafeText.escape(record.user)),
                    TableCell(SafeText.escape(record.service)), TableCell(SafeText.escape(action)),
                    TableCell(result, record.result == nil ? .unknown : good ? .ok : .bad),
                    TableCell(SafeText.escape(record.request), .dim)]
        }
        return ScreenList(columns: columns, rows: rows, selection: state.auditSelection,
                          empty: "no actions yet: x / s / p on the Providers screen fail over, R redeploys").render(in: area, canvas: &canvas)
    }
}
