import Foundation
import Glibc
import Testing

@Suite("End to end: budgets on the demo fleet", .serialized)
struct BudgetsEndToEndTests {
    /// The demo's openai budget cut to $0.10 an hour, which its traffic (about $25–40 an hour on openai) spends in
    /// well under a minute: the forecast appears, the alert fires and reaches a webhook, it is acknowledged and silenced from the keyboard
    /// (both audited), and after `kill -9` and a restart the ledger, the silence and the timeline are still there.
    /// A webhook receiver: writes its port to argv[1], and each POST's body as a line to argv[2].
    static let receiver = """
    import http.server, sys
    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with open(sys.argv[2], "ab") as out:
                out.write(body + b"\\n")
            self.send_response(200)
            self.end_headers()
        def log_message(self, *args):
            pass
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    open(sys.argv[1], "w").write(str(server.server_port))
    server.serve_forever()
    """

    @Test func theForecastAppearsTheAlertIsAckedAndSilencedAndAllSurvivesKillNine() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let config = scratch.path("demo.yaml")
        let fleet = try Spawn.start([binary, "demo", "--fleet-only", "--write-config", config],
                                    stdout: scratch.path("fleet.out"), stderr: scratch.path("fleet.err"))
        defer { kill(fleet, SIGTERM); _ = Spawn.wait(fleet) }
        let deadline = Date().addingTimeInterval(15)
        var yaml = ""
        while Date() < deadline && !yaml.contains("services:") {
            yaml = (try? String(contentsOfFile: config, encoding: .utf8)) ?? ""
            usleep(50_000)
        }
        #expect(yaml.contains("name: \"openai-hour\""), "the demo configuration carries its budgets")
        // A webhook receiver on loopback (Python's http.server, as a real one would be): it writes what it is sent.
        let receiverPort = scratch.path("receiver.port"), received = scratch.path("received.jsonl")
        let receiver = try Spawn.start(["python3", "-c", Self.receiver, receiverPort, received],
                                       stdout: scratch.path("receiver.out"), stderr: scratch.path("receiver.err"))
        defer { kill(receiver, SIGKILL); _ = Spawn.wait(receiver) }
        var port = ""
        while Date() < deadline.addingTimeInterval(10) && port.isEmpty {
            port = (try? String(contentsOfFile: receiverPort, encoding: .utf8)) ?? ""
            usleep(50_000)
        }
        let notify = "  demo:\n    notify:\n      - name: hook\n        kind: json\n        url: http://127.0.0.1:\(port)/alerts\n        rules: [budget]\n"
        try yaml.replacingOccurrences(of: "limit-usd: 2.0", with: "limit-usd: 0.1").replacingOccurrences(of: "  demo:\n", with: notify)
            .write(toFile: config, atomically: true, encoding: .utf8)

        let store = scratch.path("spend.sqlite")
        let command = "exec \(binary) --config \(config) --log-file \(scratch.path("lookout.log")) --audit-log \(scratch.path("audit.jsonl"))"
        let first = try TmuxSession(command: command, width: 140, height: 30, stateStore: store)
        let forecast = try first.waitFor("a forecast in the header", seconds: 60) { screen in
            screen.split(separator: "\n").first.map { $0.contains("$ openai-hour") && $0.contains("of $0.10 · out ~") } ?? false
        }
        try first.waitFor("the budget to run out", seconds: 90) { screen in
            screen.split(separator: "\n").first.map { $0.contains("$ openai-hour") && $0.contains("· exhausted") } ?? false
        }
        // The Alerts screen: the budget's alert fires; `a` acknowledges the top row, `S` silences what is typed.
        try first.send("5")
        try first.waitFor("the budget's alert", seconds: 10) { screen in
            screen.contains("openai-hour") && screen.contains("budget exhausted") && screen.contains("FIRING")
        }
        // The webhook got it, as the JSON lookout documents.
        let deadline2 = Date().addingTimeInterval(15)
        var bodies = ""
        while Date() < deadline2 && !bodies.contains("budget:openai-hour") {
            bodies = (try? String(contentsOfFile: received, encoding: .utf8)) ?? ""
            usleep(100_000)
        }
        #expect(bodies.contains(#""status":"firing","key":"budget:openai-hour","rule":"budget","subject":"openai-hour""#), "received:\n\(bodies)")
        try first.send("a")
        try first.waitFor(text: "ACKED", seconds: 5)
        try first.send("S")
        try first.send("C-u")
        try first.send("budget:openai-hour 2h", "Enter")
        let silenced = try first.waitFor("the silence", seconds: 5) { screen in
            screen.contains("SILENCED") && screen.contains("budget:openai-hour  until")
        }
        #expect(silenced.contains("budget exhausted"), "a silenced alert is still listed:\n\(silenced)")
        // `lookout alerts` judges budgets on the dashboard's ledger and honours its silences (same store).
        sleep(1)
        let headless = try Spawn.capture(["env", "LOOKOUT_STATE_DB=\(store)", binary, "alerts", "--config", config, "--wait", "3s",
                                          "--format", "json"])
        #expect(headless.stdout.contains(#""rule":"budget","subject":"openai-hour","message":"budget exhausted: "#)
                && headless.stdout.contains(#"(rolling 1h)","silenced":true}"#), "\(headless.stdout)")
        let codes = ["\"status\":\"OK\"": 0, "\"status\":\"WARNING\"": 1, "\"status\":\"CRITICAL\"": 2] as [String: Int32]
        #expect(codes.contains { headless.stdout.hasPrefix("{" + $0.key) && headless.status == $0.value }, "exit \(headless.status)")
        let audit = try String(contentsOfFile: scratch.path("audit.jsonl"), encoding: .utf8)
        #expect(audit.contains(#""action":"ack""#) && audit.contains(#""action":"silence""#) && audit.contains(#""service":"budget:openai-hour""#))
        // Every 5 s the new spend and timeline entries go to the store; give it that, then kill without warning.
        sleep(6)
        let pid = try first.panePID()
        #expect(kill(pid, SIGKILL) == 0)
        first.kill()

        let second = try TmuxSession(command: command, width: 140, height: 30, stateStore: store)
        try second.waitFor("the kept spend in the first frames", seconds: 8) { screen in
            screen.split(separator: "\n").first.map { $0.contains("$ openai-hour") && $0.contains("· exhausted") } ?? false
        }
        // The silence outlived the process: the budget's alert fires again, silenced.
        try second.send("5")
        try second.waitFor("the kept silence", seconds: 10) { screen in
            screen.contains("SILENCED") && screen.contains("openai-hour") && screen.contains("budget:openai-hour  until")
        }
        // And the timeline: the first run's alert, ack and silence are there.
        try second.send("7")
        try second.waitFor("the kept timeline", seconds: 10) { screen in
            screen.contains("Timeline") && screen.contains("CRITICAL budget: budget exhausted") && screen.contains("acknowledged ")
                && screen.contains("silenced budget:openai-hour for 2h")
        }
        second.kill()
    }
}
