import Foundation

/// Writes each demo service's JSON log lines (LLM calls and access lines) to its own file, a few per second,
/// as a real service would; the demo configuration tails these files.
struct DemoLogWriter: Sendable {
    let directory: String
    let scenario: DemoScenario
    let started: ContinuousClock.Instant
    let control: DemoControl
    let metrics: DemoMetrics

    var services: [DemoServiceSpec] { scenario.services }

    /// The file of `service`.
    func path(for service: String) -> String { "\(directory)/\(service).log" }

    /// Writes until the task is cancelled.
    func run(seed: UInt64) async {
        var generator = LLMCallLogGenerator(seed: seed, start: Date())
        var random = SeededRandom(seed: seed &+ 1)
        let handles = services.map { spec -> FileHandle? in
            _ = FileManager.default.createFile(atPath: path(for: spec.name), contents: nil)
            let handle = FileHandle(forWritingAtPath: path(for: spec.name))
            handle?.seekToEndOfFile()
            return handle
        }
        defer { handles.forEach { try? $0?.close() } }
        for spec in services where spec.ownAdminAPI {
            let primary = control.routes(of: spec.name).first { $0.role == .primary }?.provider ?? "openai"
            control.log("{\"timestamp\":\"\(LLMCallLogGenerator.timestamp(Date()))\",\"level\":\"INFO\",\"service\":\"\(spec.name)\","
                        + "\"message\":\"llm router started\",\"provider\":\"\(primary)\",\"failover_enabled\":true}", service: spec.name)
        }
        var rounds = 0
        while !Task.isCancelled {
            rounds += 1
            for (index, spec) in services.enumerated() {
                var lines = control.takeLog(of: spec.name).map { $0 + "\n" }.joined()
                if spec.ownAdminAPI, rounds % 50 == 0 {
                    // Its periodic provider probe: an event that names a provider and carries no call evidence.
                    let standby = control.routes(of: spec.name).first { $0.role == .standby }?.provider ?? "anthropic"
                    lines += "{\"timestamp\":\"\(LLMCallLogGenerator.timestamp(Date()))\",\"level\":\"INFO\",\"service\":\"\(spec.name)\","
                        + "\"message\":\"standby provider reachable\",\"provider\":\"\(standby)\",\"healthy\":true}\n"
                }
                if spec.name == "support-bot", rounds % 40 == 7 {
                    // A debug line that leaks a customer's address (RFC 2606's example.com): log hygiene masks it,
                    // counts it and raises a warning on support-bot.
                    let customer = ["dana.smith", "li.wei", "sam.okafor"][rounds / 40 % 3]
                    lines += "{\"timestamp\":\"\(LLMCallLogGenerator.timestamp(Date()))\",\"level\":\"WARN\",\"service\":\"\(spec.name)\","
                        + "\"message\":\"escalation for customer \(customer)@example.com: no agent available\"}\n"
                }
                for _ in 0..<Int.random(in: 0...2, using: &random) {
                    let time = LLMCallLogGenerator.timestamp(Date())
                    if Double.random(in: 0..<1, using: &random) < 0.8 {
                        let roll = Double.random(in: 0..<1, using: &random)
                        guard let provider = control.provider(for: spec.name, roll: roll) else { continue }
                        var call = Self.call(&generator, provider: provider, scenario: scenario, elapsed: ContinuousClock.now - started)
                        if spec.connectionFailureRate > 0, Double.random(in: 0..<1, using: &random) < spec.connectionFailureRate {
                            call = LLMCallLogGenerator.connectionFailure(call)
                        }
                        if let style = spec.metrics { metrics.record(call, service: spec.name, style: style) }
                        lines += LLMCallLogGenerator.line(call, time: time, service: spec.name, nested: false) + "\n"
                    } else {
                        let code = Double.random(in: 0..<1, using: &random) < 0.95 ? 200 : 503
                        lines += "{\"timestamp\":\"\(time)\",\"level\":\"INFO\",\"service\":\"\(spec.name)\","
                            + "\"message\":\"GET /health/ready \(code)\",\"status_code\":\(code),\"duration_ms\":\(Int.random(in: 1...40, using: &random))}\n"
                    }
                }
                if !lines.isEmpty { handles[index]?.write(Data(lines.utf8)) }
            }
            try? await Task.sleep(for: .milliseconds(300))
        }
    }
}

extension DemoLogWriter {
    /// One LLM call of the demo to `provider`, through the scripted provider incident when it is on.
    static func call(_ generator: inout LLMCallLogGenerator, provider: String, scenario: DemoScenario,
                     elapsed: Duration) -> SimulatedCall {
        if scenario.providerIncidentActive(for: provider, at: elapsed) {
            return generator.simulatedCall(provider: provider, errorRate: 0.6, rateLimitShare: 0.9, latencyFactor: 3)
        }
        return generator.simulatedCall(provider: provider)
    }
}
