import Foundation
import LookoutCore
import Testing

/// Services taken from Prometheus' targets and health read from its `up`, on answers captured from Debian's Prometheus
/// 2.42 (`Fixtures/prometheus-2.42/SOURCE.md`): two jobs, one target up, one refusing connections, one whose scrape
/// fails to parse.
@Suite("Discovery from Prometheus targets, health from up")
struct TargetDiscoveryTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/prometheus-2.42/\(name)")))
    }
    static let server = APIServer(url: "http://prometheus:9090", headers: [HTTPHeader(name: "Authorization", value: "Bearer ${secret:PROM}")])

    @Test func targetsAreReadAsPrometheusDescribesThem() throws {
        let targets = try PrometheusTarget.decode(try Self.fixture("targets.json"), httpStatus: 200).get()
        #expect(targets.map(\.health) == ["down", "down", "up"])
        #expect(targets[2].labels == ["instance": "127.0.0.1:39969", "job": "support-bot", "team": "llm"])
        #expect(targets[2].scrapeURL == "http://127.0.0.1:39969/metrics" && targets[2].scrapeInterval == .seconds(1))
        #expect(targets[1].lastError.hasSuffix("connect: connection refused"))
        #expect(PrometheusTarget.decode(try Self.fixture("bad-query.json"), httpStatus: 400)
                == .failure(ReadProblem("bad_data: invalid parameter \"query\": 1:32: parse error: unclosed left parenthesis")))
        #expect(PrometheusTarget.decode(Array("<html>".utf8), httpStatus: 502) == .failure(ReadProblem("not a Prometheus API answer (HTTP 502)")))
    }

    @Test func aDiscoveryTurnsTheTargetsItSelectsIntoServices() throws {
        let targets = try PrometheusTarget.decode(try Self.fixture("targets.json"), httpStatus: 200).get()
        var discovery = TargetDiscovery(matchers: try LabelMatcher.list(#"job="chat-api""#).get())
        let mapping = MetricMapping.preset(named: "app")
        let chat = discovery.services(from: targets, server: Self.server, mapping: { _ in mapping })
        #expect(chat.map(\.name) == ["chat-api/127.0.0.1:46813", "chat-api/127.0.0.1:1"])
        #expect(chat.map(\.baseURL) == ["http://127.0.0.1:46813", "http://127.0.0.1:1"])
        #expect(chat[1].healthQuery == PromQLSource(server: Self.server, query: #"up{job="chat-api",instance="127.0.0.1:1"}"#))
        #expect(chat[1].url(for: .liveness) == "http://prometheus:9090/api/v1/query?query=up%7Bjob%3D%22chat-api%22%2Cinstance%3D%22127.0.0.1%3A1%22%7D")
        #expect(chat[1].headers(for: .liveness) == Self.server.headers, "Prometheus gets its own headers")
        #expect(chat[1].interval == .seconds(1) && chat[1].readinessPath == nil && chat[1].metrics == nil, "the target's scrape interval")

        // A name template, probed paths instead of `up`, metrics from Prometheus; names already taken get a number.
        discovery = TargetDiscovery(matchers: try LabelMatcher.list(#"team=~"ll.", job!="chat-api""#).get())
        discovery.name = "{{job}}"
        discovery.healthPath = "/health"
        discovery.readinessPath = "/health/ready"
        discovery.metricsMapping = "app"
        let bot = discovery.services(from: targets, server: Self.server, taken: ["support-bot"], mapping: { _ in mapping })
        #expect(bot.map(\.name) == ["support-bot#2"])
        #expect(bot[0].healthQuery == nil && bot[0].url(for: .liveness) == "http://127.0.0.1:39969/health")
        #expect(bot[0].url(for: .readiness) == "http://127.0.0.1:39969/health/ready")
        #expect(bot[0].metrics?.promQL?.query == PromQL.seriesQuery(matchers: #"job="support-bot",instance="127.0.0.1:39969""#, mapping: mapping))
        #expect(TargetDiscovery(matchers: try LabelMatcher.list(#"team=~"l""#).get()).services(from: targets, server: Self.server, mapping: { _ in nil })
                .isEmpty, "a regex matches the whole value")
    }

    @Test func labelMatchersAreReadAndCheckedAsPrometheusWritesThem() throws {
        #expect(try LabelMatcher.list(#"job="a,b", team!~"x|y""#).get() == [LabelMatcher(name: "job", value: "a,b"),
                                                                          LabelMatcher(name: "team", value: "x|y", isRegex: true, isEqual: false)])
        #expect(LabelMatcher(name: "team", value: "", isEqual: true).matches(["job": "a"]), "a missing label is empty")
        #expect(LabelMatcher.list(#"job="a", 2x=b"#) == .failure(ReadProblem("2x=b: not a label matcher")))
        #expect(LabelMatcher.list(#"job=~"(""#) == .failure(ReadProblem(#"job=~"(": not a regular expression"#)))
        #expect(LabelMatcher.list(" ") == .failure(ReadProblem(#"expected label matchers such as job="chat-api""#)))
    }

    func result(_ fixture: String?, error: String? = nil, status: Int = 200) throws -> ProbeResult {
        ProbeResult(service: "s", kind: .liveness, startedAt: Date(), httpStatus: error == nil ? status : nil,
                    body: try fixture.map(Self.fixture) ?? [], transportError: error.map { TransportError(code: 7, message: $0) })
    }

    @Test func upSaysUpOrDownAndWhatPrometheusCannotSayIsUnknown() throws {
        #expect(PrometheusHealth.judge(try result("up-one.json"), query: "up{…}") == LivenessVerdict(state: .up))
        #expect(PrometheusHealth.judge(try result("up-all.json"), query: "up")
                == LivenessVerdict(state: .down, reason: "up = 0 for 2 of 3 series (Prometheus' last scrape of it failed)"))
        #expect(PrometheusHealth.judge(try result("up-none.json"), query: #"up{job="nope"}"#)
                == LivenessVerdict(state: .unknown, reason: #"no series in Prometheus for up{job="nope"}"#))
        #expect(PrometheusHealth.judge(try result("bad-query.json", status: 400), query: "x").state == .unknown)
        #expect(PrometheusHealth.judge(try result(nil, error: "Connection refused"), query: "up")
                == LivenessVerdict(state: .unknown, reason: "Prometheus not read: Connection refused"))
    }

    /// A service judged by `up`: down after the failure threshold, and an unreachable Prometheus changes nothing.
    @Test func aServiceJudgedByUpKeepsItsStateWhilePrometheusCannotSay() throws {
        var config = ServiceConfig(name: "s", baseURL: "http://s", readinessPath: nil)
        config.healthQuery = PromQLSource(server: Self.server, query: #"up{job="s"}"#)
        config.failureThreshold = 1
        config.successThreshold = 1
        var state = ServiceState(config: config)
        state.record(try result("up-one.json"))
        #expect(state.health.state == .healthy)
        state.record(try result(nil, error: "Connection refused"))
        #expect(state.health.state == .healthy && state.liveness.state == .unknown)
        #expect(state.liveness.reason == "Prometheus not read: Connection refused")
        state.record(try result("up-all.json"))
        #expect(state.health.state == .down)
        #expect(state.history.latencies.isEmpty, "Prometheus' latency is not the service's")
    }

    @Test func theConfigurationNamesWhatIsWrongWithFileLineAndKey() throws {
        let config = try ConfigParser.parse("""
        contexts:
          prod:
            prometheus: http://prometheus:9090
            discover:
              - targets: 'job="litellm",namespace=~"prod-.*"'
                name: "{{pod}}"
                health: /health/liveliness
                metrics: { mapping: litellm }
                refresh: 5s
            services:
              - name: edge
                url: https://edge.example.com
                health: { prometheus: 'probe_success{instance="https://edge.example.com"}' }
        """, file: "f.yaml")
        let context = try #require(config.contexts.first)
        #expect(context.discover.first?.matchers.map(\.text) == [#"job="litellm""#, #"namespace=~"prod-.*""#])
        #expect(context.discover.first?.name == "{{pod}}" && context.discover.first?.metricsMapping == "litellm")
        #expect(context.discover.first?.refresh == .seconds(5))
        #expect(context.services.first?.healthQuery == PromQLSource(server: APIServer(url: "http://prometheus:9090"),
                                                                    query: #"probe_success{instance="https://edge.example.com"}"#))
        do {
            _ = try ConfigParser.parse("""
            contexts:
              prod:
                discover:
                  - name: x
                  - targets: 'job~chat'
                    metrics: { mapping: nope }
                    refresh: 100ms
                services:
                  - name: a
                    url: http://a
                    health: { prometheus: "" }
            """, file: "f.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.issues.map(\.description) == [
                "f.yaml:4: key `contexts.prod.discover[0].targets`: missing: label matchers for the targets, such as job=\"chat-api\"",
                "f.yaml:4: key `contexts.prod.discover`: context prod has no `prometheus:` server to ask for its targets",
                "f.yaml:5: key `contexts.prod.discover[1].targets`: job~chat: not a label matcher",
                "f.yaml:6: key `contexts.prod.discover[1].metrics.mapping`: unknown metric mapping \"nope\" (one of: litellm, otel-genai, app)",
                "f.yaml:7: key `contexts.prod.discover[1].refresh`: expected at least 1s",
                "f.yaml:11: key `contexts.prod.services[0].health.prometheus`: expected a query such as up{job=\"chat-api\"}",
            ])
        }
    }

    /// While the context is open, targets that appear join the fleet and discovered ones whose targets are gone leave
    /// it — never a listed service —; the selection stays on its service, an open detail of one that left goes back
    /// to the Overview, the change is said and kept on the timeline, and the edges are told what to probe.
    @Test func discoveredServicesJoinAndLeaveAsTheTargetsDo() throws {
        #expect(TargetsChange(opened: ["a", "b"], now: ["a", "b"]) == nil)
        let change = try #require(TargetsChange(opened: ["a", "b"], now: ["a", "c", "d", "e", "f"]))
        #expect(change.added == ["c", "d", "e", "f"] && change.gone == ["b"])
        #expect(change.text == "4 new targets (c, d, e, …), 1 gone (b)")

        func service(_ name: String) -> ServiceConfig { ServiceConfig(name: name, baseURL: "http://\(name):80") }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var state = AppState(context: ContextConfig(name: "prod", services: ["edge", "gw-1", "gw-2", "gw-3"].map(service)), now: now)
        state.discovered = ["gw-1", "gw-2", "gw-3"]
        state.selection = 3   // gw-3
        _ = Reducer.reduce(&state, .key(.enter))
        #expect(state.screen == .serviceDetail(name: "gw-3"))
        _ = Reducer.reduce(&state, .key(.escape))
        state.selection = 2   // gw-2

        let effects = Reducer.reduce(&state, .targetsDiscovered(["gw-2", "gw-3", "gw-4"].map(service)))
        #expect(effects == [.fleetChanged(added: [service("gw-4")], removed: ["gw-1"])])
        #expect(state.services.map(\.name) == ["edge", "gw-2", "gw-3", "gw-4"] && state.discovered == ["gw-2", "gw-3", "gw-4"])
        #expect(state.selectedService?.name == "gw-2", "the selection stays on its service, not on its row")
        #expect(state.serviceIndex["gw-4"] == 3 && state.serviceIndex["gw-1"] == nil)
        #expect(state.targetsChange?.text == "1 new target (gw-4), 1 gone (gw-1)" && state.targetsChange?.at == now)
        #expect(state.timeline.entries.map(\.text) == ["targets changed: 1 new target (gw-4), 1 gone (gw-1)"])
        #expect(Reducer.reduce(&state, .targetsDiscovered(["gw-2", "gw-3", "gw-4"].map(service))).isEmpty, "nothing moved: nothing said")

        // The engineer reads gw-3 when its target goes: back to the Overview, told why. A listed service never leaves.
        state.selection = 2
        _ = Reducer.reduce(&state, .key(.enter))
        _ = Reducer.reduce(&state, .targetsDiscovered([service("gw-4")]))
        #expect(state.screen == .overview && state.notice == "gw-3 left: its target is no longer in Prometheus")
        #expect(state.services.map(\.name) == ["edge", "gw-4"] && state.selection == 1)
        _ = Reducer.reduce(&state, .targetsDiscovered([]))
        #expect(state.services.map(\.name) == ["edge"], "an empty discovery leaves the listed services")
    }
}
