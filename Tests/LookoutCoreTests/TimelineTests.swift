import Foundation
import LookoutCore
import Testing

@Suite("The incident timeline")
struct TimelineTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func down(_ service: String, at seconds: Double) -> Event {
        .probe(ProbeResult(service: service, kind: .liveness, startedAt: Self.t0.addingTimeInterval(seconds), httpStatus: nil,
                           transportError: TransportError(code: 7, message: "Connection refused")))
    }

    func up(_ service: String, at seconds: Double) -> Event {
        .probe(ProbeResult(service: service, kind: .liveness, startedAt: Self.t0.addingTimeInterval(seconds), httpStatus: 200,
                           body: Array(#"{"status":"ok"}"#.utf8)))
    }

    @Test func healthAlertsBudgetLinesAndNotesLandInTimeOrderAndGoToTheStoreOnce() throws {
        var service = ServiceConfig(name: "chat-api", baseURL: "http://h")
        service.readinessPath = nil
        var context = ContextConfig(name: "prod", services: [service])
        context.budgets = [BudgetConfig(name: "day", scope: .all, period: .day, limit: .usd(1))]
        var state = AppState(context: context, now: Self.t0)
        state.savesTimeline = true
        state.operatorName = "ana"
        _ = Reducer.reduce(&state, up("chat-api", at: 1))
        _ = Reducer.reduce(&state, up("chat-api", at: 2))
        for second in 3...5 { _ = Reducer.reduce(&state, down("chat-api", at: Double(second))) }
        var call = LogRecord(raw: "{}", mapping: "app")
        call.provider = "openai"
        call.model = "gpt-4o"
        call.costUSD = 0.6
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "chat-api", source: "/x", records: [call])))
        let effects = Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(6)))
        _ = Reducer.reduce(&state, .key(.char("5")))
        _ = Reducer.reduce(&state, .key(.char("a")))
        for second in 7...8 { _ = Reducer.reduce(&state, up("chat-api", at: Double(second))) }
        let texts = state.timeline.entries.map { "\($0.kind.rawValue) \($0.subject): \($0.text)" }
        #expect(texts == [
            "health chat-api: healthy → down: liveness: Connection refused",
            "alert chat-api: CRITICAL health: down: liveness: Connection refused",
            "alert day: WARNING budget: budget at 60% of $1.00 (day) — runs out ~08:00Z at $32.73/h",
            "budget day: passed 50%: 60% of $1.00 (day)",
            "note chat-api: acknowledged health:chat-api (ana)",
            "health chat-api: down → healthy",
        ], "a first judgement of healthy is no change worth a line")
        guard case let .saveTimeline(name, saved)? = effects.last else { Issue.record("expected the tick to save: \(effects)"); return }
        #expect(name == "prod" && saved.count == 4)
        #expect(Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(9))) == [], "the store is written every 5 s, not every tick")
        let next = Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(11)))
        guard case let .saveTimeline(_, rest)? = next.last else { Issue.record("expected the rest: \(next)"); return }
        #expect(rest.map(\.kind) == [.note, .health], "each entry is handed to the store once")
    }

    @Test func keptEntriesMergeInTimeOrderAndTheTimelineIsBounded() {
        var timeline = Timeline(capacity: 3)
        timeline.add(TimelineEntry(time: Self.t0.addingTimeInterval(10), kind: .health, subject: "a", text: "new"))
        timeline.load([TimelineEntry(time: Self.t0, kind: .alert, subject: "a", text: "old"),
                       TimelineEntry(time: Self.t0.addingTimeInterval(5), kind: .note, subject: "a", text: "older")])
        #expect(timeline.entries.map(\.text) == ["old", "older", "new"])
        timeline.add(TimelineEntry(time: Self.t0.addingTimeInterval(20), kind: .action, subject: "a", text: "newest"))
        #expect(timeline.entries.map(\.text) == ["older", "new", "newest"])
        #expect(timeline.takeUnsaved().map(\.text) == ["new", "newest"], "loaded entries are not saved again")
    }
}

@Suite("The timeline in a snapshot")
struct SnapshotTimelineTests {
    @Test func markdownAndJSONCarryTheLastMinutesOfTheTimeline() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var state = AppState(context: ContextConfig(name: "prod", services: []), now: now)
        state.timeline.load([
            TimelineEntry(time: now.addingTimeInterval(-3600), kind: .health, subject: "old", text: "too old"),
            TimelineEntry(time: now.addingTimeInterval(-600), kind: .alert, subject: "anthropic", text: "CRITICAL error-rate: 31% | errors",
                          severity: .critical),
            TimelineEntry(time: now.addingTimeInterval(-60), kind: .note, subject: "error-rate:*", text: "silenced error-rate:* for 1h (ana)"),
        ])
        let report = SnapshotReport(state: state, generatedAt: now, timelineSpan: .seconds(1800))
        let markdown = report.markdown()
        #expect(markdown.contains("**Timeline** (last 30m, UTC)\n- `07:50:00` 🔴 **anthropic** CRITICAL error-rate: 31% \\| errors\n"
                                  + "- `07:59:00` **error-rate:*** silenced error-rate:* for 1h (ana)\n"), "\(markdown)")
        #expect(!markdown.contains("too old"))
        #expect(report.json().contains(#""timeline":[{"time":"2027-01-15T07:50:00.000Z","kind":"alert","subject":"anthropic","text":"CRITICAL error-rate: 31% | errors","severity":"critical"},{"time":"2027-01-15T07:59:00.000Z","kind":"note""#))
    }
}
