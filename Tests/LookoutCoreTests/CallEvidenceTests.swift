import Foundation
import LookoutCore
import Testing

/// What counts as an LLM call, what time a record has, and which records a filter term finds.
@Suite("Calls, events, times and filters")
struct CallEvidenceTests {
    /// An ordinary FastAPI app's admin event: it names a provider but is no call (the shape the demo's
    /// support-bot writes, from the issue's report of a real service).
    static let adminEvent = #"{"timestamp":"2026-12-04T03:10:00.000Z","level":"WARNING","service":"support-bot","message":"primary provider switched","previous":"openai","provider":"anthropic","failover_enabled":true}"#

    @Test func anEventWithAProviderFieldIsNoCall() {
        let record = decodeAll(Self.adminEvent)[0]
        #expect(record.provider == "anthropic")
        #expect(!record.isLLMCall)
        #expect(record.message == "primary provider switched")
        var reader = StatsReader()
        Array((Self.adminEvent + "\n").utf8).withUnsafeBufferPointer { reader.feed($0) }
        reader.finish()
        #expect(reader.statistics.llmCalls == 0)
        #expect(reader.statistics.records == 1)
    }

    @Test(arguments: [
        #"{"provider":"openai","model":"gpt-4o-mini"}"#,
        #"{"provider":"openai","latency_ms":12}"#,
        #"{"provider":"openai","input_tokens":3}"#,
        #"{"provider":"openai","status_code":200}"#,
        #"{"provider":"openai","status":"success"}"#,
    ])
    func eachKindOfEvidenceMakesACall(_ line: String) {
        #expect(decodeAll(line)[0].isLLMCall)
        var reader = StatsReader()
        Array((line + "\n").utf8).withUnsafeBufferPointer { reader.feed($0) }
        reader.finish()
        #expect(reader.statistics.llmCalls == 1, "the stats fast lane agrees")
    }

    @Test func theDashboardCountsNoEvent() {
        var state = AppState(context: ContextConfig(name: "prod", services: []), now: Date(timeIntervalSince1970: 1_796_355_000))
        let records = decodeAll(Self.adminEvent)
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "support-bot", source: "app.log", records: records)))
        #expect(state.providers.providers.isEmpty)
        #expect(state.logs.lines.count == 1)
    }

    @Test(arguments: [
        ("2026-12-04T03:31:41.382174", 1_796_355_101.382174, "03:31:41.382"),
        ("2026-12-04T03:31:41Z", 1_796_355_101.0, "03:31:41.000"),
        ("2026-12-04T04:31:41+01:00", 1_796_355_101.0, "03:31:41.000"),
        ("2026-12-04 03:31:41,500", 1_796_355_101.5, "03:31:41.500"),
        ("1796355101.382174", 1_796_355_101.382174, "03:31:41.382"),
        ("1796355101382", 1_796_355_101.382, "03:31:41.382"),
        ("1796355101382174", 1_796_355_101.382174, "03:31:41.382"),
        ("1796355101382174000", 1_796_355_101.382174, "03:31:41.382"),
    ])
    func timesInEveryForm(_ text: String, _ seconds: Double, _ clock: String) throws {
        // Expected values from Python's datetime.fromtimestamp(…, timezone.utc).
        #expect(abs(try #require(LogTime.epochSeconds(text)) - seconds) < 0.001)
        #expect(LogTime.clock(text) == clock)
    }

    @Test(arguments: ["0.43s", "yesterday", "", "2026-13-01T00:00:00Z", "12:00"])
    func notTimes(_ text: String) {
        #expect(LogTime.epochSeconds(text) == nil)
    }

    @Test func callsCountAtTheirOwnTimeBoundedByTheLongestWindow() {
        let now = Date(timeIntervalSince1970: 1_796_355_200)
        func record(_ time: String?) -> LogRecord {
            var r = LogRecord(raw: "", mapping: "app")
            r.time = time
            return r
        }
        #expect(ProviderBoard.bucketTime(of: record("1796355140"), now: now) == Date(timeIntervalSince1970: 1_796_355_140))
        #expect(ProviderBoard.bucketTime(of: record("1796359999"), now: now) == now, "a clock ahead of ours: now")
        #expect(ProviderBoard.bucketTime(of: record("1796340000"), now: now) == nil, "a backlog older than 1h: stats only")
        #expect(ProviderBoard.bucketTime(of: record(nil), now: now) == now)
    }

    @Test func aBacklogReadFromTheStartIsNotCurrentTraffic() {
        let now = Date(timeIntervalSince1970: 1_796_355_200)
        var state = AppState(context: ContextConfig(name: "prod", services: []), now: now)
        let old = #"{"timestamp":"2026-12-04T01:00:00Z","provider":"openai","model":"gpt-4o","latency_ms":100}"#
        let recent = #"{"timestamp":"2026-12-04T03:33:00Z","provider":"openai","model":"gpt-4o","latency_ms":100,"status_code":503}"#
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "x", source: "f", records: decodeAll(old + "\n" + recent))))
        let summary = state.providers.summary(provider: "openai", window: .fiveMinutes, now: now)
        #expect(summary?.requests == 1)
        #expect(summary?.errorsByClass == [.server: 1])
    }

    @Test func fieldTermsMatchWhatTheColumnsShow() throws {
        let payload = try LiteLLMShapeTests.captured("generic_api_payloads.jsonl").split(separator: "\n").map(String.init)
        let records = decodeAll(payload.joined(separator: "\n"))
        let service = try LogFilter("service:litellm")
        // LiteLLM's payloads carry no service: the column shows the source's service, and so does the filter.
        #expect(records.allSatisfy { service.matches($0, source: "litellm") })
        #expect(!records.contains { service.matches($0, source: "chat-api") })
        let rateLimited = try LogFilter("status:rate_limit")
        #expect(records.filter { rateLimited.matches($0) }.count == records.filter { $0.errorClass == .rateLimit }.count)
        let gateway = try LogFilter("provider=(gateway)")
        #expect(records.filter { gateway.matches($0) }.count == 1)
    }
}
