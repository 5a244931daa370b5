import Foundation
import LookoutCore
import Testing

/// A service's metrics read from Prometheus: the query sent, the answers read (bodies captured from Debian's Prometheus
/// 2.42, `Fixtures/prometheus-2.42/SOURCE.md`), and their series turned into calls by the same tracker as a scrape.
@Suite("Metrics from Prometheus (PromQL)")
struct PromQLTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/prometheus-2.42/\(name)")))
    }

    /// The captured answer with every value of one series family changed by `change` and the instance renamed:
    /// the same service seen as another replica, or later.
    static func replica(_ body: [UInt8], instance: String, _ change: (String, Double) -> Double) throws -> [UInt8] {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        var data = try #require(object["data"] as? [String: Any])
        let result = try #require(data["result"] as? [[String: Any]])
        data["result"] = try result.map { entry in
            var entry = entry
            var metric = try #require(entry["metric"] as? [String: String])
            metric["instance"] = instance
            let pair = try #require(entry["value"] as? [Any])
            let text = try #require(pair[1] as? String)
            let value = try #require(Double(text))
            entry["metric"] = metric
            entry["value"] = [pair[0], String(change(metric["__name__"] ?? "", value))]
            return entry
        }
        object["data"] = data
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    /// Per provider, the `llm_requests_total` series of an answer and the sum of their values, read with Foundation
    /// (not lookout's reader).
    static func requestSeries(_ body: [UInt8]) throws -> (totals: [String: Int], series: [String: Int]) {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        let result = try #require((object["data"] as? [String: Any])?["result"] as? [[String: Any]])
        var totals: [String: Int] = [:], series: [String: Int] = [:]
        for entry in result {
            let metric = try #require(entry["metric"] as? [String: String])
            guard metric["__name__"] == "llm_requests_total" else { continue }
            let text = try #require((entry["value"] as? [Any])?[1] as? String)
            let value = try #require(Double(text))
            totals[metric["provider"] ?? "", default: 0] += Int(value)
            series[metric["provider"] ?? "", default: 0] += 1
        }
        return (totals, series)
    }

    @Test func theQueryAsksForTheMappingsFamiliesOfTheSelectedSeries() {
        let query = PromQL.seriesQuery(matchers: #"job="support-bot""#, mapping: .app)
        #expect(query.hasPrefix(#"{__name__=~"llm_requests|llm_requests_total|llm_calls|llm_calls_total|"#))
        #expect(query.contains("|llm_request_duration_seconds_bucket|llm_request_duration_seconds_sum|llm_request_duration_seconds_count|"))
        #expect(query.hasSuffix(#"",job="support-bot"}"#))
        // Without a mapping (detected from the answer): every preset's families, each once.
        let any = PromQL.seriesQuery(matchers: #"job="gw""#, mapping: nil)
        #expect(any.contains("litellm_deployment_success_responses_total") && any.contains("gen_ai_client_token_usage_bucket")
                && any.contains("llm_tokens_total"))
        let url = PromQL.instantQueryURL(server: "http://prom:9090/", query: query)
        #expect(url.hasPrefix("http://prom:9090/api/v1/query?query=%7B__name__%3D~%22llm_requests%7Cllm_requests_total%7C"))
        #expect(!url.contains("\"") && !url.contains("|") && !url.contains(" "))
        #expect(PromQL.instantQueryURL(server: "http://prom:9090", query: "up", time: 1_800_000_000.5) == "http://prom:9090/api/v1/query?query=up&time=1800000000.500")
    }

    @Test func matchersAreCheckedForWhatWouldChangeTheQuerysShape() {
        #expect(PromQL.problem(inMatchers: #"job="chat-api",namespace=~"prod-.*""#) == nil)
        #expect(PromQL.problem(inMatchers: #"{job="chat-api"}"#) == "write the matchers without braces: job=\"chat-api\"")
        #expect(PromQL.problem(inMatchers: #"__name__="up""#) == "the metric names come from the mapping; leave __name__ out")
        #expect(PromQL.problem(inMatchers: "  ") == "expected label matchers such as job=\"chat-api\"")
    }

    @Test func aRealAnswerIsReadAsAScrapeOfItsReplicas() throws {
        let body = try Self.fixture("app-series.json")
        let response = PromQLResponse.decode(body, httpStatus: 200)
        #expect(response.error == nil && response.warnings.isEmpty)
        #expect(response.samples.count == 50 && response.replicas == 1)
        #expect(response.samples.allSatisfy { $0.labels["job"] == "support-bot" && $0.labels["__name__"] != nil })
        let exposition = response.exposition(histograms: MetricMapping.app.latencyHistograms)
        #expect(exposition.hasPrefix("# TYPE llm_request_duration_seconds histogram\n"))
        #expect(exposition.contains(#"llm_request_duration_seconds_bucket{instance="127.0.0.1:40387",job="support-bot",le="+Inf",model="gpt-4o",provider="openai"} "#))

        // Counted whole, the answer's calls are what its counters say (summed here with Foundation).
        var tracker = MetricsTracker(mapping: .app, firstScrapeCountsWhole: true)
        let scrape = tracker.read(exposition)
        #expect(scrape.mapping == "app" && scrape.badLines == 0 && scrape.series == 50)
        let requests = Dictionary(grouping: scrape.deltas, by: \.provider).mapValues { $0.reduce(0) { $0 + $1.requests } }
        #expect(requests == (try Self.requestSeries(body).totals) && !requests.isEmpty)
        #expect(scrape.deltas.allSatisfy { delta in delta.latencyBuckets.reduce(0) { $0 + $1.count } == delta.requests })
    }

    @Test func replicasAddUpAndAReplicaThatRestartsResetsOnlyItsOwnSeries() throws {
        let body = try Self.fixture("app-series.json")
        let (totals, seriesPerProvider) = try Self.requestSeries(body)
        let histograms = MetricMapping.app.latencyHistograms
        func answer(_ replicas: [[UInt8]]) throws -> String {
            // Two answers' results in one: what Prometheus returns for a job with two replicas.
            var results: [Any] = []
            for replica in replicas {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(replica)) as? [String: Any])
                results += try #require((object["data"] as? [String: Any])?["result"] as? [Any])
            }
            let merged = try JSONSerialization.data(withJSONObject: ["status": "success", "data": ["resultType": "vector", "result": results]])
            let response = PromQLResponse.decode(Array(merged), httpStatus: 200)
            #expect(response.replicas == replicas.count)
            return response.exposition(histograms: histograms)
        }
        let a = try Self.replica(body, instance: "a:8000") { _, v in v }
        let b = try Self.replica(body, instance: "b:8000") { _, v in v }
        var tracker = MetricsTracker(mapping: .app)
        #expect(tracker.read(try answer([a, b])).baseline)
        // Ten more calls of each series on a; b restarts and has counted each of its series' calls once since.
        let aLater = try Self.replica(body, instance: "a:8000") { name, v in name == "llm_requests_total" ? v + 10 : v }
        let bRestarted = try Self.replica(body, instance: "b:8000") { name, _ in name == "llm_requests_total" ? 1 : 0 }
        let scrape = tracker.read(try answer([aLater, bRestarted]))
        let requests = Dictionary(grouping: scrape.deltas, by: \.provider).mapValues { $0.reduce(0) { $0 + $1.requests } }
        #expect(requests == seriesPerProvider.mapValues { $0 * 10 + $0 * 1 }, "a's growth plus b's calls since its restart")
        #expect(!totals.isEmpty)
    }

    @Test func errorsAndWrongShapesAreSaidNotHidden() throws {
        #expect(PromQLResponse.decode(try Self.fixture("bad-query.json"), httpStatus: 400).error
                == #"bad_data: invalid parameter "query": 1:32: parse error: unclosed left parenthesis"#)
        #expect(PromQLResponse.decode(try Self.fixture("range-vector.json"), httpStatus: 200).error == "expected an instant vector, got a matrix")
        let proxy = PromQLResponse.decode(Array("<html><body>502 Bad Gateway\u{1b}[2J</body></html>".utf8), httpStatus: 502)
        #expect(proxy.error == #"not a Prometheus API answer (HTTP 502): <html><body>502 Bad Gateway\e[2J</body></html>"#)
        // Warnings ride on a successful answer (Thanos and Mimir send them for partial data).
        let partial = PromQLResponse.decode(Array(#"{"status":"success","data":{"resultType":"vector","result":[]},"warnings":["partial response: store-1 unavailable"]}"#.utf8), httpStatus: 200)
        #expect(partial.error == nil && partial.warnings == ["partial response: store-1 unavailable"])
    }
}
