import Foundation
import Hummingbird
import NIOCore

/// The HTTP endpoints of one simulated service.
enum DemoRoutes {
    static func router(for spec: DemoServiceSpec, scenario: DemoScenario,
                       started: ContinuousClock.Instant) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { _, _ -> Response in
            try await simulatedWork(spec)
            let timestamp = ISO8601DateFormatter().string(from: Date())
            return json(.ok, "{\"status\":\"healthy\",\"timestamp\":\"\(timestamp)\"}")
        }
        router.get("/health/ready") { _, _ -> Response in
            try await simulatedWork(spec)
            let checks = scenario.checks(of: spec, at: ContinuousClock.now - started)
            let ready = checks.allSatisfy { $0.value == "healthy" }
            let members = checks.map { "\(quoted($0.name)):\(quoted($0.value))" }.joined(separator: ",")
            let body = "{\"status\":\"\(ready ? "ready" : "not_ready")\",\"checks\":{\(members)}}"
            return json(ready ? .ok : .serviceUnavailable, body)
        }
        return router
    }

    /// Waits about the service's typical latency (±30%), so the dashboard has real timings to show.
    static func simulatedWork(_ spec: DemoServiceSpec) async throws {
        let jitter = Double.random(in: 0.7...1.3)
        try await Task.sleep(for: .milliseconds(Int(Double(spec.latencyMs) * jitter)))
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// A JSON string literal (the demo's texts have no characters needing more than these escapes).
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
