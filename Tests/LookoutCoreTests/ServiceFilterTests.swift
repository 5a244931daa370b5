import Foundation
import LookoutCore
import Testing

/// The Overview's filter: words in a service's name, platform, state or reason, `!word` excludes; the list follows
/// each key, the selection stays on its service while listed, and every key that acts on a row acts on a listed one.
@Suite("Overview filter")
struct ServiceFilterTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func state(_ count: Int = 300) -> AppState {
        let services = (0..<count).map { i in
            ServiceConfig(name: i % 3 == 0 ? "gw-\(i)" : "worker-\(i)", platform: i % 2 == 0 ? "Kubernetes" : "Lambda", baseURL: "http://h\(i)",
                          readinessPath: nil)
        }
        var state = AppState(context: ContextConfig(name: "prod", services: services), now: Self.t0)
        for i in stride(from: 0, to: count, by: 10) {
            _ = Reducer.reduce(&state, .probe(ProbeResult(service: services[i].name, kind: .liveness, startedAt: Self.t0, httpStatus: 503)))
        }
        state.visibleRows = 20
        return state
    }

    func type(_ text: String, _ state: inout AppState) {
        for c in text { _ = Reducer.reduce(&state, .key(.char(c))) }
    }

    @Test func wordsMustAllMatchAndBangWordsMustNot() throws {
        let state = state()
        let filter = try #require(ServiceFilter("GW-  kubernetes"))
        let kept = state.services.filter(filter.matches)
        #expect(kept.count == 50 && kept.allSatisfy { $0.name.hasPrefix("gw-") && $0.config.platform == "Kubernetes" })
        let notHealthy = try #require(ServiceFilter("gw- 503"))
        #expect(state.services.filter(notHealthy.matches).map(\.name) == (0..<300).filter { $0 % 30 == 0 }.map { "gw-\($0)" },
                "the reason (liveness: HTTP 503) is searched too")
        #expect(state.services.filter(try #require(ServiceFilter("worker !lambda")).matches).allSatisfy { $0.config.platform == "Kubernetes" })
        #expect(ServiceFilter("   ") == nil)
    }

    @Test func theListFollowsEachKeyAndTheSelectionStaysOnItsService() {
        var state = state()
        for _ in 0..<3 { _ = Reducer.reduce(&state, .key(.char("j"))) }
        #expect(state.selectedService?.name == "gw-3")
        _ = Reducer.reduce(&state, .key(.char("/")))
        type("gw", &state)
        #expect(state.listedServices.count == 100 && state.selectedService?.name == "gw-3", "still listed, still selected")
        type("-2", &state)
        let expected = (0..<300).filter { $0 % 3 == 0 && String($0).hasPrefix("2") }.count   // gw-21, gw-24, gw-27, gw-201…
        #expect(state.selectedService?.name == "gw-21" && state.listedServices.count == expected, "gw-3 is gone: the first row")
        _ = Reducer.reduce(&state, .key(.enter))
        #expect(state.serviceFilterEditor == nil && state.serviceFilter?.text == "gw-2")
        _ = Reducer.reduce(&state, .key(.char("G")))
        #expect(state.selection == expected - 1 && state.selectedService?.name == "gw-297")
        _ = Reducer.reduce(&state, .key(.enter))
        #expect(state.screen == .serviceDetail(name: state.selectedService?.name ?? ""), "Enter opens the highlighted, listed row")
        _ = Reducer.reduce(&state, .key(.escape))
        #expect(state.screen == .overview && state.serviceFilter != nil, "Esc leaves the detail first")
        let selected = state.selectedService?.name
        _ = Reducer.reduce(&state, .key(.escape))
        #expect(state.serviceFilter == nil && state.listedServices.count == 300 && state.selectedService?.name == selected)
        #expect(state.scroll <= state.selection && state.selection < state.scroll + state.visibleRows, "the selection stays on screen")
    }

    @Test func aFilterThatMatchesNothingSelectsNothing() {
        var state = state()
        _ = Reducer.reduce(&state, .key(.char("/")))
        type("nothing-like-this", &state)
        #expect(state.listedServices.isEmpty && state.selectedService == nil)
        _ = Reducer.reduce(&state, .key(.char("j")))
        #expect(state.selectedService == nil, "typing: j goes to the filter, not the list")
        _ = Reducer.reduce(&state, .key(.escape))
        #expect(state.serviceFilter == nil && state.selectedService != nil)
    }
}
