import Foundation
import LookoutCore
import LookoutUI
import Testing

@Suite("Themes")
struct ThemeTests {
    static let repositoryThemes = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes")

    @Test func shippedDefaultThemeMatchesTheBuiltInCopy() throws {
        let path = Self.repositoryThemes.appendingPathComponent("default.yaml").path
        let outcome = try ThemeParser.parse(String(contentsOfFile: path, encoding: .utf8), file: path)
        #expect(outcome.warnings.isEmpty)
        #expect(outcome.theme == Theme.builtIn)
    }

    @Test func unknownSlotIsAWarningAndBadColourAnErrorWithLine() throws {
        let outcome = try ThemeParser.parse("slots:\n  ok: { fg: green }\n  sparkle: { fg: red }\n", file: "t.yaml")
        #expect(outcome.warnings.map(\.description) == ["t.yaml:3: key `slots.sparkle`: unknown slot, ignored"])
        #expect(outcome.theme.style(.ok) == SlotStyle(.index(2)))
        #expect(outcome.theme.style(.bad) == Theme.builtIn.style(.bad), "missing slots fall back to the defaults")

        do {
            _ = try ThemeParser.parse("palette:\n  a: green\nslots:\n  ok: { fg: a }\n  bad: { fg: chartreuse }\n", file: "t.yaml")
            Issue.record("a bad colour must be an error")
        } catch {
            #expect(error.description == "t.yaml:5: key `slots.bad.fg`: unknown colour \"chartreuse\" (not in the palette, not a colour name, 0-255 or #rrggbb)")
        }
    }

    @Test(arguments: [("default", TermColor.default), ("red", .index(1)), ("bright-blue", .index(12)), ("208", .index(208)),
                      ("#FF5555", .rgb(255, 85, 85))])
    func colours(_ text: String, _ color: TermColor) {
        #expect(TermColor.parse(text) == color)
    }

    /// The themes shipped in `themes/`, parsed.
    static func shipped() throws -> [Theme] {
        let names = try FileManager.default.contentsOfDirectory(atPath: repositoryThemes.path).filter { $0.hasSuffix(".yaml") }.sorted()
        return try names.map { name in
            let path = repositoryThemes.appendingPathComponent(name).path
            let outcome = try ThemeParser.parse(String(contentsOfFile: path, encoding: .utf8), file: path)
            #expect(outcome.warnings.isEmpty, "\(name): \(outcome.warnings)")
            #expect(outcome.theme.name + ".yaml" == name, "a theme is named as its file")
            return outcome.theme
        }
    }

    @Test func fiveThemesShipDarkLightHighContrastDraculaAndMonochrome() throws {
        #expect(try Self.shipped().map(\.name) == ["default", "dracula", "high-contrast", "light", "monochrome"])
    }

    /// WCAG 2 contrast of every text slot against what it is drawn on — the terminal's assumed colours where a slot
    /// keeps the default, and reversed as under the selection bar — computed with xterm's palette: 4.5:1, 7:1 for
    /// high-contrast; borders (not text) 3:1.
    @Test func everyThemesTextMeetsWCAGContrast() throws {
        let text: [StyleSlot] = [.normal, .dim, .title, .header, .ok, .warn, .bad, .unknown, .key, .hintBar, .dialog]
        for theme in try Self.shipped() {
            let needed = theme.name == "high-contrast" ? 7.0 : 4.5
            for slot in text {
                for selected in [false, true] where !(selected && (slot == .hintBar || slot == .dialog)) {
                    let colors = try #require(theme.drawnColors(slot, selected: selected))
                    let ratio = Contrast.ratio(colors.fg, colors.bg)
                    #expect(ratio >= needed, "\(theme.name).\(slot)\(selected ? " (selected)" : ""): \(String(format: "%.2f", ratio)):1")
                }
            }
            let border = try #require(theme.drawnColors(.border))
            #expect(Contrast.ratio(border.fg, border.bg) >= 3, "\(theme.name).border")
        }
        // The computation itself, on WCAG's own reference points.
        #expect(abs(Contrast.ratio((0, 0, 0), (255, 255, 255)) - 21) < 0.01)
        #expect(abs(Contrast.ratio((118, 118, 118), (255, 255, 255)) - 4.54) < 0.01)
        #expect(abs(Contrast.ratio((0, 0, 238), (0, 0, 0)) - 2.23) < 0.01, "xterm's blue on black: why the default theme's headers are not blue")
    }

    @Test func rgbColoursFallToTheNearestPaletteColour() {
        #expect(TermColor.parse("#282a36")?.nearestIndex(among: 256) == 236)
        #expect(TermColor.parse("#ff5555")?.nearestIndex(among: 16) == 9)
        #expect(TermColor.index(208).nearestIndex(among: 16) == 3, "an orange index becomes yellow on 16 colours")
        #expect(TermColor.index(3).nearestIndex(among: 16) == 3)
    }
}
