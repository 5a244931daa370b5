import Foundation
import LookoutCore
import Testing

/// The context's own Prometheus queries (`queries:`): answers read as Prometheus wrote them (bodies captured from
/// Debian's Prometheus 2.42, `Fixtures/prometheus-2.42/SOURCE.md`), thresholds, units, the board that keeps their
/// trends, the `query` alert rule, `check`'s verdict, and the configuration's errors.
@Suite("Queries of the context's own (PromQL)")
struct CustomQueryTests {
    static func answer(_ name: String, status: Int = 200) throws -> QueryAnswer {
        QueryAnswer.decode(try PromQLTests.fixture(name), httpStatus: status)
    }

    @Test func everyAnswerShapeIsReadAsPrometheusWroteIt() throws {
        let byProvider = try Self.answer("query-sum-by.json")
        #expect(byProvider.problem == nil)
        #expect(byProvider.series.map(\.labels) == [["provider": "openai"]])
        #expect(byProvider.series.first?.points == [QueryAnswer.Point(1796483673.245, 3.3678731361231358)])
        #expect(byProvider.series.first?.labelText == #"{provider="openai"}"#)

        let quantile = try Self.answer("query-quantile.json")
        #expect(quantile.series.count == 1 && quantile.series[0].labels.isEmpty && quantile.series[0].labelText.isEmpty)
        #expect(quantile.series[0].points.first?.value == 2.2562499999999996)

        #expect(try Self.answer("query-empty.json") == QueryAnswer(), "nothing matched: no series, and no problem")
        let scalar = try Self.answer("query-scalar.json")
        #expect(scalar.series == [QueryAnswer.Series(labels: [:], points: [QueryAnswer.Point(1796483673.271, 1)])])
        #expect(try Self.answer("query-string.json").problem == "the query answers a string, not numbers")
        #expect(try Self.answer("query-nan.json").series.first?.points.first?.value.isNaN == true)

        let refused = try Self.answer("query-many.json", status: 422)
        #expect(refused.series.isEmpty)
        #expect(refused.problem?.hasPrefix("execution: found duplicate series for the match group {} on the right hand-side") == true)
        #expect(try Self.answer("bad-query.json", status: 400).problem?.hasPrefix("bad_data: ") == true)

        let range = try Self.answer("query-range.json")
        #expect(range.series.count == 1 && range.series[0].points.count == 5)
        #expect(range.series[0].points.map(\.time) == [1796483653, 1796483658, 1796483663, 1796483668, 1796483673])
        #expect(QueryAnswer.decode(Array("<html>".utf8), httpStatus: 502).problem == "not a Prometheus API answer (HTTP 502)")
    }

    @Test func thresholdsCompareAndUnitsWriteTheNumber() {
        #expect(QueryThreshold.parse("> 2") == .success(QueryThreshold(.greater, 2)))
        #expect(QueryThreshold.parse(">=0.5") == .success(QueryThreshold(.greaterOrEqual, 0.5)))
        #expect(QueryThreshold.parse("< 0.99") == .success(QueryThreshold(.less, 0.99)))
        #expect(QueryThreshold.parse("3") == .success(QueryThreshold(.greater, 3)), "a bare number means above it")
        #expect((try? QueryThreshold.parse("above 3").get()) == nil)
        #expect((try? QueryThreshold.parse("> NaN").get()) == nil)
        var query = CustomQuery(name: "p95", query: "q")
        query.warn = QueryThreshold(.greater, 2)
        query.critical = QueryThreshold(.greaterOrEqual, 5)
        #expect(query.severity(of: 1.9) == nil && query.severity(of: 2.1) == .warning)
        #expect(query.severity(of: 5) == .critical && query.severity(of: .nan) == nil)

        #expect(QueryUnit.seconds.format(2.2562) == "2.26 s" && QueryUnit.seconds.format(0.045) == "45 ms")
        #expect(QueryUnit.seconds.format(1) == "1 s")
        #expect(QueryUnit.ratio.format(0.9951) == "99.5%" && QueryUnit.percent.format(3.25) == "3.25%")
        #expect(QueryUnit.perSecond.format(3.3678) == "3.37/s" && QueryUnit.number.format(12_345) == "12.3k")
        #expect(QueryUnit.dollars.format(1.5) == "$1.50" && QueryUnit.bytes.format(3 * 1024 * 1024) == "3.0 MiB")
        #expect(QueryUnit.number.format(.nan) == "NaN" && QueryUnit.number.format(.infinity) == "+Inf")
    }

    static func board(warn: String? = nil, critical: String? = nil) throws -> QueryBoard {
        var query = CustomQuery(name: "calls", query: "sum by (provider) (rate(llm_requests_total[15s]))")
        query.unit = .perSecond
        query.warn = try warn.map { try QueryThreshold.parse($0).get() }
        query.critical = try critical.map { try QueryThreshold.parse($0).get() }
        return QueryBoard(queries: [query])
    }

    static func series(_ labels: [String: String], _ points: [(Double, Double)]) -> QueryAnswer.Series {
        QueryAnswer.Series(labels: labels, points: points.map { QueryAnswer.Point($0.0, $0.1) })
    }

    @Test func theBoardKeepsEachSeriesTrendAndAFailureKeepsWhatWasRead() throws {
        var board = try Self.board()
        let t0 = Date(timeIntervalSince1970: 1000)
        // The look back arrives first: it starts the trends.
        board.take(QueryAnswer(series: [Self.series(["provider": "openai"], [(900, 1), (915, 2), (930, 3)])]), name: "calls", at: t0, backfill: true)
        board.take(QueryAnswer(series: [Self.series(["provider": "openai"], [(945, 4)]), Self.series(["provider": "anthropic"], [(945, 7)])]),
                   name: "calls", at: t0)
        #expect(board.rows[0].series.map(\.labelText) == [#"{provider="openai"}"#, #"{provider="anthropic"}"#])
        #expect(board.rows[0].series[0].history.map(\.value) == [1, 2, 3, 4])
        #expect(board.rows[0].series[1].latest == 7 && board.rows[0].answeredAt == t0)

        // A late look back adds only what is older than what is kept; it never adds a series the live reading dropped.
        board.take(QueryAnswer(series: [Self.series(["provider": "openai"], [(885, 0.5), (930, 99)]), Self.series(["provider": "gone"], [(885, 1)])]),
                   name: "calls", at: t0, backfill: true)
        #expect(board.rows[0].series[0].history.map(\.value) == [0.5, 1, 2, 3, 4])
        #expect(board.rows[0].series.count == 2)

        // A failed reading keeps the values last read, says why, and is not an answer.
        board.take(QueryAnswer(problem: "Prometheus not read: Connection refused"), name: "calls", at: t0.addingTimeInterval(15))
        #expect(board.rows[0].problem == "Prometheus not read: Connection refused" && board.rows[0].series.count == 2)
        #expect(board.rows[0].answeredAt == t0 && board.rows[0].triedAt == t0.addingTimeInterval(15))

        // A series no longer answered is gone; a repeated time is not counted twice; the trend is bounded.
        board.take(QueryAnswer(series: [Self.series(["provider": "openai"], [(945, 4)])]), name: "calls", at: t0.addingTimeInterval(30))
        #expect(board.rows[0].problem == nil && board.rows[0].series.count == 1 && board.rows[0].series[0].history.count == 5)
        for step in 1...100 {
            board.take(QueryAnswer(series: [Self.series(["provider": "openai"], [(945 + Double(step) * 15, Double(step))])]), name: "calls", at: t0)
        }
        #expect(board.rows[0].series[0].history.count == CustomQuery.historyKept && board.rows[0].series[0].latest == 100)
        board.take(QueryAnswer(), name: "no such query", at: t0)
        #expect(board.rows.count == 1)
    }

    @Test func pastTheBoundTheSeriesThatCrossAThresholdAreKeptFirst() throws {
        var board = try Self.board(critical: "> 50")
        let many = (0..<30).map { Self.series(["pod": "p\($0)"], [(1, $0 == 27 ? 99 : 1)]) }
        board.take(QueryAnswer(series: many), name: "calls", at: Date())
        #expect(board.rows[0].series.count == CustomQuery.seriesShown && board.rows[0].omitted == 10)
        #expect(board.rows[0].series.first?.labels == ["pod": "p27"], "the critical one is never the one left out")
        #expect(board.rows[0].series.dropFirst().map { $0.labels["pod"] } == (0..<19).map { "p\($0)" })
    }

    @Test func aSeriesPastAThresholdIsAQueryAlertAndDecidesCheck() throws {
        var context = ContextConfig(name: "prod", services: [])
        var query = CustomQuery(name: "gateway p95", query: "histogram_quantile(0.95, …)")
        query.unit = .seconds
        query.warn = QueryThreshold(.greater, 2)
        query.critical = QueryThreshold(.greater, 5)
        context.queries = [query]
        var state = AppState(context: context, now: Date(timeIntervalSince1970: 1000))
        #expect(CheckReport(services: [], queries: state.queries.rows).status == .ok)
        _ = Reducer.reduce(&state, .queryAnswered(name: "gateway p95", answer: try Self.answer("query-quantile.json"), at: state.now, backfill: false))
        #expect(AlertRules.evaluate(state) == [Alert(.warning, .query, "gateway p95", "at 2.26 s (warn > 2 s)")])
        let warned = CheckReport(services: [], queries: state.queries.rows)
        #expect(warned.status == .warning)
        #expect(warned.text() == "WARNING   query gateway p95 = 2.26 s (warn > 2 s)\nWARNING: 0 healthy, 0 degraded, 0 down, 1 query (1 past a threshold)\n")

        _ = Reducer.reduce(&state, .queryAnswered(name: "gateway p95", answer: QueryAnswer(series: [Self.series([:], [(2000, 6.5)])]),
                                                  at: state.now, backfill: false))
        #expect(AlertRules.evaluate(state).map(\.severity) == [.critical])
        #expect(CheckReport(services: [], queries: state.queries.rows).status == .critical)
        let json = CheckReport(services: [], queries: state.queries.rows).json()
        #expect(json.contains(#""series":[{"labels":{},"value":6.5,"state":"critical"}]"#), "\(json)")
        #expect(json.contains(#""warn":{"comparison":">","value":2}"#))

        // A gate that cannot be asked leaves the verdict unknown; a query without thresholds only informs.
        _ = Reducer.reduce(&state, .queryAnswered(name: "gateway p95", answer: try Self.answer("query-many.json", status: 422), at: state.now, backfill: false))
        var unasked = state.queries
        unasked.take(QueryAnswer(series: []), name: "gateway p95", at: state.now)
        unasked.take(QueryAnswer(problem: "Prometheus not read: Connection refused"), name: "gateway p95", at: state.now)
        #expect(CheckReport(services: [], queries: unasked.rows).status == .unknown)
        #expect(CheckReport(services: [], queries: unasked.rows).text().hasPrefix("UNKNOWN   query gateway p95 — Prometheus not read: Connection refused\n"))
        var informing = ContextConfig(name: "prod", services: [])
        informing.queries = [CustomQuery(name: "queue", query: "sum(queue_depth)")]
        var board = QueryBoard(queries: informing.queries)
        board.take(QueryAnswer(problem: "bad_data: parse error"), name: "queue", at: state.now)
        #expect(CheckReport(services: [], queries: board.rows).status == .ok)
    }

    @Test func aSnapshotCarriesTheQueriesInJSONAndMarkdown() throws {
        var context = ContextConfig(name: "prod", services: [])
        var p95 = CustomQuery(name: "gateway p95", query: "histogram_quantile(0.95, …)")
        p95.unit = .seconds
        p95.warn = QueryThreshold(.greater, 2)
        context.queries = [p95, CustomQuery(name: "ratio", query: "a / on() group_left a")]
        var state = AppState(context: context, now: Date(timeIntervalSince1970: 1000))
        _ = Reducer.reduce(&state, .queryAnswered(name: "gateway p95", answer: try Self.answer("query-quantile.json"), at: state.now, backfill: false))
        _ = Reducer.reduce(&state, .queryAnswered(name: "ratio", answer: try Self.answer("query-many.json", status: 422), at: state.now, backfill: false))
        let report = SnapshotReport(state: state, generatedAt: state.now, timelineSpan: .seconds(1800))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(json["status"] as? String == "WARNING")
        let queries = try #require(json["queries"] as? [[String: Any]])
        #expect(queries.map { $0["name"] as? String } == ["gateway p95", "ratio"])
        #expect((queries[0]["series"] as? [[String: Any]])?.first?["state"] as? String == "warning")
        #expect((queries[1]["problem"] as? String)?.hasPrefix("execution: ") == true)
        let markdown = report.markdown()
        #expect(markdown.contains("| gateway p95 | 2.26 s (warn > 2 s) | 🟠 |"), "\(markdown)")
        #expect(markdown.contains("| ratio | – | execution: found duplicate series"))
    }

    @Test func theConfigurationNamesWhatIsWrongWithFileLineAndKey() throws {
        let config = try ConfigParser.parse("""
        contexts:
          prod:
            prometheus: { url: http://prometheus:9090, headers: { Authorization: "Bearer ${secret:PROM}" } }
            queries:
              - name: gateway p95
                query: 'histogram_quantile(0.95, sum by (le) (rate(litellm_request_total_latency_metric_bucket[5m])))'
                unit: seconds
                warn: "> 2"
                critical: "> 5"
                service: gateway
                interval: 30s
              - { name: queue, query: 'sum(queue_depth)' }
            services:
              - { name: gateway, url: http://gw:4000 }
        secrets:
          PROM: { env: PROM_TOKEN }
        """, file: "f.yaml")
        let queries = try #require(config.contexts.first?.queries)
        #expect(queries.map(\.name) == ["gateway p95", "queue"])
        #expect(queries[0].unit == .seconds && queries[0].warn == QueryThreshold(.greater, 2) && queries[0].critical == QueryThreshold(.greater, 5))
        #expect(queries[0].service == "gateway" && queries[0].interval == .seconds(30) && queries[1].interval == .seconds(15))
        #expect(queries[1].server.url == "http://prometheus:9090" && queries[1].server.headers.first?.value == "Bearer ${secret:PROM}")
        do {
            _ = try ConfigParser.parse("""
            contexts:
              prod:
                queries:
                  - name: a
                    query: up
                    unit: furlongs
                    warn: "above 2"
                  - name: a
                    query: up
                    warn: "> 2"
                    critical: "< 1"
                    service: nope
                  - query: up
                    interval: 100ms
                services:
                  - { name: gateway, url: http://gw:4000 }
            """, file: "f.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.issues.map(\.description) == [
                "f.yaml:4: key `contexts.prod.queries`: context prod has no `prometheus:` server to send its queries to",
                "f.yaml:6: key `contexts.prod.queries[0].unit`: unknown unit \"furlongs\" (one of: number, seconds, milliseconds, percent, ratio, dollars, bytes, per-second)",
                "f.yaml:7: key `contexts.prod.queries[0].warn`: expected a comparison and a number, such as \"> 2\" or \"< 0.99\"",
                "f.yaml:8: key `contexts.prod.queries[1].name`: duplicate query name \"a\"",
                "f.yaml:8: key `contexts.prod.queries[1].critical`: warn and critical compare in opposite directions (> and <)",
                "f.yaml:13: key `contexts.prod.queries[2].name`: missing: the query's name on screen",
                "f.yaml:14: key `contexts.prod.queries[2].interval`: expected at least 1s",
            ])
        }
        #expect(throws: ConfigErrors.self) {
            try ConfigParser.parse("""
            contexts:
              prod:
                prometheus: http://prometheus:9090
                queries: [ { name: a, query: up, service: nope } ]
                services: [ { name: gateway, url: "http://gw:4000" } ]
            """, file: "f.yaml")
        }
        do {
            _ = try ConfigParser.parse("""
            contexts:
              prod:
                prometheus: http://prometheus:9090
                queries: [ { name: a, query: up, service: nope } ]
                services: [ { name: gateway, url: "http://gw:4000" } ]
            """, file: "f.yaml")
        } catch {
            #expect(error.issues.map(\.description) == ["f.yaml:4: key `contexts.prod.queries[0].service`: names no service of context prod"])
        }
    }
}
