import Foundation
import LookoutCore
import LookoutUI
import Testing

/// The Overview's last line: the most severe firing alert.
@Suite("Alert strip")
struct AlertStripTests {
    static let now = Fixtures.now

    /// A liveness and a readiness probe of embed-worker, both answering or both refused.
    static func probes(_ ok: Bool, at seconds: Double) -> [Event] {
        [ProbeKind.liveness, .readiness].map { kind in
            ok ? .probe(ProbeResult(service: "embed-worker", kind: kind, startedAt: now.addingTimeInterval(seconds), httpStatus: 200,
                                    body: Array(#"{"status":"ready"}"#.utf8), timings: Fixtures.timings(total: 9_000)))
               : .probe(ProbeResult(service: "embed-worker", kind: kind, startedAt: now.addingTimeInterval(seconds), httpStatus: nil,
                                    transportError: TransportError(code: 7, message: "Failed to connect: Connection refused"),
                                    timings: ProbeTimings(dnsMicros: 900, totalMicros: 1_100)))
        }
    }

    /// The alert strip: the line above the key hints.
    static func strip(_ state: AppState) -> String {
        let lines = DashboardView.render(state, width: 120, height: 30).lines
        return lines[lines.count - 2]
    }

    /// A health alert stays firing for its rule's clearing time after the service recovers; the strip says so instead
    /// of contradicting the table above it.
    @Test func aRecoveredServicesAlertSaysItIsClearing() {
        var state = AppState(context: ContextConfig(name: "prod", services: [
            ServiceConfig(name: "embed-worker", platform: "Lambda", baseURL: "https://embed.example.com"),
        ]), now: Self.now)
        for second in 0..<4 { for event in Self.probes(false, at: Double(second)) { _ = Reducer.reduce(&state, event) } }
        _ = Reducer.reduce(&state, .tick(Self.now.addingTimeInterval(4)))
        var strip = Self.strip(state)
        #expect(strip.contains("CRIT embed-worker: down"), "\(strip)")
        #expect(!strip.contains("recovered"))
        for second in 5..<9 { for event in Self.probes(true, at: Double(second)) { _ = Reducer.reduce(&state, event) } }
        _ = Reducer.reduce(&state, .tick(Self.now.addingTimeInterval(9)))
        _ = Reducer.reduce(&state, .tick(Self.now.addingTimeInterval(15)))
        #expect(state.services[0].health.state == .healthy)
        strip = Self.strip(state)
        #expect(strip.contains("CRIT embed-worker: down") && strip.contains("· recovered 6s ago"), "\(strip)")
    }
}
