import Foundation

/// What the engineer did to an alert, for the edges to audit and keep (`Effect.noteAlert`).
public enum AlertNote: Sendable, Equatable {
    case acknowledged(key: String, AlertAck)
    case silenced(AlertSilence)
    case unsilenced(AlertSilence, by: String, from: String?, at: Date)
}

/// The silence being typed on the Alerts screen: `MATCHER DURATION`, prefilled from the selected alert.
public struct SilencePrompt: Sendable, Equatable {
    /// Where the silence goes: lookout's own alert book (`MATCHER DURATION`) or the context's Alertmanager
    /// (`MATCHER… DURATION COMMENT…`).
    public enum Target: Sendable, Equatable { case lookout, alertmanager }

    public var editor: LineEditor
    public var error: String?
    public var target: Target
    public var text: String { editor.text }

    public init(text: String, target: Target = .lookout) {
        editor = LineEditor(text)
        self.target = target
    }
}

extension Reducer {
    /// Once a second: the alert conditions move the alerts along their life; what fired or resolved is sent to the
    /// context's `notify:` targets (and firing alerts again, once a minute, to Alertmanager targets).
    static func updateAlerts(_ state: inout AppState) -> [Effect] {
        let changes = state.alertBook.update(AlertRules.evaluate(state), now: state.now)
        record(changes, in: &state)
        state.alertSelection = min(state.alertSelection, max(0, state.alertRows.count - 1))
        let ring = state.bellOnCritical && changes.contains { change in
            guard case let .fired(alert) = change else { return false }
            return alert.alert.severity == .critical && state.alertBook.silence(of: alert, at: state.now) == nil
        }
        let bell: [Effect] = ring ? [.bell] : []
        guard !state.notifyTargets.isEmpty else { return bell }
        let resend = state.lastAlertmanagerResend.map { state.now.timeIntervalSince($0) >= Notifications.alertmanagerResend } ?? true
        if resend { state.lastAlertmanagerResend = state.now }
        let notifications = Notifications.make(for: changes, book: state.alertBook, targets: state.notifyTargets,
                                               context: state.contextName, now: state.now, resendFiring: resend)
        return bell + (notifications.isEmpty ? [] : [.notify(context: state.contextName, notifications)])
    }

    /// Moves, ack, silence and unsilence on the Alerts screen; nil for the commands every screen shares.
    static func runOnAlerts(_ command: Command, _ state: inout AppState) -> [Effect]? {
        let rows = state.alertRows
        if let selection = moved(state.alertSelection, by: command, count: rows.count, page: state.visibleRows) {
            state.alertSelection = selection
            return []
        }
        let row = rows.indices.contains(state.alertSelection) ? rows[state.alertSelection] : nil
        if case let .remote(alert) = row, command == .acknowledge || command == .silence || command == .unsilence {
            return runOnRemote(command, alert, &state)
        }
        let selected: TrackedAlert? = if case let .own(alert) = row { alert } else { nil }
        switch command {
        case .back: state.screen = .overview
        case .acknowledge:
            guard let selected, selected.phase != .resolved else {
                state.notice = "nothing to acknowledge: select a pending or firing alert"
                return []
            }
            let ack = AlertAck(by: state.operatorName, from: state.operatorFrom, at: state.now)
            state.alertBook.acknowledge(selected.key, ack)
            state.timeline.add(TimelineEntry(time: state.now, kind: .note, subject: selected.alert.subject,
                                             text: "acknowledged \(selected.key) (\(state.operatorName))"))
            return [.noteAlert(context: state.contextName, .acknowledged(key: selected.key, ack))]
        case .silence:
            guard let selected else { state.notice = "no alert selected"; return [] }
            state.silencePrompt = SilencePrompt(text: "\(selected.key) 1h")
        case .unsilence:
            guard let selected, let silence = state.alertBook.silence(of: selected, at: state.now) else {
                state.notice = "the selected alert is not silenced"
                return []
            }
            state.alertBook.expire(silence.id)
            state.timeline.add(TimelineEntry(time: state.now, kind: .note, subject: silence.matcher,
                                             text: "silence of \(silence.matcher) ended (\(state.operatorName))"))
            return [.noteAlert(context: state.contextName, .unsilenced(silence, by: state.operatorName, from: state.operatorFrom, at: state.now))]
        default: return nil
        }
        return []
    }

    /// Ack, silence and unsilence on one of Alertmanager's alerts: silences are Alertmanager's (sent, audited, and
    /// seen at the next reading), acknowledgement is not something Alertmanager has; a read-only context sends nothing.
    static func runOnRemote(_ command: Command, _ alert: Alertmanager.RemoteAlert, _ state: inout AppState) -> [Effect] {
        if command == .acknowledge {
            state.notice = "Alertmanager has no acknowledgement: silence its alert with S"
            return []
        }
        guard !state.readOnly else {
            state.notice = "read-only: nothing is sent to Alertmanager"
            return []
        }
        if command == .silence {
            state.silencePrompt = SilencePrompt(text: Alertmanager.silencePrefill(for: alert), target: .alertmanager)
            return []
        }
        guard !alert.silencedBy.isEmpty else {
            state.notice = "the selected alert is not silenced in Alertmanager"
            return []
        }
        state.notice = "expiring \(alert.silencedBy.count == 1 ? "silence" : "\(alert.silencedBy.count) silences") in Alertmanager…"
        state.timeline.add(TimelineEntry(time: state.now, kind: .note, subject: alert.labels["alertname"] ?? "alertmanager",
                                         text: "asked Alertmanager to expire \(alert.silencedBy.joined(separator: ", ")) (\(state.operatorName))"))
        return [.alertmanager(context: state.contextName, .expire(ids: alert.silencedBy))]
    }

    /// Keys while typing a silence: Enter applies `MATCHER DURATION`, Esc cancels, readline keys edit.
    static func typeSilence(_ key: Key, _ state: inout AppState) -> [Effect] {
        guard var prompt = state.silencePrompt else { return [] }
        switch key {
        case .enter where prompt.target == .alertmanager:
            switch Alertmanager.newSilence(from: prompt.text, now: state.now, by: state.operatorName) {
            case let .failure(problem):
                prompt.error = problem.message
                state.silencePrompt = prompt
                return []
            case let .success(silence):
                state.silencePrompt = nil
                state.notice = "sending the silence to Alertmanager…"
                state.timeline.add(TimelineEntry(time: state.now, kind: .note, subject: silence.matchers.first?.value ?? "alertmanager",
                                                 text: "asked Alertmanager to silence \(silence.summary) (\(state.operatorName))"))
                return [.alertmanager(context: state.contextName, .silence(silence))]
            }
        case .enter:
            let parts = prompt.text.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, let span = DurationText.parse(String(parts[1])), span >= .seconds(60), span <= .seconds(30 * 86_400) else {
                prompt.error = "type MATCHER DURATION, e.g. error-rate:anthropic 2h (1m to 30d; * matches any text)"
                state.silencePrompt = prompt
                return []
            }
            let silence = AlertSilence(id: "s-\(Int(state.now.timeIntervalSince1970 * 1000))-\(state.alertBook.silences.count)",
                                       matcher: String(parts[0]), until: state.now.addingTimeInterval(span.inSeconds),
                                       by: state.operatorName, from: state.operatorFrom, created: state.now)
            state.alertBook.add(silence)
            state.silencePrompt = nil
            state.timeline.add(TimelineEntry(time: state.now, kind: .note, subject: silence.matcher,
                                             text: "silenced \(silence.matcher) for \(DurationText.format(span)) (\(state.operatorName))"))
            return [.noteAlert(context: state.contextName, .silenced(silence))]
        case .escape:
            state.silencePrompt = nil
            return []
        default:
            guard prompt.editor.handle(key) == .edited else { return [] }
        }
        prompt.error = nil
        state.silencePrompt = prompt
        return []
    }
}
