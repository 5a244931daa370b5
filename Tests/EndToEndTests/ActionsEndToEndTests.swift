import Foundation
import Glibc
import Testing

/// Failover and redeploy through the real binary in tmux, against the demo fleet's admin API; read-only; and a
/// headless action killed mid-run.
@Suite("End to end: actions", .serialized)
struct ActionsEndToEndTests {
    /// A configuration whose one service's `redeploy` is `sleep MARKER` (a number we can find with pgrep and clean up).
    static func writeSleepAction(_ marker: String, to path: String) throws {
        try """
        contexts:
          prod:
            services:
              - name: chat-api
                url: http://127.0.0.1:9
                actions:
                  redeploy:
                    argv: [sleep, "\(marker)"]
                    timeout: 2m
        """.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func row(_ name: String, in screen: String) -> String { ScreenTable.row(name, in: screen) }
    static func percent(_ name: String, column: String, in screen: String) -> Double? { ScreenTable.number(name, column: column, in: screen) }

    @Test func failOverDuringTheIncidentThenRedeployAndReadTheAudit() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let audit = scratch.path("audit.jsonl")
        // An 80 s cycle: anthropic fails from 36 s to 60 s, so a failover during it can be told from its end.
        let script = try scratch.wrapper(running: "\(binary) demo --cycle 80s --audit-log \(audit) --log-file \(scratch.path("lookout.log"))")
        let launched = Date()
        let tmux = try TmuxSession(command: script, width: 160, height: 45)
        defer { tmux.kill() }
        try tmux.waitFor(text: "embed-worker", seconds: 40)
        try tmux.send("w")
        try tmux.send("w")   // 5m → 1h → 1m
        try tmux.send("3")
        try tmux.waitFor("anthropic as primary", seconds: 30) { Self.row("anthropic", in: $0).contains("primary") }

        // Well into the incident (36 s to 60 s after start), move the traffic off anthropic.
        // (The demo's clock starts with lookout, which may start late on a cold machine: wait for the incident to show.)
        while Date().timeIntervalSince(launched) < 45 { usleep(200_000) }
        try tmux.waitFor("the incident on anthropic", seconds: 25) { (Self.percent("anthropic", column: "ERR%", in: $0) ?? 0) >= 15 }
        let table = try tmux.waitFor(text: "PROVIDER")
        let rows = table.split(separator: "\n").drop { !$0.contains("PROVIDER") }.dropFirst().prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let index = try #require(rows.firstIndex { $0.hasPrefix(" anthropic ") }.map { rows.distance(from: rows.startIndex, to: $0) })
        try tmux.send("g")
        for _ in 0..<index { try tmux.send("j") }
        try tmux.send("x")
        let dialog = try tmux.waitFor(text: "failover anthropic → disabled on", seconds: 5)
        #expect(dialog.contains("Authorization: Bearer ••••") && dialog.contains("Enter run"))
        try tmux.send("Enter")
        try tmux.waitFor(text: "of 2 succeeded", seconds: 10)
        try tmux.send("Escape")
        // Disabled where the admin API can disable it; support-bot's API only knows "make X primary", so anthropic
        // stays its standby (and the row shows that strongest role).
        let disabled = try tmux.waitFor("anthropic disabled", seconds: 10) { screen in
            screen.contains("disabled for chat-api · disabled for rag-search · standby for support-bot")
        }
        // No new calls reach anthropic: its 1m request rate drains away (calls leave the window, none come),
        // and rag-search's error rate falls.
        let anthropicRate = try #require(Self.percent("anthropic", column: "REQ/MIN", in: disabled))
        try tmux.waitFor("anthropic's request rate draining", seconds: 40) { screen in
            (Self.percent("anthropic", column: "REQ/MIN", in: screen) ?? .infinity) < anthropicRate * 0.85
        }
        try tmux.send("1")
        let before = try tmux.waitFor("the overview again", seconds: 5) { Self.percent("rag-search", column: "LLM ERR", in: $0) != nil }
        let atFailover = try #require(Self.percent("rag-search", column: "LLM ERR", in: before))
        // The window is a minute: within one, anthropic's failed calls have all left it.
        try tmux.waitFor("rag-search's LLM error rate falling after the failover", seconds: 60) { screen in
            (Self.percent("rag-search", column: "LLM ERR", in: screen) ?? 100) < atFailover - 1
        }

        // Redeploy rag-search: the name must be typed; it goes not ready (rollout), then ready again.
        try tmux.send("g")
        try tmux.send("j")
        try tmux.send("R")
        try tmux.waitFor(text: "Type rag-search to confirm", seconds: 5)
        try tmux.send("-l", "rag-search")
        try tmux.send("Enter")
        // Not ready (its row, or the pane's watch — the row's reason may name another failing check first),
        // then ready again: the pane's verdict only comes after lookout saw it not ready.
        try tmux.waitFor("rag-search not ready", seconds: 15) { screen in
            Self.row("rag-search", in: screen).contains("NOT READY") || screen.contains("rag-search readiness: not ready")
                || screen.contains("rag-search ready again")
        }
        try tmux.waitFor(text: "rag-search ready again", seconds: 30)
        try tmux.send("Escape")
        try tmux.send("6")
        // Waits for the rows too: a capture can catch the screen mid-redraw, title drawn and rows not yet.
        let actions = try tmux.waitFor("the audit rows", seconds: 5) { $0.contains("audit log, newest first") && $0.contains("failover anthropic→disabled") }
        #expect(actions.contains("failover anthropic→disabled"), "\(actions)")
        try tmux.send("q")
        try tmux.waitFor(text: "lookout exited 0", seconds: 10)

        let records = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let phases = records.map { "\($0["action"] ?? "") \($0["service"] ?? "") \($0["phase"] ?? "") \($0["result"] ?? "-")" }
        #expect(phases.sorted() == ["failover chat-api intent -", "failover chat-api result succeeded",
                                    "failover rag-search intent -", "failover rag-search result succeeded",
                                    "redeploy rag-search intent -", "redeploy rag-search result succeeded"], "\(phases)")
        let text = try String(contentsOfFile: audit, encoding: .utf8)
        #expect(text.contains("Bearer ••••"))
        #expect(text.range(of: "Bearer [0-9a-f]{8,}", options: .regularExpression) == nil, "no token in the audit log")
    }

    @Test func readOnlyRefusesTheSameKeys() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let audit = scratch.path("audit.jsonl")
        let tmux = try TmuxSession(command: "\(binary) demo --readonly --audit-log \(audit) --log-file \(scratch.path("lookout.log"))",
                                   width: 120, height: 35)
        defer { tmux.kill() }
        let overview = try tmux.waitFor(text: "embed-worker", seconds: 40)
        #expect(overview.contains("read-only") && !overview.contains("R redeploy"))
        try tmux.send("R")
        try tmux.send("3")
        let providers = try tmux.waitFor("providers", seconds: 20) { Self.row("anthropic", in: $0).contains("primary") }
        #expect(!providers.contains("x disable"))
        try tmux.send("x")
        try tmux.send("Enter")
        usleep(500_000)
        #expect(!tmux.screen().contains("Action"), "no dialog opens in read-only mode")
        #expect(!FileManager.default.fileExists(atPath: audit), "nothing was attempted")
        try tmux.send("q")
    }

    @Test func killingLookoutMidCommandStopsTheCommandAndClosesTheIntentAsInterrupted() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let audit = scratch.path("audit.jsonl")
        let marker = "31.\(Int.random(in: 100...999))"   // a sleep we can find and clean up
        try Self.writeSleepAction(marker, to: scratch.path("lookout.yaml"))
        defer { _ = try? Spawn.run(["pkill", "-f", "sleep \(marker)"], captureOutput: false) }
        let pid = try Spawn.start([binary, "action", "redeploy", "--config", scratch.path("lookout.yaml"), "--service", "chat-api",
                                   "--yes", "--audit-log", audit], stdout: scratch.path("out"), stderr: scratch.path("err"))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? String(contentsOfFile: audit, encoding: .utf8))?.contains("\"intent\"") != true { usleep(20_000) }
        usleep(300_000)   // the command is running
        kill(pid, SIGKILL)
        #expect(Spawn.wait(pid) == 128 + SIGKILL)
        let lines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1, "the intent only: lookout died before any result")
        let intent = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(intent["phase"] as? String == "intent" && intent["action"] as? String == "redeploy")
        #expect(intent["request"] as? String == "sleep \(marker)" && intent["origin"] as? String == "headless")
        #expect(intent["pid"] as? Int == Int(pid), "the intent names the process that runs it")
        // The command ran behind `lookout supervise`, whose lifeline closed with lookout: it is stopped, not orphaned.
        let stopped = Date().addingTimeInterval(5)
        var running = true
        while running, Date() < stopped {
            running = (try? Spawn.capture(["pgrep", "-f", "sleep \(marker)"]))?.status == 0
            if running { usleep(100_000) }
        }
        #expect(!running, "the action's command died with lookout")
        // The next lookout that opens the log closes the intent as interrupted.
        let listed = try Spawn.capture([binary, "audit", "--audit-log", audit])
        #expect(listed.status == 0 && listed.stdout.contains("intent") && listed.stdout.contains("started"))
        #expect(listed.stdout.contains("interrupted lookout (pid \(pid)) ended before the action did"), "\(listed.stdout)")
        let closed = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
        #expect(closed.count == 2 && closed[1].contains("\"phase\":\"result\"") && closed[1].contains("\"result\":\"interrupted\""))
        let again = try Spawn.capture([binary, "audit", "--audit-log", audit])
        let after = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
        #expect(again.status == 0 && after.count == 2, "closed once")
    }

    /// kill -9 at random moments, over and over — before the intent, while the command runs, as it ends, while the
    /// result is written: the audit log stays whole (every line JSON), every intent ends with exactly one result
    /// (succeeded, or interrupted once the next lookout reads the log), and no command outlives its lookout.
    @Test func killNineAtRandomMomentsLeavesAWholeLogAndNoOrphans() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let audit = scratch.path("audit.jsonl")
        let marker = "0.3\(Int.random(in: 100...999))"
        try Self.writeSleepAction(marker, to: scratch.path("lookout.yaml"))
        defer { _ = try? Spawn.run(["pkill", "-f", "sleep \(marker)"], captureOutput: false) }
        var seed = UInt64.random(in: 1 ... 1_000_000)
        print("kill -9 loop seed \(seed)")
        var delays: [Int] = []
        for _ in 0 ..< 24 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let delay = Int(seed >> 33) % 900_000   // 0–0.9 s: the command itself sleeps about 0.3 s
            delays.append(delay)
            let pid = try Spawn.start([binary, "action", "redeploy", "--config", scratch.path("lookout.yaml"), "--service", "chat-api",
                                       "--yes", "--audit-log", audit], stdout: scratch.path("out"), stderr: scratch.path("err"))
            usleep(useconds_t(delay))
            kill(pid, SIGKILL)
            _ = Spawn.wait(pid)
        }
        // Nothing outlives its lookout.
        let deadline = Date().addingTimeInterval(5)
        var orphans = true
        while orphans, Date() < deadline {
            orphans = (try? Spawn.capture(["pgrep", "-f", "sleep \(marker)"]))?.status == 0
            if orphans { usleep(100_000) }
        }
        #expect(!orphans, "a command outlived its lookout (delays \(delays))")
        // The next lookout closes what was left open; then every intent has exactly one result.
        let listed = try Spawn.capture([binary, "audit", "--audit-log", audit])
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = try String(contentsOfFile: audit, encoding: .utf8).split(separator: "\n")
        var intents: [String: Int] = [:], results: [String: [String]] = [:]
        for line in lines {
            let object = try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "a torn line: \(line)")
            let id = try #require(object["id"] as? String)
            if object["phase"] as? String == "intent" { intents[id, default: 0] += 1 } else { results[id, default: []].append(object["result"] as? String ?? "?") }
        }
        #expect(intents.values.allSatisfy { $0 == 1 })
        #expect(Set(intents.keys) == Set(results.keys), "every intent has a result, every result an intent")
        #expect(results.values.allSatisfy { $0.count == 1 && ["succeeded", "interrupted"].contains($0[0]) }, "\(results)")
        print("kill -9 loop: \(intents.count) intents of 24 runs; results: \(Dictionary(grouping: results.values.map { $0[0] }, by: { $0 }).mapValues(\.count))")
    }
}
