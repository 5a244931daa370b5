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
        while !Task.isCancelled {
            for (index, spec) in services.enumerated() {
                var lines = ""
                for _ in 0..<Int.random(in: 0...2, using: &random) {
                    let time = LLMCallLogGenerator.timestamp(Date())
                    if Double.random(in: 0..<1, using: &random) < 0.8 {
                        let roll = Double.random(in: 0..<1, using: &random)
                        guard let provider = control.provider(for: spec.name, roll: roll) else { continue }
                        let call = Self.call(&generator, provider: provider, scenario: scenario, elapsed: ContinuousClock.now - started)
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
