import Foundation
import LookoutCore
import LookoutUI
import Testing

@Suite("Actions as text")
struct ActionScreenTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func state() throws -> AppState {
        var state = ProvidersScreenTests().state()
        for index in state.services.indices {
            state.services[index].config.actions = [
                ActionConfig(name: "failover", kind: .http(method: "POST", url: "{{url}}/admin/failover",
                                                           headers: [HTTPHeader(name: "Authorization", value: "Bearer ${secret:ADMIN}")],
                                                           body: #"{"provider":"{{provider}}","role":"{{role}}"}"#), expect: 200),
                ActionConfig(name: "redeploy", kind: .command(argv: ["kubectl", "rollout", "restart", "deployment/{{service}}"]),
                             confirm: .typeName, followUp: .init(timeout: .seconds(300))),
            ]
        }
        return state
    }

    @Test func theServiceScreenListsRoutesAndActions() throws {
        var s = try state()
        s.services[0].config.routing = SideEndpoint(path: "/admin/routing")
        _ = Reducer.reduce(&s, .key(.enter))
        let text = DashboardView.render(s, width: 100, height: 30).lines.joined(separator: "\n")
        #expect(text.contains("Providers  anthropic primary  openai standby"))
        #expect(text.contains("Actions    x/s/p (anthropic, Tab next): failover   R redeploy"), "the chosen provider, named")
        Snapshot.assert(DashboardView.render(s, width: 100, height: 30), named: "detail-actions-100x30")
    }

    @Test func theConfirmationDialogShowsTheMaskedRequest() throws {
        var s = try state()
        _ = Reducer.reduce(&s, .key(.char("3")))
        for _ in 0..<2 { _ = Reducer.reduce(&s, .key(.char("j"))) }
        _ = Reducer.reduce(&s, .key(.char("x")))
        Snapshot.assert(DashboardView.render(s, width: 80, height: 24), named: "action-confirm-80x24")
    }

    @Test func aRedeployRunningThenTheActionsScreen() throws {
        var s = try state()
        _ = Reducer.reduce(&s, .key(.char("R")))
        for c in "chat-api" { _ = Reducer.reduce(&s, .key(.char(c))) }
        let effects = Reducer.reduce(&s, .key(.enter))
        guard case let .runAction(plan) = effects.first else { Issue.record("no run: \(effects)"); return }
        _ = Reducer.reduce(&s, .actionOutput(id: plan.id, line: "deployment.apps/chat-api restarted"))
        Snapshot.assert(DashboardView.render(s, width: 80, height: 24), named: "action-running-80x24")
        let intent = AuditRecord(phase: .intent, time: Self.now, id: "a1", user: "oncall", sshClient: "10.0.0.7", plan: plan, origin: "dashboard")
        let outcome = ActionOutcome(status: .succeeded, detail: "exit 0", durationMs: 1830)
        let result = AuditRecord(phase: .result, time: Self.now.addingTimeInterval(1.83), id: "a1", user: "oncall", sshClient: "10.0.0.7",
                                 plan: plan, origin: "dashboard", outcome: outcome)
        _ = Reducer.reduce(&s, .audited([intent, result]))
        _ = Reducer.reduce(&s, .actionFinished(id: plan.id, outcome: outcome))
        _ = Reducer.reduce(&s, .key(.escape))
        _ = Reducer.reduce(&s, .key(.char("6")))
        Snapshot.assert(DashboardView.render(s, width: 120, height: 24), named: "actions-120x24")
    }

    @Test func hostileAuditFieldsReachTheScreenEscaped() throws {
        var s = try state()
        _ = Reducer.reduce(&s, .key(.char("R")))
        for c in "chat-api" { _ = Reducer.reduce(&s, .key(.char(c))) }
        guard case let .runAction(plan) = Reducer.reduce(&s, .key(.enter)).first else { Issue.record("no run"); return }
        // An audit log is a file anyone with the account can edit: its fields are untrusted text.
        let record = AuditRecord(phase: .intent, time: Self.now, id: "a2", user: "evil\u{1B}]52;c;aGk=\u{07}", sshClient: "\u{202E}10.0.0.7",
                                 plan: plan, origin: "dashboard")
        _ = Reducer.reduce(&s, .audited([record]))
        _ = Reducer.reduce(&s, .actionFinished(id: plan.id, outcome: ActionOutcome(status: .succeeded, detail: "exit 0", durationMs: 1)))
        _ = Reducer.reduce(&s, .key(.escape))
        _ = Reducer.reduce(&s, .key(.char("6")))
        let text = DashboardView.render(s, width: 160, height: 24).lines.joined(separator: "\n")
        #expect(!text.unicodeScalars.contains { SafeText.isControl($0) && $0 != "\n" })
        #expect(text.contains("evil\\e]52;c;aGk=\\x07"), "escaped, whole: the column takes its width from its content")
    }
}
