import Foundation
import Glibc
import Testing

/// Secrets nowhere: the demo fleet's admin token, referenced from probe headers, routing headers, action headers and a
/// command action's argv (which prints it on stdout and stderr), is looked for in every output lookout makes — the
/// dashboard's screens and the action dialog in tmux, `check` (text and JSON), `snapshot` (JSON and Markdown),
/// `config validate`, a dry run and a real run of each action, the audit log and lookout.log. One test greps them all.
@Suite("End to end: secrets nowhere", .serialized)
struct SecretsEndToEndTests {
    @Test func theTokenAppearsInNoOutput() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let fleet = try DemoFleetProcess.start(scratch, binary)
        defer { kill(fleet.pid, SIGTERM); _ = Spawn.wait(fleet.pid) }
        let tokenFile = try #require(fleet.yaml.range(of: #"file: "([^"]+admin-token)""#, options: .regularExpression)
            .map { String(fleet.yaml[$0]).replacingOccurrences(of: "file: ", with: "").replacingOccurrences(of: "\"", with: "") })
        let token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.count >= 16, "a real token to look for")
        // The canary's other places: probe headers on every service, and a command action that prints it.
        var yaml = fleet.yaml.replacingOccurrences(of: "        health: /health\n",
                                                   with: "        health: /health\n        headers:\n          X-Canary: \"${secret:DEMO_ADMIN_TOKEN}\"\n")
        yaml = yaml.replacingOccurrences(of: "        actions:\n", with: """
                    actions:
                      canary:
                        argv: [sh, -c, "echo token=${secret:DEMO_ADMIN_TOKEN}; echo stderr ${secret:DEMO_ADMIN_TOKEN} >&2"]
                        timeout: 10s

            """)
        let config = scratch.path("canary.yaml")
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        let audit = scratch.path("audit.jsonl"), log = scratch.path("lookout.log")
        var outputs: [(String, String)] = []
        func run(_ name: String, _ arguments: [String]) throws {
            let result = try Spawn.capture([binary] + arguments)
            outputs.append((name, result.stdout + result.stderr))
        }
        try run("config validate", ["config", "validate", "--config", config])
        try run("check text", ["check", "--config", config])
        try run("check json", ["check", "--config", config, "--format", "json"])
        try run("snapshot json", ["snapshot", "--config", config, "--wait", "2s"])
        try run("snapshot markdown", ["snapshot", "--config", config, "--wait", "2s", "--format", "markdown"])
        for action in ["canary", "redeploy"] {
            try run("\(action) dry run", ["action", action, "--config", config, "--service", "chat-api", "--dry-run", "--audit-log", audit])
        }
        try run("failover dry run", ["action", "failover", "--config", config, "--service", "chat-api", "--provider", "openai",
                                     "--role", "standby", "--dry-run", "--audit-log", audit])
        try run("canary run", ["action", "canary", "--config", config, "--service", "chat-api", "--yes", "--audit-log", audit])
        #expect(outputs.last?.1.contains("token=••••") == true, "the command's output is streamed, masked: \(outputs.last?.1 ?? "")")

        // The dashboard: screens, the service screen, the action dialog, logs, actions.
        let tmux = try TmuxSession(command: "exec env LOOKOUT_AUDIT_LOG=\(audit) \(binary) --config \(config) --log-file \(log)",
                                   width: 160, height: 40)
        defer { tmux.kill() }
        outputs.append(("overview", try tmux.waitFor(text: "support-bot", seconds: 30)))
        try tmux.send("Enter")
        outputs.append(("service screen", try tmux.waitFor(text: "Actions", seconds: 10)))
        try tmux.send("R")
        outputs.append(("redeploy dialog", try tmux.waitFor(text: "redeploy", seconds: 10)))
        try tmux.send("Escape")
        for (key, text) in [("3", "PROVIDER"), ("4", "Logs"), ("6", "Actions"), ("5", "Alerts")] {
            try tmux.send(key)
            outputs.append(("screen \(key)", try tmux.waitFor(text: text, seconds: 10)))
        }
        try tmux.send("q")
        usleep(500_000)
        outputs.append(("audit log", (try? String(contentsOfFile: audit, encoding: .utf8)) ?? ""))
        outputs.append(("lookout.log", (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""))

        // A crash, with the token resolved in memory: the terminal's last screen and the report (no registers: the
        // backtracer would print the bytes each points at).
        let crashLog = scratch.path("crash.log")
        let crashing = try TmuxSession(command: try scratch.wrapper(running: "LOOKOUT_CRASH_TEST=1 \(binary) --config \(config) --log-file \(crashLog)"),
                                       width: 160, height: 40)
        defer { crashing.kill() }
        outputs.append(("crash screen", try crashing.waitFor(text: "lookout exited", seconds: 30)))
        let report = (try? String(contentsOfFile: crashLog, encoding: .utf8)) ?? ""
        #expect(report.contains("crash requested by LOOKOUT_CRASH_TEST=1") && report.contains("Thread 0"), "a backtrace was written: \(report.prefix(300))")
        #expect(!report.contains("Registers:"), "no register dump")
        outputs.append(("crash report", report))
        #expect(outputs.first { $0.0 == "audit log" }?.1.contains("canary") == true, "the audit log has the canary run")

        for (name, text) in outputs {
            #expect(!text.contains(token), "the token in \(name):\n\(text)")
        }
        #expect(outputs.count == 20 && yaml.components(separatedBy: "X-Canary").count == 5, "every output looked at; every service sends it")
    }
}
