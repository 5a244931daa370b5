import Foundation
import LookoutCore
import Testing

/// The `:` palette: fuzzy matches ranked as fzf would, and each kind of entry doing what its key does.
@Suite("Command palette")
struct CommandPaletteTests {
    static let context: ContextConfig = {
        var chat = ServiceConfig(name: "chat-api", baseURL: "http://a")
        chat.actions = [ActionConfig(name: "redeploy", kind: .command(argv: ["true"]), confirm: .typeName)]
        return ContextConfig(name: "prod", services: [chat, ServiceConfig(name: "rag-search", baseURL: "http://b"),
                                                     ServiceConfig(name: "embed-worker", baseURL: "http://c")])
    }()

    func state() -> AppState {
        var state = AppState(context: Self.context, now: Date(timeIntervalSince1970: 1_800_000_000))
        state.themeNames = ["default", "light", "monochrome"]
        return state
    }

    func type(_ text: String, _ state: inout AppState) {
        for c in text { _ = Reducer.reduce(&state, .key(.char(c))) }
    }

    @Test func fuzzyMatchingRanksRunsAndWordStartsFirst() {
        #expect(FuzzyMatch.score("rag", "svc rag-search")! > FuzzyMatch.score("rag", "screen logs (program)") ?? Int.min)
        #expect(FuzzyMatch.score("rs", "svc rag-search") != nil, "a subsequence matches")
        #expect(FuzzyMatch.score("xyz", "svc rag-search") == nil)
        #expect(FuzzyMatch.score("CHAT", "svc chat-api") != nil, "case does not matter")
        #expect(FuzzyMatch.score("sl", "screen logs")! > FuzzyMatch.score("sl", "svc embed-worker-logs")!, "word starts win")
        #expect(FuzzyMatch.score("", "anything") == 0)
    }

    @Test func partOfANameJumpsToTheService() {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char(":")))
        #expect(s.palette != nil)
        type("embed", &s)
        #expect(s.palette?.matches(in: s).first?.label == "svc embed-worker")
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.screen == .serviceDetail(name: "embed-worker") && s.selection == 2 && s.palette == nil)
        #expect(s.paletteHistory == ["svc embed-worker"])
    }

    @Test func arrowsChooseTabCompletesAndEachKindRuns() {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char(":")))
        type("screen", &s)
        let third = s.palette?.matches(in: s).dropFirst(2).first?.label
        #expect(s.palette?.matches(in: s).first?.label == "screen logs", "equal matches: the shortest first")
        _ = Reducer.reduce(&s, .key(.down))
        _ = Reducer.reduce(&s, .key(.down))
        _ = Reducer.reduce(&s, .key(.tab))
        #expect(third != nil && s.palette?.editor.text == third, "Tab completes the chosen match")
        _ = Reducer.reduce(&s, .key(.ctrl("u")))
        type("scr lo", &s)
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.screen == .logs)
        _ = Reducer.reduce(&s, .key(.char(":")))
        type("theme light", &s)
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.themeName == "light")
        _ = Reducer.reduce(&s, .key(.char(":")))
        type("redeploy chat", &s)
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.action?.plans.first?.service == "chat-api" && s.action?.requiresTypedName == true,
                "an action opens its confirmation, as its key does")
        _ = Reducer.reduce(&s, .key(.escape))
        _ = Reducer.reduce(&s, .key(.char(":")))
        _ = Reducer.reduce(&s, .key(.ctrl("p")))
        #expect(s.palette?.editor.text == "redeploy chat-api", "Ctrl-P recalls what was run")
        _ = Reducer.reduce(&s, .key(.ctrl("u")))
        type("zzzz", &s)
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.notice == "nothing matches \"zzzz\"" && s.palette == nil)
    }

    @Test func aContextIsChosenByNameAndTheDashboardReopensOnIt() {
        var s = state()
        s.contextNames = ["prod", "staging", "dev"]
        #expect(!CommandPalette.entries(for: s).contains { $0.label == "ctx prod" }, "not the one open")
        _ = Reducer.reduce(&s, .key(.char("c")))
        #expect(s.palette?.editor.text == "ctx ", "c opens the palette on contexts")
        type("stag", &s)
        #expect(Reducer.reduce(&s, .key(.enter)) == [.switchContext("staging")])
        #expect(s.notice == "opening context staging…")
    }

    @Test func readOnlyListsNoActionsAndTCyclesThemes() {
        var s = AppState(context: Self.context, now: Date(timeIntervalSince1970: 1_800_000_000), readOnly: true)
        #expect(!CommandPalette.entries(for: s).contains { $0.kind == "action" })
        s.themeNames = ["default", "light"]
        _ = Reducer.reduce(&s, .key(.char("t")))
        #expect(s.themeName == "light")
        _ = Reducer.reduce(&s, .key(.char("t")))
        #expect(s.themeName == "default")
    }

    @Test func escapeThenAKeyInOneReadAreTwoKeysOutsideAPrompt() {
        var s = state()
        s.screen = .logs
        _ = Reducer.reduce(&s, .key(.alt(":")))
        #expect(s.palette != nil && s.screen == .overview, "ESC and `:` read together: Esc (back), then the palette")
        _ = Reducer.reduce(&s, .key(.escape))
        s.screen = .logs
        _ = Reducer.reduce(&s, .key(.char("/")))
        type("one two", &s)
        _ = Reducer.reduce(&s, .key(.alt("b")))
        _ = Reducer.reduce(&s, .key(.ctrl("k")))
        #expect(s.logs.filterInput == "one ", "in a prompt Alt-B is a word move")
    }
}

/// The engineer's own keys: `keys:` in the configuration replaces a command's keys everywhere (dispatch, help, hint
/// bar); a key another command has where both apply is a configuration error on its line.
@Suite("Keys of your own")
struct KeyOverrideTests {
    @Test func keysReplaceACommandsKeysAndFollowIntoHelp() throws {
        let yaml = """
        keys:
          redeploy: D
          open-palette: [":", ";"]
          cycle-theme: Ctrl-t
        contexts:
          prod:
            services:
              - { name: chat-api, url: "http://a" }
        """
        let config = try ConfigParser.parse(yaml, file: "k.yaml")
        #expect(config.keys[.redeploy] == [.char("D")] && config.keys[.cycleTheme] == [.ctrl("t")])
        let map = config.keyMap
        #expect(map.command(for: .char("D"), on: .overview) == .redeploy)
        #expect(map.command(for: .char("R"), on: .overview) == nil, "the old key is gone")
        #expect(map.command(for: .char(";"), on: .logs) == .openPalette)
        #expect(map.bindings(on: .overview).first { $0.command == .redeploy }.map { $0.keys.map(\.description) } == ["D"],
                "help and the hint bar read the same bindings")
        #expect(Key.parse("PgDn") == .pageDown && Key.parse("Alt-b") == .alt("b") && Key.parse("Space") == .char(" ") && Key.parse("Ctrl-") == nil)
        #expect(Command(configName: "failover-disable") == .failoverDisable && Command.showTimeline.configName == "show-timeline")
    }

    @Test func conflictsUnknownCommandsAndBadKeysNameTheirLine() {
        let yaml = """
        keys:
          open-palette: t
          redeploy: g
          move-down: n
          launch-missiles: L
          quit: Ctrl-Shift-q
        contexts:
          prod:
            services:
              - { name: chat-api, url: "http://a" }
        """
        do {
            _ = try ConfigParser.parse(yaml, file: "k.yaml")
            Issue.record("must not parse")
        } catch {
            let issues = error.issues.map(\.description)
            #expect(issues.contains("k.yaml:2: key `keys.open-palette`: t is also cycle-theme on the overview screen; give one of them another key"))
            #expect(issues.contains("k.yaml:3: key `keys.redeploy`: g is also top on the overview screen; give one of them another key"))
            #expect(issues.contains("k.yaml:4: key `keys.move-down`: n is also next-error on the logs screen; give one of them another key"))
            #expect(issues.contains { $0.hasPrefix("k.yaml:5: key `keys.launch-missiles`: unknown command (one of: move-up, move-down") })
            #expect(issues.contains { $0.hasPrefix("k.yaml:6: key `keys.quit`: not a key: \"Ctrl-Shift-q\"") })
        }
    }
}
