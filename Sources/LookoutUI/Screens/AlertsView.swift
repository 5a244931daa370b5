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
            TableColumn("RULE", width: 12, dropPriority: 2),
            TableColumn("MESSAGE", width: 30, flex: 5),
            TableColumn("ACK / SILENCE", width: 18, flex: 1, dropPriority: 1),
        ]
        let rows = state.alertRows.map { alertRow in
            switch alertRow {
            case let .own(alert): row(for: alert, now: now)
            case let .remote(alert): row(for: alert, now: now)
            }
        }
        let silencesShown = min(state.alertBook.silences.count, 3)
        let promptRows = state.silencePrompt == nil ? 0 : 2
        let remoteRows = state.remoteAlerts == nil ? 0 : 1
        let tableArea = Rect(x: area.x + 1, y: area.y + 1, width: area.width - 2,
                             height: max(2, area.height - 1 - promptRows - remoteRows - (silencesShown > 0 ? silencesShown + 1 : 0)))
        let visible = ScreenList(columns: columns, rows: rows, selection: state.alertSelection,
                                 empty: "no alerts: health, provider error rates and burn rates, LiteLLM deployments, rate-limit headroom and budgets are watched")
            .render(in: area, tableArea: tableArea, canvas: &canvas)
        var y = tableArea.maxY
        if let remote = state.remoteAlerts, y < area.maxY - promptRows {
            drawRemoteStatus(remote, y: y, in: area, canvas: &canvas)
            y += 1
        }
        if silencesShown > 0, y < area.maxY - promptRows {
            canvas.write(" Silences", x: area.x, y: y, style: .title)
            y += 1
            for silence in state.alertBook.silences.prefix(silencesShown) where y < area.maxY - promptRows {
                let who = SafeText.escape(silence.by) + (silence.from.map { "@" + SafeText.escape($0) } ?? "")
                canvas.write("  \(SafeText.escape(silence.matcher))  until \(BudgetStatus.moment(silence.until, now: now))  by \(who)",
                             x: area.x, y: y, style: .dim, maxWidth: area.width)
                y += 1
            }
        }
        if let prompt = state.silencePrompt, area.height >= 4 {
            let line = area.maxY - 2
            canvas.fill(Rect(x: area.x, y: line, width: area.width, height: 2), with: Cell(" ", .normal))
            let toAlertmanager = prompt.target == .alertmanager
            let label = toAlertmanager ? " silence in Alertmanager — MATCHERS DURATION WHY: " : " silence (MATCHER DURATION, Enter applies, Esc cancels): "
            let x = canvas.write(label, x: area.x, y: line, style: .key, maxWidth: max(0, area.width - 20))
            PromptLine(prompt.editor).draw(x: x, y: line, maxWidth: area.width - x, canvas: &canvas)
            if let error = prompt.error {
                canvas.write(" " + error, x: area.x, y: line + 1, style: .bad, maxWidth: area.width)
            } else if toAlertmanager {
                canvas.write(" Enter sends it (audited; seen at Alertmanager's next reading), Esc cancels", x: area.x, y: line + 1, style: .dim,
                             maxWidth: area.width)
            }
        }
        return visible
    }

    /// " Alertmanager  2 active · 1 silenced or inhibited · read 4s ago" (its alerts are rows of the table), or why
    /// it was not read.
    private func drawRemoteStatus(_ remote: RemoteAlerts, y: Int, in area: Rect, canvas: inout Canvas) {
        let x = area.x + canvas.write(" Alertmanager", x: area.x, y: y, style: .title)
        if let problem = remote.problem {
            let kept = remote.alerts.isEmpty ? "" : " (its alerts as read \(Format.age(remote.at, now: state.now)) ago)"
            canvas.write("  not read\(kept): " + SafeText.escape(problem), x: x, y: y, style: .bad, maxWidth: area.maxX - x)
            return
        }
        let active = remote.alerts.filter { !$0.isQuiet }.count
        let counts = remote.alerts.isEmpty ? "no alerts in \(SafeText.escape(remote.source))"
            : "\(active) active · \(remote.alerts.count - active) silenced or inhibited"
        canvas.write("  \(counts) · read \(Format.age(remote.at, now: state.now)) ago · S silences there, u expires",
                     x: x, y: y, style: .dim, maxWidth: area.maxX - x)
    }

    /// One of Alertmanager's alerts as a row: its state there, `severity` label, age, name and labels, summary, and the
    /// silences over it.
    private func row(for alert: Alertmanager.RemoteAlert, now: Date) -> [TableCell] {
        let severity = alert.labels["severity"] ?? ""
        let critical = severity == "critical"
        let phase: TableCell = if !alert.silencedBy.isEmpty { TableCell("SILENCED", .dim) }
            else if alert.state == "suppressed" { TableCell("INHIBITED", .dim) }
            else if alert.state != "active" { TableCell("new", .dim) }
            else { TableCell("ACTIVE", critical ? .bad : .warn) }
        let sev: TableCell = switch severity {
        case "critical": TableCell("CRIT", .bad)
        case "warning": TableCell("WARN", .warn)
        case "": TableCell("—", .dim)
        default: TableCell(SafeText.escape(String(severity.prefix(4)).uppercased()), .dim)
        }
        let since = AuditRecord.parseTime(alert.startsAt).map { Format.age($0, now: now) } ?? "?"
        // The name is the subject; the other labels (severity has its column) say which provider or service.
        let labels = alert.labels.filter { $0.key != "alertname" && $0.key != "severity" }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let summary = [alert.annotations["summary"] ?? alert.annotations["description"] ?? "", labels].filter { !$0.isEmpty }
            .joined(separator: " · ")
        let note = alert.silencedBy.isEmpty ? "" : "silenced there: " + alert.silencedBy.map { SafeText.escape(String($0.prefix(8))) }.joined(separator: ", ")
        return [phase, sev, TableCell(since), TableCell(SafeText.escape(alert.labels["alertname"] ?? "(no alertname)")), TableCell("alertmanager", .dim),
                TableCell(SafeText.escape(summary)), TableCell(note, .dim)]
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
