import Foundation
import LookoutCore
import LookoutRuntime
import LookoutUI

/// A runtime on the in-memory backend and a virtual clock, with the time of every frame it drew.
final class RuntimeHarness {
    static let start = Date(timeIntervalSince1970: 1_800_000_005)   // 08:00:05Z: a minute turns 55 s in

    let clock = VirtualClock(start: RuntimeHarness.start)
    let backend: TestBackend
    let input: ScriptedInput
    let effects = NoEffects()
    let runtime: Runtime
    /// When each frame was drawn (elapsed virtual time).
    private(set) var frameTimes: [Duration] = []

    init(state: AppState, width: Int = 120, height: Int = 40) {
        backend = TestBackend(width: width, height: height)
        input = ScriptedInput(clock: clock)
        runtime = Runtime(state: state, backend: backend, input: input, clock: clock, effects: effects)
        runtime.afterFrame = { [unowned self] _ in self.frameTimes.append(self.clock.elapsed) }
    }

    /// Frames drawn in [from, to) of virtual time.
    func frames(from: Duration, to: Duration) -> Int { frameTimes.filter { $0 >= from && $0 < to }.count }

    /// The first frame drawn at or after `time`, and when.
    func firstFrame(atOrAfter time: Duration) -> (canvas: Canvas, at: Duration)? {
        guard let index = frameTimes.firstIndex(where: { $0 >= time }) else { return nil }
        return (backend.frames[index], frameTimes[index])
    }

    /// A fleet of `count` services with no probe yet.
    static func context(services count: Int) -> ContextConfig {
        ContextConfig(name: "prod", services: (0..<count).map { ServiceConfig(name: "svc-\($0)", baseURL: "https://svc\($0).example.com") })
    }

    /// LLM-call records, each message numbered (`#n`), decoded once by the app mapping.
    static func calls(_ count: Int, from first: Int = 0) -> [LogRecord] {
        var decoder = LogDecoder(mapping: .app)
        let providers = ["openai", "anthropic", "azure", "bedrock"]
        return (first..<first + count).map { n in
            decoder.decode(##"{"timestamp":"2027-01-15T08:00:01.104Z","level":"INFO","message":"#\##(n)","provider":"\##(providers[n % 4])","model":"m-\##(n % 7)","latency_ms":\##(100 + n % 300),"status":"success","input_tokens":10,"output_tokens":5}"##)
        }
    }

    /// The rows of `canvas` with highlighted cells (the selection bar).
    static func highlightedRows(_ canvas: Canvas) -> [Int] {
        (0..<canvas.height).filter { y in (0..<canvas.width).contains { canvas[$0, y].highlighted } }
    }

    /// The lines of `canvas` with highlighted cells.
    static func highlightedLines(_ canvas: Canvas) -> [String] { highlightedRows(canvas).map { canvas.lines[$0] } }
}
