import Foundation
import Glibc
import LookoutCore
import LookoutDemo
import LookoutHTTP
import LookoutSources
import Synchronization
import Testing

/// Collects the poller's results and waits for them.
final class ResultSink: Sendable {
    private let results = Mutex<[ProbeResult]>([])

    func add(_ result: ProbeResult) { results.withLock { $0.append(result) } }

    /// Waits until `predicate` holds for the results so far, or `seconds` pass.
    func wait(seconds: Double, until predicate: ([ProbeResult]) -> Bool) async -> [ProbeResult] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let now = results.withLock { $0 }
            if predicate(now) { return now }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return results.withLock { $0 }
    }
}

/// Probes `service` once with a real poller and returns the first result.
func probeOnce(_ service: ServiceConfig, seconds: Double = 15) async throws -> ProbeResult {
    let sink = ResultSink()
    let poller = CurlPoller(services: [service]) { sink.add($0) }
    poller.start()
    let results = await sink.wait(seconds: seconds) { !$0.isEmpty }
    poller.stop()
    return try #require(results.first)
}

/// A loopback TCP socket that listens and never accepts or answers: the kernel completes the handshake, nothing more.
final class SilentServer {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// A port nothing listens on (bound, then released).
    static func closedPort() throws -> Int {
        let server = try SilentServer()
        let port = server.port
        server.close()
        return port
    }

    func close() { Glibc.close(fd) }
}

@Suite("libcurl poller against real loopback servers", .serialized)
struct CurlPollerTests {
    @Test func probesTheDemoFleetAndParsesReadiness() async throws {
        var scenario = DemoScenario(cycle: .seconds(60))
        scenario.incidents = [DemoIncident(service: "chat-api", check: "llm_api", reason: "429 from upstream", from: 0, to: 1)]
        let fleet = try await DemoFleet.start(scenario: scenario)
        defer { fleet.stop(); fleet.removeFiles() }
        // Generous timeouts: the fleet shares this process's two cores with other suites running in parallel.
        let services = try #require(fleet.config.context(named: nil)).services.map { service in
            var relaxed = service
            relaxed.interval = .seconds(30)
            relaxed.timeout = .seconds(10)
            relaxed.metrics = nil   // health only here; metrics and routing have their own test
            relaxed.routing = nil
            return relaxed
        }
        let sink = ResultSink()
        let poller = CurlPoller(services: services) { sink.add($0) }
        poller.start()
        let results = await sink.wait(seconds: 20) { $0.count >= 2 * services.count }
        poller.stop()

        #expect(results.count >= 2 * services.count)
        for result in results {
            #expect(result.transportError == nil, "\(result.service) \(result.kind): \(String(describing: result.transportError))")
            #expect(result.timings.totalMicros > 0)
            #expect(result.timings.firstByteMicros <= result.timings.totalMicros)
        }
        let chat = try #require(results.first { $0.service == "chat-api" && $0.kind == .readiness })
        #expect(chat.httpStatus == 503)
        let report = ReadinessReport.judge(httpStatus: chat.httpStatus ?? 0, body: chat.body)
        #expect(report.state == .notReady)
        #expect(report.checks.first { $0.name == "llm_api" } == ReadinessCheck(name: "llm_api", state: .unhealthy, message: "429 from upstream"))
        let rag = try #require(results.first { $0.service == "rag-search" && $0.kind == .readiness })
        #expect(rag.httpStatus == 200)
        #expect(ReadinessReport.judge(httpStatus: 200, body: rag.body).state == .ready)
        let health = try #require(results.first { $0.service == "embed-worker" && $0.kind == .liveness })
        #expect(LivenessVerdict.judge(health) == LivenessVerdict(state: .up))
        #expect(String(decoding: health.body, as: UTF8.self).contains("\"timestamp\":\"20"))
    }

    @Test func connectionRefusedIsReportedFast() async throws {
        let port = try SilentServer.closedPort()
        let sink = ResultSink()
        let poller = CurlPoller(services: [ServiceConfig(name: "gone", baseURL: "http://127.0.0.1:\(port)", readinessPath: nil,
                                                         timeout: .seconds(2))]) { sink.add($0) }
        poller.start()
        let results = await sink.wait(seconds: 5) { !$0.isEmpty }
        poller.stop()
        let result = try #require(results.first)
        #expect(result.transportError?.code == 7)
        #expect(result.httpStatus == nil)
        #expect(result.timings.totalMicros < 500_000)
        #expect(LivenessVerdict.judge(result).state == .down)
    }

    @Test func aServerThatNeverAnswersTimesOutAtTheConfiguredTimeout() async throws {
        let server = try SilentServer()
        defer { server.close() }
        let sink = ResultSink()
        let poller = CurlPoller(services: [ServiceConfig(name: "hung", baseURL: "http://127.0.0.1:\(server.port)", readinessPath: nil,
                                                         interval: .seconds(30), timeout: .milliseconds(400))]) { sink.add($0) }
        poller.start()
        let results = await sink.wait(seconds: 5) { !$0.isEmpty }
        poller.stop()
        let result = try #require(results.first)
        #expect(result.transportError?.code == 28)
        #expect((380_000...1_500_000).contains(result.timings.totalMicros))
    }

    @Test func oversizedBodiesAreAbandonedNotBuffered() async throws {
        let fleet = try await DemoFleet.start()
        defer { fleet.stop(); fleet.removeFiles() }
        var service = try #require(fleet.config.context(named: nil)?.services.first)
        service.interval = .seconds(30)
        service.timeout = .seconds(10)
        let sink = ResultSink()
        let poller = CurlPoller(services: [service], bodyLimit: 16) { sink.add($0) }
        poller.start()
        let results = await sink.wait(seconds: 15) { !$0.isEmpty }
        poller.stop()
        let result = try #require(results.first)
        #expect(result.transportError?.message == "response body larger than 16 bytes, not read")
        #expect(result.body.count <= 16)
    }

    @Test func probeNowSkipsTheWait() async throws {
        let fleet = try await DemoFleet.start()
        defer { fleet.stop(); fleet.removeFiles() }
        var service = try #require(fleet.config.context(named: nil)?.services.first)
        service.interval = .seconds(60)
        service.timeout = .seconds(10)
        service.readinessPath = nil
        service.routing = nil
        let sink = ResultSink()
        let poller = CurlPoller(services: [service]) { sink.add($0) }
        poller.start()
        _ = await sink.wait(seconds: 15) { $0.count >= 1 }
        poller.probeNow([service.name])
        let results = await sink.wait(seconds: 15) { $0.count >= 2 }
        poller.stop()
        #expect(results.count == 2)
    }
}

@Suite("Demo scenario")
struct DemoScenarioTests {
    @Test func failsAndRecoversEveryCycleWithinTheFirstMinute() {
        let scenario = DemoScenario(cycle: .seconds(40))
        let chat = scenario.services[0]
        func llm(_ seconds: Int) -> String? {
            scenario.checks(of: chat, at: .seconds(seconds)).first { $0.name == "llm_api" }?.value
        }
        #expect(llm(0) == "healthy")
        #expect(llm(11) == "unhealthy: timeout after 5000ms calling api.openai.com")
        #expect(llm(23) == "healthy")
        #expect(llm(51) == "unhealthy: timeout after 5000ms calling api.openai.com", "it repeats")
        #expect(scenario.services.map(\.platform) == ["Cloud Run", "ECS", "Lambda", "Container Apps"])
    }

    @Test func writtenConfigParsesBack() async throws {
        let fleet = try await DemoFleet.start()
        defer { fleet.stop(); fleet.removeFiles() }
        let parsed = try ConfigParser.parse(fleet.configYAML, file: "demo.yaml")
        #expect(parsed == fleet.config)
    }

    @Test func scrapesMetricsAndReadsRoutingWithTheAdminTokenFromItsSecret() async throws {
        let fleet = try await DemoFleet.start()
        defer { fleet.stop(); fleet.removeFiles() }
        let config = fleet.config
        let context = try #require(config.context(named: nil))
        let rag = try #require(context.services.first { $0.name == "rag-search" })
        // The token is read from the file the secret names; the configuration itself holds only the reference.
        #expect(rag.headers(for: .routing).first?.value == "Bearer ${secret:DEMO_ADMIN_TOKEN}")
        let (resolved, results) = try await Self.scrapesAndRouting(of: rag, config)
        let routing = try #require(results.first { $0.kind == .routing })
        #expect(routing.httpStatus == 200)
        #expect(try RoutingReport.parse(routing.body).get() == DemoControl.initialRoutes["rag-search"]?.sorted { $0.provider < $1.provider })

        var reader = MetricsReader(services: [resolved], mappings: [])
        var calls = 0
        var status = ""
        for result in results.filter({ $0.kind == .metrics }) {
            #expect(result.httpStatus == 200)
            let scrape = reader.read(result)
            calls += scrape.deltas.reduce(0) { $0 + $1.requests }
            status = scrape.status
        }
        #expect(status.hasPrefix("metrics: litellm · "), "\(status)")
        #expect(calls > 0, "rag-search made LLM calls between the scrapes")

        // Without the token, the admin endpoint refuses.
        var anonymous = resolved   // the same generous timeout: a loaded machine is not a refusal
        anonymous.routing?.headers = []
        let refused = ResultSink()
        let second = CurlPoller(services: [anonymous]) { refused.add($0) }
        second.start()
        let denied = await refused.wait(seconds: 30) { $0.contains { $0.kind == .routing } }
        second.stop()
        #expect(denied.first { $0.kind == .routing }?.httpStatus == 401)

        try await ordinaryAppsOwnAdminAPIAndPrometheusClientMetrics(fleet)
    }

    /// `service` with its secrets resolved, probed each second with a generous timeout (a loaded machine is no
    /// failure) until a routing read and three scrapes came back and the scrapes, read in order, counted calls.
    /// The wait is for that condition, not for a number of seconds: on a loaded machine the demo's traffic
    /// writer and the scrapes can both be late (CI once saw three scrapes with no call between them).
    static func scrapesAndRouting(of service: ServiceConfig, _ config: LookoutConfig) async throws -> (ServiceConfig, [ProbeResult]) {
        var resolved = try SecretResolver.apply(try await SecretResolver.resolve(config.secrets, for: [service]), to: [service])[0]
        resolved.interval = .seconds(1)
        resolved.timeout = .seconds(10)
        resolved.readinessPath = nil
        let sink = ResultSink()
        let poller = CurlPoller(services: [resolved]) { sink.add($0) }
        poller.start()
        let reading = resolved
        let results = await sink.wait(seconds: 90) { results in
            let scrapes = results.filter { $0.kind == .metrics }
            return scrapes.count >= 3 && results.contains { $0.kind == .routing } && callsCounted(in: scrapes, of: reading) > 0
        }
        poller.stop()
        return (resolved, results)
    }

    /// The calls that `scrapes`, read in order by a fresh reader, count between them.
    static func callsCounted(in scrapes: [ProbeResult], of service: ServiceConfig) -> Int {
        var reader = MetricsReader(services: [service], mappings: [])
        return scrapes.reduce(0) { sum, scrape in sum + reader.read(scrape).deltas.reduce(0) { $0 + $1.requests } }
    }

    /// support-bot, on the fleet of the test above (one fleet fewer on two cores).
    func ordinaryAppsOwnAdminAPIAndPrometheusClientMetrics(_ fleet: DemoFleet) async throws {
        let config = fleet.config
        let bot = try #require(config.context(named: nil)?.services.first { $0.name == "support-bot" })
        let (resolved, results) = try await Self.scrapesAndRouting(of: bot, config)
        // Its own body, mapped by routing: to roles.
        var state = ServiceState(config: resolved)
        state.recordRouting(try #require(results.first { $0.kind == .routing }))
        #expect(state.routingProblem == nil)
        #expect(state.routes == [ProviderRoute(provider: "anthropic", role: .standby), ProviderRoute(provider: "openai", role: .primary)])
        // Its prometheus_client counters, read with the detected `app` mapping: calls, with classes.
        var reader = MetricsReader(services: [resolved], mappings: [])
        var calls = 0, unclassified = 0
        for result in results.filter({ $0.kind == .metrics }) {
            let scrape = reader.read(result)
            #expect(scrape.mapping == "app" && scrape.badLines == 0, "\(scrape.status)")
            calls += scrape.deltas.reduce(0) { $0 + $1.requests }
            unclassified += scrape.deltas.reduce(0) { $0 + ($1.errorsByClass[.other] ?? 0) }
        }
        #expect(calls > 0, "support-bot made LLM calls between the scrapes")
        #expect(unclassified == 0, "every failure's class comes from its status or error_type label")
        // Its API only makes a provider primary; the switch is logged as an event that names the provider.
        let action = try #require(resolved.action(named: "failover"))
        #expect(action.supports(.primary) && !action.supports(.disabled))
        let plan = try ActionPlan(action, service: resolved, context: "demo", provider: "anthropic", role: .primary)
        guard case let .http(method, url, headers, body) = plan.kind else { Issue.record("an http action"); return }
        let token = fleet.control.adminToken
        let revealed = headers.map { HTTPHeader(name: $0.name, value: $0.value.replacingOccurrences(of: "${secret:DEMO_ADMIN_TOKEN}", with: token)) }
        let response = await Task.detached {
            CurlRequest.perform(method: method, url: url, headers: revealed, body: body, timeout: .seconds(30)) { false }
        }.value
        #expect(response.httpStatus == 200, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(fleet.control.routes(of: "support-bot").first { $0.provider == "anthropic" }?.role == .primary)
        let log = fleet.logDirectory + "/support-bot.log"
        var lines: [LogRecord] = []
        for _ in 0..<20 {
            var decoder = LogDecoder(mapping: .app)
            lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map { decoder.decode(String($0)) }
            if lines.contains(where: { $0.message == "primary provider switched" }) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let event = try #require(lines.first { $0.message == "primary provider switched" })
        #expect(event.provider == "anthropic" && !event.isLLMCall)
    }
}
