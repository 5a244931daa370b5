import Foundation
import LookoutCore
import Testing

/// The last hour read back from Prometheus, on range answers captured from Debian's Prometheus 2.42
/// (`Fixtures/prometheus-2.42/SOURCE.md`): each step read as a scrape, the calls between steps, history only.
@Suite("Backfill from Prometheus range queries")
struct PromQLBackfillTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/prometheus-2.42/\(name)")))
    }

    @Test func theHourIsAskedOnStepsThatTwoReadsShare() {
        let url = PromQLBackfill.url(server: "http://prometheus:9090/", query: #"up{job="a"}"#, hourBefore: 1_796_480_100.5)
        #expect(url == "http://prometheus:9090/api/v1/query_range?query=up%7Bjob%3D%22a%22%7D&start=1796476500.000&end=1796480100.500&step=15.000")
    }

    @Test func eachStepIsAScrapeAndTheCallsBetweenStepsAreItsDeltas() throws {
        let body = try Self.fixture("app-range.json")
        let scrapes = try PromQLBackfill.scrapes(body, httpStatus: 200, service: "support-bot", mapping: MetricMapping.preset(named: "app")).get()
        #expect(scrapes.map { $0.at?.timeIntervalSince1970 } == [1_796_480_087, 1_796_480_092])
        #expect(scrapes.allSatisfy { $0.backfill && $0.service == "support-bot" && $0.source == "Prometheus" })
        #expect(scrapes[0].baseline && scrapes[0].deltas.isEmpty, "the first step is the baseline")
        // What the counters grew by between the two steps, from the answer itself.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let series = try #require((object["data"] as? [String: Any])?["result"] as? [[String: Any]])
        let grown = series.filter { ($0["metric"] as? [String: String])?["__name__"] == "llm_requests_total" }.reduce(0.0) { sum, entry in
            let values = entry["values"] as? [[Any]] ?? []
            return sum + (Double(values.last?[1] as? String ?? "0") ?? 0) - (Double(values.first?[1] as? String ?? "0") ?? 0)
        }
        #expect(grown == 14 && Double(scrapes[1].deltas.reduce(0) { $0 + $1.requests }) == grown)
    }

    @Test func whatIsNoRangeIsSaidInPrometheusWords() throws {
        #expect(PromQLBackfill.scrapes(try Self.fixture("bad-query.json"), httpStatus: 400, service: "s", mapping: nil)
                == .failure(ReadProblem(#"bad_data: invalid parameter "query": 1:32: parse error: unclosed left parenthesis"#)))
        #expect(PromQLBackfill.scrapes(try Self.fixture("app-series.json"), httpStatus: 200, service: "s", mapping: nil)
                == .failure(ReadProblem("expected a range of series (a matrix)")))
    }

    /// History fills the providers' windows at its own times, and nothing else: no spend, no totals.
    @Test func aBackfillStepIsProviderHistoryOnly() throws {
        var context = ContextConfig(name: "prod", services: [ServiceConfig(name: "support-bot", baseURL: "http://s")])
        context.budgets = [BudgetConfig(name: "all", scope: .all, period: .day, limit: .usd(10))]
        let now = Date(timeIntervalSince1970: 1_796_480_100)
        var state = AppState(context: context, now: now)
        let scrapes = try PromQLBackfill.scrapes(try Self.fixture("app-range.json"), httpStatus: 200, service: "support-bot",
                                                 mapping: MetricMapping.preset(named: "app")).get()
        for scrape in scrapes { _ = Reducer.reduce(&state, .scraped(scrape)) }
        let hour = state.providers.summary(provider: "openai", window: .oneHour, now: now)
        let all = state.providers.providers.reduce(0) { $0 + (state.providers.summary(provider: $1, window: .oneHour, now: now)?.requests ?? 0) }
        #expect(all == 14 && (hour?.requests ?? 0) > 0)
        #expect(state.budgetStatuses.first?.spent == 0 && state.counterTotals.totals.isEmpty, "history is not spend")
        #expect(state.services[0].metricsStatus == nil, "nor the service's metrics line")
    }
}
