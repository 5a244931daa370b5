import Foundation
import LookoutCore
import Testing

@Suite("Alerts, what-if costs and where provider numbers come from")
struct AlertsAndWhatIfTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func call(_ provider: String, _ model: String, status: Int = 200, input: Int = 1000, output: Int = 500) -> LogRecord {
        var record = LogRecord(raw: "{}", mapping: "app")
        record.provider = provider
        record.model = model
        record.httpStatus = status
        record.latencyMs = 500
        record.inputTokens = input
        record.outputTokens = output
        if status != 200 { record.status = "error" }
        return record
    }

    @Test func whatIfPricesTheObservedTokensAtTheOtherProvider() throws {
        var board = ProviderBoard(prices: PriceTable([
            "anthropic": ["claude-3-5-haiku": .init(inputPerMillion: 0.80, outputPerMillion: 4.00)],
            "openai": ["gpt-4o-mini": .init(inputPerMillion: 0.15, outputPerMillion: 0.60)],
        ]))
        for _ in 0..<6 { board.add(call("anthropic", "claude-3-5-haiku"), at: now) }
        let estimates = WhatIf.estimates(board: board, provider: "anthropic", window: .oneMinute, now: now)
        let estimate = try #require(estimates.first)
        #expect(estimates.count == 1 && estimate.to == "openai" && estimate.model == "gpt-4o-mini")
        // 6 calls × (1000 in, 500 out) over the 10 s the history covers: × 360 per hour.
        let hourly = 360.0
        #expect(abs(estimate.currentPerHour - 6 * (1000 * 0.80 + 500 * 4.00) / 1e6 * hourly) < 1e-9)
        #expect(abs(estimate.movedPerHour - 6 * (1000 * 0.15 + 500 * 0.60) / 1e6 * hourly) < 1e-9)
    }

    @Test func whatIfUsesTheObservedCostPerTokenWhenTheLinesCarryCosts() throws {
        // No price table at all: every line carries cost_usd, as an ordinary app's do.
        var board = ProviderBoard(prices: PriceTable())
        for _ in 0..<4 {
            var a = call("anthropic", "claude-x")
            a.costUSD = 0.006          // 1,500 tokens: $4 per million
            board.add(a, at: now)
            var o = call("openai", "gpt-y")
            o.costUSD = 0.0015         // 1,500 tokens: $1 per million
            board.add(o, at: now)
        }
        let estimate = try #require(WhatIf.estimates(board: board, provider: "anthropic", window: .oneMinute, now: now).first)
        #expect(estimate.to == "openai" && estimate.basis == .observed && estimate.model == nil)
        #expect(abs(estimate.movedPerHour / estimate.currentPerHour - 0.25) < 1e-9, "a quarter of the cost per token")
    }

    @Test func builtInPricesAreDatedAndCountedWhereTheyPriceACall() throws {
        #expect(LookoutConfig(contexts: []).prices == PriceTable.builtIn)
        #expect(PriceTable.builtIn.asOf == ExampleConfig.pricesAsOf)
        var board = ProviderBoard(prices: .builtIn)
        board.add(call("openai", "gpt-4o-mini-2024-07-18"), at: now)
        #expect(board.pricedCalls == 1)
        let cost = try #require(board.summary(provider: "openai", window: .oneMinute, now: now)?.costUSD)
        #expect(abs(cost - (1000 * 0.15 + 500 * 0.60) / 1e6) < 1e-12)
        #expect(PriceTable.builtIn.origin == "built-in list prices of \(PriceTable.builtInDate)")
        // A failed call is not billed, whatever tokens its line names.
        board.add(call("openai", "gpt-4o-mini", status: 429), at: now)
        #expect(board.pricedCalls == 1)
        #expect(board.summary(provider: "openai", window: .oneMinute, now: now)?.costUSD == cost)
        // A configured prices: replaces the table whole, and has no date of lookout's.
        let configured = try ConfigParser.parse("prices:\n  openai:\n    gpt-4o: { input: 1, output: 2 }\ncontexts:\n  a:\n    services: []\n", file: "p.yaml")
        #expect(configured.prices.asOf == nil && configured.prices.prices["anthropic"] == nil)
    }

    @Test func alertsFireOnDownServicesAndErroringProvidersCriticalFirst() {
        var state = AppState(context: ContextConfig(name: "prod", services: []), now: now)
        for index in 0..<20 { state.providers.add(call("anthropic", "claude", status: index < 8 ? 429 : 200), at: now) }
        for index in 0..<20 { state.providers.add(call("openai", "gpt-4o-mini", status: index < 2 ? 503 : 200), at: now) }
        for _ in 0..<3 { state.providers.add(call("azure-openai", "gpt-4o-mini", status: 503), at: now) }   // too few to judge
        state.providers.setGauges(ProviderGauges(deploymentState: 2, remainingRequests: 3), for: "azure-openai")
        let alerts = AlertRules.evaluate(state)
        #expect(alerts == [
            Alert(.critical, .errorRate, "anthropic", "40% errors over 1m (8 of 20), mostly 429 rate limits"),
            Alert(.critical, .deployment, "azure-openai", "LiteLLM: complete outage"),
            Alert(.warning, .errorRate, "openai", "10% errors over 1m (2 of 20), mostly 5xx server errors"),
            Alert(.warning, .headroom, "azure-openai", "rate-limit headroom: 3 requests left"),
        ])
    }

    @Test func aServiceCountedFromItsMetricsIsNotCountedAgainFromItsLogs() {
        var scraped = ServiceConfig(name: "gateway", baseURL: "http://gw")
        scraped.metrics = SideEndpoint(path: "/metrics", mapping: "litellm")
        let logged = ServiceConfig(name: "chat-api", baseURL: "http://chat")
        var state = AppState(context: ContextConfig(name: "prod", services: [scraped, logged]), now: now)
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "gateway", source: "f", records: [call("openai", "gpt-4o")])))
        _ = Reducer.reduce(&state, .logs(LogBatch(service: "chat-api", source: "f", records: [call("openai", "gpt-4o"), call("openai", "gpt-4o")])))
        #expect(state.logs.lines.count == 3)
        #expect(state.providers.summary(provider: "openai", window: .oneMinute, now: now)?.requests == 2)
    }

    @Test func rolesComeFromTheRoutingEndpointsAndTheStrongestWins() {
        var a = ServiceConfig(name: "a", baseURL: "http://a")
        a.routing = SideEndpoint(path: "/admin/routing")
        var state = AppState(context: ContextConfig(name: "prod", services: [a, ServiceConfig(name: "b", baseURL: "http://b")]), now: now)
        _ = Reducer.reduce(&state, .probe(ProbeResult(service: "a", kind: .routing, startedAt: now, httpStatus: 200,
                                                      body: Array(#"{"providers":{"anthropic":"disabled","openai":"primary"}}"#.utf8))))
        #expect(state.roles(of: "anthropic")?.strongest == .disabled)
        #expect(state.roles(of: "openai")?.byService.map(\.service) == ["a"])
        #expect(state.roles(of: "azure-openai") == nil)
        _ = Reducer.reduce(&state, .probe(ProbeResult(service: "a", kind: .routing, startedAt: now, httpStatus: 401, body: [])))
        #expect(state.services[0].routingProblem == "HTTP 401" && state.roles(of: "openai")?.strongest == .primary)
    }
}
