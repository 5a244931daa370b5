import Foundation
import Testing

/// The demo's scripted provider incident, seen through the real binary in tmux.
@Suite("End to end: providers in tmux", .serialized)
struct ProvidersEndToEndTests {
    /// The ERR% cell of `provider`'s row in the Providers table.
    static func errorPercent(_ provider: String, in screen: String) -> Double? { ScreenTable.number(provider, column: "ERR%", in: screen) }

    @Test func theAnthropicIncidentShowsAsARisingErrorRateOnAnthropicOnly() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        // Incident from 45% to 75% of a 40 s cycle: 18 s to 30 s after start, then again 40 s later.
        let tmux = try TmuxSession(command: "\(binary) demo --cycle 40s --log-file \(scratch.path("lookout.log"))", width: 160, height: 40)
        defer { tmux.kill() }
        try tmux.waitFor(text: "embed-worker", seconds: 40)
        // The demo's clock starts with the fleet, just before the first frame (a cold start can take seconds).
        let launched = Date()
        try tmux.send("3")
        try tmux.send("w")
        try tmux.send("w")
        try tmux.waitFor(text: "window 1m")

        var lowest: Double?
        var high: (anthropic: Double, openai: Double, screen: String)?
        // Two incidents fit in the wait (18–30 s and 58–70 s): a slow first frame cannot make it miss both.
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline, high == nil {
            let screen = tmux.screen()
            let elapsed = Date().timeIntervalSince(launched)
            // The first seconds hold too few calls to judge; the incident starts 18 s in.
            if elapsed >= 8, let anthropic = Self.errorPercent("anthropic", in: screen) {
                if elapsed < 18, lowest == nil || anthropic < lowest! { lowest = anthropic }
                if elapsed >= 18, anthropic >= 20, let low = lowest, low < 15, let openai = Self.errorPercent("openai", in: screen) {
                    high = (anthropic, openai, screen)
                }
            }
            usleep(500_000)
        }
        let seen = try #require(high, "anthropic's 1m error rate never rose from below 15% to 20% or more (lowest \(lowest ?? -1)):\n\(tmux.screen())")
        // openai has its own baseline of errors (about 10%: support-bot's refused connections among them), measured over
        // few calls this early in a 1m window; the incident fails 60% of anthropic's calls. "Low" is under 20% and
        // under anthropic's rate.
        #expect(seen.openai < 20 && seen.openai < seen.anthropic, "openai stays low while anthropic fails: \(seen.openai)%\n\(seen.screen)")
        #expect(seen.screen.contains("anthropic") && seen.screen.contains("alert"), "the header counts the alert")
        try tmux.send("q")
    }
}
