import Foundation
import LookoutCore
import LookoutUI
import Testing

/// Action planning and the confirmation flow, as values and effects: nothing here sends anything.
@Suite("Actions: templates, masking, guard rails")
struct ActionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let failover = ActionConfig(
        name: "failover",
        kind: .http(method: "POST", url: "{{url}}/admin/failover",
                    headers: [HTTPHeader(name: "Authorization", value: "Bearer ${secret:ADMIN}")],
                    body: #"{"provider":"{{provider}}","role":"{{role}}"}"#),
        confirm: .yes, expect: 200)
    static let redeploy = ActionConfig(name: "redeploy",
                                       kind: .command(argv: ["kubectl", "--context", "{{context}}", "rollout", "restart", "deployment/{{service}}"]),
                                       confirm: .typeName, timeout: .seconds(120), followUp: .init(timeout: .seconds(300)))

    static func service(_ name: String) -> ServiceConfig {
        var service = ServiceConfig(name: name, baseURL: "https://\(name).example.com")
        service.actions = [failover, redeploy]
        return service
    }

    @Test(arguments: [
        ("anthropic\nX-Evil: 1", "contains a newline, NUL or other control character"),
        ("open\u{0}ai", "contains a newline, NUL or other control character"),
        ("\u{1B}[2Jopenai", "contains a newline, NUL or other control character"),
        (String(repeating: "a", count: 257), "is longer than 256 bytes"),
        ("${secret:ADMIN}", "contains a template or secret reference"),
        ("{{service}}", "contains a template or secret reference"),
        ("", "is empty"),
    ])
    func hostileTemplateValuesAreRefused(_ value: String, _ problem: String) {
        #expect(throws: ActionTemplateError(variable: "provider", problem: problem)) {
            try ActionPlan(Self.failover, service: Self.service("chat-api"), context: "prod", provider: value, role: .disabled)
        }
    }

    @Test func plansFillTemplatesAndMaskSecrets() throws {
        let plan = try ActionPlan(Self.failover, service: Self.service("chat-api"), context: "prod", provider: "anthropic", role: .disabled)
        #expect(plan.maskedLines == ["POST https://chat-api.example.com/admin/failover", "Authorization: Bearer ••••", "",
                                     #"{"provider":"anthropic","role":"disabled"}"#])
        #expect(plan.secretNames == ["ADMIN"])
        #expect(plan.title == "failover anthropic → disabled on chat-api")
        let command = try ActionPlan(Self.redeploy, service: Self.service("chat-api"), context: "prod east")
        #expect(command.maskedLines == ["kubectl --context 'prod east' rollout restart deployment/chat-api"])
        #expect(command.kind == .command(argv: ["kubectl", "--context", "prod east", "rollout", "restart", "deployment/chat-api"]))
        #expect(throws: ActionTemplateError(variable: "provider", problem: "has no value here")) {
            try ActionPlan(Self.failover, service: Self.service("chat-api"), context: "prod")
        }
        #expect(ActionTemplate.unknownVariables(in: "{{url}}/x/{{servce}}") == ["servce"])
    }

    func state(readOnly: Bool = false, protected: Bool = false) -> AppState {
        var context = ContextConfig(name: "prod", services: [Self.service("chat-api"), Self.service("rag-search")])
        context.protected = protected
        var state = AppState(context: context, now: Self.now, readOnly: readOnly)
        var decoder = LogDecoder(mapping: .app)
        let line = #"{"provider":"anthropic","model":"claude","latency_ms":500,"status":"success"}"#
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "chat-api", source: "f", records: [decoder.decode(line)])))
        let routing = Array(#"{"providers":{"anthropic":"primary","openai":"standby"}}"#.utf8)
        _ = Reducer.reduce(&state, .probe(ProbeResult(service: "chat-api", kind: .routing, startedAt: Self.now, httpStatus: 200, body: routing)))
        return state
    }

    @discardableResult
    func press(_ state: inout AppState, _ keys: Key...) -> [Effect] {
        keys.flatMap { Reducer.reduce(&state, .key($0)) }
    }

    /// On a service's own screen, x/s/p fail over the provider chosen with Tab among those it routes to — for that
    /// service alone (the Providers screen's keys act on every service routing to the provider).
    @Test func aServicesScreenFailsOverItsChosenProviderForItselfOnly() {
        var s = state()
        press(&s, .enter)
        #expect(s.screen == .serviceDetail(name: "chat-api") && s.detailProvider == 0)
        press(&s, .tab)
        #expect(s.detailProvider == 1)
        press(&s, .char("x"))
        #expect(s.action?.plans.map(\.title) == ["failover openai → disabled on chat-api"], "the second route, this service only")
        press(&s, .escape)
        press(&s, .tab, .char("p"))
        #expect(s.action?.plans.map(\.title) == ["failover anthropic → primary on chat-api"], "Tab wraps to the first route")
        press(&s, .escape)
        let detail = DashboardView.render(s, width: 120, height: 24)
        #expect(detail.lines.contains { $0.contains("x/s/p (anthropic, Tab next): failover") })
        var other = state()
        press(&other, .char("j"), .enter, .char("x"))
        #expect(other.action == nil && other.notice == "rag-search reports no providers (its routing endpoint) to fail over")
    }

    @Test func failoverConfirmsRunsOnceAndFollowsUp() throws {
        var s = state()
        press(&s, .char("3"), .char("x"))
        let pane = try #require(s.action)
        // Only chat-api routes to anthropic: one plan.
        #expect(pane.plans.map(\.title) == ["failover anthropic → disabled on chat-api"] && pane.phase == .confirming)
        let effects = press(&s, .enter)
        let plan = pane.plans[0]
        #expect(effects == [.runAction(plan)])
        // No double fire: Enter again, the key again, while it runs.
        #expect(press(&s, .enter, .char("x"), .enter).isEmpty)
        #expect(s.action?.phase == .running)
        _ = Reducer.reduce(&s, .actionOutput(id: plan.id, line: "ok \u{1B}[31m"))
        #expect(s.action?.output.last == "ok \\e[31m")
        let finished = Reducer.reduce(&s, .actionFinished(id: plan.id, outcome: ActionOutcome(status: .succeeded, detail: "HTTP 200", durationMs: 8)))
        #expect(finished == [.probeNow(services: ["chat-api"])])
        #expect(s.action?.resultLine == "succeeded: HTTP 200 (8 ms)")
        press(&s, .escape)
        #expect(s.action == nil)
        // A late event of the finished run changes nothing.
        #expect(Reducer.reduce(&s, .actionFinished(id: plan.id, outcome: ActionOutcome(status: .failed, detail: "x", durationMs: 1))).isEmpty)
    }

    @Test func redeployNeedsTheTypedNameAndWatchesReadiness() throws {
        var s = state()
        press(&s, .char("R"))
        #expect(s.action?.requiresTypedName == true)
        #expect(press(&s, .enter).isEmpty)
        #expect(s.notice == "type chat-api to confirm")
        for c in "chat-apx" { press(&s, .char(c)) }
        press(&s, .backspace, .char("i"))
        let effects = press(&s, .enter)
        let plan = try #require(s.action?.plans.first)
        #expect(effects == [.runAction(plan)])
        _ = Reducer.reduce(&s, .actionFinished(id: plan.id, outcome: ActionOutcome(status: .succeeded, detail: "exit 0", durationMs: 900)))
        #expect(s.followUps.map(\.service) == ["chat-api"])
        func readiness(_ status: Int, _ body: String, at seconds: Double) {
            let t = Self.now.addingTimeInterval(seconds)
            _ = Reducer.reduce(&s, .tick(t))
            _ = Reducer.reduce(&s, .probe(ProbeResult(service: "chat-api", kind: .liveness, startedAt: t, httpStatus: 200, body: Array(#"{"status":"healthy"}"#.utf8))))
            _ = Reducer.reduce(&s, .probe(ProbeResult(service: "chat-api", kind: .readiness, startedAt: t, httpStatus: status, body: Array(body.utf8))))
        }
        readiness(503, #"{"status":"not_ready","checks":{"rollout":"unhealthy: rolling out"}}"#, at: 2)
        #expect(s.followUps[0].sawNotReady && s.followUps[0].verdict == nil)
        readiness(200, #"{"status":"ready","checks":{}}"#, at: 7)
        #expect(s.followUps[0].verdict == .readyAgain(seconds: 7))
        #expect(s.followUps[0].text(.readyAgain(seconds: 7)) == "chat-api ready again 7 s after redeploy")
    }

    @Test func aProtectedContextAsksForTheNameAndDryRunIsAFlag() throws {
        var s = state(protected: true)
        press(&s, .char("3"), .char("x"))
        #expect(s.action?.requiresTypedName == true)
        press(&s, .tab)
        for c in "chat-api" { press(&s, .char(c)) }
        let effects = press(&s, .enter)
        guard case let .runAction(plan) = effects.first else { Issue.record("no run effect: \(effects)"); return }
        #expect(plan.dryRun)
    }

    @Test func escapeCancelsBeforeAndStopsDuring() throws {
        var s = state()
        press(&s, .char("3"), .char("x"), .escape)
        #expect(s.action == nil && s.notice == "cancelled: nothing was sent")
        press(&s, .char("x"), .enter)
        let id = try #require(s.action?.plans.first?.id)
        #expect(press(&s, .escape) == [.cancelAction(id: id)])
    }

    @Test func readOnlyHasNoActionKeysAndRefusesAnyway() {
        var s = state(readOnly: true)
        press(&s, .char("3"), .char("x"))
        #expect(s.action == nil)
        // A context marked read-only is the same as the flag.
        var context = ContextConfig(name: "prod", services: [Self.service("chat-api")])
        context.readonly = true
        var fromContext = AppState(context: context, now: Self.now)
        #expect(fromContext.readOnly && fromContext.keyMap.command(for: .char("R"), on: .overview) == nil)
        // Even a dangerous command that reached the reducer is refused.
        #expect(Reducer.startAction(.redeploy, &fromContext).isEmpty)
        #expect(fromContext.action == nil && fromContext.notice == "read-only: actions are disabled")
    }

    @Test func auditRecordsHoldTheMaskedRequestOnly() throws {
        let plan = try ActionPlan(Self.failover, service: Self.service("chat-api"), context: "prod", provider: "openai", role: .primary)
        let record = AuditRecord(phase: .intent, time: Self.now, id: "1", user: "oncall", sshClient: "10.0.0.7", plan: plan, origin: "dashboard")
        #expect(record.jsonLine.contains(#""request":"POST https://chat-api.example.com/admin/failover Authorization: Bearer ••••"#))
        #expect(!record.jsonLine.contains("secret"))
        #expect(AuditRecord.parse(record.jsonLine) == record)
        #expect(record.jsonLine.hasPrefix(#"{"action":"failover","context":"prod","dry_run":false,"id":"1","origin":"dashboard","phase":"intent""#))
    }
}
