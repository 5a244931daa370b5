import Foundation
import Glibc
import Testing

/// The Logs screen of the real binary, tailing the demo fleet's real log files.
@Suite("End to end: the Logs screen in tmux", .serialized)
struct LogsEndToEndTests {
    /// Rows of the log list: lines that start with a time stamp.
    func rows(_ screen: String) -> [String] {
        screen.split(separator: "\n").map(String.init).filter { $0.range(of: #"^ \d\d:\d\d:\d\d\.\d\d\d "#, options: .regularExpression) != nil }
    }

    @Test func showsLinesFiltersByProviderAndPauses() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let tmux = try TmuxSession(command: "\(binary) demo --log-file \(scratch.path("lookout.log"))", width: 140, height: 40)
        defer { tmux.kill() }
        try tmux.waitFor(text: "embed-worker", seconds: 40)
        try tmux.send("4")
        try tmux.waitFor("log lines of LLM calls", seconds: 40) { screen in
            self.rows(screen).count >= 5 && screen.contains("gpt-4o")
        }
        #expect(tmux.screen().contains("following"))

        try tmux.send("/")
        try tmux.send("-l", "provider:anthropic")
        try tmux.send("Enter")
        let filtered = try tmux.waitFor("anthropic rows only", seconds: 40) { screen in
            let shown = self.rows(screen)
            return screen.contains("filter: provider:anthropic") && shown.count >= 2 && shown.allSatisfy { $0.contains("anthropic") }
        }
        #expect(!rows(filtered).contains { $0.contains(" openai ") })

        try tmux.send("Space")
        let paused = try tmux.waitFor(text: "PAUSED", seconds: 5)
        let frozen = rows(paused)
        try tmux.waitFor("new records counted while paused", seconds: 20) { screen in
            screen.range(of: #"PAUSED \([1-9]\d* new\)"#, options: .regularExpression) != nil
        }
        #expect(rows(tmux.screen()) == frozen, "the list does not move while paused")
        try tmux.send("Space")
        try tmux.waitFor(text: "following", seconds: 5)
        try tmux.send("q")
    }

    /// Log hygiene on the real binary: the demo's support-bot logs a customer's e-mail address now and then; the Logs
    /// screen shows it masked and counts it, the Alerts screen names the service and the kind — and the address itself
    /// never reaches the terminal.
    @Test func masksAnAddressCountsItAndAlertsWithoutShowingIt() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let tmux = try TmuxSession(command: "\(binary) demo --log-file \(scratch.path("lookout.log"))", width: 160, height: 40)
        defer { tmux.kill() }
        try tmux.waitFor(text: "embed-worker", seconds: 40)
        try tmux.send("4")
        try tmux.send("/")
        try tmux.send("-l", "escalation")
        try tmux.send("Enter")
        let logs = try tmux.waitFor("a masked escalation line", seconds: 40) { screen in
            screen.contains("escalation for customer [masked email]") && screen.contains("masked")
        }
        #expect(logs.range(of: #"· [1-9]\d* masked"#, options: .regularExpression) != nil, "the header counts masked lines")
        try tmux.send("Escape")
        try tmux.send("5")
        let alerts = try tmux.waitFor("the hygiene alert", seconds: 20) { screen in
            screen.contains("support-bot") && screen.contains("e-mail address")
        }
        #expect(alerts.contains("log-hygiene") || alerts.contains("logs carry"), "\(alerts)")
        for screen in [logs, alerts, tmux.screen()] {
            #expect(!screen.contains("@example.com"), "an address reached the terminal:\n\(screen)")
        }
        try tmux.send("q")
        let diagnostics = (try? String(contentsOfFile: scratch.path("lookout.log"), encoding: .utf8)) ?? ""
        #expect(!diagnostics.contains("@example.com"))
    }
}
