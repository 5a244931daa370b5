import Foundation
import LookoutCore

/// A fixed fleet for screen tests: one service not ready, one ready, one down, at a fixed time.
enum Fixtures {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let context = ContextConfig(name: "prod", services: [
        ServiceConfig(name: "chat-api", platform: "Cloud Run", baseURL: "https://chat.example.com"),
        ServiceConfig(name: "rag-search", platform: "ECS", baseURL: "https://rag.example.com"),
        ServiceConfig(name: "embed-worker", platform: "Lambda", baseURL: "https://embed.example.com"),
    ])

    static func timings(total: Int64) -> ProbeTimings {
        ProbeTimings(dnsMicros: 1_200, connectMicros: 4_800, tlsMicros: 19_500, firstByteMicros: total - 300, totalMicros: total)
    }

    static func state(screen: Screen = .overview) -> AppState {
        var state = AppState(context: context, now: now)
        let events: [Event] = [
            .probe(ProbeResult(service: "chat-api", kind: .liveness, startedAt: now.addingTimeInterval(-3), httpStatus: 200,
                               body: Array(#"{"status":"healthy","version":"1.4.1","timestamp":"2027-01-15T08:00:00Z"}"#.utf8),
                               timings: timings(total: 41_000))),
            .probe(ProbeResult(service: "chat-api", kind: .readiness, startedAt: now.addingTimeInterval(-95), httpStatus: 200,
                               body: Array(#"{"status":"ready","checks":{"database":"healthy","cache":"healthy","llm_api":"healthy"}}"#.utf8),
                               timings: timings(total: 52_000))),
            .probe(ProbeResult(service: "chat-api", kind: .readiness, startedAt: now.addingTimeInterval(-2), httpStatus: 503,
                               body: Array(#"{"status":"not_ready","checks":{"database":"healthy","cache":"healthy","llm_api":"unhealthy: timeout after 5000ms calling api.openai.com"}}"#.utf8),
                               timings: timings(total: 5_061_000))),
            // rag-search is rolling out 2.1.0 behind a load balancer: its probes see both versions.
            .probe(ProbeResult(service: "rag-search", kind: .liveness, startedAt: now.addingTimeInterval(-7), httpStatus: 200,
                               body: Array(#"{"status":"healthy","version":"2.0.3"}"#.utf8), timings: timings(total: 35_000))),
            .probe(ProbeResult(service: "rag-search", kind: .liveness, startedAt: now.addingTimeInterval(-5), httpStatus: 200,
                               body: Array(#"{"status":"healthy","version":"2.0.3"}"#.utf8), timings: timings(total: 35_000))),
            .probe(ProbeResult(service: "rag-search", kind: .liveness, startedAt: now.addingTimeInterval(-3), httpStatus: 200,
                               body: Array(#"{"status":"healthy","version":"2.1.0"}"#.utf8), timings: timings(total: 35_000))),
            .probe(ProbeResult(service: "rag-search", kind: .liveness, startedAt: now.addingTimeInterval(-1), httpStatus: 200,
                               body: Array(#"{"status":"healthy","version":"2.0.3"}"#.utf8), timings: timings(total: 35_400))),
            .probe(ProbeResult(service: "rag-search", kind: .readiness, startedAt: now.addingTimeInterval(-1), httpStatus: 200,
                               body: Array(#"{"status":"ready","checks":{"database":"healthy","vector_store":"healthy"}}"#.utf8),
                               timings: timings(total: 38_100))),
            .probe(ProbeResult(service: "embed-worker", kind: .liveness, startedAt: now.addingTimeInterval(-4), httpStatus: nil,
                               transportError: TransportError(code: 7, message: "Failed to connect to embed.example.com port 443: Connection refused"),
                               timings: ProbeTimings(dnsMicros: 900, totalMicros: 1_100))),
            .tick(now),
        ]
        for event in events { _ = Reducer.reduce(&state, event) }
        state.screen = screen
        return state
    }

    /// Every condition of `state` held for two minutes, so each alert is firing whatever its rule's `pendingFor`.
    static func firing(_ state: inout AppState) {
        let conditions = AlertRules.evaluate(state)
        state.alertBook = AlertBook()
        state.alertBook.update(conditions, now: state.now.addingTimeInterval(-120))
        state.alertBook.update(conditions, now: state.now)
    }
}
