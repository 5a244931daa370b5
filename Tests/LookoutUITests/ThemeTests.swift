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
            #expect(error.description == "t.yaml:5: key `slots.bad.fg`: unknown colour \"chartreuse\" (not in the palette, not a colour name or 0-255)")
        }
    }

    @Test(arguments: [("default", TermColor.default), ("red", .index(1)), ("bright-blue", .index(12)), ("208", .index(208))])
    func colours(_ text: String, _ color: TermColor) {
        #expect(TermColor.parse(text) == color)
    }
}
