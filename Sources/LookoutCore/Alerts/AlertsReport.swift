import Foundation

/// What `lookout alerts` prints: the alert conditions that hold, each with whether a silence holds it, and a
/// monitoring-plugins status — the worst severity no silence holds.
public struct AlertsReport: Sendable {
    public var alerts: [(alert: Alert, silenced: Bool)]

    public init(state: AppState) {
        alerts = AlertRules.evaluate(state).map { alert in
            let tracked = TrackedAlert(alert: alert, phase: .firing, since: state.now)
            return (alert, state.alertBook.silence(of: tracked, at: state.now) != nil)
        }
    }

    public var status: CheckStatus {
        let loud = alerts.filter { !$0.silenced }.map(\.alert.severity)
        if loud.contains(.critical) { return .critical }
        return loud.isEmpty ? .ok : .warning
    }

    /// `CRITICAL: 1 critical, 1 warning, 1 silenced` then one line per alert.
    public func text() -> String {
        let loud = alerts.filter { !$0.silenced }
        let critical = loud.filter { $0.alert.severity == .critical }.count
        var head = "\(status.rawValue): \(critical) critical, \(loud.count - critical) warning"
        if loud.count != alerts.count { head += ", \(alerts.count - loud.count) silenced" }
        let lines = alerts.map { entry in
            (entry.silenced ? "(silenced) " : "") + "\(entry.alert.severity == .critical ? "CRIT" : "WARN") \(entry.alert.rule.rawValue) "
                + "\(SafeText.escape(entry.alert.subject)): \(SafeText.escape(entry.alert.message))"
        }
        return ([head] + lines).joined(separator: "\n") + "\n"
    }

    /// `{"status","alerts":[{"severity","rule","subject","message","silenced"}]}`.
    public func json() -> String {
        JSONValue.object([
            "status": .string(status.rawValue),
            "alerts": .array(alerts.map { entry in
                .object(["severity": .string(entry.alert.severity.rawValue), "rule": .string(entry.alert.rule.rawValue),
                         "subject": .string(entry.alert.subject), "message": .string(entry.alert.message), "silenced": .bool(entry.silenced)])
            }),
        ]).text
    }
}
