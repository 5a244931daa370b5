import Foundation

/// Writes each demo service's JSON log lines (LLM calls and access lines) to its own file, a few per second,
/// as a real service would; the demo configuration tails these files.
struct DemoLogWriter: Sendable {
    let directory: String
    let services: [DemoServiceSpec]

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
                        lines += generator.llmCall(time: time, service: spec.name, nested: false) + "\n"
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
