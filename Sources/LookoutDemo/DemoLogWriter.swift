import Foundation

/// Writes each demo service's JSON log lines (LLM calls and access lines) to its own file, a few per second,
/// as a real service would; the demo configuration tails these files.
struct DemoLogWriter: Sendable {
    let directory: String
    let scenario: DemoScenario
    let started: ContinuousClock.Instant

    var services: [DemoServiceSpec] { scenario.services }

    /// The file of `service`.
    func path(for service: String) -> String { "\(directory)/\(service).log" }

    /// Writes until the task is cancelled.
    func run(seed: UInt64) async {
        var generator = LLMCallLogGenerator(seed: seed, start: Date())
        var random = SeededRandom(seed: seed &+ 1)
        let handles = services.map { spec -> FileHandle? in
            FileManager.default.createFile(atPath: path(for: spec.name), contents: nil)
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
                        lines += Self.call(&generator, &random, time: time, service: spec.name, scenario: scenario,
                                           elapsed: ContinuousClock.now - started) + "\n"
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
    /// One LLM call of the demo, through the scripted provider incident when it is on.
    static func call(_ generator: inout LLMCallLogGenerator, _ random: inout SeededRandom, time: String, service: String,
                     scenario: DemoScenario, elapsed: Duration) -> String {
        let providers = ["openai", "openai", "anthropic", "azure-openai"]
        let provider = providers[Int.random(in: 0..<providers.count, using: &random)]
        if scenario.providerIncidentActive(for: provider, at: elapsed) {
            return generator.llmCall(time: time, service: service, nested: false, provider: provider,
                                     errorRate: 0.6, rateLimitShare: 0.9, latencyFactor: 3)
        }
        return generator.llmCall(time: time, service: service, nested: false, provider: provider)
    }
}
