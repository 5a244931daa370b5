import Foundation
import LookoutCore
import LookoutUI
import Testing

@Suite("Logs screen as text")
struct LogsScreenTests {
    static let lines = [
        #"{"timestamp":"2027-01-15T08:00:01.104Z","level":"INFO","service":"chat-api","message":"llm call succeeded","request_id":"r1","provider":"openai","model":"gpt-4o-mini","latency_ms":388.1,"status":"success","status_code":200,"input_tokens":143,"output_tokens":61,"cost_usd":0.00005805}"#,
        #"{"timestamp":"2027-01-15T08:00:01.912Z","level":"ERROR","service":"chat-api","message":"rate limited by anthropic","request_id":"r2","provider":"anthropic","model":"claude-3-5-haiku-20241022","latency_ms":95.4,"status":"error","status_code":429}"#,
        #"{"timestamp":"2027-01-15T08:00:02.000Z","level":"INFO","service":"chat-api","message":"GET /health/ready 200","status_code":200,"duration_ms":3}"#,
        #"{"timestamp":"2027-01-15T08:00:02.500Z","level":"WARN","service":"chat-api","message":"retrying \u001b]0;owned\u0007 upstream"}"#,
        #"{"timestamp":"2027-01-15T08:00:03.000Z","provider":"openai","latency_ms":12"#,
    ]

    func state(screenKeys: [Key] = []) -> AppState {
        var state = AppState(context: ContextConfig(name: "prod", services: []), now: Date(timeIntervalSince1970: 1_800_000_000))
        var decoder = LogDecoder()
        let records = Self.lines.map { decoder.decode($0) }
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "chat-api", source: "/var/log/chat-api/app.log", records: records,
                                                  status: "following (app)")))
        _ = Reducer.reduce(&state, .key(.char("4")))
        for key in screenKeys { _ = Reducer.reduce(&state, .key(key)) }
        return state
    }

    @Test(arguments: [(80, 24), (160, 48)])
    func following(_ width: Int, _ height: Int) {
        Snapshot.assert(DashboardView.render(state(), width: width, height: height), named: "logs-\(width)x\(height)")
    }

    @Test func filteredAndPaused() {
        let keys: [Key] = [.char("/")] + "level>=warn".map(Key.char) + [.enter, .char(" ")]
        let canvas = DashboardView.render(state(screenKeys: keys), width: 80, height: 24)
        Snapshot.assert(canvas, named: "logs-filtered-paused-80x24")
        #expect(canvas.lines[1].contains("PAUSED (0 new)"))
    }

    @Test func recordDetailIsPrettyJSON() {
        let canvas = DashboardView.render(state(screenKeys: [.char("k"), .char("k"), .char("k"), .enter]), width: 80, height: 24)
        Snapshot.assert(canvas, named: "logs-detail-80x24")
        #expect(canvas.lines.contains { $0.contains(#""status_code" : 429"#) })
    }

    @Test func levelsAndMalformedLinesAreStyled() {
        let canvas = DashboardView.render(state(), width: 120, height: 30)
        func style(of text: String) -> StyleSlot? {
            for (y, line) in canvas.lines.enumerated() {
                if let r = line.range(of: text) { return canvas[line.distance(from: line.startIndex, to: r.lowerBound), y].style }
            }
            return nil
        }
        #expect(style(of: "ERROR") == .bad)
        #expect(style(of: "WARN ") == .warn)
        #expect(style(of: "RAW") == .warn)
        let text = canvas.lines.joined()
        #expect(text.contains("\\e]0;owned\\x07"), "escape sequences in log text are shown escaped")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 })
    }
}
