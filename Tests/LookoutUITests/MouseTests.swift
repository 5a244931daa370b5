import Foundation
import LookoutCore
import LookoutUI
import Testing

/// The mouse (`--mouse`): a click moves a list's selection to the clicked row, the wheel moves it three rows — on
/// the frame the view drew, whatever the screen.
@Suite("Mouse")
struct MouseTests {
    /// Renders like the runtime does and tells the reducer what was laid out.
    static func frame(_ state: inout AppState, width: Int = 80, height: Int = 24) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        let layout = DashboardView.render(state, into: &canvas)
        _ = Reducer.reduce(&state, .laidOut(layout))
        return canvas
    }

    static func line(of text: String, in canvas: Canvas) -> Int? { canvas.lines.firstIndex { $0.contains(text) } }

    @Test func aClickSelectsTheRowUnderIt() throws {
        var state = Fixtures.state()
        var canvas = Self.frame(&state)
        #expect(state.selection == 0)
        let embed = try #require(Self.line(of: "embed-worker", in: canvas))
        _ = Reducer.reduce(&state, .key(.mouse(.click(x: 5, y: embed))))
        #expect(state.selection == 2)
        canvas = Self.frame(&state)
        #expect(state.selectedRowY == embed, "the highlight moved to the clicked line")
        let chat = try #require(Self.line(of: "chat-api", in: canvas))
        _ = Reducer.reduce(&state, .key(.mouse(.click(x: 40, y: chat))))
        #expect(state.selection == 0)
        // Enter opens what was clicked.
        _ = Reducer.reduce(&state, .key(.mouse(.click(x: 5, y: try #require(Self.line(of: "rag-search", in: Self.frame(&state)))))))
        _ = Reducer.reduce(&state, .key(.enter))
        #expect(state.screen == .serviceDetail(name: "rag-search"))
    }

    @Test func theWheelMovesThreeRowsAndNothingMovesUnderADialogOrOnAServiceScreen() throws {
        var state = Fixtures.state(screen: .logs)
        for n in 0..<40 {
            let record = LogRecord(raw: "line \(n)", mapping: "plain")
            _ = Reducer.reduce(&state, .logs(LogBatch(service: "chat-api", source: "/var/log/chat.log", records: [record])))
        }
        _ = Self.frame(&state)
        _ = Reducer.reduce(&state, .key(.mouse(.wheelUp)))
        _ = Self.frame(&state)
        let afterWheel = state.logs.selected
        #expect(afterWheel != nil, "the wheel left the bottom: the list stopped following")
        _ = Reducer.reduce(&state, .key(.mouse(.wheelUp)))
        let before = try #require(afterWheel), now = try #require(state.logs.selected)
        #expect(before - now == 3, "three rows up")

        var overview = Fixtures.state()
        _ = Self.frame(&overview)
        overview.showingHelp = true
        _ = Reducer.reduce(&overview, .key(.mouse(.wheelDown)))
        #expect(overview.selection == 0 && overview.showingHelp, "help stays and nothing moves")
        var detail = Fixtures.state(screen: .serviceDetail(name: "chat-api"))
        _ = Self.frame(&detail)
        _ = Reducer.reduce(&detail, .key(.mouse(.wheelDown)))
        #expect(detail.screen == .serviceDetail(name: "chat-api"), "the wheel does not switch services")
    }
}
