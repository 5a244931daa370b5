import Foundation
import Glibc
import Testing

/// The real binary, in tmux, against the real demo fleet on loopback.
@Suite("End to end: the dashboard in tmux", .serialized)
struct DashboardEndToEndTests {
    /// The row of the overview that names `service`.
    func row(_ service: String, in screen: String) -> String {
        screen.split(separator: "\n").first { $0.contains(" \(service) ") }.map(String.init) ?? ""
    }

    @Test func demoShowsServicesAndAFailingCheckThenQuitsCleanly() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let script = try scratch.wrapper(running: "\(binary) demo --cycle 20s --log-file \(scratch.path("lookout.log"))")
        let tmux = try TmuxSession(command: script, width: 100, height: 30)

        do {
            try tmux.waitFor("the three services", seconds: 40) { screen in
                ["chat-api", "rag-search", "embed-worker"].allSatisfy { screen.contains($0) } && screen.contains("ready")
            }
        } catch {
            // Say what lookout itself logged: a blank screen alone does not tell where it stopped.
            let log = (try? String(contentsOfFile: scratch.path("lookout.log"), encoding: .utf8)) ?? "(no log)"
            throw E2EError("\(error)\nlookout.log:\n\(log.suffix(3000))")
        }
        let screen = try tmux.waitFor("chat-api not ready", seconds: 30) { self.row("chat-api", in: $0).contains("NOT READY") }
        #expect(row("chat-api", in: screen).contains("llm_api: timeout"))
        #expect(row("rag-search", in: screen).contains("Cloud Run") == false)
        #expect(row("chat-api", in: screen).contains("Cloud Run"))

        try tmux.send("Enter")
        let detail = try tmux.waitFor("the failing check on the detail screen", seconds: 30) { screen in
            screen.split(separator: "\n").contains { $0.contains("llm_api") && $0.contains("UNHEALTHY")
                && $0.contains("timeout after 5000ms calling api.openai.com") }
        }
        #expect(detail.contains("Readiness checks"))
        #expect(detail.contains("first byte"))

        try tmux.resize(width: 80, height: 24)
        try tmux.waitFor("a redraw at 80x24", seconds: 5) { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.first?.hasPrefix(" lookout") == true && lines.count >= 24 && lines[23].contains("back")
        }

        try tmux.send("?")
        try tmux.waitFor(text: "show or hide this help")
        try tmux.send("Escape")
        try tmux.send("Escape")
        try tmux.waitFor(text: "SERVICE")
        try tmux.send("q")
        let after = try tmux.waitFor(text: "lookout exited", seconds: 5)
        #expect(after.contains("lookout exited 0; tty: icanon echo"), "the terminal is back in cooked mode: \(after)")
        tmux.kill()
    }

    @Test func hangupEndsTheProcessWithinTwoSeconds() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let tmux = try TmuxSession(command: "\(binary) demo --log-file \(scratch.path("lookout.log"))", width: 100, height: 30)
        try tmux.waitFor(text: "embed-worker", seconds: 40)
        let pid = try tmux.panePID()
        #expect(!processIsGone(pid))

        let start = Date()
        tmux.kill()   // the pane's terminal goes away: SIGHUP, as when an SSH session drops
        while !processIsGone(pid) && Date().timeIntervalSince(start) < 5 { usleep(20_000) }
        let elapsed = Date().timeIntervalSince(start)
        #expect(processIsGone(pid), "lookout (pid \(pid)) still running 5 s after SIGHUP")
        #expect(elapsed < 2, "took \(elapsed) s to exit after SIGHUP")
        let log = try String(contentsOfFile: scratch.path("lookout.log"), encoding: .utf8)
        #expect(log.contains("dashboard stopped: signal SIGHUP") || log.contains("dashboard stopped: terminal closed"), "\(log)")
    }

    @Test func aCrashRestoresTheTerminalAndLeavesAReport() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let log = scratch.path("lookout.log")
        let script = try scratch.wrapper(running: "LOOKOUT_CRASH_TEST=1 \(binary) demo --log-file \(log)")
        let tmux = try TmuxSession(command: script, width: 100, height: 30)
        let screen = try tmux.waitFor(text: "lookout exited", seconds: 30)
        #expect(!screen.contains("lookout exited 0;"), "a crash must not exit 0: \(screen)")
        #expect(screen.contains("tty: icanon echo"), "the terminal is restored after the crash: \(screen)")
        let report = try String(contentsOfFile: log, encoding: .utf8)
        #expect(report.contains("lookout crashed with signal"))
        #expect(report.contains("crash requested by LOOKOUT_CRASH_TEST=1"))
        tmux.kill()
    }
}
