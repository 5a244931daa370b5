import Foundation
import LookoutCore
import Testing

@Suite("Windowed call statistics, with a fake clock")
struct ProviderWindowTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func call(latency: Double, code: Int = 200, input: Int = 100, output: Int = 50) -> LogRecord {
        var record = LogRecord(raw: "", mapping: "app")
        record.provider = "openai"
        record.latencyMs = latency
        record.httpStatus = code
        record.inputTokens = input
        record.outputTokens = output
        return record
    }

    @Test func windowsCountWhatHappenedInThem() {
        var timeline = CallTimeline()
        // An hour of one call a second at 100 ms, then a minute of 429s at 50 ms.
        for second in 0..<3600 { timeline.add(call(latency: 100), at: Self.t0.addingTimeInterval(Double(second)), cost: 0.001) }
        for second in 3600..<3660 { timeline.add(call(latency: 50, code: 429, output: 0), at: Self.t0.addingTimeInterval(Double(second)), cost: nil) }
        let now = Self.t0.addingTimeInterval(3660)

        let minute = timeline.summary(.oneMinute, now: now)
        #expect(minute.requests == 60 && minute.errors == 60)
        #expect(minute.errorRate(.rateLimit) == 1)
        #expect(minute.requestsPerMinute == 60)
        #expect(minute.p50Ms == 50 && minute.costPerHour == 0)

        let five = timeline.summary(.fiveMinutes, now: now)
        #expect(five.requests == 300 && five.errors == 60)
        #expect(abs(five.errorRate - 0.2) < 1e-9)
        #expect(five.p50Ms == 100 && five.p99Ms == 100)
        #expect(abs(five.costPerHour - 240 * 0.001 / 300 * 3600) < 1e-9)

        let hour = timeline.summary(.oneHour, now: now)
        #expect((3600...3660).contains(hour.requests))
        #expect(hour.p50Ms == 100)
        #expect(hour.tokensPerMinute > 0)
    }

    @Test func memoryIsBoundedWhateverTheTraffic() {
        var timeline = CallTimeline()
        for second in 0..<(3 * 3600) {
            for _ in 0..<3 { timeline.add(call(latency: Double(second % 900)), at: Self.t0.addingTimeInterval(Double(second)), cost: nil) }
        }
        let now = Self.t0.addingTimeInterval(3 * 3600)
        #expect(timeline.summary(.oneHour, now: now).requests <= 3 * 3660)
        #expect(timeline.summary(.oneMinute, now: now).requests <= 3 * 70)
        #expect(timeline.requestSeries(now: now).count == 30)
    }
}
