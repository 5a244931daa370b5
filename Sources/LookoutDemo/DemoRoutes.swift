import Foundation
import Hummingbird
import NIOCore

/// The HTTP endpoints of one simulated service.
enum DemoRoutes {
    static func router(for spec: DemoServiceSpec, scenario: DemoScenario, started: ContinuousClock.Instant,
                       control: DemoControl, metrics: DemoMetrics) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/health") { _, _ -> Response in
            try await simulatedWork(spec)
            let timestamp = ISO8601DateFormatter().string(from: Date())
            let revision = control.answeringRevision(of: spec.name, path: "/health")
            return json(.ok, "{\"status\":\"healthy\",\"version\":\"\(DemoControl.version(revision))\",\"timestamp\":\"\(timestamp)\"}")
        }
        router.get("/health/ready") { _, _ -> Response in
            try await simulatedWork(spec)
            var checks = scenario.checks(of: spec, at: ContinuousClock.now - started)
            if control.isRedeploying(spec.name) {
                checks.insert(("rollout", "unhealthy: rolling out revision \(control.revision(of: spec.name))"), at: 0)
            }
            let ready = checks.allSatisfy { $0.value == "healthy" }
            let members = checks.map { "\(quoted($0.name)):\(quoted($0.value))" }.joined(separator: ",")
            let body = "{\"status\":\"\(ready ? "ready" : "not_ready")\",\"checks\":{\(members)}}"
            return json(ready ? .ok : .serviceUnavailable, body)
        }
        if let style = spec.metrics {
            router.get("/metrics") { _, _ -> Response in
                let elapsed = ContinuousClock.now - started
                let states = Dictionary(uniqueKeysWithValues: control.routes(of: spec.name).map { route in
                    (route.provider, scenario.providerIncidentActive(for: route.provider, at: elapsed) ? 1 : 0)
                })
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition(service: spec.name, style: style, states: states))))
            }
        }
        DemoAdminRoutes.add(to: router, service: spec.name, control: control, ownAPI: spec.ownAdminAPI)
        router.get("/logs/stream") { request, _ -> Response in
            // The service's LLM-call log, live: NDJSON, or server-sent events with ?format=sse.
            // ?limit=N ends the response after N lines (to exercise reconnection).
            let sse = request.uri.queryParameters.get("format") == "sse"
            let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? Int.max
            let headers: HTTPFields = [.contentType: sse ? "text/event-stream" : "application/x-ndjson"]
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                var generator = LLMCallLogGenerator(seed: UInt64(abs(spec.name.hashValue)), start: Date())
                var sent = 0
                while sent < limit, !Task.isCancelled {
                    let line = generator.llmCall(time: LLMCallLogGenerator.timestamp(Date()), service: spec.name, nested: false)
                    try await writer.write(ByteBuffer(string: sse ? "event: log\ndata: \(line)\n\n" : line + "\n"))
                    sent += 1
                    if sent < limit { try await Task.sleep(for: .milliseconds(250)) }
                }
                try await writer.finish(nil)
            })
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

    /// A double-quoted string: a JSON string literal, and a YAML double-quoted scalar (the demo's texts need no
    /// escapes beyond backslash and quote).
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
