import Foundation
import Glibc
import Testing

/// A rolling redeploy of the demo's chat-api (two replicas behind a round-robin, the second taking the new revision
/// 12 s after the first), watched by the real binary in tmux and gated by `lookout check --expect-version`.
@Suite("End to end: rollouts", .serialized)
struct RolloutEndToEndTests {
    /// Serves the demo fleet with a 10-minute scenario (no scripted incident in the first 2.5 minutes, so chat-api is
    /// ready throughout) and returns its configuration's path and the fleet's pid.
    static func startFleet(_ scratch: Scratch, _ binary: String) throws -> (config: String, pid: pid_t) {
        let fleet = try DemoFleetProcess.start(scratch, binary, ["--cycle", "10m"])
        return (fleet.config, fleet.pid)
    }

    static func row(_ name: String, in screen: String) -> String { ScreenTable.row(name, in: screen) }

    @Test func aRollingRedeployShowsMixedVersionsThenTheNewOneEverywhere() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (config, fleet) = try Self.startFleet(scratch, binary)
        defer { kill(fleet, SIGTERM); _ = Spawn.wait(fleet) }
        let tmux = try TmuxSession(command: "exec \(binary) --config \(config) --log-file \(scratch.path("lookout.log")) --audit-log \(scratch.path("audit.jsonl"))",
                                   width: 160, height: 40)
        defer { tmux.kill() }
        try tmux.waitFor("every service on 1.4.1", seconds: 20) { screen in
            ["chat-api", "rag-search", "embed-worker", "support-bot"].allSatisfy { Self.row($0, in: screen).contains(" 1.4.1 ") }
        }
        try tmux.send("g")
        try tmux.send("R")
        try tmux.waitFor(text: "Type chat-api to confirm", seconds: 5)
        try tmux.send("-l", "chat-api")
        try tmux.send("Enter")
        let mixed = try tmux.waitFor("chat-api mixed", seconds: 15) { Self.row("chat-api", in: $0).contains("1.4.1→1.4.2 mixed") }
        #expect(!Self.row("rag-search", in: mixed).contains("1.4.2"), "only chat-api was redeployed")
        let done = try tmux.waitFor(text: "chat-api ready again", seconds: 40)
        let verdict = done.split(separator: "\n").first { $0.contains("chat-api ready again") }.map(String.init) ?? ""
        #expect(verdict.contains("after redeploy: 1.4.1 → 1.4.2"), "the follow-up names the old and the new version: \(verdict)")
        try tmux.send("Escape")
        let after = try tmux.waitFor("1.4.2 everywhere", seconds: 5) { screen in
            let row = Self.row("chat-api", in: screen)
            return row.contains(" 1.4.2 ") && !row.contains("mixed")
        }
        #expect(Self.row("support-bot", in: after).contains(" 1.4.1 "))
        // The incident timeline and lookout's own line on the Logs screen.
        try tmux.send("7")
        let timeline = try tmux.waitFor(text: "1.4.1 → 1.4.2, rollout took", seconds: 5)
        #expect(timeline.contains("rollout 1.4.1 → 1.4.2 started: probes see both"))
        try tmux.send("4")
        try tmux.send("/")
        try tmux.send("-l", "rollout took")
        try tmux.send("Enter")
        let logs = try tmux.waitFor(text: "lookout: 1.4.1 → 1.4.2, rollout took", seconds: 5)
        let line = logs.split(separator: "\n").first { $0.contains("lookout: 1.4.1 → 1.4.2") }.map(String.init) ?? ""
        #expect(line.contains(" INFO  chat-api "), "the line stands under the service's name: \(line)")
        try tmux.send("q")
    }

    @Test func theVersionGateIsCriticalWhileMixedAndOKOnceTheNewVersionHolds() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (config, fleet) = try Self.startFleet(scratch, binary)
        defer { kill(fleet, SIGTERM); _ = Spawn.wait(fleet) }
        let gate = [binary, "check", "--config", config, "--service", "chat-api", "--expect-version", "1.4.2"]
        let before = try Spawn.capture(gate)
        #expect(before.status == 2, "\(before.stdout)")
        #expect(before.stdout.contains("expected 1.4.2: still serving 1.4.1 on 2 of 2 probes"), "\(before.stdout)")
        let redeploy = try Spawn.capture([binary, "action", "redeploy", "--config", config, "--service", "chat-api", "--yes",
                                          "--audit-log", scratch.path("audit.jsonl")])
        #expect(redeploy.status == 0, "\(redeploy.stdout)\(redeploy.stderr)")
        // Alone on the fleet, the gate's probes alternate between the replicas: one on each version for 12 s.
        let mixed = try Spawn.capture(gate + ["--format", "json"])
        #expect(mixed.status == 2, "\(mixed.stdout)")
        let service = try #require(((try JSONSerialization.jsonObject(with: Data(mixed.stdout.utf8)) as? [String: Any])?["services"]
            as? [[String: Any]])?.first)
        let expected = try #require(service["expected"] as? [String: Any])
        #expect(expected["serving"] as? Bool == false)
        #expect((expected["reason"] as? String) == "expected 1.4.2: still serving 1.4.1 on 1 of 2 probes", "\(expected)")
        #expect(((service["version"] as? [String: Any])?["shown"] as? String)?.hasPrefix("1.4.1→1.4.2 mixed") == true, "\(service)")
        // Waiting: OK once both replicas answer 1.4.2 for success-threshold probes in a row.
        let started = Date()
        let ready = try Spawn.capture(gate + ["--wait-ready", "40s"])
        #expect(ready.status == 0, "\(ready.stdout)")
        #expect(ready.stdout.contains("OK: 1 healthy, 0 degraded, 0 down, 1 of 1 serving 1.4.2"), "\(ready.stdout)")
        #expect(Date().timeIntervalSince(started) < 30)
        let wrong = try Spawn.capture([binary, "check", "--config", config, "--expect-version", "2.0.0"])
        #expect(wrong.status == 2)
        #expect(wrong.stdout.contains("chat-api 1.4.2 — expected 2.0.0: still serving 1.4.2 on 2 of 2 probes"), "\(wrong.stdout)")
        #expect(wrong.stdout.contains("support-bot 1.4.1 — expected 2.0.0: still serving 1.4.1"), "\(wrong.stdout)")
    }
}
