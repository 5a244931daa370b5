import Foundation
import LookoutCore
import Testing

@Suite("Which alerts are sent where, and in which shape")
struct NotificationTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let budget = Alert(.critical, .budget, "openai-hour", "budget exhausted: $2.10 of $2.00 (rolling 1h)")
    let errors = Alert(.warning, .errorRate, "openai", "9% errors over 1m (9 of 100), mostly 5xx server errors")

    @Test func eachTargetTakesItsSeverityAndRulesAndASilencedAlertIsNotSent() {
        var book = AlertBook()
        let changes = book.update([budget, Alert(.critical, .health, "chat-api", "down")], now: Self.t0)
        let targets = [NotifyTarget(name: "pager", kind: .json, url: "http://h/p", minimumSeverity: .critical),
                       NotifyTarget(name: "money", kind: .slack, url: "http://h/s", rules: [.budget])]
        let sent = Notifications.make(for: changes, book: book, targets: targets, context: "prod", now: Self.t0, resendFiring: false)
        #expect(sent.map { "\($0.target) \($0.summary)" } == ["pager firing budget:openai-hour", "pager firing health:chat-api",
                                                                "money firing budget:openai-hour"])
        #expect(sent[0].body == #"{"source":"lookout","context":"prod","status":"firing","key":"budget:openai-hour","rule":"budget","subject":"openai-hour","severity":"critical","message":"budget exhausted: $2.10 of $2.00 (rolling 1h)","since":"2027-01-15T08:00:00.000Z","firing_since":"2027-01-15T08:00:00.000Z","resolved_at":null}"#)
        #expect(sent[2].body == #"{"text":"[lookout prod] CRITICAL openai-hour: budget exhausted: $2.10 of $2.00 (rolling 1h)"}"#)
        book.add(AlertSilence(id: "s", matcher: "budget:*", until: Self.t0.addingTimeInterval(600), by: "ana", from: nil, created: Self.t0))
        let quiet = Notifications.make(for: changes, book: book, targets: targets, context: "prod", now: Self.t0, resendFiring: false)
        #expect(quiet.map(\.summary) == ["firing health:chat-api"])
    }

    @Test func alertmanagerGetsPostableAlertsTheResolvedWithAnEndAndTheFiringAgainEachMinute() {
        var book = AlertBook()
        let target = NotifyTarget(name: "am", kind: .alertmanager, url: "http://am:9093/")
        #expect(target.endpoint == "http://am:9093/api/v2/alerts")
        let fired = book.update([budget, errors], now: Self.t0)
        let first = Notifications.make(for: fired, book: book, targets: [target], context: "prod", now: Self.t0, resendFiring: true)
        #expect(first.map(\.summary) == ["firing budget:openai-hour"], "the error rate is pending: not sent, not resent")
        #expect(first[0].body == #"[{"labels":{"alertname":"lookout_budget","subject":"openai-hour","severity":"critical","context":"prod","source":"lookout"},"annotations":{"summary":"budget exhausted: $2.10 of $2.00 (rolling 1h)"},"startsAt":"2027-01-15T08:00:00.000Z"}]"#)
        let later = book.update([budget, errors], now: Self.t0.addingTimeInterval(60))
        let again = Notifications.make(for: later, book: book, targets: [target], context: "prod", now: Self.t0.addingTimeInterval(60),
                                       resendFiring: true)
        #expect(again.map(\.summary) == ["firing error-rate:openai", "firing budget:openai-hour"], "the new one, then the one still firing")
        _ = book.update([errors], now: Self.t0.addingTimeInterval(61))
        let resolved = book.update([errors], now: Self.t0.addingTimeInterval(130))
        let end = Notifications.make(for: resolved, book: book, targets: [target], context: "prod", now: Self.t0.addingTimeInterval(130),
                                     resendFiring: false)
        #expect(end.map(\.summary) == ["resolved budget:openai-hour"])
        #expect(end[0].body.contains(#""endsAt":"2027-01-15T08:02:10.000Z""#))
    }

    @Test func theReducerSendsWhatFiredOnItsTickAndResendsToAlertmanagerOnceAMinute() {
        var service = ServiceConfig(name: "chat-api", baseURL: "http://h")
        service.readinessPath = nil   // judged on liveness alone
        var context = ContextConfig(name: "prod", services: [service])
        context.notify = [NotifyTarget(name: "am", kind: .alertmanager, url: "http://am:9093")]
        var state = AppState(context: context, now: Self.t0)
        state.alertBook.update([], now: Self.t0)
        #expect(Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(1))) == [], "nothing firing, nothing sent")
        // chat-api down three probes in a row: the health alert fires at once.
        for second in 2...4 {
            _ = Reducer.reduce(&state, .probe(ProbeResult(service: "chat-api", kind: .liveness, startedAt: Self.t0.addingTimeInterval(Double(second)),
                                                          httpStatus: nil, transportError: TransportError(code: 7, message: "refused"))))
        }
        let effects = Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(5)))
        guard case let .notify(name, sent)? = effects.first else { Issue.record("expected a notification: \(effects)"); return }
        #expect(name == "prod" && sent.map(\.summary) == ["firing health:chat-api"])
        #expect(Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(30))) == [])
        let resend = Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(62)))
        guard case let .notify(_, again)? = resend.first else { Issue.record("expected the minute's resend: \(resend)"); return }
        #expect(again.map(\.summary) == ["firing health:chat-api"])
    }

    @Test func notifyTargetsParseAndMistakesNameTheirKey() throws {
        let yaml = """
        secrets:
          HOOK: { env: SLACK_HOOK }
        contexts:
          prod:
            notify:
              - name: slack
                kind: slack
                url: "https://hooks.slack.com/services/${secret:HOOK}"
                severity: critical
              - kind: alertmanager
                url: http://127.0.0.1:9093
                rules: [budget, error-rate]
                headers: { Authorization: "Bearer ${secret:HOOK}" }
            services:
              - name: chat-api
                url: http://127.0.0.1:1
        """
        let context = try #require(try ConfigParser.parse(yaml, file: "f.yaml").contexts.first)
        #expect(context.notify == [
            NotifyTarget(name: "slack", kind: .slack, url: "https://hooks.slack.com/services/${secret:HOOK}", minimumSeverity: .critical),
            NotifyTarget(name: "alertmanager-2", kind: .alertmanager, url: "http://127.0.0.1:9093",
                         headers: [HTTPHeader(name: "Authorization", value: "Bearer ${secret:HOOK}")], rules: [.budget, .errorRate]),
        ])
        let bad = """
        contexts:
          prod:
            notify:
              - kind: pager
                url: ftp://x
                rules: [weather]
                severity: loud
              - url: "http://h/${secret:NOPE}"
            services:
              - name: chat-api
                url: http://127.0.0.1:1
        """
        do {
            _ = try ConfigParser.parse(bad, file: "f.yaml")
            Issue.record("must not parse")
        } catch {
            #expect(error.issues.map(\.description) == [
                "f.yaml:4: key `contexts.prod.notify[0].kind`: expected slack, json or alertmanager",
                "f.yaml:5: key `contexts.prod.notify[0].url`: only http:// and https:// URLs are allowed",
                "f.yaml:6: key `contexts.prod.notify[0].rules`: expected a list of: health, error-rate, burn-rate, latency, deployment, headroom, budget, log-hygiene, query",
                "f.yaml:7: key `contexts.prod.notify[0].severity`: expected warning or critical",
                "f.yaml:8: key `contexts.prod.notify[1].url`: refers to ${secret:NOPE}, which `secrets:` does not define",
            ])
        }
    }
}
