import Foundation
import LookoutCore
import Testing

@Suite("Configuration parsing and validation")
struct ConfigParserTests {
    static let valid = """
    current-context: prod
    contexts:
      prod:
        services:
          - name: chat-api
            platform: Cloud Run
            url: https://chat.example.com/
            interval: 15s
            timeout: 2s
            headers:
              X-Probe: lookout
          - name: embed-worker
            url: http://10.0.0.5:8080
            readiness: ~
      staging:
        services:
          - name: chat-api
            url: https://chat.staging.example.com
            health: /healthz
            readiness: /readyz
    """

    @Test func parsesContextsAndServices() throws {
        let config = try ConfigParser.parse(Self.valid, file: "lookout.yaml")
        #expect(config.contexts.map(\.name) == ["prod", "staging"])
        #expect(config.context(named: nil)?.name == "prod")
        let chat = try #require(config.contexts.first?.services.first)
        #expect(chat == ServiceConfig(name: "chat-api", platform: "Cloud Run", baseURL: "https://chat.example.com",
                                      healthPath: "/health", readinessPath: "/health/ready",
                                      interval: .seconds(15), timeout: .seconds(2),
                                      headers: [HTTPHeader(name: "X-Probe", value: "lookout")]))
        let embed = config.contexts[0].services[1]
        #expect(embed.readinessPath == nil)
        #expect(embed.url(for: .readiness) == nil)
        #expect(embed.interval == .seconds(10) && embed.timeout == .seconds(3))
        let staging = try #require(config.context(named: "staging")?.services.first)
        #expect(staging.url(for: .liveness) == "https://chat.staging.example.com/healthz")
        #expect(staging.url(for: .readiness) == "https://chat.staging.example.com/readyz")
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        let name: String
        let yaml: String
        let expected: [String]
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(name: "bad duration", yaml: """
        contexts:
          prod:
            services:
              - name: a
                url: http://a
                interval: often
        """, expected: ["f.yaml:6: key `contexts.prod.services[0].interval`: expected a positive duration such as 500ms, 5s or 1m, got \"often\""]),
        BadCase(name: "unknown key (typo)", yaml: """
        contexts:
          prod:
            services:
              - name: a
                url: http://a
                intervall: 5s
        """, expected: ["f.yaml:6: key `contexts.prod.services[0].intervall`: unknown key (did you mean `interval`?)"]),
        BadCase(name: "missing url and bad scheme", yaml: """
        contexts:
          prod:
            services:
              - name: a
              - name: b
                url: ftp://b
        """, expected: [
            "f.yaml:4: key `contexts.prod.services[0].url`: missing: the service's base URL, e.g. https://chat.example.com",
            "f.yaml:6: key `contexts.prod.services[1].url`: only http:// and https:// URLs are allowed",
        ]),
        BadCase(name: "duplicate service", yaml: """
        contexts:
          prod:
            services:
              - name: a
                url: http://a
              - name: a
                url: http://b
        """, expected: ["f.yaml:6: key `contexts.prod.services[1].name`: duplicate service name \"a\""]),
        BadCase(name: "timeout longer than interval", yaml: """
        contexts:
          prod:
            services:
              - name: a
                url: http://a
                interval: 2s
                timeout: 5s
        """, expected: ["f.yaml:7: key `contexts.prod.services[0].timeout`: longer than the interval (2s): probes would overlap"]),
        BadCase(name: "header with a bad name", yaml: """
        contexts:
          prod:
            services:
              - name: a
                url: http://a
                headers:
                  "Bad Header": x
        """, expected: ["f.yaml:7: key `contexts.prod.services[0].headers.Bad Header`: not a valid HTTP header name"]),
        BadCase(name: "YAML syntax error", yaml: """
        contexts:
          prod:
            services: [
        """, expected: ["f.yaml:4: YAML syntax error: did not find expected node content"]),
        BadCase(name: "no contexts", yaml: "current-context: x\n", expected: [
            "f.yaml:1: key `contexts`: missing: list at least one context with its services",
        ]),
        BadCase(name: "current-context names nothing", yaml: """
        current-context: prdo
        contexts:
          prod:
            services: []
        """, expected: ["f.yaml:1: key `current-context`: names no context in `contexts`"]),
        BadCase(name: "metrics with an unknown mapping and a relative path", yaml: """
        contexts:
          prod:
            services:
              - name: a
                url: http://a
                metrics: { path: /metrics, mapping: litelm }
                routing: admin/routing
        """, expected: ["f.yaml:6: key `contexts.prod.services[0].metrics.mapping`: unknown metric mapping \"litelm\" (one of: litellm, otel-genai, app)",
                      "f.yaml:7: key `contexts.prod.services[0].routing`: a path must start with /"]),
        BadCase(name: "routing header with an undefined secret", yaml: """
        contexts:
          prod:
            services:
              - name: a
                url: http://a
                routing:
                  path: /admin/routing
                  headers: { Authorization: "Bearer ${secret:ADMIN}" }
        """, expected: ["f.yaml:8: key `contexts.prod.services[0].routing.headers.Authorization`: refers to ${secret:ADMIN}, which `secrets:` does not define"]),
        BadCase(name: "actions with an unknown variable, a templated program and a bad confirm", yaml: """
        contexts:
          prod:
            protected: yes-please
            services:
              - name: a
                url: http://a
                actions:
                  failover:
                    url: "{{url}}/admin/{{prov}}"
                  redeploy:
                    argv: ["{{service}}-deploy"]
                    confirm: maybe
        """, expected: ["f.yaml:3: key `contexts.prod.protected`: expected true or false",
                      "f.yaml:9: key `contexts.prod.services[0].actions.failover.url`: unknown template variable {{prov}} (known: context, provider, role, service, url)",
                      "f.yaml:11: key `contexts.prod.services[0].actions.redeploy.argv[0]`: the program itself cannot be a template",
                      "f.yaml:12: key `contexts.prod.services[0].actions.redeploy.confirm`: expected yes or type-name"]),
        BadCase(name: "metrics from Prometheus without a server, with braces, and with a path too", yaml: """
        contexts:
          prod:
            services:
              - name: a
                url: http://a
                metrics: { prometheus: 'job="a"' }
              - name: b
                url: http://b
                metrics: { prometheus: '{job="b"}' }
              - name: c
                url: http://c
                metrics: { path: /metrics, prometheus: 'job="c"' }
          staging:
            prometheus: { url: "prometheus:9090" }
            services: []
        """, expected: ["f.yaml:6: key `contexts.prod.services[0].metrics.prometheus`: context prod has no `prometheus:` server to send the query to",
                      "f.yaml:9: key `contexts.prod.services[1].metrics.prometheus`: write the matchers without braces: job=\"chat-api\"",
                      "f.yaml:12: key `contexts.prod.services[2].metrics`: either path (the service's own /metrics) or prometheus (its series in Prometheus), not both",
                      "f.yaml:14: key `contexts.staging.prometheus.url`: only http:// and https:// URLs are allowed"]),
        BadCase(name: "services not a list", yaml: """
        contexts:
          prod:
            services: chat-api
        """, expected: ["f.yaml:3: key `contexts.prod.services`: expected a list"]),
    ]

    @Test(arguments: badCases)
    func reportsEveryErrorWithFileLineAndKey(_ bad: BadCase) {
        #expect(throws: ConfigErrors.self) { try ConfigParser.parse(bad.yaml, file: "f.yaml") }
        do {
            _ = try ConfigParser.parse(bad.yaml, file: "f.yaml")
        } catch {
            #expect(error.issues.map(\.description) == bad.expected)
        }
    }

    @Test func aServiceReadFromPrometheusGetsTheContextsServerAndItsOwnQuery() throws {
        let config = try ConfigParser.parse("""
        secrets:
          PROM: { env: PROM_TOKEN }
        contexts:
          prod:
            services:
              - name: gateway
                url: http://gw:4000
                headers: { X-Api-Key: "${secret:PROM}" }
                metrics: { prometheus: 'job="litellm",namespace="prod"', mapping: litellm, interval: 15s }
            prometheus:
              url: http://prometheus:9090/
              headers: { Authorization: "Bearer ${secret:PROM}" }
        """, file: "p.yaml")
        let service = try #require(config.contexts.first?.services.first)
        let source = try #require(service.metrics?.promQL)
        #expect(source.server.url == "http://prometheus:9090")
        #expect(source.query == PromQL.seriesQuery(matchers: #"job="litellm",namespace="prod""#, mapping: .litellm))
        #expect(service.url(for: .metrics) == PromQL.instantQueryURL(server: "http://prometheus:9090", query: source.query))
        #expect(service.interval(for: .metrics) == .seconds(15))
        // Prometheus gets its own headers, never the service's API key.
        #expect(service.headers(for: .metrics) == [HTTPHeader(name: "Authorization", value: "Bearer ${secret:PROM}")])
        #expect(service.allHeaders.contains(HTTPHeader(name: "Authorization", value: "Bearer ${secret:PROM}")), "resolved like every header")
    }

    @Test func emptyFileIsAnError() {
        do {
            _ = try ConfigParser.parse("", file: "empty.yaml")
            Issue.record("an empty file must not parse")
        } catch {
            #expect(error.description == "empty.yaml: the file is empty")
        }
    }

    @Test func hostileValuesAreEscapedInMessages() {
        let yaml = "contexts:\n  p:\n    services:\n      - name: a\n        url: http://a\n        interval: \"\\e]0;pwned\\a\"\n"
        do {
            _ = try ConfigParser.parse(yaml, file: "f.yaml")
            Issue.record("must not parse")
        } catch {
            let text = error.description
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
            #expect(text.contains("\\e]0;pwned\\x07"))
        }
    }
}

@Suite("Configuration lookup order")
struct ConfigLocatorTests {
    @Test func flagWinsOverEnvironmentAndFiles() {
        let path = ConfigLocator.locate(flag: "/etc/x.yaml", environment: ["LOOKOUT_CONFIG": "/env.yaml"], fileExists: { _ in true })
        #expect(path == "/etc/x.yaml")
    }

    @Test func environmentThenWorkingDirectoryThenXDG() {
        #expect(ConfigLocator.locate(flag: nil, environment: ["LOOKOUT_CONFIG": "/env.yaml"], fileExists: { _ in false }) == "/env.yaml")
        let env = ["XDG_CONFIG_HOME": "/home/u/.config", "HOME": "/home/u"]
        #expect(ConfigLocator.locate(flag: nil, environment: env, fileExists: { _ in true }) == "lookout.yaml")
        #expect(ConfigLocator.locate(flag: nil, environment: env, fileExists: { $0.hasPrefix("/home") })
                == "/home/u/.config/lookout/config.yaml")
        #expect(ConfigLocator.locate(flag: nil, environment: ["HOME": "/h"], fileExists: { $0 == "/h/.config/lookout/config.yaml" })
                == "/h/.config/lookout/config.yaml")
        #expect(ConfigLocator.locate(flag: nil, environment: env, fileExists: { _ in false }) == nil)
    }
}

@Suite("Durations")
struct DurationTextTests {
    @Test(arguments: [("500ms", 500), ("5s", 5000), ("2m", 120_000), ("1m30s", 90_000), ("1.5s", 1500), ("1h", 3_600_000)])
    func parses(_ text: String, _ ms: Int64) {
        #expect(DurationText.parse(text)?.milliseconds == ms)
    }

    @Test(arguments: ["", "5", "s", "5 parsecs", "-1s", "1x"])
    func rejects(_ text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func formatsShortly() {
        #expect(DurationText.format(.milliseconds(850)) == "850ms")
        #expect(DurationText.format(.seconds(5)) == "5s")
        #expect(DurationText.format(.seconds(90)) == "1m30s")
        #expect(DurationText.format(.seconds(7200)) == "2h")
    }
}

@Suite("Log sources and custom mappings in the configuration")
struct LogConfigTests {
    @Test func sourcesAndACustomMappingDecodeALine() throws {
        let yaml = """
        contexts:
          prod:
            services:
              - name: gw
                url: https://gw.example.com
                logs:
                  - file: /var/log/gw/*.log
                    mapping: gateway
                  - command: [kubectl, logs, -f, deploy/gw]
                  - http: https://gw.example.com/logs/stream
                    mapping: litellm
        mappings:
          gateway:
            base: app
            fields:
              provider: llm.vendor
              model: [llm.model, model]
              latency: { path: timing.total, unit: s }
              service: { key: service.name }
        """
        let config = try ConfigParser.parse(yaml, file: "c.yaml")
        let logs = config.contexts[0].services[0].logs
        #expect(logs.map(\.kind) == [.file(path: "/var/log/gw/*.log"), .command(argv: ["kubectl", "logs", "-f", "deploy/gw"]),
                                     .http(url: "https://gw.example.com/logs/stream")])
        #expect(logs.map(\.mapping) == ["gateway", nil, "litellm"])
        let gateway = try #require(config.mapping(named: "gateway"))
        var decoder = LogDecoder(mapping: gateway)
        let record = decoder.decode(#"{"llm":{"vendor":"openai","model":"gpt-4o"},"timing":{"total":0.25},"service.name":"gw","input_tokens":5}"#)
        #expect(record.provider == "openai" && record.model == "gpt-4o" && record.latencyMs == 250 && record.service == "gw")
        #expect(record.inputTokens == 5, "fields not overridden come from the base preset")
        #expect(record.mapping == "gateway")
    }

    @Test func mistakesNameTheirLineAndKey() {
        let yaml = """
        contexts:
          prod:
            services:
              - name: gw
                url: https://gw.example.com
                logs:
                  - file: /x.log
                    command: [tail]
                  - mapping: app
                  - http: ftp://x
                  - file: /y.log
                    mapping: nope
        mappings:
          mine:
            fields:
              colour: x.y
              latency: { path: t, unit: weeks }
          app:
            base: app
        """
        do {
            _ = try ConfigParser.parse(yaml, file: "c.yaml")
            Issue.record("must not parse")
        } catch {
            #expect(error.issues.map(\.description) == [
                "c.yaml:7: key `contexts.prod.services[0].logs[0]`: give one of `file`, `command` or `http`, not file and command",
                "c.yaml:9: key `contexts.prod.services[0].logs[1]`: missing `file` (a path or glob), `command` (an argv list) or `http` (a streaming URL)",
                "c.yaml:10: key `contexts.prod.services[0].logs[2].http`: only http:// and https:// URLs are allowed",
                "c.yaml:12: key `contexts.prod.services[0].logs[3].mapping`: unknown mapping \"nope\" (one of: mine, app, openai, anthropic, otel, litellm, gcp, lambda)",
                "c.yaml:16: key `mappings.mine.fields.colour`: unknown field (one of: time, level, service, provider, model, latency, status, status_code, input_tokens, output_tokens, cost, request_id, message, error_type, end_time, first_token_time)",
                "c.yaml:17: key `mappings.mine.fields.latency.unit`: expected ms, s or duration",
                "c.yaml:19: key `mappings.app`: \"app\" is a preset's name: choose another",
            ])
        }
    }
}

@Suite("Price table")
struct PriceTableTests {
    static let yaml = """
    contexts: {}
    prices:
      openai:
        gpt-4o-mini: { input: 0.15, output: 0.60 }
        gpt-4o: { input: 2.50, output: 10.00 }
      anthropic:
        claude-3-5-haiku: { input: 0.80, output: 4.00 }
    """

    @Test func pricesCostCallsThatLogNoCost() throws {
        let prices = try ConfigParser.parse(Self.yaml, file: "p.yaml").prices
        #expect(prices.cost(provider: "openai", model: "gpt-4o-mini", inputTokens: 1_000_000, outputTokens: 1_000_000) == 0.75)
        #expect(prices.price(provider: "openai", model: "gpt-4o-mini-2024-07-18")?.inputPerMillion == 0.15, "longest prefix")
        #expect(prices.price(provider: "anthropic", model: "claude-3-5-haiku-20241022")?.outputPerMillion == 4)
        #expect(prices.cost(provider: "openai", model: "o1", inputTokens: 10, outputTokens: 10) == nil)
        #expect(prices.cost(provider: "openai", model: "gpt-4o", inputTokens: nil, outputTokens: nil) == nil)

        var reader = StatsReader(prices: prices)
        let text = [#"{"provider":"openai","model":"gpt-4o","input_tokens":1000,"output_tokens":100}"#,
                    #"{"provider":"openai","model":"gpt-4o","input_tokens":1000,"output_tokens":100,"cost_usd":1}"#,
                    #"{"provider":"anthropic","model":"unknown-model","input_tokens":5}"#].joined(separator: "\n") + "\n"
        Array(text.utf8).withUnsafeBufferPointer { reader.feed($0) }
        reader.finish()
        // 1000 × 2.50/1M + 100 × 10/1M = 0.0035, plus the logged 1.
        #expect(abs((reader.statistics.group("openai")?.costUSD ?? 0) - 1.0035) < 1e-12)
        #expect(reader.statistics.group("anthropic")?.costUSD == nil, "no price, no cost: absent, not zero")
    }

    @Test func badPricesNameTheirLine() {
        do {
            _ = try ConfigParser.parse("contexts: {}\nprices:\n  openai:\n    gpt-4o: { input: cheap, output: 1 }\n    o1: 3\n", file: "p.yaml")
            Issue.record("must not parse")
        } catch {
            #expect(error.issues.map(\.description) == [
                "p.yaml:4: key `prices.openai.gpt-4o.input`: expected a price in USD per million tokens, such as 0.15",
                "p.yaml:5: key `prices.openai.o1`: expected { input: <USD per 1M tokens>, output: <USD per 1M tokens> }",
            ])
        }
    }
}

@Suite("Secrets")
struct SecretConfigTests {
    @Test func referencesMustBeDefinedAndAreNeverShown() throws {
        let yaml = """
        secrets:
          TOKEN: { env: LOOKOUT_TEST_TOKEN }
          VAULT: { command: [vault, kv, get, -field=token, secret/x] }
        contexts:
          prod:
            services:
              - name: a
                url: https://a.example.com
                headers:
                  Authorization: Bearer ${secret:TOKEN}
                  X-Other: ${secret:NOPE}
        """
        do {
            _ = try ConfigParser.parse(yaml, file: "s.yaml")
            Issue.record("must not parse")
        } catch {
            #expect(error.issues.map(\.description) == ["s.yaml:11: key `contexts.prod.services[0].headers.X-Other`: refers to ${secret:NOPE}, which `secrets:` does not define"])
        }
        let withoutBadHeader = yaml.split(separator: "\n").filter { !$0.contains("X-Other") }.joined(separator: "\n")
        let fixed = try ConfigParser.parse(withoutBadHeader, file: "s.yaml")
        #expect(fixed.secrets == ["TOKEN": .environment("LOOKOUT_TEST_TOKEN"), "VAULT": .command(["vault", "kv", "get", "-field=token", "secret/x"])])
        let header = try #require(fixed.contexts.first?.services.first?.headers.first)
        #expect(SecretReference.mask(header.value) == "Bearer ••••")
        #expect(SecretReference.substitute(header.value, values: ["TOKEN": "s3cr3t"]) == .success("Bearer s3cr3t"))
        #expect(SecretReference.substitute(header.value, values: [:]) == .failure(MissingSecret(name: "TOKEN")))
        #expect(SecretReference.redact("401 for Bearer s3cr3t", secrets: ["s3cr3t"]) == "401 for Bearer ••••")
    }

    @Test func readsMetricsRoutingAndMetricMappings() throws {
        let config = try ConfigParser.parse("""
        secrets:
          ADMIN: { env: ADMIN_TOKEN }
        metric-mappings:
          gateway:
            base: otel-genai
            provider-labels: [vendor]
            spend: gateway_spend_usd
        contexts:
          prod:
            services:
              - name: litellm
                url: http://gw:4000
                headers: { Authorization: "Bearer one" }
                metrics: { path: /metrics, mapping: gateway, interval: 15s }
                routing:
                  path: /admin/routing
                  headers: { authorization: "Bearer ${secret:ADMIN}" }
        """, file: "f.yaml")
        let mapping = try #require(config.metricMappings.first)
        #expect(mapping.name == "gateway" && mapping.providerLabels == ["vendor"] && mapping.spendCounters == ["gateway_spend_usd"])
        #expect(mapping.latencyHistograms == MetricMapping.otelGenAI.latencyHistograms)
        let service = try #require(config.contexts.first?.services.first)
        #expect(service.metrics == SideEndpoint(path: "/metrics", interval: .seconds(15), mapping: "gateway"))
        #expect(service.url(for: .metrics) == "http://gw:4000/metrics" && service.interval(for: .routing) == service.interval)
        // The endpoint's own header replaces the service's of the same name (case-insensitively).
        #expect(service.headers(for: .routing) == [HTTPHeader(name: "authorization", value: "Bearer ${secret:ADMIN}")])
        #expect(service.headers(for: .liveness) == [HTTPHeader(name: "Authorization", value: "Bearer one")])
    }

    @Test func readsActionsAndContextGuards() throws {
        let config = try ConfigParser.parse("""
        secrets:
          ADMIN: { env: ADMIN_TOKEN }
        contexts:
          prod:
            protected: true
            readonly: false
            services:
              - name: chat-api
                url: https://chat.example.com
                actions:
                  failover:
                    kind: http
                    url: "{{url}}/admin/failover"
                    headers: { Authorization: "Bearer ${secret:ADMIN}" }
                    body: '{"provider":"{{provider}}","role":"{{role}}"}'
                    expect: 200
                  redeploy:
                    kind: command
                    argv: [kubectl, rollout, restart, "deployment/{{service}}", "--context={{context}}"]
                    confirm: type-name
                    timeout: 2m
                    follow-up: { watch: readiness, timeout: 5m }
        """, file: "f.yaml")
        let context = try #require(config.contexts.first)
        #expect(context.protected && !context.readonly)
        let service = try #require(context.services.first)
        let failover = try #require(service.action(named: "failover"))
        #expect(failover.takesProvider && failover.dangerous && failover.confirm == .yes && failover.expect == 200)
        #expect(failover.kind == .http(method: "POST", url: "{{url}}/admin/failover",
                                       headers: [HTTPHeader(name: "Authorization", value: "Bearer ${secret:ADMIN}")],
                                       body: #"{"provider":"{{provider}}","role":"{{role}}"}"#))
        let redeploy = try #require(service.action(named: "redeploy"))
        #expect(redeploy.confirm == .typeName && redeploy.timeout == .seconds(120) && redeploy.followUp?.timeout == .seconds(300))
        #expect(!redeploy.takesProvider)
    }

    /// Issue 15: a non-UTF-8 or binary configuration got "The file isn't in the correct format" with no line.
    @Test func aConfigurationThatIsNotUTF8SaysWhereAndWhy() {
        let good = Array("contexts:\n  prod: {}\n".utf8)
        #expect(ConfigText.decode(good) == .success("contexts:\n  prod: {}\n"))
        #expect(ConfigText.decode([0xEF, 0xBB, 0xBF] + good) == .success("contexts:\n  prod: {}\n"), "a byte-order mark is fine")
        let latin1 = Array("contexts:\n  prod:\n    # caf".utf8) + [0xE9] + Array("\n".utf8)
        #expect(ConfigText.decode(latin1) == .failure(.init(line: 3, message: "not UTF-8 text (byte 0xE9 at offset 27): a configuration is UTF-8 YAML")))
        #expect(ConfigText.decode([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x00, 0x01]) == .failure(.init(line: 1, message: "a NUL byte at offset 5: this is a binary file, not YAML")))
        #expect(ConfigText.decode([0xFF, 0xFE, 0x63, 0x00]) == .failure(.init(line: 1, message: "the file is UTF-16 text: save it as UTF-8")))
    }

    /// Issue 15: `http://user:pass@host` validated and the password was sent as Basic auth and shown on the detail screen.
    @Test func credentialsInAURLAreRefused() {
        let yaml = """
        contexts:
          prod:
            services:
              - name: a
                url: http://ops:hunter2@a.example.com
                logs:
                  - http: https://token@logs.example.com/stream
        """
        do {
            _ = try ConfigParser.parse(yaml, file: "u.yaml")
            Issue.record("must not parse")
        } catch {
            let issues = error.issues.map(\.description)
            #expect(issues.contains { $0.hasPrefix("u.yaml:5: key `contexts.prod.services[0].url`: credentials in a URL are sent and shown as written") })
            #expect(issues.contains { $0.hasPrefix("u.yaml:7: key `contexts.prod.services[0].logs[0].http`: credentials in a URL") })
            #expect(!issues.joined().contains("hunter2"), "the error does not repeat the password")
        }
    }

    /// The README's Configuration block is a configuration that validates, with every section it shows read.
    @Test func theReadmesConfigurationValidates() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../README.md").standardized, encoding: .utf8)
        let block = try #require(readme.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        let config = try ConfigParser.parse(block, file: "README.md")
        #expect(config.keys[.redeploy] == [.char("D")] && config.contexts.first { $0.name == "staging" }?.theme == "light")
        #expect(config.contexts[0].services[0].version.header == "X-App-Version")
        #expect(config.contexts[0].prometheus?.url == "http://prometheus:9090" && config.contexts[0].alertmanager?.url == "http://alertmanager:9093")
    }

    @Test func theExampleConfigurationValidatesAndDatesItsPrices() throws {
        let config = try ConfigParser.parse(ExampleConfig.yaml, file: "example.yaml")
        #expect(config.prices.prices == ExampleConfig.prices.prices, "the example writes out the built-in table")
        #expect(ExampleConfig.yaml.contains("on \(ExampleConfig.pricesAsOf)."))
        #expect(config.contexts.flatMap(\.services).contains { $0.metrics?.mapping == "litellm" })
        let prod = try #require(config.contexts.first)
        #expect(prod.budgets.map(\.name) == ["month", "openai-day"] && prod.timeZone.identifier == "Europe/Berlin")
        #expect(prod.availabilityObjective == 0.995 && prod.latencyObjective == .seconds(4) && prod.notify.map(\.kind) == [.alertmanager])
        #expect(prod.alertTimings[.errorRate] == AlertTiming(pendingFor: .seconds(120), clearFor: .seconds(60)))
        #expect(prod.services.map { $0.version.header ?? $0.version.endpoint?.path ?? "bodies" }
                    .contains("X-App-Version") && prod.services.contains { $0.version.endpoint?.path == "/health/readiness/details" })
    }
}
