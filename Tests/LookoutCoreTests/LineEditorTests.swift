import LookoutCore
import Testing

/// readline's keys in every prompt: the editor alone, then in the Logs filter, a silence and a typed confirmation.
@Suite("Line editing")
struct LineEditorTests {
    func typed(_ text: String, into editor: inout LineEditor) {
        for c in text { editor.handle(.char(c)) }
    }

    @Test func movesAndKillsAsReadlineDoes() {
        var e = LineEditor()
        typed("level>=warn service:chat", into: &e)
        #expect(e.shown == "level>=warn service:chat▏")
        e.handle(.alt("b"))
        #expect(e.cursor == 12, "Alt-B: to the start of the word")
        e.handle(.ctrl("k"))
        #expect(e.text == "level>=warn ")
        e.handle(.ctrl("y"))
        #expect(e.text == "level>=warn service:chat", "Ctrl-Y yanks the kill back")
        e.handle(.ctrl("a"))
        e.handle(.alt("f"))
        #expect(e.shown == "level>=warn▏ service:chat")
        e.handle(.ctrl("w"))
        #expect(e.shown == "▏ service:chat")
        e.handle(.ctrl("e"))
        e.handle(.left)
        e.handle(.backspace)
        #expect(e.text == " service:cht")
        e.handle(.home)
        e.handle(.delete)
        #expect(e.text == "service:cht" && e.cursor == 0)
        e.handle(.end)
        e.handle(.ctrl("u"))
        #expect(e.text.isEmpty && e.cursor == 0, "Ctrl-U clears what is before the cursor")
        #expect(e.handle(.enter) == .notHandled && e.handle(.escape) == .notHandled)
    }

    @Test func keepsItsLimitAndWalksTheHistory() {
        var e = LineEditor(limit: 5, history: ["first", "second"])
        typed("abcdefgh", into: &e)
        #expect(e.text == "abcde")
        e.handle(.up)
        #expect(e.text == "secon", "a recalled line is cut to the limit too")
        e.handle(.up)
        e.handle(.up)
        #expect(e.text == "first")
        e.handle(.down)
        e.handle(.down)
        #expect(e.text == "abcde", "past the newest, ↓ gives back what was typed")
        #expect(LineEditor.remember("x ", in: ["x"]) == ["x"] && LineEditor.remember("y", in: ["x"]) == ["x", "y"])
    }

    @Test func everyPromptUsesIt() {
        var state = AppState(context: ContextConfig(name: "prod", services: [ServiceConfig(name: "chat-api", baseURL: "http://a")]),
                             now: .init(timeIntervalSince1970: 1_800_000_000))
        state.screen = .logs
        _ = Reducer.reduce(&state, .key(.char("/")))
        for c in "provider:openai" { _ = Reducer.reduce(&state, .key(.char(c))) }
        _ = Reducer.reduce(&state, .key(.ctrl("u")))
        #expect(state.logs.filterInput == "", "Ctrl-U clears the filter (it used to append a character)")
        for c in "level>=error" { _ = Reducer.reduce(&state, .key(.char(c))) }
        _ = Reducer.reduce(&state, .key(.enter))
        #expect(state.logs.filter?.source == "level>=error" && state.logs.filterHistory == ["level>=error"])
        _ = Reducer.reduce(&state, .key(.char("/")))
        _ = Reducer.reduce(&state, .key(.ctrl("u")))
        _ = Reducer.reduce(&state, .key(.up))
        #expect(state.logs.filterInput == "level>=error", "↑ brings the last filter back")
        _ = Reducer.reduce(&state, .key(.escape))
        #expect(state.logs.filterEditor == nil && state.logs.filter?.source == "level>=error")

        var prompt = SilencePrompt(text: "error-rate:openai 1h")
        prompt.editor.handle(.alt("b"))
        prompt.editor.handle(.ctrl("k"))
        for c in "2h" { prompt.editor.handle(.char(c)) }
        #expect(prompt.text == "error-rate:openai 2h")
    }
}
