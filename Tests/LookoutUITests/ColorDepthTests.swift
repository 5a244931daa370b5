import Foundation
import LookoutCore
import LookoutUI
import Testing

/// Colour depth: chosen from terminfo, `COLORTERM` and `NO_COLOR`; every screen snapshotted at 80x24 and 200x60 with
/// its styles as a 16-colour and a colourless terminal draw them, and in ASCII.
@Suite("Colour depth")
struct ColorDepthTests {
    @Test(arguments: [
        (256, [String: String](), ColorDepth.palette256),
        (256, ["COLORTERM": "truecolor"], .truecolor),
        (256, ["COLORTERM": "24bit"], .truecolor),
        (16, ["COLORTERM": "truecolor"], .sixteen),       // a 16-colour terminfo is believed over COLORTERM
        (8, [:], .sixteen),
        (0, [:], .none),                                  // TERM=dumb, vt100
        (256, ["NO_COLOR": "1"], .none),
        (256, ["NO_COLOR": ""], .palette256),             // no-color.org: set and not empty
        (1 << 24, [:], .truecolor),                       // xterm-direct
    ])
    func detects(_ colors: Int, _ environment: [String: String], _ expected: ColorDepth) {
        #expect(ColorDepth.detect(colors: colors, environment: environment) == expected)
    }

    @Test func resolvesEachSlotToWhatTheTerminalHas() throws {
        let theme = Theme.builtIn
        #expect(theme.resolved(.bad, at: .sixteen).description == "fg 9 bg - bold")
        #expect(theme.resolved(.bad, at: .none).description == "fg - bg - bold")
        #expect(theme.resolved(.hintBar, at: .sixteen).description == "fg 7 bg 4")
        let dracula = try #require(try ThemeTests.shipped().first { $0.name == "dracula" })
        // Dracula's red #ff5555: itself at 24 bits, the nearest of 256 or of the 16 below.
        #expect(dracula.resolved(.bad, at: .truecolor).foreground == .rgb(255, 85, 85))
        #expect(dracula.resolved(.bad, at: .palette256).foreground == .index(203))
        #expect(dracula.resolved(.bad, at: .sixteen).foreground == .index(9))
        #expect(dracula.resolved(.bad, at: .none).foreground == .default)
    }

    /// Every screen, 80x24 and 200x60: the ASCII text, then each styled run as a 16-colour terminal and as one
    /// without colour draw it (the text itself is the same at every depth: it is in the other snapshots).
    @Test func everyScreenInSixteenColoursNoColourAndASCII() {
        var palette = Fixtures.state()
        for key in [Key.char(":"), .char("r"), .char("a")] { _ = Reducer.reduce(&palette, .key(key)) }
        let screens = TinyTerminalTests.states().filter { !$0.0.hasPrefix("detail ") || $0.0 == "detail chat-api" } + [("palette", palette)]
        for (name, state) in screens {
            for (width, height) in [(80, 24), (200, 60)] {
                let canvas = DashboardView.render(state, width: width, height: height)
                var text = "ASCII\n" + AsciiFallback.canvas(canvas).lines.map { "|" + $0 + "|" }.joined(separator: "\n") + "\n"
                for depth in [ColorDepth.sixteen, .none] {
                    text += "\n\(depth == .none ? "no colour" : "16 colours") (theme default): row, columns, slot, how it is drawn\n"
                    text += Self.styleRuns(canvas, theme: .builtIn, depth: depth).joined(separator: "\n") + "\n"
                }
                Snapshot.assertText(text, named: "depths-\(name.replacingOccurrences(of: " ", with: "-"))-\(width)x\(height)")
            }
        }
    }

    /// The runs of cells that are not plain text: `3 1-8 title fg 6 bg - bold`; a highlighted run adds `selected`.
    static func styleRuns(_ canvas: Canvas, theme: Theme, depth: ColorDepth) -> [String] {
        var runs: [String] = []
        for y in 0..<canvas.height {
            var x = 0
            while x < canvas.width {
                let cell = canvas[x, y]
                var end = x + 1
                while end < canvas.width, canvas[end, y].style == cell.style, canvas[end, y].highlighted == cell.highlighted { end += 1 }
                if cell.style != StyleSlot.normal || cell.highlighted {
                    runs.append("\(y + 1) \(x + 1)-\(end) \(cell.style.rawValue) \(theme.resolved(cell.style, at: depth))"
                                + (cell.highlighted ? " selected" : ""))
                }
                x = end
            }
        }
        return runs
    }
}
