import Foundation
import LookoutCore
import Testing

/// An ordinary app's prometheus_client metrics (`Fixtures/app-metrics`, written by the real library): detected
/// without configuration, or described by a `metric-mappings:` entry, and compared with the counters themselves.
@Suite("App metrics as apps write them")
struct AppMetricsTests {
    static func scrape(_ name: String) throws -> String {
        try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/app-metrics").appendingPathComponent(name), encoding: .utf8)
    }

    /// The sum of `name`'s samples whose labels contain every `label="value"` of `matching`, read off the text.
    static func total(_ text: String, _ name: String, _ matching: [String]) -> Double {
        text.split(separator: "\n").filter { line in line.hasPrefix(name + "{") && matching.allSatisfy { line.contains($0) } }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
    }

    static func increase(_ name: String, _ matching: [String]) throws -> Double {
        total(try scrape("after.prom"), name, matching) - total(try scrape("before.prom"), name, matching)
    }

    func read(_ mapping: MetricMapping?) throws -> [String: MetricDelta] {
        var tracker = MetricsTracker(mapping: mapping)
        let first = tracker.read(try Self.scrape("before.prom"))
        #expect(first.baseline)
        let second = tracker.read(try Self.scrape("after.prom"))
        #expect(second.mapping == (mapping?.name ?? "app"))
        return Dictionary(grouping: second.deltas, by: \.provider).mapValues { deltas in
            deltas.dropFirst().reduce(into: deltas[0]) { total, delta in
                total.requests += delta.requests
                for (c, n) in delta.errorsByClass { total.errorsByClass[c, default: 0] += n }
                total.inputTokens += delta.inputTokens
                total.outputTokens += delta.outputTokens
                total.costUSD = (total.costUSD ?? 0) + (delta.costUSD ?? 0)
                total.latencyBuckets += delta.latencyBuckets
            }
        }
    }

    func expectMatchesTheCounters(_ byProvider: [String: MetricDelta]) throws {
        #expect(Set(byProvider.keys) == ["openai", "anthropic"])
        for provider in ["openai", "anthropic"] {
            let delta = try #require(byProvider[provider])
            let p = "provider=\"\(provider)\""
            #expect(Double(delta.requests) == (try Self.increase("llm_requests_total", [p])), "\(provider)")
            #expect(Double(delta.errors) == (try Self.increase("llm_requests_total", [p, "status=\"error\""])), "\(provider)")
            #expect(Double(delta.inputTokens) == (try Self.increase("llm_tokens_total", [p, "type=\"input\""])), "\(provider)")
            #expect(Double(delta.outputTokens) == (try Self.increase("llm_tokens_total", [p, "type=\"output\""])), "\(provider)")
            #expect(abs((delta.costUSD ?? -1) - (try Self.increase("llm_cost_usd_total", [p]))) < 1e-12, "\(provider)")
            #expect(Double(delta.latencyBuckets.map(\.count).reduce(0, +)) == (try Self.increase("llm_request_duration_seconds_count", [p])))
        }
    }

    @Test func theUsualShapeIsDetectedWithoutConfiguration() throws {
        try expectMatchesTheCounters(try read(nil))
    }

    @Test func aMetricMappingDescribesTheSameShape() throws {
        let yaml = """
        metric-mappings:
          ours:
            provider-labels: [provider]
            model-labels: [model]
            requests: llm_requests
            outcome-label: status
            failure-values: [error, failure]
            latency: llm_request_duration_seconds
            tokens: llm_tokens
            token-type-label: type
            spend: llm_cost_usd
        contexts:
          prod:
            services: []
        """
        let config = try ConfigParser.parse(yaml, file: "m.yaml")
        let mapping = try #require(config.metricMappings.first)
        #expect(mapping.outcomeLabel == "status" && mapping.tokenTypeLabel == "type" && mapping.failureValues == ["error", "failure"])
        try expectMatchesTheCounters(try read(mapping))
    }

    @Test func anOutcomeLabelHoldingHTTPCodesClassesTheErrors() {
        let before = "llm_requests_total{provider=\"openai\",status=\"200\"} 1\n"
        let after = """
        llm_requests_total{provider="openai",status="200"} 5
        llm_requests_total{provider="openai",status="429"} 3
        llm_requests_total{provider="openai",status="503"} 1
        """
        var tracker = MetricsTracker(mapping: .app)
        _ = tracker.read(before)
        let delta = tracker.read(after).deltas.first
        #expect(delta?.requests == 8)
        #expect(delta?.errorsByClass == [.rateLimit: 3, .server: 1])
    }

    @Test func aListWhereOneLabelIsExpectedNamesTheLine() {
        let yaml = "metric-mappings:\n  ours:\n    outcome-label: [status, outcome]\ncontexts:\n  prod:\n    services: []\n"
        do {
            _ = try ConfigParser.parse(yaml, file: "m.yaml")
            Issue.record("a list for outcome-label must be refused")
        } catch {
            #expect(error.issues.map(\.description) == ["m.yaml:3: key `metric-mappings.ours.outcome-label`: expected one label name"])
        }
    }
}
