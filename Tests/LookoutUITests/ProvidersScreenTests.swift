import Foundation
import LookoutCore
import LookoutUI
import Testing

@Suite("Providers as text")
struct ProvidersScreenTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func state() -> AppState {
        var state = AppState(context: Fixtures.context, now: Self.now.addingTimeInterval(-300))
        var decoder = LogDecoder(mapping: .app)
        // Five minutes of calls: openai steady, anthropic rate-limited in the last minute.
        for second in stride(from: 0, to: 300, by: 5) {
            _ = Reducer.reduce(&state, .tick(Self.now.addingTimeInterval(Double(second - 300))))
            let lines = [
                #"{"provider":"openai","model":"gpt-4o-mini","latency_ms":400,"status":"success","input_tokens":1000,"output_tokens":200,"cost_usd":0.00027}"#,
                second >= 240 ? #"{"provider":"anthropic","model":"claude-3-5-haiku","latency_ms":90,"status":"error","status_code":429,"input_tokens":800}"#
                    : #"{"provider":"anthropic","model":"claude-3-5-haiku","latency_ms":700,"status":"success","input_tokens":800,"output_tokens":300,"cost_usd":0.00184}"#,
            ]
            _ = Reducer.reduce(&state, .logs(LogBatch(service: "chat-api", source: "/x", records: lines.map { decoder.decode($0) })))
        }
        _ = Reducer.reduce(&state, .tick(Self.now))
        // Roles from a routing endpoint, LiteLLM gauges, and prices for the what-if line.
        let routing = #"{"providers":{"anthropic":"primary","openai":"standby"}}"#
        _ = Reducer.reduce(&state, .probe(ProbeResult(service: "chat-api", kind: .routing, startedAt: Self.now, httpStatus: 200,
                                                      body: Array(routing.utf8))))
        state.providers.setGauges(ProviderGauges(deploymentState: 1, remainingRequests: 3), for: "anthropic")
        state.providers.prices = PriceTable(["openai": ["gpt-4o-mini": .init(inputPerMillion: 0.15, outputPerMillion: 0.60)],
                                             "anthropic": ["claude-3-5-haiku": .init(inputPerMillion: 0.80, outputPerMillion: 4.00)]])
        Fixtures.firing(&state)
        return state
    }

    @Test func theTitleNamesEachSourceAndThoseReadFromPrometheus() throws {
        var context = Fixtures.context
        context.services[0].metrics = SideEndpoint(path: "/metrics", mapping: "litellm")
        context.services[1].metrics = SideEndpoint(path: "", mapping: "app")
        context.services[1].metrics?.matchers = #"job="b""#
        context.services[1].metrics?.promQL = PromQLSource(server: APIServer(url: "http://prometheus:9090"), query: "{}")
        var state = AppState(context: context, now: Self.now)
        _ = Reducer.reduce(&state, .key(.char("3")))
        let title = DashboardView.render(state, width: 160, height: 20).lines[1]
        #expect(title.contains("from the logs, and the metrics of \(context.services[0].name), \(context.services[1].name) via Prometheus"), "\(title)")
    }

    @Test func costsFromTheBuiltInPricesSayTheirDate() {
        var state = AppState(context: Fixtures.context, now: Self.now)
        state.providers.prices = .builtIn
        var decoder = LogDecoder(mapping: .app)
        let line = #"{"provider":"openai","model":"gpt-4o-mini","latency_ms":400,"status":"success","input_tokens":1000,"output_tokens":200}"#
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "chat-api", source: "/x", records: [decoder.decode(line)])))
        let overview = DashboardView.render(state, width: 160, height: 48).lines.joined(separator: "\n")
        #expect(overview.contains("$ partly from built-in list prices of \(PriceTable.builtInDate)"))
        _ = Reducer.reduce(&state, .key(.char("3")))
        let providers = DashboardView.render(state, width: 160, height: 48).lines.joined(separator: "\n")
        #expect(providers.contains("1 calls priced from built-in list prices of \(PriceTable.builtInDate)"))
    }

    @Test(arguments: [(80, 24), (160, 48)])
    func providersScreen(_ width: Int, _ height: Int) {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char("3")))
        Snapshot.assert(DashboardView.render(s, width: width, height: height), named: "providers-\(width)x\(height)")
    }

    @Test func overviewShowsProvidersUnderServices() {
        Snapshot.assert(DashboardView.render(state(), width: 80, height: 24), named: "overview-providers-80x24")
    }

    @Test func enterOnAProviderOpensItsLogLines() throws {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char("3")))
        #expect(s.providers.rows.map { "\($0.provider)/\($0.model ?? "-")" } == ["openai/-", "openai/gpt-4o-mini", "anthropic/-", "anthropic/claude-3-5-haiku"])
        for _ in 0..<2 { _ = Reducer.reduce(&s, .key(.char("j"))) }
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.screen == .logs)
        // The provider, and the window's start (5m before now): the lines behind the numbers.
        #expect(s.logs.filter?.source == "provider=anthropic after:2027-01-15T07:55:00Z")
        #expect(s.logs.visible.count == 60)
        #expect(s.logs.visible.allSatisfy { s.logs.line($0)?.record.provider == "anthropic" })
        // Exact, not substring: provider=openai leaves azure-openai out.
        var azure = LogRecord(raw: "", mapping: "app")
        azure.provider = "azure-openai"
        #expect(!(try LogFilter("provider=openai")).matches(azure))
        #expect(try LogFilter("provider:openai").matches(azure))
    }

    @Test func theSelectedProviderPanelShowsRolesGaugesSparklinesAndWhatIf() {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char("3")))
        for _ in 0..<2 { _ = Reducer.reduce(&s, .key(.char("j"))) }
        let text = DashboardView.render(s, width: 160, height: 48).lines.joined(separator: "\n")
        #expect(text.contains("anthropic  primary for chat-api"))
        #expect(text.contains("LiteLLM: partial outage   headroom 3 requests"))
        #expect(text.contains("what-if → openai gpt-4o-mini: $"))
        #expect(text.contains("p95 ") && text.contains("errors ") && text.contains("$/h "))
    }

    @Test func windowsCycleAndRateLimitsShow() {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char("3")))
        _ = Reducer.reduce(&s, .key(.char("w")))
        #expect(s.window == .oneHour)
        _ = Reducer.reduce(&s, .key(.char("w")))
        #expect(s.window == .oneMinute)
        let minute = s.providers.summary(provider: "anthropic", window: .oneMinute, now: Self.now)
        #expect(minute?.errorRate(.rateLimit) == 1)
        let canvas = DashboardView.render(s, width: 120, height: 30)
        let row = canvas.lines.first { $0.contains(" anthropic ") } ?? ""
        #expect(row.contains("100.0"), "the rate-limited provider shows 100% errors in the 1m window: \(row)")
    }
}

@Suite("Snapshot report")
struct SnapshotReportTests {
    @Test func jsonHasServicesAndProvidersWithModels() throws {
        let state = ProvidersScreenTests().state()
        let report = SnapshotReport(state: state, generatedAt: ProvidersScreenTests.now)
        let json = report.json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "CRITICAL", "the fixture services were never probed")
        let providers = try #require(object["providers"] as? [String: Any])
        let anthropic = try #require(providers["anthropic"] as? [String: Any])
        #expect(anthropic["requests"] as? Int == 60 && anthropic["errors"] as? Int == 12)
        #expect((anthropic["errors_by_class"] as? [String: Int])?["rate_limit"] == 12)
        #expect((anthropic["models"] as? [String: Any])?["claude-3-5-haiku"] != nil)
        for key in ["requests", "errors", "error_rate", "errors_by_class", "p50_ms", "p95_ms", "p99_ms", "input_tokens", "output_tokens", "cost_usd"] {
            #expect(anthropic[key] != nil, "stats contract field \(key)")
        }
        #expect((object["services"] as? [Any])?.count == 3)
        #expect(anthropic["role"] as? String == "primary" && (providers["openai"] as? [String: Any])?["role"] as? String == "standby")
        let alerts = try #require(object["alerts"] as? [[String: String]])
        #expect(alerts.first == ["severity": "critical", "subject": "anthropic", "message": "100% errors over 1m (12 of 12), mostly 429 rate limits"])
        #expect(alerts.map { $0["message"] ?? "" }.contains("LiteLLM: partial outage"))
    }

    @Test func markdownIsATableToPaste() {
        let markdown = SnapshotReport(state: ProvidersScreenTests().state(), generatedAt: ProvidersScreenTests.now).markdown()
        #expect(markdown.hasPrefix("### lookout snapshot — prod — 2027-01-15T08:00:00Z\n\n**CRITICAL: 0 healthy, 0 degraded, 3 down**\n"))
        #expect(markdown.contains("| anthropic | 12.0 | 700 ms | 20.0% | 20.0% | 0.0% | 0.0% | rate_limit | 1.06 |"))
    }
}
