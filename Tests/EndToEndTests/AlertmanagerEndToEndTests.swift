import Foundation
import Glibc
import Testing

/// `lookout alertmanager` against Debian's real Alertmanager, checked with Alertmanager's own `amtool`: an alert posted
/// by amtool is listed; a silence created by lookout appears in Alertmanager, silences the alert, and expires; every
/// change has an audit intent and result; a read-only context sends nothing.
@Suite("End to end: Alertmanager alerts and silences", .serialized)
struct AlertmanagerEndToEndTests {
    @Test func aSilenceCreatedFromLookoutAppearsInAlertmanagerAndExpires() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        try "route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n".write(toFile: scratch.path("am.yml"), atomically: true, encoding: .utf8)
        let port = Int.random(in: 30_000...39_999)
        let base = "http://127.0.0.1:\(port)"
        let alertmanager = try Spawn.start(["prometheus-alertmanager", "--config.file=\(scratch.path("am.yml"))", "--storage.path=\(scratch.path("am"))",
                                            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address="],
                                           stdout: scratch.path("am.out"), stderr: scratch.path("am.err"))
        defer { kill(alertmanager, SIGKILL); var status: Int32 = 0; waitpid(alertmanager, &status, 0) }
        let amtool = ["amtool", "--alertmanager.url=\(base)"]
        var added = try Spawn.capture(amtool + ["alert", "add", "alertname=LLMErrorRateHigh", "provider=openai", "severity=critical",
                                                "--annotation=summary=openai error rate 12% over 5m"])
        for _ in 0..<50 where added.status != 0 {
            usleep(200_000)
            added = try Spawn.capture(amtool + ["alert", "add", "alertname=LLMErrorRateHigh", "provider=openai", "severity=critical",
                                                "--annotation=summary=openai error rate 12% over 5m"])
        }
        #expect(added.status == 0, "amtool alert add: \(added.stderr)")
        try """
        contexts:
          prod:
            alertmanager: \(base)
            services: []
          frozen:
            readonly: true
            alertmanager: \(base)
            services: []
        """.write(toFile: scratch.path("lookout.yaml"), atomically: true, encoding: .utf8)
        chmod(scratch.path("lookout.yaml"), 0o600)
        let common = ["--config", scratch.path("lookout.yaml")]
        let audit = ["--audit-log", scratch.path("audit.jsonl")]

        var alerts = try Spawn.capture([binary, "alertmanager", "alerts"] + common)
        for _ in 0..<20 where !alerts.stdout.contains("LLMErrorRateHigh") { usleep(200_000); alerts = try Spawn.capture([binary, "alertmanager", "alerts"] + common) }
        #expect(alerts.status == 0 && alerts.stdout.contains("ACTIVE  LLMErrorRateHigh provider=openai severity=critical")
                && alerts.stdout.contains("    openai error rate 12% over 5m"), "\(alerts.stdout)\(alerts.stderr)")

        // The dashboard lists Alertmanager's alerts on its Alerts screen, below its own.
        let tmux = try TmuxSession(command: "exec env TERM=xterm-256color \(binary) --config \(scratch.path("lookout.yaml")) --log-file \(scratch.path("lookout.log"))",
                                   width: 140, height: 30)
        defer { tmux.kill() }
        try tmux.waitFor(text: "context prod", seconds: 10)
        try tmux.send("5")
        let screen = try tmux.waitFor("Alertmanager's alert", seconds: 20) { $0.contains("Alertmanager  1 active · 0 silenced or inhibited") }
        #expect(screen.contains("ACTIVE") && screen.contains("LLMErrorRateHigh provider=openai severity=critical  openai error rate 12% over 5m"))
        tmux.kill()

        // Created by lookout, seen by amtool.
        let created = try Spawn.capture([binary, "alertmanager", "silence", "alertname=LLMErrorRateHigh", "provider=~open.*", "--for", "30m",
                                         "--comment", "failing over to anthropic", "--by", "e2e"] + common + audit)
        let id = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(created.status == 0 && id.count == 36, "\(created.stdout)\(created.stderr)")
        let active = try Spawn.capture(amtool + ["silence", "query", "-o", "json"])
        #expect(active.stdout.contains(#""id":"\#(id)""#) && active.stdout.contains(#""state":"active""#)
                && active.stdout.contains(#""createdBy":"e2e""#) && active.stdout.contains(#""value":"open.*""#), "\(active.stdout)")
        var suppressed = try Spawn.capture([binary, "alertmanager", "alerts"] + common)
        for _ in 0..<20 where !suppressed.stdout.contains("SUPPRESSED") { usleep(200_000); suppressed = try Spawn.capture([binary, "alertmanager", "alerts"] + common) }
        #expect(suppressed.stdout.contains("SUPPRESSED  LLMErrorRateHigh") && suppressed.stdout.contains("(silenced by \(id))"), "\(suppressed.stdout)")

        // A read-only context refuses, sends nothing, and says so in the audit log.
        let refused = try Spawn.capture([binary, "alertmanager", "expire", id, "--context", "frozen"] + common + audit)
        #expect(refused.status == 2 && refused.stderr.contains("refused: context frozen is read-only"))
        #expect(try Spawn.capture(amtool + ["silence", "query", "-o", "json"]).stdout.contains(#""id":"\#(id)""#), "still active")

        // Expired by lookout, seen expired by amtool; an unknown id is Alertmanager's own reason.
        let expired = try Spawn.capture([binary, "alertmanager", "expire", id] + common + audit)
        #expect(expired.status == 0 && expired.stdout.contains("expired \(id)"))
        let after = try Spawn.capture(amtool + ["silence", "query", "--expired", "-o", "json"])
        #expect(after.stdout.contains(#""id":"\#(id)""#) && after.stdout.contains(#""state":"expired""#), "\(after.stdout)")
        let unknown = try Spawn.capture([binary, "alertmanager", "expire", "00000000-0000-0000-0000-000000000000"] + common + audit)
        #expect(unknown.status == 1 && unknown.stderr.contains("HTTP 500: silence not found"))

        let records = try String(contentsOfFile: scratch.path("audit.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(records.count == 7, "silence: intent+result; refused: result; expire: intent+result; unknown: intent+result")
        #expect(records[1].contains(#""result":"succeeded""#) && records[1].contains(#""detail":"silence \#(id), HTTP 200""#))
        #expect(records[2].contains(#""result":"refused""#) && records[4].contains(#""action":"expire-silence""#))
        #expect(records[6].contains(#""result":"failed""#) && records[6].contains("silence not found"))
    }
}
