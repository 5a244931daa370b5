import Foundation
import LookoutCore
import LookoutUI
import Testing

@Suite("Readiness shapes")
struct ReadinessShapeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String, status: Int, body: String, state: ReadinessState, checks: [String], health: HealthState, version: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "LiteLLM /health/readiness, db connected", status: 200,
             body: #"{"status":"connected","db":"connected","cache":null,"litellm_version":"1.55.3","success_callbacks":["langfuse"]}"#,
             state: .ready, checks: ["db healthy connected"], health: .healthy, version: "1.55.3"),
        // Captured from the real proxy (LiteLLM 1.108.5 run without a database, Fixtures/litellm-1.108.5): its own
        // verdict is healthy; the db value is a detail, not a failing check.
        Case(name: "LiteLLM 1.108.5 /health/readiness without a database", status: 200,
             body: #"{"status":"healthy","db":"Not connected"}"#,
             state: .ready, checks: ["db unknown Not connected"], health: .healthy, version: nil),
        Case(name: "LiteLLM /health/readiness, db not connected", status: 503,
             body: #"{"status":"unhealthy","db":"Not connected","cache":"redis","litellm_version":"1.55.3"}"#,
             state: .notReady, checks: ["db unhealthy Not connected", "cache unknown redis"], health: .down, version: "1.55.3"),
        Case(name: "LiteLLM /health/liveliness (a JSON string)", status: 200, body: #""I'm alive!""#,
             state: .ready, checks: [], health: .healthy, version: nil),
        Case(name: "LiteLLM /health with an unhealthy endpoint", status: 200,
             body: #"{"healthy_endpoints":[{"model":"azure/gpt-4o","api_base":"https://x.openai.azure.com"}],"unhealthy_endpoints":[{"model":"anthropic/claude-3-5-haiku","error":"AuthenticationError: invalid x-api-key\nstack…"}],"healthy_count":1,"unhealthy_count":1}"#,
             state: .ready, checks: ["azure/gpt-4o (x.openai.azure.com) healthy", "anthropic/claude-3-5-haiku unhealthy AuthenticationError: invalid x-api-key"],
             health: .degraded, version: nil),
        Case(name: "LiteLLM /health with every endpoint down", status: 200,
             body: #"{"healthy_endpoints":[],"unhealthy_endpoints":[{"model":"openai/gpt-4o","error":"RateLimitError"}]}"#,
             state: .notReady, checks: ["openai/gpt-4o unhealthy RateLimitError"], health: .down, version: nil),
        Case(name: "Spring actuator UP", status: 200,
             body: #"{"status":"UP","components":{"db":{"status":"UP","details":{"database":"PostgreSQL"}},"diskSpace":{"status":"UP"}}}"#,
             state: .ready, checks: ["db healthy", "diskSpace healthy"], health: .healthy, version: nil),
        Case(name: "Spring actuator DOWN with details", status: 503,
             body: #"{"status":"DOWN","components":{"db":{"status":"DOWN","details":{"error":"Connection refused"}},"ping":{"status":"UP"}}}"#,
             state: .notReady, checks: ["db unhealthy Connection refused", "ping healthy"], health: .down, version: nil),
        Case(name: "course shape: ready but one check unhealthy", status: 200,
             body: #"{"status":"ready","checks":{"database":"healthy","cache":"unhealthy: slow"},"version":"2026.11.3"}"#,
             state: .ready, checks: ["cache unhealthy slow", "database healthy"], health: .degraded, version: "2026.11.3"),
    ]

    @Test(arguments: cases)
    func judges(_ c: Case) {
        let report = ReadinessReport.judge(httpStatus: c.status, body: Array(c.body.utf8))
        #expect(report.state == c.state)
        #expect(report.checks.map { ([$0.name, $0.state.rawValue] + ($0.message.isEmpty ? [] : [$0.message])).joined(separator: " ") } == c.checks)
        let json = try? JSONSerialization.jsonObject(with: Data(c.body.utf8), options: [.fragmentsAllowed])
        #expect(json.flatMap { DeployedVersion.read(json: $0, field: nil)?.name } == c.version, "the version the body reports")
        #expect(HealthState.observed(liveness: LivenessVerdict(state: .up), readiness: report) == c.health)
    }

    @Test func livenessDownIsDownWhateverReadinessSays() {
        let ready = ReadinessReport(state: .ready)
        #expect(HealthState.observed(liveness: LivenessVerdict(state: .down, reason: "refused"), readiness: ready) == .down)
        #expect(HealthState.observed(liveness: LivenessVerdict(state: .up), readiness: nil) == .healthy)
    }
}

@Suite("Hysteresis and flapping, with a fake clock")
struct HealthTrackerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// Feeds observations one per 10 s; returns the judged state after each.
    func run(_ observations: [HealthState], tracker: HealthTracker = HealthTracker()) -> ([HealthState?], HealthTracker) {
        var tracker = tracker
        var judged: [HealthState?] = []
        for (index, observed) in observations.enumerated() {
            tracker.observe(observed, at: Self.t0.addingTimeInterval(Double(index) * 10))
            judged.append(tracker.state)
        }
        return (judged, tracker)
    }

    @Test func oneLostProbePagesNobody() {
        let (judged, _) = run([.healthy, .down, .healthy, .down, .down, .healthy])
        #expect(judged == [.healthy, .healthy, .healthy, .healthy, .healthy, .healthy])
    }

    @Test func threeFailuresInARowGoDownAndTwoSuccessesComeBack() {
        let (judged, tracker) = run([.healthy, .down, .down, .down, .healthy, .healthy])
        #expect(judged == [.healthy, .healthy, .healthy, .down, .down, .healthy])
        #expect(tracker.since == Self.t0.addingTimeInterval(50))
        #expect(tracker.transitions.count == 2)
    }

    @Test func thresholdsAreConfigurable() {
        let (judged, _) = run([.healthy, .degraded, .healthy], tracker: HealthTracker(failureThreshold: 1, successThreshold: 1))
        #expect(judged == [.healthy, .degraded, .healthy])
    }

    @Test func flappingIsDetectedAndForgottenOutsideTheWindow() {
        let pattern: [HealthState] = [.healthy] + Array(repeating: [.down, .down, .down, .healthy, .healthy], count: 2).flatMap { $0 }
        let (_, tracker) = run(pattern)
        #expect(tracker.transitions.count == 4)
        #expect(tracker.isFlapping(at: Self.t0.addingTimeInterval(100)))
        #expect(!tracker.isFlapping(at: Self.t0.addingTimeInterval(100 + 600)))
    }
}

@Suite("lookout check report")
struct CheckReportTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func service(_ name: String, live: Int?, ready: (Int, String)?) -> ServiceState {
        var state = ServiceState(config: ServiceConfig(name: name, baseURL: "http://x"))
        state.record(ProbeResult(service: name, kind: .liveness, startedAt: Self.t0, httpStatus: live,
                                 transportError: live == nil ? TransportError(code: 7, message: "Connection refused") : nil,
                                 timings: ProbeTimings(totalMicros: 12_500)))
        if let ready {
            state.record(ProbeResult(service: name, kind: .readiness, startedAt: Self.t0, httpStatus: ready.0, body: Array(ready.1.utf8)))
        }
        return state
    }

    @Test func exitCodesFollowTheMonitoringPluginsConvention() {
        let ok = service("a", live: 200, ready: (200, #"{"status":"ready","checks":{"db":"healthy"}}"#))
        let degraded = service("b", live: 200, ready: (200, #"{"status":"ready","checks":{"db":"unhealthy: slow"}}"#))
        let notReady = service("c", live: 200, ready: (503, #"{"status":"not_ready","checks":{"db":"unhealthy: gone"}}"#))
        let down = service("d", live: nil, ready: nil)
        #expect(CheckReport(services: [ok]).status == .ok)
        #expect(CheckReport(services: [ok, degraded]).status.exitCode == 1)
        #expect(CheckReport(services: [ok, degraded, notReady]).status.exitCode == 2)
        #expect(CheckReport(services: [down]).status == .critical)
        #expect(CheckReport(services: []).status.exitCode == 3)
    }

    @Test func jsonContract() {
        let report = CheckReport(services: [
            service("chat-api", live: 200, ready: (503, #"{"status":"not_ready","checks":{"llm_api":"unhealthy: 429"}}"#)),
            service("gone", live: nil, ready: nil),
        ])
        #expect(report.json() == """
        {"status":"CRITICAL","services":[{"name":"chat-api","state":"down","version":null,"health":{"http_status":200,"latency_ms":12.5},\
        "readiness":{"state":"not_ready","http_status":503,"checks":[{"name":"llm_api","state":"unhealthy","message":"429"}]},\
        "conditions":[]},{"name":"gone","state":"down","version":null,"health":{"http_status":null,"latency_ms":12.5,"error":"Connection refused"},\
        "readiness":{"state":"unknown","http_status":null,"checks":[]},"conditions":[]}]}
        """)
        #expect(report.text() == "DOWN      chat-api — llm_api: 429\nDOWN      gone — liveness: Connection refused\nCRITICAL: 0 healthy, 0 degraded, 2 down\n")
    }
}

@Suite("Conditions, gatus style")
struct ConditionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func result(_ status: Int?, _ body: String = "", ms: Int64 = 120, certificateDays: Double? = nil) -> ProbeResult {
        ProbeResult(service: "s", kind: .readiness, startedAt: now, httpStatus: status, body: Array(body.utf8),
                    timings: ProbeTimings(totalMicros: ms * 1000),
                    certificateExpiry: certificateDays.map { now.addingTimeInterval($0 * 86400) })
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String, expression: String, result: ProbeResult, passed: Bool, explanation: String
        var testDescription: String { name }
    }

    static let body = #"{"status":"ready","checks":{"database":"healthy","llm_api":"unhealthy: 429"},"unhealthy_endpoints":[{"model":"a"}],"items":[{"id":7}],"count":3}"#

    static let cases: [Case] = [
        Case(name: "status passes", expression: "[STATUS] == 200", result: result(200), passed: true, explanation: "[STATUS] (200) == 200"),
        Case(name: "status fails", expression: "[STATUS] == 200", result: result(503), passed: false, explanation: "[STATUS] (503) == 200"),
        Case(name: "no response", expression: "[STATUS] == 200", result: result(nil), passed: false, explanation: "[STATUS] (no response) == 200"),
        Case(name: "body field", expression: "[BODY].status == ready", result: result(200, body), passed: true, explanation: "[BODY].status (ready) == ready"),
        Case(name: "nested body field", expression: "[BODY].checks.database == healthy", result: result(200, body), passed: true,
             explanation: "[BODY].checks.database (healthy) == healthy"),
        Case(name: "nested body field fails", expression: "[BODY].checks.llm_api == healthy", result: result(200, body), passed: false,
             explanation: "[BODY].checks.llm_api (unhealthy: 429) == healthy"),
        Case(name: "missing field", expression: "[BODY].nope == x", result: result(200, body), passed: false, explanation: "[BODY].nope (missing) == x"),
        Case(name: "array index", expression: "[BODY].items[0].id == 7", result: result(200, body), passed: true, explanation: "[BODY].items[0].id (7) == 7"),
        Case(name: "response time", expression: "[RESPONSE_TIME] < 300", result: result(200, ms: 120), passed: true, explanation: "[RESPONSE_TIME] (120) < 300"),
        Case(name: "slow response", expression: "[RESPONSE_TIME] < 300", result: result(200, ms: 450), passed: false, explanation: "[RESPONSE_TIME] (450) < 300"),
        Case(name: "len of a list", expression: "len([BODY].unhealthy_endpoints) == 0", result: result(200, body), passed: false,
             explanation: "len([BODY].unhealthy_endpoints) (1) == 0"),
        Case(name: "numeric compare", expression: "[BODY].count >= 3", result: result(200, body), passed: true, explanation: "[BODY].count (3) >= 3"),
        Case(name: "certificate far from expiry", expression: "[CERTIFICATE_EXPIRATION] > 72h", result: result(200, certificateDays: 30),
             passed: true, explanation: "[CERTIFICATE_EXPIRATION] (720h) > 72h"),
        Case(name: "certificate about to expire", expression: "[CERTIFICATE_EXPIRATION] > 72h", result: result(200, certificateDays: 1),
             passed: false, explanation: "[CERTIFICATE_EXPIRATION] (24h) > 72h"),
        Case(name: "no certificate (http)", expression: "[CERTIFICATE_EXPIRATION] > 72h", result: result(200), passed: false,
             explanation: "[CERTIFICATE_EXPIRATION] (no certificate) > 72h"),
        Case(name: "text ordering is not a thing", expression: "[BODY].status > abc", result: result(200, body), passed: false,
             explanation: "[BODY].status (ready) > abc"),
        Case(name: "hostile body text is escaped", expression: "[BODY].status == ok", result: result(200, #"{"status":"\u001b[2Jok"}"#),
             passed: false, explanation: "[BODY].status (\\e[2Jok) == ok"),
    ]

    @Test(arguments: cases)
    func evaluates(_ c: Case) throws {
        let result = try Condition(c.expression).evaluate(c.result, now: Self.now)
        #expect(result == ConditionResult(expression: c.expression, passed: c.passed, explanation: c.explanation))
    }

    @Test(arguments: [("[STATUS] = 200", "expected `<placeholder> <op> <value>`"), ("[STATUS]==200", "expected `<placeholder> <op> <value>`"),
                      ("[HEADERS].x == 1", "unknown placeholder [HEADERS].x"), ("len([STATUS]) == 1", "len() takes [BODY]"),
                      ("1 == 1", "compares two literals")])
    func rejects(_ expression: String, _ message: String) {
        do {
            _ = try Condition(expression)
            Issue.record("\(expression) must not parse")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test func aFailedConditionDegradesAServingService() throws {
        var config = ServiceConfig(name: "s", baseURL: "http://x")
        config.conditions = [try Condition("[RESPONSE_TIME] < 300")]
        var state = ServiceState(config: config)
        state.record(ProbeResult(service: "s", kind: .liveness, startedAt: Self.now, httpStatus: 200))
        state.record(Self.result(200, #"{"status":"ready"}"#, ms: 900))
        #expect(state.observedState == .degraded)
        #expect(state.reason == "[RESPONSE_TIME] (900) < 300")
        #expect(CheckReport(services: [state]).json().contains(#""conditions":[{"expression":"[RESPONSE_TIME] < 300","passed":false,"explanation":"[RESPONSE_TIME] (900) < 300"}]"#))
    }
}

@Suite("History: timeline, latencies, uptime")
struct HealthHistoryTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func uptimeOverAnHourAndADay() {
        var service = ServiceState(config: ServiceConfig(name: "s", baseURL: "http://x", readinessPath: nil))
        // Two hours of one probe a minute: the first hour down, the second up.
        for minute in 0..<120 {
            service.record(ProbeResult(service: "s", kind: .liveness, startedAt: Self.t0.addingTimeInterval(Double(minute) * 60),
                                       httpStatus: minute < 60 ? 503 : 200, timings: ProbeTimings(totalMicros: Int64(minute) * 1000)))
        }
        let now = Self.t0.addingTimeInterval(120 * 60)
        #expect(service.history.uptime(over: 3600, now: now) == 1)
        #expect(service.history.uptime(over: 86400, now: now) == 0.5)
        #expect(service.history.recent.count == 120)
        #expect(service.history.latencies.count == 120)
        #expect(service.history.recent.first == .down && service.history.recent.last == .healthy)
    }

    @Test func historyIsBounded() {
        var history = HealthHistory()
        for second in 0..<(3 * 86400 / 30) { history.observe(.healthy, at: Self.t0.addingTimeInterval(Double(second) * 30)) }
        #expect(history.recent.count == HealthHistory.recentLimit)
        #expect(history.minutes.count <= 1441)
    }

    @Test func sparklineScalesToTheLargestValue() {
        #expect(Sparkline.text([0, 1, 2, 3, 4, 5, 6, 7], width: 8) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.text([5, 5, 10], width: 2) == "▅█")
        #expect(Sparkline.text([0, 0], width: 5) == "▁▁")
    }
}

@Suite("Costly deep checks")
struct DeepProbeTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func configuredWithItsOwnIntervalAtMostOnceAMinute() throws {
        let yaml = """
        contexts:
          p:
            services:
              - name: gw
                url: http://gw
                deep: { path: /health, interval: 15m, timeout: 45s }
              - name: eager
                url: http://e
                deep: { path: /health, interval: 10s }
        """
        do {
            _ = try ConfigParser.parse(yaml, file: "d.yaml")
            Issue.record("must not parse")
        } catch {
            #expect(error.issues.map(\.description) == ["d.yaml:9: key `contexts.p.services[1].deep.interval`: a costly probe runs at most once a minute (it may call an LLM on every run)"])
        }
        let config = try ConfigParser.parse(yaml.replacingOccurrences(of: "interval: 10s", with: "interval: 1m"), file: "d.yaml")
        let gw = config.contexts[0].services[0]
        #expect(gw.deep == DeepProbe(path: "/health", interval: .seconds(900), timeout: .seconds(45)))
        #expect(gw.interval(for: .deep) == .seconds(900) && gw.interval(for: .liveness) == .seconds(10))
        #expect(gw.url(for: .deep) == "http://gw/health")
    }

    @Test func aFailingDeepCheckDegradesButNeverTakesDown() {
        var config = ServiceConfig(name: "gw", baseURL: "http://gw")
        config.deep = DeepProbe(path: "/health")
        var state = ServiceState(config: config)
        state.record(ProbeResult(service: "gw", kind: .liveness, startedAt: Self.t0, httpStatus: 200))
        state.record(ProbeResult(service: "gw", kind: .deep, startedAt: Self.t0, httpStatus: 200,
                                 body: Array(#"{"healthy_endpoints":[{"model":"a"}],"unhealthy_endpoints":[{"model":"anthropic/claude","error":"429"}]}"#.utf8)))
        state.record(ProbeResult(service: "gw", kind: .readiness, startedAt: Self.t0, httpStatus: 200, body: Array(#"{"status":"ready"}"#.utf8)))
        #expect(state.observedState == .degraded)
        #expect(state.reason == "deep check: anthropic/claude: 429")
    }
}

/// A readiness or routing answer byte for byte the same as the last one is not parsed again (most rounds), and says
/// the same; any change, an error between, or a new status is read afresh.
@Suite("Repeated answers")
struct RepeatedAnswerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func result(_ kind: ProbeKind, _ status: Int?, _ body: String, error: String? = nil) -> ProbeResult {
        ProbeResult(service: "s", kind: kind, startedAt: Self.t0, httpStatus: status, body: Array(body.utf8),
                    transportError: error.map { TransportError(code: 7, message: $0) })
    }

    @Test func theSameRoutingAnswerKeepsItsRoutesAndAChangeOrAnErrorIsReadAfresh() {
        var state = ServiceState(config: ServiceConfig(name: "s", baseURL: "http://x"))
        let body = #"{"providers":{"openai":"primary","anthropic":"standby"}}"#
        state.recordRouting(result(.routing, 200, body))
        let routes = state.routes
        #expect(routes.count == 2 && state.routingProblem == nil)
        state.recordRouting(result(.routing, 200, body))
        #expect(state.routes == routes && state.routingProblem == nil)
        state.recordRouting(result(.routing, nil, "", error: "Connection refused"))
        #expect(state.routingProblem == "Connection refused")
        state.recordRouting(result(.routing, 200, body))
        #expect(state.routingProblem == nil, "the same body after an error is read again, and clears the problem")
        state.recordRouting(result(.routing, 200, #"{"providers":{"openai":"disabled","anthropic":"primary"}}"#))
        #expect(state.routes.first { $0.provider == "openai" }?.role == .disabled)
        state.recordRouting(result(.routing, 200, "not json"))
        #expect(state.routingProblem != nil)
        state.recordRouting(result(.routing, 200, "not json"))
        #expect(state.routingProblem != nil, "the same bad body keeps its problem")
    }

    @Test func theSameReadinessAnswerIsJudgedTheSameAndAChangeIsJudgedAgain() {
        var state = ServiceState(config: ServiceConfig(name: "s", baseURL: "http://x"))
        let ready = #"{"status":"ready","checks":{"db":"healthy"}}"#
        state.record(result(.readiness, 200, ready))
        #expect(state.readiness?.state == .ready)
        state.record(result(.readiness, 200, ready))
        #expect(state.readiness?.state == .ready)
        state.record(result(.readiness, 503, ready))
        #expect(state.readiness?.state != .ready, "the same body with another status is judged again")
        state.record(result(.readiness, 200, #"{"status":"not ready","checks":{"db":"unhealthy: timeout"}}"#))
        #expect(state.readiness?.state == .notReady && state.readiness?.checks.first?.state == .unhealthy)
        state.record(result(.readiness, nil, "", error: "timed out"))
        #expect(state.readiness?.state == .unknown)
    }
}
