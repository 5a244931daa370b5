import Foundation
import Glibc
import Testing

/// The binary's non-interactive commands, run as a user would.
@Suite("End to end: command line", .serialized)
struct CommandLineTests {
    @Test func versionAndHelp() throws {
        let binary = try LookoutBinary.require()
        let version = try Spawn.capture([binary, "--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let help = try Spawn.capture([binary, "--help"])
        #expect(help.status == 0)
        for word in ["demo", "config", "dashboard", "--version"] { #expect(help.stdout.contains(word)) }
    }

    @Test func aBadRefreshIsRefusedBeforeAnythingStarts() throws {
        let binary = try LookoutBinary.require()
        for value in ["0s", "soon", "2h"] {
            let run = try Spawn.capture([binary, "demo", "--refresh", value])
            #expect(run.status == 64, "a usage error for --refresh \(value)")
            #expect(run.stderr.contains("--refresh: expected a duration from 100ms to 60s"), "\(run.stderr)")
        }
    }

    @Test func configValidateSaysOKOrNamesFileLineAndKey() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let good = scratch.path("good.yaml"), bad = scratch.path("bad.yaml")
        try "contexts:\n  prod:\n    services:\n      - name: a\n        url: https://a.example.com\n"
            .write(toFile: good, atomically: true, encoding: .utf8)
        try "contexts:\n  prod:\n    services:\n      - name: a\n        url: https://a.example.com\n        interval: soon\n      - name: b\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)

        let ok = try Spawn.capture([binary, "config", "validate", good])
        #expect(ok.status == 0)
        #expect(ok.stdout == "OK \(good): 1 context(s), 1 service(s)\n")

        let broken = try Spawn.capture([binary, "config", "validate", bad])
        #expect(broken.status == 1)
        #expect(broken.stderr == """
        \(bad):6: key `contexts.prod.services[0].interval`: expected a positive duration such as 500ms, 5s or 1m, got "soon"
        \(bad):7: key `contexts.prod.services[1].url`: missing: the service's base URL, e.g. https://chat.example.com

        """)

        let missing = try Spawn.capture([binary, "config", "validate", scratch.path("nope.yaml")])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope.yaml: cannot read the configuration"))
    }

    @Test func statsOnFilesAndWithACustomMapping() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let log = scratch.path("app.log"), custom = scratch.path("gw.log"), config = scratch.path("c.yaml")
        try """
        {"provider":"openai","latency_ms":100,"input_tokens":10,"output_tokens":5,"cost_usd":0.25}
        {"provider":"openai","latency_ms":300,"status":"error","status_code":429}
        {"provider":"anthropic","latency_ms":50
        not json

        """.write(toFile: log, atomically: true, encoding: .utf8)
        let json = try Spawn.capture([binary, "stats", "--format", "json", log])
        #expect(json.status == 0)
        #expect(json.stdout.hasPrefix(#"{"lines":4,"malformed":1,"records":3,"llm_calls":2,"groups":{"openai":{"requests":2,"errors":1,"error_rate":0.5,"errors_by_class":{"rate_limit":1,"server":0,"timeout":0,"connection":0,"auth":0,"bad_request":0,"other":0}"#))
        let table = try Spawn.capture([binary, "stats", log])
        #expect(table.stdout.contains("4 lines, 3 records, 2 LLM calls, 1 malformed"))

        try #"{"llm":{"vendor":"bedrock"},"timing":{"total":0.5}}"#.write(toFile: custom, atomically: true, encoding: .utf8)
        try "contexts: {}\nmappings:\n  gw:\n    fields:\n      provider: llm.vendor\n      latency: { path: timing.total, unit: s }\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let mapped = try Spawn.capture([binary, "stats", "--config", config, "--mapping", "gw", "--format", "json", custom])
        #expect(mapped.stdout.contains(#""bedrock":{"requests":1"#) && mapped.stdout.contains(#""p50_ms":500"#), "\(mapped)")
        let unknown = try Spawn.capture([binary, "stats", "--mapping", "gw", custom])
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown mapping \"gw\""))
    }

    @Test func dashboardWithABrokenConfigExitsWithTheErrorsAndNoScreen() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let bad = scratch.path("bad.yaml")
        try "contexts:\n  prod:\n    servces: []\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let run = try Spawn.capture([binary, "--config", bad, "--log-file", scratch.path("log")])
        #expect(run.status != 0)
        #expect(run.stderr.contains("\(bad):3: key `contexts.prod.servces`: unknown key"))
    }

    @Test func fleetOnlyWritesAConfigThatAnotherLookoutWatches() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let config = scratch.path("demo.yaml"), output = scratch.path("fleet.out")
        let fleet = try Spawn.start([binary, "demo", "--fleet-only", "--write-config", config],
                                    stdout: output, stderr: scratch.path("fleet.err"))
        defer { kill(fleet, SIGTERM); _ = Spawn.wait(fleet) }

        let deadline = Date().addingTimeInterval(15)
        var printed = ""
        while Date() < deadline {
            printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            if printed.contains("serving until interrupted") { break }
            usleep(50_000)
        }
        for service in ["chat-api", "rag-search", "embed-worker"] {
            #expect(printed.contains(service), "fleet output: \(printed)")
        }
        #expect(printed.contains("http://127.0.0.1:"))
        #expect(printed.contains("/health/ready"))
        #expect(try Spawn.capture([binary, "config", "validate", config]).status == 0)

        let tmux = try TmuxSession(command: "\(binary) --config \(config) --log-file \(scratch.path("log"))", width: 120, height: 30)
        try tmux.waitFor("three services, probed", seconds: 15) { screen in
            ["chat-api", "rag-search", "embed-worker"].allSatisfy { screen.contains($0) } && screen.contains(" up ")
        }
        tmux.kill()

        let yaml = try String(contentsOfFile: config, encoding: .utf8)
        let token = try #require(yaml.components(separatedBy: "file: \"").dropFirst().first?.components(separatedBy: "\"").first)
        #expect(FileManager.default.fileExists(atPath: token))
        kill(fleet, SIGINT)
        #expect(Spawn.wait(fleet) == 128 + SIGINT, "the fleet stops on Ctrl-C")
        #expect(!FileManager.default.fileExists(atPath: (token as NSString).deletingLastPathComponent),
                "its directory, admin token and logs, is gone with it (issue 15)")
    }
}

@Suite("End to end: configuration permissions")
struct ConfigPermissionsEndToEndTests {
    /// Every user may write it: refused by `config validate` and `check` (UNKNOWN, 3); an inline key in a readable
    /// file: validated, with a warning naming its line.
    @Test func aWorldWritableFileIsRefusedAndAnInlineKeyWarned() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let config = scratch.path("lookout.yaml")
        try """
        contexts:
          prod:
            services:
              - name: chat-api
                url: http://127.0.0.1:9
                headers:
                  Authorization: "Bearer sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"

        """.write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o644)
        let warned = try Spawn.capture([binary, "config", "validate", config])
        #expect(warned.status == 0 && warned.stdout.hasSuffix("1 warning(s)\n"), "\(warned)")
        #expect(warned.stderr.contains("lookout.yaml:7: 1 OpenAI key written inline in a file every user can read (mode 0644)"))
        #expect(!warned.stderr.contains("sk-proj-"), "the warning never repeats the key")
        chmod(config, 0o666)
        let refused = try Spawn.capture([binary, "config", "validate", config])
        #expect(refused.status == 1 && refused.stderr.contains("writable by every user on this host (mode 0666)"), "\(refused)")
        let check = try Spawn.capture([binary, "check", "--config", config])
        #expect(check.status == 3, "UNKNOWN, not CRITICAL: \(check)")
    }
}

@Suite("End to end: lookout check against the demo fleet", .serialized)
struct CheckCommandTests {
    @Test func exitCodesFollowTheScriptedIncident() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let config = scratch.path("demo.yaml")
        // An 8 s cycle: all ready for the first 2 s, chat-api's llm_api fails from 2 s to 4.4 s.
        let fleet = try Spawn.start([binary, "demo", "--fleet-only", "--cycle", "8s", "--write-config", config],
                                    stdout: scratch.path("fleet.out"), stderr: scratch.path("fleet.err"))
        defer { kill(fleet, SIGTERM); _ = Spawn.wait(fleet) }
        let started = Date()
        while !FileManager.default.fileExists(atPath: config) && Date().timeIntervalSince(started) < 10 { usleep(20_000) }
        usleep(100_000)

        let ok = try Spawn.capture([binary, "check", "--config", config])
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(ok.stdout.hasSuffix("OK: 4 healthy, 0 degraded, 0 down\n"))

        while Date().timeIntervalSince(started) < 2.8 { usleep(20_000) }
        let failing = try Spawn.capture([binary, "check", "--config", config, "--format", "json"])
        #expect(failing.status == 2)
        #expect(failing.stdout.hasPrefix(#"{"status":"CRITICAL","services":[{"name":"chat-api","state":"down""#))
        #expect(failing.stdout.contains(#"{"name":"llm_api","state":"unhealthy","message":"timeout after 5000ms calling api.openai.com"}"#))

        let waited = try Spawn.capture([binary, "check", "--config", config, "--service", "chat-api", "--wait-ready", "20s"])
        #expect(waited.status == 0, "--wait-ready succeeds once the scripted failure recovers: \(waited.stdout)")
        #expect(Date().timeIntervalSince(started) > 4, "it did wait for the recovery")

        let snapshot = try Spawn.capture([binary, "snapshot", "--config", config, "--wait", "1s"])
        #expect(snapshot.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(snapshot.stdout.utf8)) as? [String: Any]
        #expect((object?["services"] as? [Any])?.count == 4)
        #expect((object?["providers"] as? [String: Any])?.isEmpty == false, "the demo's log files give provider statistics")

        let broken = scratch.path("broken.yaml")
        try "contexts:\n  p:\n    services:\n      - name: a\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let unknown = try Spawn.capture([binary, "check", "--config", broken])
        #expect(unknown.status == 3)
        #expect(unknown.stderr.contains("broken.yaml:4: key `contexts.p.services[0].url`: missing"))
    }
}

@Suite("End to end: command-line manners")
struct CommandLineMannersTests {
    /// Every subcommand's --help carries examples; an action that needs a provider or a role names the choices.
    @Test func everySubcommandShowsExamplesAndActionsNameTheirChoices() throws {
        let binary = try LookoutBinary.require()
        for command in [["dashboard"], ["demo"], ["check"], ["snapshot"], ["alerts"], ["stats"], ["metrics"], ["action"], ["audit"],
                        ["config"], ["config", "validate"], ["config", "example"], ["themes"]] {
            let help = try Spawn.capture([binary] + command + ["--help"])
            #expect(help.status == 0 && help.stdout.contains("Examples:\n  lookout "), "\(command): \(help.stdout)")
        }
        let scratch = try Scratch()
        defer { scratch.remove() }
        let config = scratch.path("c.yaml")
        try """
        contexts:
          prod:
            services:
              - name: chat-api
                url: http://127.0.0.1:9
                actions:
                  failover:
                    kind: http
                    url: "{{url}}/admin/failover"
                    body: '{"provider":"{{provider}}","role":"{{role}}"}'
                    roles: { primary: primary, disabled: off }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let noProvider = try Spawn.capture([binary, "action", "failover", "--config", config, "--service", "chat-api"])
        #expect(noProvider.status == 3)
        #expect(noProvider.stderr.contains("failover takes --provider NAME"), "\(noProvider.stderr)")
        let noRole = try Spawn.capture([binary, "action", "failover", "--config", config, "--service", "chat-api", "--provider", "openai"])
        #expect(noRole.status == 3)
        #expect(noRole.stderr.contains("failover takes --role ROLE: one of primary, disabled"), "\(noRole.stderr)")
    }
}
