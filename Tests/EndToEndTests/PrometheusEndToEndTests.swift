import Foundation
import Glibc
import Testing

/// The dashboard reading a service's metrics from Debian's real Prometheus, which scrapes that service's two replicas
/// (two demo fleets): the service's detail says where its numbers come from and how many replicas answered, and the
/// provider table fills from the series of both.
@Suite("End to end: metrics from Prometheus", .serialized)
struct PrometheusEndToEndTests {
    /// `http://127.0.0.1:PORT` of `service` in a demo configuration.
    static func url(of service: String, in yaml: String) throws -> String {
        let block = try #require(yaml.components(separatedBy: "- name: \(service)\n").dropFirst().first)
        let line = try #require(block.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("url: http") })
        return line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "url: ", with: "")
    }

    /// Debian's Prometheus on a free loopback port, its configuration `config` written to `prometheus.yml` of
    /// `scratch` (rewrite that file and send SIGHUP to change it).
    static func startPrometheus(_ config: String, in scratch: Scratch) throws -> (pid: pid_t, port: Int) {
        try config.write(toFile: scratch.path("prometheus.yml"), atomically: true, encoding: .utf8)
        let port = Int.random(in: 20_000...29_999)
        let pid = try Spawn.start(["prometheus", "--config.file=\(scratch.path("prometheus.yml"))",
                                   "--storage.tsdb.path=\(scratch.path("tsdb"))", "--web.listen-address=127.0.0.1:\(port)"],
                                  stdout: scratch.path("prometheus.out"), stderr: scratch.path("prometheus.err"))
        return (pid, port)
    }

    @Test func theDashboardReadsAServiceOfTwoReplicasFromPrometheus() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch(), second = try Scratch()
        defer { scratch.remove(); second.remove() }
        let (_, yamlA, fleetA) = try DemoFleetProcess.start(scratch, binary)
        defer { kill(fleetA, SIGTERM) }
        let (_, yamlB, fleetB) = try DemoFleetProcess.start(second, binary)
        defer { kill(fleetB, SIGTERM) }
        let replicas = [try Self.url(of: "support-bot", in: yamlA), try Self.url(of: "support-bot", in: yamlB)]
        let targets = replicas.map { "\"\($0.replacingOccurrences(of: "http://", with: ""))\"" }.joined(separator: ", ")
        let (prometheus, port) = try Self.startPrometheus("""
        global: { scrape_interval: 1s, scrape_timeout: 900ms }
        scrape_configs:
          - job_name: support-bot
            static_configs: [ { targets: [\(targets)] } ]
        """, in: scratch)
        defer { kill(prometheus, SIGKILL); var status: Int32 = 0; waitpid(prometheus, &status, 0) }
        try """
        contexts:
          prod:
            prometheus: http://127.0.0.1:\(port)
            services:
              - name: support-bot
                url: \(replicas[0])
                interval: 2s
                timeout: 1s
                metrics: { prometheus: 'job="support-bot"', mapping: app, interval: 2s }
        """.write(toFile: scratch.path("lookout.yaml"), atomically: true, encoding: .utf8)
        chmod(scratch.path("lookout.yaml"), 0o600)

        let tmux = try TmuxSession(command: "exec env TERM=xterm-256color \(binary) --config \(scratch.path("lookout.yaml")) --log-file \(scratch.path("lookout.log"))",
                                   width: 120, height: 40)
        defer { tmux.kill() }
        try tmux.waitFor(text: "support-bot", seconds: 20)
        try tmux.send("Enter")
        let detail = try tmux.waitFor("the metrics line of both replicas", seconds: 30) { $0.contains("metrics: app via Prometheus · 2 replicas · ") }
        #expect(!detail.contains("bad lines"))
        try tmux.send("Escape")
        // The calls of both replicas since the first read reach the provider table.
        let overview = try tmux.waitFor("openai's calls from Prometheus", seconds: 30) { screen in
            ScreenTable.row("openai", in: screen).split(separator: " ").contains { Double($0).map { $0 > 0 } ?? false }
        }
        #expect(ScreenTable.row("openai", in: overview).contains("openai"))
    }

    /// Services taken from Prometheus' targets (`discover:`), their health read from its `up`: `lookout check` and
    /// the dashboard list the demo's support-bot, discovered, and a target nobody answers on, down with Prometheus'
    /// word for it — while a target of another job is left out; the dead target removed from Prometheus leaves the
    /// running dashboard.
    @Test func servicesAreDiscoveredFromPrometheusTargetsAndJudgedByUp() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (_, yaml, fleet) = try DemoFleetProcess.start(scratch, binary)
        defer { kill(fleet, SIGTERM) }
        let bot = try Self.url(of: "support-bot", in: yaml).replacingOccurrences(of: "http://", with: "")
        let chat = try Self.url(of: "chat-api", in: yaml).replacingOccurrences(of: "http://", with: "")
        let (prometheus, port) = try Self.startPrometheus("""
        global: { scrape_interval: 1s, scrape_timeout: 900ms }
        scrape_configs:
          - job_name: llm-apps
            static_configs: [ { targets: ["\(bot)", "127.0.0.1:1"], labels: { team: llm } } ]
          - job_name: chat
            metrics_path: /metrics
            static_configs: [ { targets: ["\(chat)"] } ]
        """, in: scratch)
        defer { kill(prometheus, SIGKILL); var status: Int32 = 0; waitpid(prometheus, &status, 0) }
        try """
        contexts:
          prod:
            prometheus: http://127.0.0.1:\(port)
            discover:
              - targets: 'team="llm"'
                name: "{{instance}}"
                metrics: { mapping: app }
                refresh: 1s
            services: []
        """.write(toFile: scratch.path("lookout.yaml"), atomically: true, encoding: .utf8)
        chmod(scratch.path("lookout.yaml"), 0o600)

        // Prometheus needs a scrape or two before `up` has a value for each target.
        var check = try Spawn.capture([binary, "check", "--config", scratch.path("lookout.yaml"), "--format", "json"])
        for _ in 0..<40 where !(check.stdout.contains(#""name":"127.0.0.1:1""#) && check.stdout.contains("CRITICAL")) {
            usleep(250_000)
            check = try Spawn.capture([binary, "check", "--config", scratch.path("lookout.yaml"), "--format", "json"])
        }
        #expect(check.status == 2, "a discovered target is down: \(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains(#""name":"\#(bot)""#) && check.stdout.contains(#""name":"127.0.0.1:1""#))
        #expect(!check.stdout.contains("chat"), "the chat job is not team=llm: \(check.stdout)")
        #expect(check.stdout.contains("up = 0 (Prometheus' last scrape of it failed)"), "\(check.stdout)")

        let tmux = try TmuxSession(command: "exec env TERM=xterm-256color \(binary) --config \(scratch.path("lookout.yaml")) --log-file \(scratch.path("lookout.log"))",
                                   width: 140, height: 30)
        defer { tmux.kill() }
        let screen = try tmux.waitFor("both discovered services judged", seconds: 30) { screen in
            ScreenTable.row("\(bot)", in: screen).contains("healthy") && ScreenTable.row("127.0.0.1:1", in: screen).contains("DOWN")
        }
        #expect(ScreenTable.row("127.0.0.1:1", in: screen).contains("up = 0"), "\(screen)")

        // The dead target taken out of Prometheus' configuration (reloaded with SIGHUP) leaves the dashboard while it
        // runs, and the Services title says so; the live one stays.
        try """
        global: { scrape_interval: 1s, scrape_timeout: 900ms }
        scrape_configs:
          - job_name: llm-apps
            static_configs: [ { targets: ["\(bot)"], labels: { team: llm } } ]
        """.write(toFile: scratch.path("prometheus.yml"), atomically: true, encoding: .utf8)
        kill(prometheus, SIGHUP)
        let after = try tmux.waitFor("the dead target gone from the Overview", seconds: 20) { screen in
            !screen.contains("127.0.0.1:1 ") && screen.contains("Prometheus targets: 1 gone (127.0.0.1:1)")
        }
        #expect(ScreenTable.row("\(bot)", in: after).contains("healthy"), "\(after)")
    }

    /// The context's own queries (`queries:`) against the real Prometheus scraping the demo's support-bot: `lookout
    /// check` fails the gate a query crosses and says which; the dashboard's Overview lists each query's series with its
    /// value, and the one past its critical line says so.
    @Test func aQueryPastItsThresholdFailsCheckAndShowsOnTheOverview() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (_, yaml, fleet) = try DemoFleetProcess.start(scratch, binary)
        defer { kill(fleet, SIGTERM) }
        let bot = try Self.url(of: "support-bot", in: yaml)
        let (prometheus, port) = try Self.startPrometheus("""
        global: { scrape_interval: 1s, scrape_timeout: 900ms }
        scrape_configs:
          - { job_name: app, static_configs: [ { targets: ["\(bot.replacingOccurrences(of: "http://", with: ""))"] } ] }
        """, in: scratch)
        defer { kill(prometheus, SIGKILL); var status: Int32 = 0; waitpid(prometheus, &status, 0) }
        try """
        contexts:
          prod:
            prometheus: http://127.0.0.1:\(port)
            queries:
              - name: replicas up
                query: 'sum(up{job="app"})'
                critical: "< 2"
                service: support-bot
                interval: 2s
              - name: calls by provider
                query: 'sum by (provider) (increase(llm_requests_total{job="app"}[1m]))'
                interval: 2s
            services:
              - { name: support-bot, url: "\(bot)", interval: 2s, timeout: 1s }
        """.write(toFile: scratch.path("lookout.yaml"), atomically: true, encoding: .utf8)
        chmod(scratch.path("lookout.yaml"), 0o600)

        var check = try Spawn.capture([binary, "check", "--config", scratch.path("lookout.yaml")])
        // Prometheus needs a scrape before `up` has a value, and two before `increase` has one.
        for _ in 0..<40 where !(check.stdout.contains("query replicas up = 1") && check.stdout.contains("provider=")) {
            usleep(250_000)
            check = try Spawn.capture([binary, "check", "--config", scratch.path("lookout.yaml")])
        }
        #expect(check.status == 2, "one replica up where two are wanted: \(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("CRITICAL  query replicas up = 1 (critical < 2)"), "\(check.stdout)")
        #expect(check.stdout.contains(#"query calls by provider{provider="openai"} = "#), "\(check.stdout)")
        #expect(check.stdout.contains("HEALTHY   support-bot"))

        let tmux = try TmuxSession(command: "exec env TERM=xterm-256color \(binary) --config \(scratch.path("lookout.yaml")) --log-file \(scratch.path("lookout.log"))",
                                   width: 120, height: 30)
        defer { tmux.kill() }
        let screen = try tmux.waitFor("the queries answered", seconds: 30) { screen in
            ScreenTable.row("replicas up", in: screen).contains("critical < 2") && screen.contains(#"calls by provider{provider="openai"}"#)
        }
        #expect(screen.contains(" Queries  from Prometheus · http://127.0.0.1:\(port)"), "\(screen)")
        try tmux.send("Enter")
        let detail = try tmux.waitFor("the query about support-bot in its detail", seconds: 10) { $0.contains("Query      replicas up 1 (critical < 2)") }
        #expect(!detail.contains("calls by provider"), "a query about no service is not in a service's detail")
    }
}
