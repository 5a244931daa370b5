import Foundation
import LookoutCore
import Testing

/// Scrapes of a LiteLLM proxy and an OTel-instrumented service turned into provider statistics.
@Suite("Metrics into provider statistics")
struct MetricsTrackerTests {
    /// A LiteLLM exposition with the given counter values (names and labels as LiteLLM's docs give them).
    func liteLLM(success: Int, rateLimited: Int, buckets: [Int], inputTokens: Int, spend: Double, state: Int = 0) -> String {
        let bounds = ["0.5", "1.0", "2.5", "+Inf"]
        var text = """
        # TYPE litellm_deployment_success_responses counter
        litellm_deployment_success_responses_total{api_base="https://api.anthropic.com",api_provider="anthropic",litellm_model_name="claude-3-5-haiku",model_id="b2"} \(success).0
        # TYPE litellm_deployment_failure_responses counter
        litellm_deployment_failure_responses_total{api_provider="anthropic",exception_class="RateLimitError",exception_status="429",litellm_model_name="claude-3-5-haiku",model_id="b2"} \(rateLimited).0
        # TYPE litellm_llm_api_latency_metric histogram

        """
        for (bound, count) in zip(bounds, buckets) {
            text += "litellm_llm_api_latency_metric_bucket{model=\"claude-3-5-haiku\",le=\"\(bound)\"} \(count).0\n"
        }
        text += """
        litellm_llm_api_latency_metric_count{model="claude-3-5-haiku"} \(buckets.last ?? 0).0
        # TYPE litellm_input_tokens_metric counter
        litellm_input_tokens_metric_total{model="claude-3-5-haiku"} \(inputTokens).0
        # TYPE litellm_spend_metric counter
        litellm_spend_metric_total{model="claude-3-5-haiku"} \(spend)
        # TYPE litellm_deployment_state gauge
        litellm_deployment_state{api_provider="anthropic",litellm_model_name="claude-3-5-haiku"} \(state).0
        # TYPE litellm_remaining_requests_metric gauge
        litellm_remaining_requests_metric{api_provider="anthropic",litellm_model_name="claude-3-5-haiku",model_group="claude"} 7.0

        """
        return text
    }

    @Test func theFirstScrapeIsABaselineAndTheSecondCountsIncreases() throws {
        var tracker = MetricsTracker(mapping: .litellm)
        let first = tracker.read(liteLLM(success: 100, rateLimited: 5, buckets: [10, 60, 100, 100], inputTokens: 50_000, spend: 1.5))
        #expect(first.baseline && first.mapping == "litellm" && first.deltas.isEmpty)
        #expect(first.gauges["anthropic"] == ProviderGauges(deploymentState: 0, deployments: [DeploymentGauge(name: "claude-3-5-haiku", state: 0)],
                                                           remainingRequests: 7))

        let second = tracker.read(liteLLM(success: 130, rateLimited: 15, buckets: [12, 72, 140, 145], inputTokens: 62_000, spend: 1.75, state: 1))
        let delta = try #require(second.deltas.first)
        #expect(second.deltas.count == 1)
        // The latency histogram names only the model: its provider comes from the deployment series.
        #expect(delta.provider == "anthropic" && delta.model == "claude-3-5-haiku")
        #expect(delta.requests == 40 && delta.errorsByClass == [.rateLimit: 10])
        #expect(delta.latencyBuckets == [.init(lower: 0, upper: 0.5, count: 2), .init(lower: 0.5, upper: 1.0, count: 10),
                                         .init(lower: 1.0, upper: 2.5, count: 28), .init(lower: 2.5, upper: .infinity, count: 5)])
        #expect(delta.inputTokens == 12_000 && abs((delta.costUSD ?? 0) - 0.25) < 1e-9)
        #expect(second.gauges["anthropic"]?.deploymentState == 1)
    }

    @Test func aCounterResetCountsTheNewValueAndANewSeriesCountsWhole() throws {
        var tracker = MetricsTracker(mapping: .litellm)
        _ = tracker.read(liteLLM(success: 100, rateLimited: 0, buckets: [0, 0, 0, 0], inputTokens: 0, spend: 0))
        // The proxy restarted: every counter is smaller than before.
        let afterRestart = tracker.read(liteLLM(success: 8, rateLimited: 2, buckets: [0, 0, 0, 0], inputTokens: 0, spend: 0))
        #expect(afterRestart.deltas.first?.requests == 10)
        #expect(afterRestart.deltas.first?.errors == 2)
    }

    @Test func boardPercentilesFromScrapedBucketsMatchHistogramQuantile() throws {
        var tracker = MetricsTracker(mapping: .litellm)
        _ = tracker.read(liteLLM(success: 0, rateLimited: 0, buckets: [0, 0, 0, 0], inputTokens: 0, spend: 0))
        let scrape = tracker.read(liteLLM(success: 10, rateLimited: 0, buckets: [2, 6, 9, 10], inputTokens: 1000, spend: 0.01))
        var board = ProviderBoard()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for delta in scrape.deltas { board.add(delta, at: now) }
        let summary = try #require(board.summary(provider: "anthropic", window: .oneMinute, now: now))
        #expect(summary.requests == 10 && summary.errors == 0)
        // histogram_quantile(0.5) = 0.875 s (checked by hand in MetricsTests); spreading each bucket's calls evenly
        // gives the same within the histogram's 2 significant digits and one bucket step.
        let p50 = try #require(summary.p50Ms)
        #expect(abs(p50 - 875) <= 65, "p50 \(p50)")
        #expect(abs(summary.costUSD - 0.01) < 1e-9)
    }

    @Test func openTelemetryCountsRequestsFromTheHistogramAndErrorsFromErrorType() throws {
        func exposition(ok: Int, timeouts: Int, input: Int, output: Int) -> String {
            """
            # TYPE gen_ai_client_operation_duration_seconds histogram
            gen_ai_client_operation_duration_seconds_bucket{gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",le="0.64"} \(ok)
            gen_ai_client_operation_duration_seconds_bucket{gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",le="+Inf"} \(ok)
            gen_ai_client_operation_duration_seconds_count{gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"} \(ok)
            gen_ai_client_operation_duration_seconds_bucket{error_type="timeout",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",le="0.64"} 0
            gen_ai_client_operation_duration_seconds_bucket{error_type="timeout",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",le="+Inf"} \(timeouts)
            gen_ai_client_operation_duration_seconds_count{error_type="timeout",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini"} \(timeouts)
            # TYPE gen_ai_client_token_usage histogram
            gen_ai_client_token_usage_sum{gen_ai_system="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_token_type="input"} \(input)
            gen_ai_client_token_usage_sum{gen_ai_system="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_token_type="output"} \(output)
            # EOF

            """
        }
        var tracker = MetricsTracker()   // detected from the names
        #expect(tracker.read(exposition(ok: 5, timeouts: 0, input: 100, output: 50)).mapping == "otel-genai")
        let scrape = tracker.read(exposition(ok: 9, timeouts: 2, input: 900, output: 250))
        let delta = try #require(scrape.deltas.first)
        #expect(scrape.deltas.count == 1 && delta.provider == "openai" && delta.model == "gpt-4o-mini")
        #expect(delta.requests == 6 && delta.errorsByClass == [.timeout: 2])
        #expect(delta.inputTokens == 800 && delta.outputTokens == 200 && delta.costUSD == nil)
        // No spend counter: the board prices the tokens.
        var board = ProviderBoard(prices: PriceTable(["openai": ["gpt-4o-mini": .init(inputPerMillion: 0.15, outputPerMillion: 0.60)]]))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        board.add(delta, at: now)
        let cost = try #require(board.summary(provider: "openai", window: .oneMinute, now: now)?.costUSD)
        #expect(abs(cost - (800 * 0.15 + 200 * 0.60) / 1_000_000) < 1e-12)
    }

    @Test func anExpositionWithoutLLMMetricsSaysSoAndHostileTextIsCounted() {
        var tracker = MetricsTracker()
        let scrape = tracker.read("process_cpu_seconds_total 12.5\nhttp_requests_total{code=\"200\"} 3\n{not a sample\n\u{1B}[2J 1\n")
        #expect(scrape.mapping == nil && scrape.deltas.isEmpty && scrape.badLines == 2 && scrape.series == 2)
    }

    @Test func routingBodiesAreReadOrRejected() {
        let wrapped = RoutingReport.parse(Array(#"{"providers":{"openai":"primary","anthropic":"disabled"}}"#.utf8))
        #expect(wrapped == .success([ProviderRoute(provider: "anthropic", role: .disabled), ProviderRoute(provider: "openai", role: .primary)]))
        let flat = RoutingReport.parse(Array(#"{"azure-openai":{"role":"STANDBY"}}"#.utf8))
        #expect(flat == .success([ProviderRoute(provider: "azure-openai", role: .standby)]))
        #expect(RoutingReport.parse(Array(#"{"openai":"leader"}"#.utf8)) == .failure(RoutingProblem(message: "role of openai is not primary, standby or disabled")))
        #expect(RoutingReport.parse(Array("<html>".utf8)) == .failure(RoutingProblem(message: "routing body is not a JSON object")))
    }
}
