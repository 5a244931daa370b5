import Foundation
import LookoutCore
import LookoutUI
import Testing

/// Screens of a fleet read through Prometheus and too large to read row by row: the Overview's filter, and a service
/// whose health is Prometheus' word.
@Suite("Fleet screens as text")
struct FleetScreenTests {
    /// The filter being typed, then kept: the title counts what it lists.
    @Test func overviewFiltered() {
        var state = Fixtures.state()
        _ = Reducer.reduce(&state, .key(.char("/")))
        for c in "e !down" { _ = Reducer.reduce(&state, .key(.char(c))) }
        Snapshot.assert(DashboardView.render(state, width: 100, height: 24), named: "overview-filter-typing-100x24")
        _ = Reducer.reduce(&state, .key(.enter))
        Snapshot.assert(DashboardView.render(state, width: 100, height: 24), named: "overview-filtered-100x24")
    }

    /// A service discovered from Prometheus' targets, judged by its `up` (the answer captured from Prometheus 2.42):
    /// the detail says so in place of an HTTP status and latency; the Overview shows no latency of Prometheus'.
    @Test func aServiceJudgedByPrometheusUp() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../LookoutCoreTests/Fixtures/prometheus-2.42")
        var config = ServiceConfig(name: "gw-1", platform: "Kubernetes", baseURL: "http://127.0.0.1:1", readinessPath: nil)
        config.healthQuery = PromQLSource(server: APIServer(url: "http://prometheus:9090"), query: #"up{job="chat-api",instance="127.0.0.1:1"}"#)
        config.failureThreshold = 1
        var state = AppState(context: ContextConfig(name: "prod", services: [config]), now: Fixtures.now)
        let body = Array(try Data(contentsOf: fixtures.appendingPathComponent("up-all.json")))
        _ = Reducer.reduce(&state, .probe(ProbeResult(service: "gw-1", kind: .liveness, startedAt: Fixtures.now.addingTimeInterval(-2),
                                                      httpStatus: 200, body: body)))
        _ = Reducer.reduce(&state, .resize(TerminalSize(width: 100, height: 24)))
        let overview = DashboardView.render(state, width: 100, height: 24)
        #expect(overview.lines.contains { $0.contains("gw-1") && $0.contains("DOWN") && $0.contains("–") })
        _ = Reducer.reduce(&state, .key(.enter))
        Snapshot.assert(DashboardView.render(state, width: 100, height: 24), named: "detail-prometheus-up-100x24")
    }

    @Test func targetsThatMovedAreSaidInTheServicesTitle() throws {
        var state = Fixtures.state()
        state.discovered = ["embed-worker"]
        _ = Reducer.reduce(&state, .targetsDiscovered([ServiceConfig(name: "gw-2", baseURL: "http://gw-2:80")]))
        let title = DashboardView.render(state, width: 120, height: 24).lines[1]
        #expect(title.contains("Services  Prometheus targets: 1 new target (gw-2), 1 gone (embed-worker) · 0s ago"), "\(title)")
        _ = Reducer.reduce(&state, .tick(state.now.addingTimeInterval(601)))
        #expect(!DashboardView.render(state, width: 120, height: 24).lines[1].contains("Prometheus"), "said for ten minutes; the timeline keeps it")
    }

    /// The context's own queries, answered by the bodies captured from Prometheus 2.42: a row per series with its value
    /// in the query's unit and its trend, one past its warn line in amber (and on the alert strip once it has held a
    /// minute), one Prometheus refused with its words; the service's detail shows the query about it.
    @Test func overviewAndDetailWithTheContextsQueries() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../LookoutCoreTests/Fixtures/prometheus-2.42")
        func answer(_ name: String, _ status: Int = 200) throws -> QueryAnswer {
            QueryAnswer.decode(Array(try Data(contentsOf: fixtures.appendingPathComponent(name))), httpStatus: status)
        }
        var state = Fixtures.state()
        var calls = CustomQuery(name: "llm calls", query: #"sum by (provider) (rate(llm_requests_total{job="support-bot"}[15s]))"#)
        calls.unit = .perSecond
        calls.service = "chat-api"
        var p95 = CustomQuery(name: "support-bot p95", query: "histogram_quantile(0.95, …)")
        p95.unit = .seconds
        p95.warn = QueryThreshold(.greater, 2)
        p95.critical = QueryThreshold(.greater, 5)
        let broken = CustomQuery(name: "ratio", query: "llm_requests_total / on() group_left llm_requests_total")
        var context = ContextConfig(name: state.contextName, services: [])
        context.queries = [calls, p95, broken].map { var q = $0; q.server = APIServer(url: "http://prometheus:9090"); return q }
        state.queries = QueryBoard(queries: context.queries)
        _ = Reducer.reduce(&state, .queryAnswered(name: "llm calls", answer: try answer("query-range.json"), at: Fixtures.now, backfill: true))
        _ = Reducer.reduce(&state, .queryAnswered(name: "llm calls", answer: try answer("query-sum-by.json"), at: Fixtures.now, backfill: false))
        _ = Reducer.reduce(&state, .queryAnswered(name: "support-bot p95", answer: try answer("query-quantile.json"), at: Fixtures.now, backfill: false))
        _ = Reducer.reduce(&state, .queryAnswered(name: "ratio", answer: try answer("query-many.json", 422), at: Fixtures.now, backfill: false))
        _ = Reducer.reduce(&state, .tick(Fixtures.now.addingTimeInterval(5)))
        Snapshot.assert(DashboardView.render(state, width: 120, height: 30), named: "overview-queries-120x30")
        let small = DashboardView.render(state, width: 80, height: 24)
        #expect(small.lines.contains { $0.hasPrefix(" Queries") }, "\(small.lines.joined(separator: "\n"))")
        #expect(small.lines.contains { $0.contains("support-bot p95") && $0.contains("2.26 s") })
        #expect(small.lines.contains { $0.contains("llm calls openai") && $0.contains("3.37/s") }, "narrow: the label values still tell series apart")
        let tiny = DashboardView.render(state, width: 80, height: 12).lines.joined(separator: "\n")
        #expect(tiny.contains(" Queries  1 of 3 rows  from Prometheus"), "\(tiny)")
        _ = Reducer.reduce(&state, .key(.enter))
        Snapshot.assert(DashboardView.render(state, width: 100, height: 24), named: "detail-query-100x24")
    }
}
