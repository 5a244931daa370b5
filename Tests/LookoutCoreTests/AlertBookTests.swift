import Foundation
import LookoutCore
import Testing

@Suite("Alerts with a lifecycle: pending, firing, resolved; acks and silences")
struct AlertBookTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let errors = Alert(.critical, .errorRate, "anthropic", "40% errors over 1m")
    let down = Alert(.critical, .health, "chat-api", "down")

    /// Runs the book a second at a time from `from` to `to` (seconds after t0), the condition holding where `holds` says.
    func run(_ book: inout AlertBook, _ alert: Alert, from: Int, to: Int, holds: (Int) -> Bool) -> [(Int, AlertChange)] {
        var changes: [(Int, AlertChange)] = []
        for second in from...to {
            for change in book.update(holds(second) ? [alert] : [], now: Self.t0.addingTimeInterval(Double(second))) {
                changes.append((second, change))
            }
        }
        return changes
    }

    @Test func aSpikeShorterThanItsPendingTimeNeverFires() {
        var book = AlertBook()
        // 59 seconds of errors, a second of quiet, 59 more: never 60 in a row.
        let changes = run(&book, errors, from: 0, to: 200) { ($0 % 60) != 59 && $0 < 119 }
        #expect(changes.isEmpty)
        #expect(book.alerts.isEmpty, "a pending alert that never fired leaves nothing behind")
    }

    @Test func itFiresAfterPendingForResolvesAfterClearForAndIsKeptAsHistory() throws {
        var book = AlertBook()
        let changes = run(&book, errors, from: 0, to: 400) { $0 < 200 || (230...240).contains($0) }
        // Fires at 60 s (held since 0); a 29 s gap (200–229) is shorter than clearFor: still firing; resolves 60 s
        // after the last holding second (240).
        #expect(changes.map(\.0) == [60, 301])
        guard case let .fired(fired) = changes[0].1, case let .resolved(resolved) = changes[1].1 else {
            Issue.record("expected fired then resolved")
            return
        }
        #expect(fired.firingSince == Self.t0.addingTimeInterval(60) && fired.since == Self.t0)
        #expect(resolved.resolvedAt == Self.t0.addingTimeInterval(301))
        #expect(book.listed(at: Self.t0.addingTimeInterval(400)).map(\.phase) == [.resolved])
        #expect(book.active(at: Self.t0.addingTimeInterval(400)).isEmpty)
        // Kept an hour, then gone.
        _ = book.update([], now: Self.t0.addingTimeInterval(301 + AlertBook.historyKept + 1))
        #expect(book.alerts.isEmpty)
    }

    @Test func healthAndBudgetsFireAtOnceAndTheWorstComesFirst() {
        var book = AlertBook()
        let budget = Alert(.warning, .budget, "openai-hour", "budget at 80%")
        book.update([budget, down], now: Self.t0)
        #expect(book.active(at: Self.t0) == [down, budget])
        // The message and severity follow the condition while it fires.
        let worse = Alert(.critical, .budget, "openai-hour", "budget exhausted")
        book.update([worse, down], now: Self.t0.addingTimeInterval(1))
        #expect(book.active(at: Self.t0.addingTimeInterval(1)).map(\.message) == ["budget exhausted", "down"], "two criticals: the first raised first")
    }

    @Test func anAckHoldsForTheEpisodeAndASilenceKeepsMatchingAlertsOutOfTheCount() {
        var book = AlertBook()
        book.update([down, errors], now: Self.t0)
        book.update([down, errors], now: Self.t0.addingTimeInterval(61))
        let acked = book.acknowledge("health:chat-api", AlertAck(by: "ana", from: "10.0.0.7", at: Self.t0.addingTimeInterval(62)))
        let nothing = book.acknowledge("health:nothing", AlertAck(by: "ana", from: nil, at: Self.t0))
        #expect(acked && !nothing)
        let silence = AlertSilence(id: "s1", matcher: "*:anthropic", until: Self.t0.addingTimeInterval(600), by: "ana", from: nil,
                                   created: Self.t0.addingTimeInterval(62))
        book.add(silence)
        let now = Self.t0.addingTimeInterval(100)
        #expect(book.active(at: now) == [down], "the silenced error-rate alert is not counted")
        #expect(book.listed(at: now).count == 2, "but still listed")
        #expect(book.silence(of: book.listed(at: now)[1], at: now) == silence)
        #expect(book.listed(at: now)[0].ack?.by == "ana")
        // The silence ends by itself; the ack ends with the episode.
        book.update([down, errors], now: Self.t0.addingTimeInterval(601))
        #expect(book.silences.isEmpty && book.active(at: Self.t0.addingTimeInterval(601)).count == 2)
        book.update([errors], now: Self.t0.addingTimeInterval(700))
        book.update([errors], now: Self.t0.addingTimeInterval(731))
        book.update([down, errors], now: Self.t0.addingTimeInterval(732))
        #expect(book.listed(at: Self.t0.addingTimeInterval(732)).first { $0.key == "health:chat-api" && $0.phase == .firing }?.ack == nil)
        #expect(AlertSilence(id: "x", matcher: "error-rate:*", until: .distantFuture, by: "", from: nil, created: Self.t0).matches("error-rate:openai"))
        #expect(!AlertSilence(id: "x", matcher: "error-rate:open", until: .distantFuture, by: "", from: nil, created: Self.t0).matches("error-rate:openai"))
    }

    @Test func anAckKeptAcrossARestartFindsItsAlertOnlyIfRaisedSoon() {
        var book = AlertBook()
        let ack = AlertAck(by: "ana", from: nil, at: Self.t0.addingTimeInterval(-30))
        book.restore(acks: ["health:chat-api": ack, "error-rate:openai": ack], silences: [], now: Self.t0)
        book.update([down], now: Self.t0.addingTimeInterval(1))
        #expect(book.alerts.first?.ack == ack, "the incident went on across the restart")
        book.update([down], now: Self.t0.addingTimeInterval(AlertBook.restoredAckWindow + 5))
        book.update([down, Alert(.warning, .errorRate, "openai", "12% errors")], now: Self.t0.addingTimeInterval(AlertBook.restoredAckWindow + 6))
        #expect(book.alerts.first { $0.key == "error-rate:openai" }?.ack == nil, "too late: a new episode")
    }
}

@Suite("Alerts screen keys")
struct AlertKeysTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func state() -> AppState {
        var state = AppState(context: ContextConfig(name: "prod", services: []), now: Self.t0)
        state.operatorName = "ana"
        state.operatorFrom = "10.0.0.7"
        state.alertBook.update([Alert(.critical, .health, "chat-api", "down")], now: Self.t0)
        _ = Reducer.reduce(&state, .key(.char("5")))
        return state
    }

    @Test func aAcknowledgesAndSSilencesForWhatIsTypedAndUEndsIt() throws {
        var state = state()
        #expect(state.screen == .alerts)
        let ack = AlertAck(by: "ana", from: "10.0.0.7", at: Self.t0)
        #expect(Reducer.reduce(&state, .key(.char("a"))) == [.noteAlert(context: "prod", .acknowledged(key: "health:chat-api", ack))])
        _ = Reducer.reduce(&state, .key(.char("S")))
        #expect(state.silencePrompt?.text == "health:chat-api 1h")
        for _ in 0..<2 { _ = Reducer.reduce(&state, .key(.backspace)) }
        _ = Reducer.reduce(&state, .key(.char("x")))
        #expect(Reducer.reduce(&state, .key(.enter)) == [])
        #expect(state.silencePrompt?.error?.hasPrefix("type MATCHER DURATION") == true)
        _ = Reducer.reduce(&state, .key(.ctrl("u")))
        for c in "health:* 30m" { _ = Reducer.reduce(&state, .key(.char(c))) }
        let effects = Reducer.reduce(&state, .key(.enter))
        let silence = try #require(state.alertBook.silences.first)
        #expect(silence.matcher == "health:*" && silence.until == Self.t0.addingTimeInterval(1800) && silence.by == "ana")
        #expect(effects == [.noteAlert(context: "prod", .silenced(silence))])
        #expect(state.silencePrompt == nil && state.alertBook.active(at: Self.t0).isEmpty)
        #expect(Reducer.reduce(&state, .key(.char("u"))) == [.noteAlert(context: "prod", .unsilenced(silence, by: "ana", from: "10.0.0.7", at: Self.t0))])
        #expect(state.alertBook.active(at: Self.t0).count == 1)
    }

    /// Alertmanager's alerts follow lookout's in the one list: S silences one there (all its labels, a duration, why),
    /// u expires the silences over it, a is refused; a read-only context sends nothing; the result is said.
    @Test func alertmanagersAlertsAreSilencedThereWithTheSameKeys() throws {
        var state = state()
        let active = Alertmanager.RemoteAlert(labels: ["alertname": "LLMErrorRateHigh", "provider": "openai"], annotations: [:], state: "active",
                                              silencedBy: [], startsAt: "2026-12-05T10:00:00Z", fingerprint: "a1")
        var silenced = active
        silenced.state = "suppressed"; silenced.silencedBy = ["9f757680-ec0a-4f3e-bdb7-57d086acee44"]; silenced.fingerprint = "b2"
        _ = Reducer.reduce(&state, .remoteAlerts(RemoteAlerts(source: "http://am:9093", at: Self.t0, alerts: [silenced, active])))
        #expect(state.alertRows == [.own(state.alertBook.listed(at: Self.t0)[0]), .remote(active), .remote(silenced)], "active before silenced")
        _ = Reducer.reduce(&state, .key(.char("j")))
        #expect(Reducer.reduce(&state, .key(.char("a"))) == [] && state.notice == "Alertmanager has no acknowledgement: silence its alert with S")
        _ = Reducer.reduce(&state, .key(.char("S")))
        #expect(state.silencePrompt == SilencePrompt(text: #"alertname="LLMErrorRateHigh" provider="openai" 1h "#, target: .alertmanager))
        #expect(Reducer.reduce(&state, .key(.enter)) == [] && state.silencePrompt?.error?.hasPrefix("after the duration, say why") == true)
        for c in "failing over" { _ = Reducer.reduce(&state, .key(.char(c))) }
        let silence = Alertmanager.NewSilence(matchers: [Alertmanager.Matcher(name: "alertname", value: "LLMErrorRateHigh"),
                                                         Alertmanager.Matcher(name: "provider", value: "openai")],
                                              startsAt: Self.t0, endsAt: Self.t0.addingTimeInterval(3600), createdBy: "ana", comment: "failing over")
        #expect(Reducer.reduce(&state, .key(.enter)) == [.alertmanager(context: "prod", .silence(silence))])
        #expect(state.silencePrompt == nil && state.alertBook.silences.isEmpty, "nothing silenced in lookout's own book")
        #expect(Reducer.reduce(&state, .key(.char("u"))) == [] && state.notice == "the selected alert is not silenced in Alertmanager")
        _ = Reducer.reduce(&state, .key(.char("j")))
        #expect(Reducer.reduce(&state, .key(.char("u"))) == [.alertmanager(context: "prod", .expire(ids: silenced.silencedBy))])

        // What Alertmanager made of it comes back as audit records.
        var result = AuditRecord(phase: .result, id: "r1", context: "prod", system: "alertmanager", action: "expire-silence",
                                 request: "DELETE …", origin: "dashboard", user: "ana", sshClient: nil)
        result.result = "failed"; result.detail = "HTTP 500: silence not found"
        _ = Reducer.reduce(&state, .audited([result]))
        #expect(state.notice == "Alertmanager: expiry failed: HTTP 500: silence not found")

        // A failed reading keeps the alerts last read; a read-only context sends nothing.
        _ = Reducer.reduce(&state, .remoteAlerts(RemoteAlerts(source: "http://am:9093", at: Self.t0.addingTimeInterval(15), problem: "timed out")))
        #expect(state.remoteAlerts?.alerts.count == 2 && state.remoteAlerts?.at == Self.t0 && state.remoteAlerts?.problem == "timed out")
        state.readOnly = true
        #expect(Reducer.reduce(&state, .key(.char("S"))) == [] && state.silencePrompt == nil && state.notice == "read-only: nothing is sent to Alertmanager")
        #expect(Reducer.reduce(&state, .key(.char("u"))) == [])
    }

    @Test func readOnlyStillAcknowledgesAndSilences() {
        // Acks and silences change nothing outside lookout: they are not dangerous keys.
        #expect(KeyMap.standard.readOnly().command(for: .char("a"), on: .alerts) == .acknowledge)
        #expect(KeyMap.standard.readOnly().command(for: .char("S"), on: .alerts) == .silence)
    }
}

@Suite("lookout alerts: what holds, and the monitoring-plugins status")
struct AlertsReportTests {
    @Test func theWorstLoudSeverityIsTheStatusAndASilencedCriticalDoesNotCount() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var context = ContextConfig(name: "prod", services: [])
        context.budgets = [BudgetConfig(name: "day", scope: .all, period: .day, limit: .usd(1))]
        var state = AppState(context: context, now: now)
        #expect(AlertsReport(state: state).status == .ok)
        #expect(AlertsReport(state: state).text() == "OK: 0 critical, 0 warning\n")
        state.ledger.record(Spend(usd: 2), provider: "openai", model: nil, service: nil, at: now)
        #expect(AlertsReport(state: state).status == .critical)
        state.alertBook.add(AlertSilence(id: "s", matcher: "budget:*", until: now.addingTimeInterval(60), by: "ana", from: nil, created: now))
        let report = AlertsReport(state: state)
        #expect(report.status == .ok)
        #expect(report.text() == "OK: 0 critical, 0 warning, 1 silenced\n(silenced) CRIT budget day: budget exhausted: $2.00 of $1.00 (day)\n")
        #expect(report.json() == #"{"status":"OK","alerts":[{"severity":"critical","rule":"budget","subject":"day","message":"budget exhausted: $2.00 of $1.00 (day)","silenced":true}]}"#)
    }
}

@Suite("Alert rule timings from the configuration")
struct AlertTimingConfigTests {
    @Test func forAndClearOverrideTheBuiltInTimesAndMistakesNameTheirKey() throws {
        let yaml = """
        contexts:
          prod:
            alert-rules:
              error-rate: { for: 10s, clear: 5m }
              health: { for: 30s }
            services:
              - name: a
                url: http://a
        """
        let context = try #require(try ConfigParser.parse(yaml, file: "f.yaml").contexts.first)
        #expect(context.alertTimings == [.errorRate: AlertTiming(pendingFor: .seconds(10), clearFor: .seconds(300)),
                                         .health: AlertTiming(pendingFor: .seconds(30), clearFor: .seconds(30))])
        var book = AppState(context: context, now: Date()).alertBook
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let errors = Alert(.warning, .errorRate, "openai", "9% errors")
        book.update([errors], now: t0)
        #expect(book.update([errors], now: t0.addingTimeInterval(9)).isEmpty)
        #expect(book.update([errors], now: t0.addingTimeInterval(10)).count == 1, "fires after its configured 10 s, not 60 s")
        #expect(book.timing(of: .budget) == AlertTiming(pendingFor: .zero, clearFor: .seconds(60)), "unconfigured rules keep theirs")
        do {
            _ = try ConfigParser.parse(yaml.replacingOccurrences(of: "for: 30s", with: "for: soon").replacingOccurrences(of: "error-rate:", with: "error-rates:"),
                                       file: "f.yaml")
            Issue.record("must not parse")
        } catch {
            let issues = error.issues.map(\.description)
            #expect(issues.count == 2 && issues[0].hasPrefix("f.yaml:4: key `contexts.prod.alert-rules.error-rates`"), "\(issues)")
            #expect(issues.last == "f.yaml:5: key `contexts.prod.alert-rules.health.for`: expected a duration from 0s to 24h, such as 2m")
        }
    }
}
