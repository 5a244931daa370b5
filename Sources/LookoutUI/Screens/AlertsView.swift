import Foundation
import LookoutCore

/// The Alerts screen (`5`): every alert with its state — firing (criticals first), pending, resolved in the last hour —,
/// its age, who acknowledged it and the silence over it; the active silences; the silence being typed.
public struct AlertsView {
    let state: AppState

    public init(state: AppState) { self.state = state }

    /// Draws the screen; returns the alert rows the table showed.
    @discardableResult
    public func render(in area: Rect, canvas: inout Canvas) -> Int {
        let now = state.now
        let listed = state.alertBook.listed(at: now)
        let firing = listed.filter { $0.phase == .firing }.count
        var x = area.x
        x += canvas.write(" Alerts", x: x, y: area.y, style: .title)
        let pending = listed.filter { $0.phase == .pending }.count, silences = state.alertBook.silences.count
        canvas.write("  \(firing) firing · \(pending) pending · \(listed.count - firing - pending) resolved in the last hour · "
                     + "\(silences) silence\(silences == 1 ? "" : "s")", x: x, y: area.y, style: .dim, maxWidth: area.maxX - x)
        let columns = [
            TableColumn("STATE", width: 9),
            TableColumn("SEV", width: 4),
            TableColumn("FOR", width: 6, alignRight: true),
            TableColumn("SUBJECT", width: 14, flex: 1),
            TableColumn("RULE", width: 10, dropPriority: 2),
            TableColumn("MESSAGE", width: 30, flex: 5),
            TableColumn("ACK / SILENCE", width: 18, flex: 1, dropPriority: 1),
        ]
        let rows = listed.map { row(for: $0, now: now) }
        let silencesShown = min(state.alertBook.silences.count, 3)
        let promptRows = state.silencePrompt == nil ? 0 : 2
        let remoteRows = state.remoteAlerts.map { 1 + max(1, min($0.alerts.count, Self.remoteShown)) } ?? 0
        let tableArea = Rect(x: area.x + 1, y: area.y + 1, width: area.width - 2,
                             height: max(2, area.height - 1 - promptRows - remoteRows - (silencesShown > 0 ? silencesShown + 1 : 0)))
        let visible = ScreenList(columns: columns, rows: rows, selection: state.alertSelection,
                                 empty: "no alerts: health, provider error rates and burn rates, LiteLLM deployments, rate-limit headroom and budgets are watched")
            .render(in: area, tableArea: tableArea, canvas: &canvas)
        var y = tableArea.maxY
        if silencesShown > 0, y < area.maxY {
            canvas.write(" Silences", x: area.x, y: y, style: .title)
            y += 1
            for silence in state.alertBook.silences.prefix(silencesShown) where y < area.maxY {
                let who = SafeText.escape(silence.by) + (silence.from.map { "@" + SafeText.escape($0) } ?? "")
                canvas.write("  \(SafeText.escape(silence.matcher))  until \(BudgetStatus.moment(silence.until, now: now))  by \(who)",
                             x: area.x, y: y, style: .dim, maxWidth: area.width)
                y += 1
            }
        }
        if let remote = state.remoteAlerts, y < area.maxY - promptRows { drawRemote(remote, from: y, in: area, canvas: &canvas) }
        if let prompt = state.silencePrompt, area.height >= 4 {
            let line = area.maxY - 2
            canvas.fill(Rect(x: area.x, y: line, width: area.width, height: 2), with: Cell(" ", .normal))
            let x = canvas.write(" silence (MATCHER DURATION, Enter applies, Esc cancels): ", x: area.x, y: line, style: .key)
            PromptLine(prompt.editor).draw(x: x, y: line, maxWidth: area.width - x, canvas: &canvas)
            if let error = prompt.error { canvas.write(" " + error, x: area.x, y: line + 1, style: .bad, maxWidth: area.width) }
        }
        return visible
    }

    /// Alertmanager's alerts listed below lookout's own, at most this many.
    static let remoteShown = 5

    /// " Alertmanager  2 active · 1 silenced · read 4s ago", then one line per alert (active first): state, severity,
    /// age, the alert's name and labels, its summary.
    private func drawRemote(_ remote: RemoteAlerts, from top: Int, in area: Rect, canvas: inout Canvas) {
        var y = top
        let now = state.now
        var x = area.x + canvas.write(" Alertmanager", x: area.x, y: y, style: .title)
        if let problem = remote.problem {
            canvas.write("  not read: " + SafeText.escape(problem), x: x, y: y, style: .bad, maxWidth: area.maxX - x)
            return
        }
        let active = remote.alerts.filter { $0.silencedBy.isEmpty && $0.state == "active" }.count
        x += canvas.write("  \(active) active · \(remote.alerts.count - active) silenced or inhibited · read \(Format.age(remote.at, now: now)) ago",
                          x: x, y: y, style: .dim, maxWidth: area.maxX - x)
        y += 1
        if remote.alerts.isEmpty, y < area.maxY {
            canvas.write("  no alerts in \(SafeText.escape(remote.source))", x: area.x, y: y, style: .dim, maxWidth: area.width)
            return
        }
        let sorted = remote.alerts.sorted { ($0.silencedBy.isEmpty ? 0 : 1, $0.startsAt) < ($1.silencedBy.isEmpty ? 0 : 1, $1.startsAt) }
        for alert in sorted.prefix(Self.remoteShown) where y < area.maxY {
            let silenced = !alert.silencedBy.isEmpty || alert.state != "active"
            let critical = alert.labels["severity"] == "critical"
            let since = AuditRecord.parseTime(alert.startsAt).map { Format.age($0, now: now) } ?? "?"
            var cx = area.x + 2
            cx += canvas.write(silenced ? "SILENCED " : "ACTIVE   ", x: cx, y: y, style: silenced ? .dim : (critical ? .bad : .warn))
            cx += canvas.write(String(since.padding(toLength: 6, withPad: " ", startingAt: 0)), x: cx, y: y, style: .dim)
            let summary = alert.annotations["summary"] ?? alert.annotations["description"] ?? ""
            cx += canvas.write(SafeText.escape(alert.title), x: cx, y: y, style: silenced ? .dim : .normal, maxWidth: max(0, (area.maxX - cx) * 3 / 5))
            if !summary.isEmpty { canvas.write("  " + SafeText.escape(summary), x: cx, y: y, style: .dim, maxWidth: area.maxX - cx) }
            y += 1
        }
    }

    private func row(for alert: TrackedAlert, now: Date) -> [TableCell] {
        let silence = state.alertBook.silence(of: alert, at: now)
        let phase: TableCell
        switch alert.phase {
        case .firing:
            if silence != nil { phase = TableCell("SILENCED", .dim) }
            else { phase = TableCell(alert.ack == nil ? "FIRING" : "ACKED", alert.alert.severity == .critical ? .bad : .warn) }
        case .pending: phase = TableCell("pending", .dim)
        case .resolved: phase = TableCell("resolved", .ok)
        }
        let severity = alert.alert.severity == .critical ? TableCell("CRIT", .bad) : TableCell("WARN", .warn)
        let start = alert.phase == .resolved ? (alert.resolvedAt ?? now) : (alert.firingSince ?? alert.since)
        var note = ""
        if let ack = alert.ack { note = "ack " + SafeText.escape(ack.by) + " " + BudgetStatus.moment(ack.at, now: now) }
        if let silence { note += (note.isEmpty ? "" : " · ") + "silenced to " + BudgetStatus.moment(silence.until, now: now) }
        return [phase, severity, TableCell(Format.age(start, now: now)), TableCell(SafeText.escape(alert.alert.subject)),
                TableCell(alert.alert.rule.rawValue, .dim), TableCell(SafeText.escape(alert.alert.message)), TableCell(note, .dim)]
    }
}
