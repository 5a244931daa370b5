import Foundation
import LookoutCore
import LookoutUI
import Testing

@Suite("Screens as text")
struct ScreenSnapshotTests {
    static let sizes = [(80, 24), (160, 48)]

    @Test(arguments: sizes)
    func overview(_ width: Int, _ height: Int) {
        let state = Fixtures.state()
        Snapshot.assert(DashboardView.render(state, width: width, height: height), named: "overview-\(width)x\(height)")
    }

    @Test(arguments: sizes)
    func serviceDetail(_ width: Int, _ height: Int) {
        let state = Fixtures.state(screen: .serviceDetail(name: "chat-api"))
        Snapshot.assert(DashboardView.render(state, width: width, height: height), named: "detail-\(width)x\(height)")
    }

    @Test func serviceDetailOfAServiceThatIsDown() {
        let state = Fixtures.state(screen: .serviceDetail(name: "embed-worker"))
        Snapshot.assert(DashboardView.render(state, width: 80, height: 24), named: "detail-down-80x24")
    }

    @Test func serviceDetailDuringARollout() {
        let state = Fixtures.state(screen: .serviceDetail(name: "rag-search"))
        let canvas = DashboardView.render(state, width: 100, height: 30)
        Snapshot.assert(canvas, named: "detail-rollout-100x30")
        #expect(canvas.lines.joined(separator: "\n").contains("Version    2.0.3→2.1.0 mixed 3:1  rolling out for 3s · last 4 probes: 2.0.3 ×3, 2.1.0 ×1"))
    }

    @Test func commandPalette() {
        var state = Fixtures.state()
        for key in [Key.char(":"), .char("s"), .char("e"), .down] { _ = Reducer.reduce(&state, .key(key)) }
        let canvas = DashboardView.render(state, width: 80, height: 24)
        Snapshot.assert(canvas, named: "palette-80x24")
        let chosen = canvas.lines.firstIndex { $0.contains(state.palette!.matches(in: state)[1].label) }
        #expect(chosen.map { canvas[10, $0].highlighted } == true, "the second match is under the selection bar")
    }

    @Test func aConfiguredVersionSourceThatSaysNothingSaysWhy() {
        var service = ServiceConfig(name: "api", baseURL: "http://a", readinessPath: nil)
        service.version = VersionConfig(header: "X-App-Version")
        var state = AppState(context: ContextConfig(name: "prod", services: [service]), now: Fixtures.now)
        _ = Reducer.reduce(&state, .probe(ProbeResult(service: "api", kind: .liveness, startedAt: Fixtures.now, httpStatus: 200,
                                                      body: Array(#"{"status":"ok","version":"ignored"}"#.utf8))))
        state.screen = .serviceDetail(name: "api")
        let canvas = DashboardView.render(state, width: 120, height: 24)
        let line = canvas.lines.first { $0.hasPrefix(" Version") } ?? ""
        #expect(line.contains("not reported: no X-App-Version header in the liveness response (from header X-App-Version)"), "\(line)")
    }

    @Test func helpOverlay() {
        var state = Fixtures.state()
        _ = Reducer.reduce(&state, .key(.char("?")))
        Snapshot.assert(DashboardView.render(state, width: 80, height: 24), named: "help-80x24")
    }

    @Test func tooSmallTerminalSaysSo() {
        let canvas = DashboardView.render(Fixtures.state(), width: 15, height: 4)
        #expect(canvas.lines[0] == "lookout: termin")
    }
}

@Suite("Colour carries meaning")
struct ScreenStyleTests {
    /// The style of the first cell of `text` on the canvas, on the first line that also holds `row`.
    func style(of text: String, in canvas: Canvas, row: String = "") -> (StyleSlot, Bool)? {
        for (y, line) in canvas.lines.enumerated() where row.isEmpty || line.contains(row) {
            if let range = line.range(of: text) {
                let x = line.distance(from: line.startIndex, to: range.lowerBound)
                return (canvas[x, y].style, canvas[x, y].highlighted)
            }
        }
        return nil
    }

    @Test func failingStatesAreBadAndPassingOnesOk() throws {
        let overview = DashboardView.render(Fixtures.state(), width: 120, height: 30)
        #expect(style(of: "NOT READY", in: overview)?.0 == .bad)
        #expect(style(of: "NOT READY", in: overview)?.1 == true, "the selected row keeps its colour under the bar")
        #expect(style(of: "ready", in: overview, row: "rag-search")?.0 == .ok)
        #expect(style(of: "ready", in: overview, row: "rag-search")?.1 == false)
        #expect(style(of: "DOWN", in: overview)?.0 == .bad)
        #expect(style(of: "llm_api: timeout", in: overview)?.0 == .bad)

        let detail = DashboardView.render(Fixtures.state(screen: .serviceDetail(name: "chat-api")), width: 120, height: 30)
        #expect(style(of: "UNHEALTHY", in: detail)?.0 == .bad)
        #expect(style(of: "timeout after 5000ms", in: detail)?.0 == .bad)
        #expect(style(of: "healthy", in: detail, row: "database")?.0 == .ok)
    }

    @Test func hostileServiceTextIsEscapedOnScreen() {
        var state = AppState(context: ContextConfig(name: "p", services: [ServiceConfig(name: "evil", baseURL: "http://e")]),
                             now: Fixtures.now)
        _ = Reducer.reduce(&state, .probe(ProbeResult(
            service: "evil", kind: .readiness, startedAt: Fixtures.now, httpStatus: 503,
            body: Array(#"{"status":"not_ready","checks":{"db":"unhealthy: \u001b]52;c;aGk=\u0007\u001b[2J"}}"#.utf8))))
        let canvas = DashboardView.render(state, width: 120, height: 20)
        let text = canvas.lines.joined()
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 })
        #expect(text.contains("db: \\e]52;c;aGk=\\x07\\e[2J"))
    }
}

@Suite("Widgets")
struct WidgetTests {
    @Test func tableFillsEveryCellOfItsArea() {
        // Pre-filled with x: any cell the table forgets to paint shows up.
        var canvas = Canvas(width: 30, height: 4, fill: Cell("x"))
        let table = Table(columns: [TableColumn("NAME", width: 6, flex: 1), TableColumn("N", width: 3, alignRight: true)],
                          rows: [[TableCell("alpha"), TableCell("1")], [TableCell("a-very-long-name-indeed"), TableCell("22")]],
                          selected: 1)
        table.render(in: Rect(x: 0, y: 0, width: 30, height: 3), canvas: &canvas)
        // NAME takes its longest name, N its own width; the rest of the area is painted blank, not left as it was.
        #expect(canvas.lines == [
            "NAME                      N   ",
            "alpha                     1   ",
            "a-very-long-name-indeed  22   ",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ])
        #expect(canvas[0, 2].highlighted && !canvas[0, 1].highlighted)
    }

    /// Too narrow even without its droppable columns, a table leaves out its last columns whole: a number is never
    /// cut (`25ms` drawn as `25m` at 40 columns read as 25 minutes).
    @Test func aColumnThatDoesNotFitIsLeftOutWholeNotCut() {
        let table = Table(columns: [TableColumn("SERVICE", width: 12), TableColumn("STATE", width: 9), TableColumn("READY", width: 9),
                                    TableColumn("LATENCY", width: 7, alignRight: true), TableColumn("REASON", width: 18, flex: 1)],
                          rows: [[TableCell("chat-api"), TableCell("healthy"), TableCell("ready"), TableCell("25ms"), TableCell("")]])
        #expect(table.layout(width: 38) == [12, 9, 9, 0, 0])
        var canvas = Canvas(width: 38, height: 2)
        table.render(in: Rect(x: 0, y: 0, width: 38, height: 2), canvas: &canvas)
        #expect(canvas.lines[1] == "chat-api     healthy   ready          ")
        #expect(table.layout(width: 40) == [12, 9, 9, 7, 0] && table.layout(width: 59) == [12, 9, 9, 7, 18])
    }

    @Test func narrowTablesDropLowPriorityColumnsAndTruncate() {
        let table = Table(columns: [TableColumn("NAME", width: 8, flex: 1), TableColumn("EXTRA", width: 8, dropPriority: 1),
                                    TableColumn("STATE", width: 5)], rows: [])
        #expect(table.layout(width: 14) == [8, 0, 5])
        #expect(table.layout(width: 30) == [8, 8, 5], "no wider than the content: the rest stays blank")
        let full = Table(columns: table.columns, rows: [[TableCell("a-long-provider"), TableCell("x"), TableCell("100.0%")]])
        #expect(full.layout(width: 40) == [15, 8, 6], "a fixed column grows to show 100.0% whole, a flexible one its name")
        #expect(full.layout(width: 24) == [8, 8, 6], "short of room: the fixed column grows first")
        #expect(TextLayout.truncate("abcdefgh", to: 5) == "abcd…")
    }

    @Test func theCanvasDoorEscapesWhateverACallerForgot() {
        var canvas = Canvas(width: 40, height: 1, fill: Cell("x"))
        let used = canvas.write("a\u{1B}[2Jb\u{202E}c\u{9B}d\u{07}", x: 0, y: 0)
        #expect(canvas.lines == ["a\\e[2Jb\\u{202e}c\\u{9b}d\\x07xxxxxxxxxxxxx"])
        #expect(used == 27)
        #expect(!canvas.cells.contains { $0.character?.unicodeScalars.contains(where: SafeText.isControl) ?? false })
        // Text escaped before is drawn the same, and an escape cut by the edge is cut, not sent.
        var again = Canvas(width: 40, height: 1, fill: Cell("x"))
        again.write(SafeText.escape("a\u{1B}[2Jb\u{202E}c\u{9B}d\u{07}"), x: 0, y: 0)
        #expect(again == canvas)
        var narrow = Canvas(width: 3, height: 1)
        narrow.write("a\u{1B}[", x: 0, y: 0)
        #expect(narrow.lines == ["a\\e"])
    }

    @Test func wideCharactersTakeTwoColumns() {
        var canvas = Canvas(width: 6, height: 1)
        canvas.write("日本x", x: 0, y: 0)
        #expect(canvas.lines == ["日本x "])
        #expect(canvas[1, 0].character == nil)
    }
}

/// Every screen at every small size draws without trapping: a screen laid out for more rows than the terminal has
/// must clip, not crash (the service screen at 40x10 died with "Range requires lowerBound <= upperBound").
@Suite("Tiny terminals")
struct TinyTerminalTests {
    static func states() -> [(String, AppState)] {
        var help = Fixtures.state()
        _ = Reducer.reduce(&help, .key(.char("?")))
        var logs = Fixtures.state(screen: .logs)
        var decoder = LogDecoder(mapping: .app)
        _ = Reducer.reduce(&logs, .logs(LogBatch(service: "chat-api", source: "/x", records: (0..<30).map {
            decoder.decode(#"{"level":"INFO","message":"line \#($0)","provider":"openai","model":"gpt-4o","latency_ms":12}"#)
        })))
        var record = logs
        _ = Reducer.reduce(&record, .key(.enter))
        var silencing = AlertsScreenTests.state()
        _ = Reducer.reduce(&silencing, .key(.char("S")))
        var timeline = BudgetScreenTests.state()
        timeline.timeline.add(TimelineEntry(time: timeline.now, kind: .budget, subject: "openai-hour", text: "passed 50%", severity: .warning))
        timeline.screen = .timeline
        return [("overview", Fixtures.state()), ("help", help), ("logs", logs), ("record", record),
                ("providers", Fixtures.state(screen: .providers)), ("actions", Fixtures.state(screen: .actions)),
                ("budget", BudgetScreenTests.state()), ("alerts", AlertsScreenTests.state()), ("silence prompt", silencing),
                ("timeline", timeline)]
            + Fixtures.context.services.map { ("detail \($0.name)", Fixtures.state(screen: .serviceDetail(name: $0.name))) }
    }

    /// ASCII mode (`--ascii`, or a locale that is not UTF-8): every screen at 80x24 and 200x60 is ASCII only, laid out
    /// as in UTF-8 (each line as wide), with the palette too; two screens kept as snapshots.
    @Test func everyScreenInASCIIIsASCIIAndKeepsItsLayout() {
        var palette = Fixtures.state()
        for key in [Key.char(":"), .char("r"), .char("a")] { _ = Reducer.reduce(&palette, .key(key)) }
        for (name, state) in Self.states() + [("palette", palette)] {
            for (width, height) in [(80, 24), (200, 60)] {
                let utf8 = DashboardView.render(state, width: width, height: height)
                let ascii = AsciiFallback.canvas(utf8)
                let text = ascii.lines.joined(separator: "\n")
                #expect(text.unicodeScalars.allSatisfy { $0.isASCII }, "\(name) at \(width)x\(height): \(text.unicodeScalars.filter { !$0.isASCII }.map { String($0) })")
                #expect(ascii.lines.map(\.count) == Array(repeating: width, count: height), "\(name) at \(width)x\(height)")
                let missing = Set(utf8.lines.joined().filter { !$0.isASCII && AsciiFallback.character($0) == "?" })
                #expect(missing.isEmpty, "\(name) at \(width)x\(height): glyphs without an ASCII stand-in: \(missing.sorted())")
            }
        }
        Snapshot.assert(AsciiFallback.canvas(DashboardView.render(Fixtures.state(), width: 80, height: 24)), named: "overview-ascii-80x24")
        Snapshot.assert(AsciiFallback.canvas(DashboardView.render(Fixtures.state(screen: .serviceDetail(name: "chat-api")), width: 80, height: 24)),
                        named: "detail-ascii-80x24")
    }

    /// Every screen, with data and without, with each dialog open, from 1x1 to 300x100: no trap, and every frame is
    /// exactly the terminal's size (each line as wide as the terminal, no more).
    @Test func everyScreenWithAndWithoutDataAndEveryDialogDrawsAtEverySizeFrom1x1To300x100() throws {
        var dialogs: [(String, AppState)] = []
        var confirm = try ActionScreenTests().state()
        _ = Reducer.reduce(&confirm, .key(.char("R")))
        dialogs.append(("redeploy confirmation", confirm))
        var help = Fixtures.state()
        _ = Reducer.reduce(&help, .key(.char("?")))
        dialogs.append(("help", help))
        var palette = Fixtures.state()
        for key in [Key.char(":"), .char("s")] { _ = Reducer.reduce(&palette, .key(key)) }
        dialogs.append(("palette", palette))
        var filter = Fixtures.state(screen: .logs)
        for key in [Key.char("/"), .char("x")] { _ = Reducer.reduce(&filter, .key(key)) }
        dialogs.append(("logs filter", filter))
        let empty = [Screen.overview, .providers, .logs, .actions, .alerts, .timeline, .serviceDetail(name: "nothing")].map { screen in
            var state = AppState(context: ContextConfig(name: "empty", services: []), now: Fixtures.now)
            state.screen = screen
            return ("empty \(screen)", state)
        }
        #expect(confirm.action != nil && help.showingHelp && palette.palette != nil && filter.logs.filterInput != nil, "the dialogs are open")
        let widths = [1, 2, 3, 5, 8, 13, 19, 20, 21, 33, 40, 55, 80, 120, 200, 300]
        let heights = [1, 2, 3, 4, 5, 6, 7, 10, 13, 24, 40, 60, 100]
        for (name, state) in Self.states() + dialogs + empty {
            for width in widths {
                for height in heights {
                    let canvas = DashboardView.render(state, width: width, height: height)
                    #expect(canvas.lines.count == height, "\(name) at \(width)x\(height)")
                    #expect(canvas.lines.allSatisfy { DisplayWidth.of($0) == width }, "\(name) at \(width)x\(height): a line is not \(width) wide")
                }
            }
        }
    }

    @Test func everyScreenDrawsAtEverySizeFrom20x5To60x16() {
        for (name, state) in Self.states() {
            for width in stride(from: 20, through: 60, by: 4) {
                for height in 5...16 {
                    let canvas = DashboardView.render(state, width: width, height: height)
                    #expect(canvas.lines.count == height, "\(name) at \(width)x\(height)")
                    #expect(canvas.lines[0].contains("lookout"), "\(name) at \(width)x\(height): the header is drawn")
                }
            }
        }
    }
}

@Suite("Budgets on screen")
struct BudgetScreenTests {
    /// The fixture fleet with an openai budget at 60% of $2.00 after ten minutes at $7.20 an hour.
    static func state() -> AppState {
        var state = Fixtures.state()
        state.budgets = [BudgetConfig(name: "openai-hour", scope: .provider("openai"), period: .rolling(.seconds(3600)), limit: .usd(2)),
                         BudgetConfig(name: "fleet-day", scope: .all, period: .day, limit: .usd(500))]
        state.ledger = SpendLedger(scopes: ["provider:openai", "all"], since: state.now.addingTimeInterval(-600))
        for second in stride(from: -600, to: 0, by: 10) {
            state.ledger.record(Spend(usd: 0.02), provider: "openai", model: "gpt-4o", service: nil, at: state.now.addingTimeInterval(Double(second)))
        }
        Fixtures.firing(&state)
        return state
    }

    @Test(arguments: [(80, 24), (120, 30)])
    func theMostUrgentBudgetIsInTheHeaderAndItsForecastAmongTheAlerts(_ width: Int, _ height: Int) {
        Snapshot.assert(DashboardView.render(Self.state(), width: width, height: height), named: "overview-budget-\(width)x\(height)")
    }

    @Test func theHeaderShowsTheBudgetOnEveryScreen() {
        var state = Self.state()
        for key in ["3", "4", "5"] {
            _ = Reducer.reduce(&state, .key(.char(Character(key))))
            #expect(DashboardView.render(state, width: 160, height: 30).lines[0].contains("$ openai-hour 60% of $2.00 · out ~"), "screen \(key)")
        }
    }
}

@Suite("Alerts screen")
struct AlertsScreenTests {
    /// The fixture fleet's alerts firing, one acknowledged, the budget's silenced, an older one resolved, and a silence
    /// being typed.
    static func state() -> AppState {
        var state = BudgetScreenTests.state()
        let now = state.now
        func at(_ seconds: Double) -> Date { now.addingTimeInterval(seconds) }
        let budget = AlertRules.evaluate(state)
        let openai = Alert(.warning, .errorRate, "openai", "9% errors over 1m (9 of 100), mostly 5xx server errors")
        let down = Alert(.critical, .health, "embed-worker", "down: liveness: Failed to connect to embed.example.com port 443")
        let anthropic = Alert(.critical, .errorRate, "anthropic", "31% errors over 1m (31 of 100), mostly 429 rate limits")
        state.alertBook = AlertBook()
        state.alertBook.update([openai], now: at(-900))
        state.alertBook.update([openai], now: at(-800))      // held 100 s: firing
        state.alertBook.update([], now: at(-700))
        state.alertBook.update([], now: at(-630))            // away 70 s: resolved
        state.alertBook.update(budget + [down], now: at(-120))
        state.alertBook.update(budget + [down, anthropic], now: at(-20))
        state.alertBook.update(budget + [down, anthropic], now: now)   // anthropic: pending for 20 of its 60 s
        state.alertBook.acknowledge("health:embed-worker", AlertAck(by: "ana", from: "10.0.0.7", at: at(-60)))
        state.alertBook.add(AlertSilence(id: "s1", matcher: "budget:*", until: at(3600), by: "ana", from: "10.0.0.7", created: at(-30)))
        _ = Reducer.reduce(&state, .key(.char("5")))
        return state
    }

    @Test(arguments: [(80, 24), (140, 30)])
    func alertsWithTheirStateAgeAckAndSilence(_ width: Int, _ height: Int) {
        Snapshot.assert(DashboardView.render(Self.state(), width: width, height: height), named: "alerts-\(width)x\(height)")
    }

    @Test func theSilencePromptAndItsError() {
        var state = Self.state()
        _ = Reducer.reduce(&state, .key(.char("S")))
        _ = Reducer.reduce(&state, .key(.char("x")))
        _ = Reducer.reduce(&state, .key(.enter))
        Snapshot.assert(DashboardView.render(state, width: 100, height: 20), named: "alerts-silence-prompt-100x20")
    }

    /// Alertmanager's alerts (the bodies captured from Alertmanager 0.25: one active, the same one silenced) below
    /// lookout's own; and an Alertmanager that cannot be read.
    @Test func alertmanagersAlertsBesideLookoutsOwn() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../LookoutCoreTests/Fixtures/alertmanager-0.25")
        func alerts(_ name: String) throws -> [Alertmanager.RemoteAlert] {
            try #require(Alertmanager.alerts(Array(try Data(contentsOf: fixtures.appendingPathComponent(name)))))
        }
        var state = Self.state()
        let read = RemoteAlerts(source: "http://alertmanager:9093", at: state.now.addingTimeInterval(-4),
                                alerts: try alerts("alerts.json") + alerts("alerts-silenced.json"))
        _ = Reducer.reduce(&state, .remoteAlerts(read))
        Snapshot.assert(DashboardView.render(state, width: 140, height: 30), named: "alerts-alertmanager-140x30")
        // Alertmanager's alerts are rows of the one table: the selection walks onto the active one, and S proposes a
        // silence of all its labels in Alertmanager, waiting for why.
        for _ in 0..<state.alertBook.listed(at: state.now).count { _ = Reducer.reduce(&state, .key(.char("j"))) }
        _ = Reducer.reduce(&state, .key(.char("S")))
        Snapshot.assert(DashboardView.render(state, width: 140, height: 30), named: "alerts-alertmanager-silence-prompt-140x30")
        _ = Reducer.reduce(&state, .key(.escape))
        _ = Reducer.reduce(&state, .remoteAlerts(RemoteAlerts(source: "http://alertmanager:9093", at: state.now,
                                                               problem: "Failed to connect to alertmanager port 9093 after 0 ms: Connection refused")))
        Snapshot.assert(DashboardView.render(state, width: 100, height: 20), named: "alerts-alertmanager-unread-100x20")
    }
}

@Suite("Timeline screen")
struct TimelineScreenTests {
    @Test(arguments: [(80, 24), (140, 30)])
    func everyChangeNewestFirst(_ width: Int, _ height: Int) {
        var state = Fixtures.state()
        let now = state.now
        state.timeline = Timeline()
        state.timeline.load([
            TimelineEntry(time: now.addingTimeInterval(-86_400 - 600), kind: .action, subject: "chat-api", text: "redeploy chat-api: succeeded, HTTP 202"),
            TimelineEntry(time: now.addingTimeInterval(-900), kind: .health, subject: "embed-worker", text: "healthy → down: liveness: Failed to connect",
                          severity: .critical),
            TimelineEntry(time: now.addingTimeInterval(-890), kind: .alert, subject: "embed-worker", text: "CRITICAL health: down", severity: .critical),
            TimelineEntry(time: now.addingTimeInterval(-600), kind: .note, subject: "embed-worker", text: "acknowledged health:embed-worker (ana)"),
            TimelineEntry(time: now.addingTimeInterval(-120), kind: .budget, subject: "openai-hour", text: "passed 80%: 82% of $2.00 (rolling 1h)",
                          severity: .warning),
            TimelineEntry(time: now.addingTimeInterval(-5), kind: .health, subject: "embed-worker", text: "down → healthy"),
        ])
        _ = Reducer.reduce(&state, .key(.char("7")))
        Snapshot.assert(DashboardView.render(state, width: width, height: height), named: "timeline-\(width)x\(height)")
    }
}
