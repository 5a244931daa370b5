import Foundation
import LookoutCore
import Testing

@Suite("Reducer: keys, probes and effects")
struct ReducerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let context = ContextConfig(name: "prod", services: [
        ServiceConfig(name: "chat-api", baseURL: "http://a"),
        ServiceConfig(name: "rag-search", baseURL: "http://b"),
        ServiceConfig(name: "embed-worker", baseURL: "http://c"),
    ])

    func state() -> AppState { AppState(context: Self.context, now: Self.t0) }

    @Test func movesAndClampsTheSelection() {
        var s = state()
        #expect(Reducer.reduce(&s, .key(.char("j"))) == [])
        #expect(s.selection == 1)
        _ = Reducer.reduce(&s, .key(.down))
        _ = Reducer.reduce(&s, .key(.down))
        #expect(s.selection == 2)
        _ = Reducer.reduce(&s, .key(.char("g")))
        #expect(s.selection == 0)
        _ = Reducer.reduce(&s, .key(.up))
        #expect(s.selection == 0)
        _ = Reducer.reduce(&s, .key(.char("G")))
        #expect(s.selection == 2)
    }

    @Test func opensTheDetailAndGoesBack() {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char("j")))
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.screen == .serviceDetail(name: "rag-search"))
        #expect(s.detailService?.name == "rag-search")
        _ = Reducer.reduce(&s, .key(.char("j")))
        #expect(s.screen == .serviceDetail(name: "embed-worker"))
        _ = Reducer.reduce(&s, .key(.escape))
        #expect(s.screen == .overview)
    }

    @Test func quitRefreshAndSignalsAreEffects() {
        var s = state()
        #expect(Reducer.reduce(&s, .key(.char("q"))) == [.quit])
        #expect(Reducer.reduce(&s, .signal(.hangup)) == [.quit])
        #expect(Reducer.reduce(&s, .key(.char("r"))) == [.probeNow(services: ["chat-api", "rag-search", "embed-worker"])])
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(Reducer.reduce(&s, .key(.char("r"))) == [.probeNow(services: ["chat-api"])])
        #expect(Reducer.reduce(&s, .key(.char("Z"))) == [])
    }

    @Test func helpOpensAndAnyKeyClosesIt() {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char("?")))
        #expect(s.showingHelp)
        #expect(Reducer.reduce(&s, .key(.char("j"))) == [])
        #expect(!s.showingHelp && s.selection == 0)
        _ = Reducer.reduce(&s, .key(.char("?")))
        #expect(Reducer.reduce(&s, .key(.char("q"))) == [.quit])
    }

    @Test func probeResultsUpdateTheServiceAndTrackWhenChecksChanged() {
        var s = state()
        func readiness(_ body: String, status: Int, at seconds: Double) -> Event {
            .probe(ProbeResult(service: "chat-api", kind: .readiness, startedAt: Self.t0.addingTimeInterval(seconds),
                               httpStatus: status, body: Array(body.utf8)))
        }
        _ = Reducer.reduce(&s, readiness(#"{"status":"ready","checks":{"db":"healthy","llm_api":"healthy"}}"#, status: 200, at: 1))
        _ = Reducer.reduce(&s, readiness(#"{"status":"ready","checks":{"db":"healthy","llm_api":"healthy"}}"#, status: 200, at: 5))
        #expect(s.services[0].checkSince["llm_api"] == Self.t0.addingTimeInterval(1))
        _ = Reducer.reduce(&s, readiness(#"{"status":"not_ready","checks":{"db":"healthy","llm_api":"unhealthy: timeout"}}"#, status: 503, at: 9))
        #expect(s.services[0].checkSince["llm_api"] == Self.t0.addingTimeInterval(9))
        #expect(s.services[0].checkSince["db"] == Self.t0.addingTimeInterval(1))
        #expect(s.services[0].reason == "llm_api: timeout")
        #expect(s.now == Self.t0.addingTimeInterval(9))
        _ = Reducer.reduce(&s, .tick(Self.t0.addingTimeInterval(3)))
        #expect(s.now == Self.t0.addingTimeInterval(9), "time never goes backwards")
    }

    @Test func resultsForUnknownServicesAreIgnored() {
        var s = state()
        let before = s
        _ = Reducer.reduce(&s, .probe(ProbeResult(service: "ghost", kind: .liveness, startedAt: Self.t0, httpStatus: 200)))
        #expect(s == before)
    }

    @Test func pagingKeepsTheSelectionVisible() {
        let many = ContextConfig(name: "big", services: (0..<50).map { ServiceConfig(name: "svc-\($0)", baseURL: "http://x") })
        var s = AppState(context: many, now: Self.t0)
        _ = Reducer.reduce(&s, .laidOut(ViewLayout(listRows: 10)))
        _ = Reducer.reduce(&s, .key(.pageDown))
        #expect(s.selection == 10 && s.scroll == 1)
        _ = Reducer.reduce(&s, .key(.char("G")))
        #expect(s.selection == 49 && s.scroll == 40)
        _ = Reducer.reduce(&s, .key(.pageUp))
        #expect(s.selection == 39 && s.scroll == 39)
    }
}

@Suite("Key map")
struct KeyMapTests {
    @Test func dispatchDependsOnTheScreen() {
        let map = KeyMap.standard
        #expect(map.command(for: .enter, on: .overview) == .open)
        #expect(map.command(for: .enter, on: .serviceDetail) == nil)
        #expect(map.command(for: .escape, on: .serviceDetail) == .back)
        #expect(map.command(for: .char("q"), on: .serviceDetail) == .quit)
    }

    @Test func readOnlyDropsDangerousBindings() {
        let map = KeyMap(bindings: KeyMap.standard.bindings + [KeyBinding([.char("F")], .refresh, "fail over", dangerous: true)])
        #expect(map.command(for: .char("F"), on: .overview) == .refresh)
        #expect(map.readOnly().command(for: .char("F"), on: .overview) == nil)
        #expect(map.readOnly().bindings.count == KeyMap.standard.readOnly().bindings.count)
        // The standard map's actions are all dangerous: read-only removes every one of their keys.
        let readOnly = KeyMap.standard.readOnly()
        for (key, screen) in [(Key.char("x"), ScreenKind.providers), (.char("s"), .providers), (.char("p"), .providers),
                              (.char("R"), .overview), (.char("R"), .serviceDetail)] {
            #expect(KeyMap.standard.command(for: key, on: screen) != nil)
            #expect(readOnly.command(for: key, on: screen) == nil, "\(key) on \(screen)")
        }
    }
}

@Suite("Logs screen state")
struct LogsStateTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func record(_ provider: String?, level: LogLevel = .info, id: String) -> LogRecord {
        var r = LogRecord(raw: "{\"provider\":\"\(provider ?? "")\",\"request_id\":\"\(id)\"}", mapping: "app")
        r.provider = provider
        r.level = level
        r.requestID = id
        return r
    }

    func state(capacity: Int = 100) -> AppState {
        var s = AppState(context: ContextConfig(name: "p", services: []), now: Self.t0, logCapacity: capacity)
        _ = Reducer.reduce(&s, .key(.char("4")))
        return s
    }

    func batch(_ records: [LogRecord]) -> Event { .logs(LogBatch(service: "chat-api", source: "/x.log", records: records)) }

    @Test func typingAFilterAppliesItOnEnter() {
        var s = state()
        _ = Reducer.reduce(&s, batch([record("openai", id: "1"), record("anthropic", id: "2"), record("openai", level: .error, id: "3")]))
        #expect(s.screen == .logs && s.logs.visible.count == 3)
        for key in [Key.char("/")] + "provider:open".map(Key.char) + [.enter] { _ = Reducer.reduce(&s, .key(key)) }
        #expect(s.logs.filter?.source == "provider:open")
        #expect(s.logs.visible.compactMap { s.logs.line($0)?.record.requestID } == ["1", "3"])
        // q while typing is text, not quit.
        _ = Reducer.reduce(&s, .key(.char("/")))
        #expect(Reducer.reduce(&s, .key(.char("q"))) == [])
        #expect(s.logs.filterInput == "provider:openq")
        _ = Reducer.reduce(&s, .key(.escape))
        #expect(s.logs.filterInput == nil && s.logs.filter?.source == "provider:open")
    }

    @Test func aBadFilterSaysWhyAndKeepsTheInput() {
        var s = state()
        for key in [Key.char("/")] + "colour:red".map(Key.char) + [.enter] { _ = Reducer.reduce(&s, .key(key)) }
        #expect(s.logs.filterInput == "colour:red")
        #expect(s.logs.filterError?.hasPrefix("unknown field \"colour\"") == true)
    }

    @Test func pauseFreezesTheViewAndCountsNewRecords() {
        var s = state()
        _ = Reducer.reduce(&s, batch([record("openai", id: "1")]))
        _ = Reducer.reduce(&s, .key(.char(" ")))
        _ = Reducer.reduce(&s, batch([record("openai", id: "2"), record("openai", id: "3")]))
        #expect(s.logs.isPaused && s.logs.visible.count == 1 && s.logs.newWhilePaused == 2)
        _ = Reducer.reduce(&s, .key(.char(" ")))
        #expect(!s.logs.isPaused && s.logs.visible.count == 3)
    }

    @Test func theRingIsBoundedAndErrorsAreOneKeyAway() {
        var s = state(capacity: 100)
        _ = Reducer.reduce(&s, batch((0..<250).map { record("openai", level: $0 % 50 == 0 ? .error : .info, id: "\($0)") }))
        #expect(s.logs.lines.count == 100 && s.logs.lines.first?.record.requestID == "150")
        _ = Reducer.reduce(&s, .key(.char("g")))
        _ = Reducer.reduce(&s, .key(.char("n")))
        #expect(s.logs.current.flatMap { s.logs.line($0)?.record.requestID } == "200")
        _ = Reducer.reduce(&s, .key(.char("N")))
        #expect(s.logs.current.flatMap { s.logs.line($0)?.record.requestID } == "150")
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.logs.detail != nil)
        _ = Reducer.reduce(&s, .key(.escape))
        #expect(s.logs.detail == nil && s.screen == .logs)
        _ = Reducer.reduce(&s, .key(.escape))
        #expect(s.screen == .overview)
    }

    @Test(arguments: [
        ("level>=warn", ["2", "3"]), ("level=error", ["3"]), ("/\"request_id\":\"[12]\"/", ["1", "2"]), ("ANTHRO", ["2"]), ("provider:openai level<warn", ["1"]),
    ])
    func filterTerms(_ text: String, _ expected: [String]) throws {
        let records = [record("openai", id: "1"), record("anthropic", level: .warn, id: "2"), record("openai", level: .error, id: "3")]
        let filter = try LogFilter(text)
        #expect(records.filter { filter.matches($0) }.compactMap(\.requestID) == expected)
    }

    @Test func afterKeepsTheLinesThatArrivedSinceAndRejectsABadTime() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let filter = try LogFilter("provider=openai " + LogFilter.afterTerm(start))
        #expect(filter.matches(record("openai", id: "1"), arrived: start))
        #expect(!filter.matches(record("openai", id: "1"), arrived: start.addingTimeInterval(-1)))
        #expect(!filter.matches(record("anthropic", id: "2"), arrived: start.addingTimeInterval(5)))
        #expect(throws: LogFilterError("bad time in \"after:yesterday\": use after:2026-11-30T03:40:00Z")) { try LogFilter("after:yesterday") }
    }
}
