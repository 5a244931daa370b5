import Foundation
import Glibc
import Testing

/// `lookout alertmanager` against Debian's real Alertmanager, checked with Alertmanager's own `amtool`: an alert posted
/// by amtool is listed; a silence created by lookout appears in Alertmanager, silences the alert, and expires; every
/// change has an audit intent and result; a read-only context sends nothing.
@Suite("End to end: Alertmanager alerts and silences", .serialized)
struct AlertmanagerEndToEndTests {
    /// Debian's Alertmanager on a free loopback port, holding one alert posted by amtool.
    struct RunningAlertmanager {
        let pid: pid_t
        let base: String
        var amtool: [String] { ["amtool", "--alertmanager.url=\(base)"] }

        init(in scratch: Scratch) throws {
            try "route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n".write(toFile: scratch.path("am.yml"), atomically: true, encoding: .utf8)
            let port = Int.random(in: 30_000...39_999)
            base = "http://127.0.0.1:\(port)"
            pid = try Spawn.start(["prometheus-alertmanager", "--config.file=\(scratch.path("am.yml"))", "--storage.path=\(scratch.path("am"))",
                                   "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address="],
                                  stdout: scratch.path("am.out"), stderr: scratch.path("am.err"))
            let add = ["alert", "add", "alertname=LLMErrorRateHigh", "provider=openai", "severity=critical", "--annotation=summary=openai error rate 12% over 5m"]
            var added = try Spawn.capture(amtool + add)
            for _ in 0..<50 where added.status != 0 {
                usleep(200_000)
                added = try Spawn.capture(amtool + add)
            }
            #expect(added.status == 0, "amtool alert add: \(added.stderr)")
        }

        func stop() { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }
    }

    @Test func aSilenceCreatedFromLookoutAppearsInAlertmanagerAndExpires() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let running = try RunningAlertmanager(in: scratch)
        defer { running.stop() }
        let base = running.base, amtool = running.amtool
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
        let row = ScreenTable.row("ACTIVE", in: screen)
        #expect(row.contains("CRIT") && row.contains("LLMErrorRateHigh") && row.contains("openai error rate 12% over 5m · provider=openai"), "\(screen)")
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

    /// The Alerts screen's row of Alertmanager's alert.
    static func alertmanagerRow(in screen: String) -> String {
        screen.split(separator: "\n").first { $0.contains("LLMErrorRateHigh") && $0.contains("alertmanager") }.map(String.init) ?? ""
    }

    /// The same from the dashboard's Alerts screen: S on Alertmanager's alert proposes a silence of its labels, Enter
    /// sends it once a reason is typed; amtool sees it, the row turns SILENCED; u expires it; both audited.
    @Test func theAlertsScreenSilencesAndExpiresInAlertmanager() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let running = try RunningAlertmanager(in: scratch)
        defer { running.stop() }
        try "contexts:\n  prod:\n    alertmanager: \(running.base)\n    services: []\n".write(toFile: scratch.path("lookout.yaml"), atomically: true, encoding: .utf8)
        chmod(scratch.path("lookout.yaml"), 0o600)
        let tmux = try TmuxSession(command: "exec env TERM=xterm-256color \(binary) --config \(scratch.path("lookout.yaml")) --audit-log \(scratch.path("audit.jsonl")) --log-file \(scratch.path("lookout.log"))",
                                   width: 140, height: 30)
        defer { tmux.kill() }
        try tmux.waitFor(text: "context prod", seconds: 10)
        try tmux.send("5")
        _ = try tmux.waitFor("Alertmanager's alert", seconds: 20) { $0.contains("Alertmanager  1 active") }
        try tmux.send("S")
        _ = try tmux.waitFor("the prompt, prefilled", seconds: 5) {
            $0.contains(#"silence in Alertmanager — MATCHERS DURATION WHY: alertname="LLMErrorRateHigh" provider="openai" severity="critical" 1h"#)
        }
        try tmux.send("-l", "failing over to anthropic")
        try tmux.send("Enter")
        let silenced = try tmux.waitFor("the row silenced", seconds: 20) { Self.alertmanagerRow(in: $0).contains("SILENCED") }
        #expect(silenced.contains("Alertmanager: silence done (silence "), "\(silenced)")
        let query = try Spawn.capture(running.amtool + ["silence", "query", "-o", "json"])
        #expect(query.stdout.contains(#""comment":"failing over to anthropic""#) && query.stdout.contains(#""state":"active""#)
                && query.stdout.contains(#""value":"openai""#), "\(query.stdout)")

        try tmux.send("u")
        let expired = try tmux.waitFor("the row active again", seconds: 20) { Self.alertmanagerRow(in: $0).contains("ACTIVE") }
        #expect(expired.contains("Alertmanager: expiry done (expired "), "\(expired)")
        let after = try Spawn.capture(running.amtool + ["silence", "query", "--expired", "-o", "json"])
        #expect(after.stdout.contains(#""comment":"failing over to anthropic""#) && after.stdout.contains(#""state":"expired""#), "\(after.stdout)")

        let records = try String(contentsOfFile: scratch.path("audit.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(records.count == 4, "silence and expiry: intent and result each")
        #expect(records.allSatisfy { $0.contains(#""origin":"dashboard""#) && $0.contains(#""service":"alertmanager""#) })
        #expect(records[1].contains(#""action":"silence""#) && records[1].contains(#""result":"succeeded""#))
        #expect(records[3].contains(#""action":"expire-silence""#) && records[3].contains(#""result":"succeeded""#))
    }
}
