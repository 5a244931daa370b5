import Foundation
import LookoutCore
import LookoutUI
import Testing

/// The Providers screen's selection: kept by identity when rows appear, and always on screen.
@Suite("Providers selection")
struct ProvidersSelectionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func call(_ provider: String, _ model: String) -> LogRecord {
        var decoder = LogDecoder(mapping: .app)
        return decoder.decode(#"{"provider":"\#(provider)","model":"\#(model)","latency_ms":100,"status":"success"}"#)
    }

    static func add(_ state: inout AppState, _ calls: [(String, String)]) {
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "chat-api", source: "/x", records: calls.map { call($0.0, $0.1) })))
    }

    @Test func aRowThatAppearsAboveDoesNotMoveTheSelection() {
        var service = ServiceConfig(name: "chat-api", baseURL: "https://chat.example.com")
        service.actions = [ActionConfig(name: "failover", kind: .http(method: "POST", url: "{{url}}/admin/failover", headers: [],
                                                                      body: #"{"provider":"{{provider}}","role":"{{role}}"}"#))]
        var state = AppState(context: ContextConfig(name: "prod", services: [service]), now: Self.now)
        Self.add(&state, [("openai", "gpt-4o-mini"), ("anthropic", "claude-3-5-haiku")])
        _ = Reducer.reduce(&state, .key(.char("3")))
        _ = Reducer.reduce(&state, .key(.char("G")))   // openai, gpt-4o-mini, anthropic, claude-3-5-haiku: the last
        _ = Reducer.reduce(&state, .key(.char("k")))   // anthropic
        #expect(state.selectedProviderRow == ProviderRowKey(provider: "anthropic"))
        // openai starts using a second model: a row is inserted above the selection.
        Self.add(&state, [("openai", "gpt-4o")])
        #expect(state.providers.rows.count == 5)
        #expect(state.selectedProviderRow == ProviderRowKey(provider: "anthropic"))
        #expect(state.providerSelection == 3)
        // And the action key acts on it, not on the row that slid into its old place.
        let effects = Reducer.reduce(&state, .key(.char("x")))
        #expect(effects.isEmpty)
        #expect(state.action?.plans.allSatisfy { $0.provider == "anthropic" } ?? false)
    }

    @Test(arguments: [(80, 24), (40, 12), (120, 40)])
    func theSelectedRowIsAlwaysOnScreen(_ width: Int, _ height: Int) {
        var state = AppState(context: Fixtures.context, now: Self.now)
        Self.add(&state, (0..<30).map { ("provider-\($0)", "model-\($0)") })
        _ = Reducer.reduce(&state, .key(.char("3")))
        var random = SystemRandomNumberGenerator()
        for step in 0..<200 {
            let key: Key = [.char("j"), .char("k"), .char("G"), .char("g"), .char("j"), .char("j")].randomElement(using: &random)!
            _ = Reducer.reduce(&state, .key(key))
            let canvas = DashboardView.render(state, width: width, height: height)
            let row = state.providers.rows[state.providerSelection]
            let label = row.model.map { "  " + $0 } ?? row.provider
            let highlighted = (0..<canvas.height).filter { y in (0..<canvas.width).contains { canvas[$0, y].highlighted } }
            #expect(highlighted.count == 1, "step \(step): one highlighted row at \(width)x\(height)")
            let line = highlighted.first.map { canvas.lines[$0] } ?? ""
            #expect(line.contains(String(label.prefix(width / 3))), "step \(step) \(key): \(label) is the highlighted row:\n\(canvas.lines.joined(separator: "\n"))")
        }
        if height >= 24 {
            _ = Reducer.reduce(&state, .key(.char("G")))
            let text = DashboardView.render(state, width: width, height: height).lines.joined(separator: "\n")
            #expect(text.contains("of 60"), "a position hint when the rows do not fit")
        }
    }

    @Test(arguments: [(80, 24), (40, 12), (160, 48)])
    func theSelectedServiceIsAlwaysOnScreenBesideTheProviders(_ width: Int, _ height: Int) {
        // 40 services and a providers table below them: the reducer's page height is a guess; the view keeps the
        // selected service visible anyway.
        let services = (0..<40).map { ServiceConfig(name: "svc-\($0)", baseURL: "https://svc\($0).example.com") }
        var state = AppState(context: ContextConfig(name: "prod", services: services), now: Self.now)
        Self.add(&state, (0..<6).map { ("provider-\($0)", "model-\($0)") })
        var random = SystemRandomNumberGenerator()
        let keys: [Key] = [.char("j"), .char("k"), .char("G"), .char("g"), .pageDown, .pageUp, .char("j"), .char("j")]
        for step in 0..<200 {
            let key = keys.randomElement(using: &random)!
            _ = Reducer.reduce(&state, .key(key))
            let canvas = DashboardView.render(state, width: width, height: height)
            let highlighted = (0..<canvas.height).filter { y in (0..<canvas.width).contains { canvas[$0, y].highlighted } }
            let name = state.services[state.selection].name
            #expect(highlighted.count == 1 && canvas.lines[highlighted[0]].contains(" \(name) "),
                    "step \(step) \(key): \(name) highlighted at \(width)x\(height):\n\(canvas.lines.joined(separator: "\n"))")
        }
    }
}
