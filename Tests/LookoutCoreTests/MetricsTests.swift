import Foundation
import LookoutCore
import Testing

@Suite("Prometheus and OpenMetrics text")
struct MetricsTests {
    func fixture(_ name: String) throws -> String {
        try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/metrics").appendingPathComponent(name), encoding: .utf8)
    }

    @Test func liteLLMExposition() throws {
        let (families, issues) = PrometheusText.parse(try fixture("litellm.prom"))
        #expect(issues.isEmpty)
        #expect(families.map { "\($0.name) \($0.kind.rawValue) \($0.samples.count)" } == [
            "litellm_request_total_latency_metric histogram 6",
            "litellm_deployment_state gauge 2",
            "litellm_deployment_failure_responses_total counter 2",
            "litellm_spend_metric_total counter 1",
            "litellm_remaining_requests_metric gauge 1",
        ])
        let state = try #require(families.first { $0.name == "litellm_deployment_state" })
        #expect(state.samples.first { $0.labels["api_provider"] == "anthropic" }?.value == 1)
        let failures = try #require(families.first { $0.name == "litellm_deployment_failure_responses_total" })
        #expect(failures.samples[0].labels["exception_status"] == "429" && failures.samples[0].value == 7)
        #expect(state.help?.hasPrefix("LLM Deployment Analytics") == true)

        // p50 of 10 requests with buckets 0.5:2, 1.0:6, 2.5:9, +Inf:10 → rank 5 in (0.5, 1.0]: 0.5 + 0.5 × 3/4 = 0.875.
        let latency = try #require(families.first { $0.kind == .histogram })
        let buckets = latency.samples.filter { $0.name.hasSuffix("_bucket") }.map { ($0.labels["le"].flatMap { PrometheusText.number($0[...]) } ?? 0, $0.value) }
        #expect(MetricMath.quantile(0.5, buckets: buckets) == 0.875)
        // p95: rank 9.5 falls in the +Inf bucket: its lower edge, 2.5 (as histogram_quantile answers).
        #expect(MetricMath.quantile(0.95, buckets: buckets) == 2.5)
        #expect(MetricMath.quantile(0.2, buckets: buckets) == 0.5)
    }

    @Test func openTelemetryGenAIOpenMetrics() throws {
        let (families, issues) = PrometheusText.parse(try fixture("otel_genai.openmetrics"))
        #expect(issues.isEmpty)
        #expect(families.map(\.name) == ["gen_ai_client_operation_duration_seconds", "gen_ai_client_token_usage", "process_restarts"])
        let duration = families[0]
        #expect(duration.samples.first?.labels["gen_ai_provider_name"] == "openai")
        let buckets = duration.samples.filter { $0.name.hasSuffix("_bucket") }.map { (PrometheusText.number($0.labels["le"]![...])!, $0.value) }
        // Rank 4 of 8 in (0.32, 0.64] holding counts 2…5: 0.32 + 0.32 × 3/4 = 0.56.
        #expect(abs(MetricMath.quantile(0.5, buckets: buckets)! - 0.56) < 1e-12)
        #expect(families[1].samples.first?.labels["gen_ai_system"] == "anthropic")
        #expect(families[2].samples == [MetricSample(name: "process_restarts_total", value: 2, timestamp: 1764320000.5)])
        #expect(!families.contains { $0.name == "this_line_is_after_eof" }, "nothing after # EOF")
    }

    @Test func escapesSpecialValuesAndHostileLines() {
        let text = #"""
        m{path="C:\\dir",quote="say \"hi\"",nl="a\nb"} 1
        m_nan NaN
        m_inf +Inf
        m_neg -Inf
        broken{a="unterminated} 1
        {no_name="x"} 1
        novalue
        m{a="1",} 2
        """#
        let (families, issues) = PrometheusText.parse(text)
        let m = families.first { $0.name == "m" }
        #expect(m?.samples.first?.labels == ["path": #"C:\dir"#, "quote": #"say "hi""#, "nl": "a\nb"])
        #expect(m?.samples.last?.value == 2, "a trailing comma in labels is accepted")
        #expect(families.first { $0.name == "m_nan" }?.samples.first?.value.isNaN == true)
        #expect(families.first { $0.name == "m_inf" }?.samples.first?.value == .infinity)
        #expect(families.first { $0.name == "m_neg" }?.samples.first?.value == -.infinity)
        #expect(issues.map(\.line) == [5, 6, 7])
        #expect(issues.map(\.message) == ["unterminated label value", "expected a metric name", "expected a value after novalue"])
    }

    @Test func anOverlongLineIsAnIssueNotACrash() {
        let (families, issues) = PrometheusText.parse("big{a=\"" + String(repeating: "x", count: 100_000) + "\"} 1\nok 1\n")
        #expect(issues.first?.message == "line longer than 65536 bytes")
        #expect(families.map(\.name) == ["ok"])
    }

    @Test func counterIncreasesSurviveResets() {
        #expect(MetricMath.increase(from: 10, to: 15) == 5)
        #expect(MetricMath.increase(from: 15, to: 3) == 3, "the process restarted: 3 since the reset")
        #expect(MetricMath.quantile(0.5, buckets: []) == nil)
    }
}
