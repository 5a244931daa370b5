import Foundation
import Synchronization

/// The demo services' `/metrics`: counts every simulated call and writes the exposition a real service would —
/// LiteLLM's metric names for a gateway, OpenTelemetry GenAI's (as the Prometheus exporter writes them), or an
/// ordinary app's prometheus_client counters (as `Fixtures/app-metrics`, written by the real library, shows them).
public final class DemoMetrics: Sendable {
    /// Which vocabulary a service's `/metrics` speaks.
    public enum Style: String, Sendable { case litellm, otelGenAI = "otel-genai", app }

    struct Key: Hashable, Comparable {
        var provider: String, model: String, status: Int
        /// The exception class of a call that got no response (`ConnectError`), else "".
        var errorType = ""
        static func < (a: Key, b: Key) -> Bool {
            (a.provider, a.model, a.status, a.errorType) < (b.provider, b.model, b.status, b.errorType)
        }
    }
    struct Series {
        var calls = 0, inputTokens = 0, outputTokens = 0, cooldowns = 0
        var spend = 0.0, latencySum = 0.0
        var buckets: [Int]
        init(bounds: Int) { buckets = Array(repeating: 0, count: bounds) }
    }

    /// LiteLLM's and OpenTelemetry's recommended latency buckets (seconds), shortened.
    static let litellmBounds = [0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5, 10.0, 30.0, 60.0]
    static let otelBounds = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]
    /// prometheus_client's default histogram buckets.
    static let appBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0]

    private let series = Mutex<[String: [Key: Series]]>([:])

    public init() {}

    static func bounds(_ style: Style) -> [Double] {
        switch style {
        case .litellm: return litellmBounds
        case .otelGenAI: return otelBounds
        case .app: return appBounds
        }
    }

    /// Counts one call of `service`.
    public func record(_ call: SimulatedCall, service: String, style: Style) {
        let bounds = Self.bounds(style)
        let seconds = call.latencyMs / 1000
        series.withLock { all in
            let key = Key(provider: call.provider, model: call.model, status: call.error == nil ? 200 : call.statusCode,
                          errorType: call.errorType ?? (call.error == nil ? "" : Self.exceptionClass(call.statusCode)))
            var entry = all[service]?[key] ?? Series(bounds: bounds.count)
            entry.calls += 1
            entry.inputTokens += call.inputTokens
            entry.outputTokens += call.outputTokens
            entry.spend += call.costUSD
            entry.latencySum += seconds
            if let index = bounds.firstIndex(where: { seconds <= $0 }) { entry.buckets[index] += 1 }
            if call.statusCode == 429, call.requestID.hasSuffix("0") { entry.cooldowns += 1 }
            all[service, default: [:]][key] = entry
        }
    }

    /// The OpenAI SDK's exception class for an HTTP failure, as an app labels `error_type=type(e).__name__`.
    static func exceptionClass(_ status: Int) -> String {
        switch status {
        case 429: return "RateLimitError"
        case 408: return "APITimeoutError"
        case 401: return "AuthenticationError"
        case 400..<500: return "BadRequestError"
        default: return "InternalServerError"
        }
    }

    /// The exposition text of `service`; `states` gives LiteLLM's deployment state per provider (0/1/2).
    public func exposition(service: String, style: Style, states: [String: Int] = [:]) -> String {
        let snapshot = series.withLock { $0[service] ?? [:] }.sorted { $0.key < $1.key }
        switch style {
        case .litellm: return litellm(snapshot, states: states)
        case .otelGenAI: return otel(snapshot)
        case .app: return app(snapshot, created: created)
        }
    }

    /// When the counters started (prometheus_client writes it as `_created`).
    private let created = Date().timeIntervalSince1970

    /// prometheus_client's text: `llm_requests_total{model,provider,status,error_type}` (both outcomes in one counter),
    /// `llm_request_duration_seconds` (histogram), `llm_tokens_total{type}`, `llm_cost_usd_total`, each with `_created`.
    private func app(_ snapshot: [(key: Key, value: Series)], created: Double) -> String {
        var out = ""
        func family(_ name: String, _ help: String, _ type: String, _ samples: [(String, String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples { out += "\(name){\(labels)} \(value)\n" }
        }
        func callLabels(_ key: Key) -> String {
            "error_type=\"\(key.errorType)\",model=\"\(key.model)\",provider=\"\(key.provider)\",status=\"\(key.status == 200 ? "success" : "error")\""
        }
        func float(_ n: Int) -> String { "\(n).0" }
        let calls = snapshot.map { (callLabels($0.key), float($0.value.calls)) }
        family("llm_requests_total", "LLM calls by outcome", "counter", calls)
        family("llm_requests_created", "LLM calls by outcome", "gauge", calls.map { ($0.0, "\(created)") })
        let models = merged(snapshot) { "model=\"\($0.model)\",provider=\"\($0.provider)\"" }
        out += "# HELP llm_request_duration_seconds LLM call latency\n# TYPE llm_request_duration_seconds histogram\n"
        for (id, series) in models {
            var cumulative = 0
            for (index, bound) in Self.appBounds.enumerated() {
                cumulative += series.buckets[index]
                out += "llm_request_duration_seconds_bucket{le=\"\(bound)\",\(id)} \(float(cumulative))\n"
            }
            out += "llm_request_duration_seconds_bucket{le=\"+Inf\",\(id)} \(float(series.calls))\n"
            out += "llm_request_duration_seconds_count{\(id)} \(float(series.calls))\n"
            out += "llm_request_duration_seconds_sum{\(id)} \(series.latencySum)\n"
        }
        let tokens = models.flatMap { id, series in
            [("\(id),type=\"input\"", float(series.inputTokens)), ("\(id),type=\"output\"", float(series.outputTokens))]
        }
        family("llm_tokens_total", "LLM tokens by type", "counter", tokens)
        family("llm_cost_usd_total", "LLM spend in US dollars", "counter", models.map { ($0.0, "\($0.1.spend)") })
        return out
    }

    private func litellm(_ snapshot: [(key: Key, value: Series)], states: [String: Int]) -> String {
        var out = ""
        func labels(_ key: Key) -> String { "api_provider=\"\(key.provider)\",litellm_model_name=\"\(key.model)\",model_id=\"\(key.provider)-\(key.model)\"" }
        out += "# HELP litellm_deployment_success_responses LLM Deployment Analytics - Total number of successful LLM API calls via litellm\n"
        out += "# TYPE litellm_deployment_success_responses counter\n"
        for (key, value) in snapshot where key.status == 200 { out += "litellm_deployment_success_responses_total{\(labels(key))} \(value.calls).0\n" }
        out += "# HELP litellm_deployment_failure_responses LLM Deployment Analytics - Total number of failed LLM API calls for a specific LLM deployment\n"
        out += "# TYPE litellm_deployment_failure_responses counter\n"
        for (key, value) in snapshot where key.status != 200 {
            let exceptionClass = key.status == 429 ? "RateLimitError" : key.status == 408 ? "Timeout" : "ServiceUnavailableError"
            out += "litellm_deployment_failure_responses_total{\(labels(key)),exception_class=\"\(exceptionClass)\",exception_status=\"\(key.status)\"} \(value.calls).0\n"
        }
        out += "# HELP litellm_llm_api_latency_metric Total latency (seconds) for a models LLM API call\n"
        out += "# TYPE litellm_llm_api_latency_metric histogram\n"
        for (model, merged) in merged(snapshot, by: \.model) {
            out += Self.latency("litellm_llm_api_latency_metric", labels: "model=\"\(model)\"", merged, bounds: Self.litellmBounds, countSuffix: ".0")
        }
        for (name, help, value) in [("litellm_input_tokens_metric", "Total number of input tokens from LLM requests", { (s: Series) in Double(s.inputTokens) }),
                                    ("litellm_output_tokens_metric", "Total number of output tokens from LLM requests", { s in Double(s.outputTokens) }),
                                    ("litellm_spend_metric", "Total spend on LLM requests", { s in s.spend })] {
            out += "# HELP \(name) \(help)\n# TYPE \(name) counter\n"
            for (model, merged) in merged(snapshot, by: \.model) { out += "\(name)_total{model=\"\(model)\"} \(value(merged))\n" }
        }
        let providers = Set(snapshot.map(\.key.provider)).sorted()
        out += "# HELP litellm_deployment_state LLM Deployment Analytics - The state of the deployment: 0 = healthy, 1 = partial outage, 2 = complete outage\n"
        out += "# TYPE litellm_deployment_state gauge\n"
        // One gauge per deployment (provider and model), as the real proxy writes it.
        for key in Set(snapshot.map { Key(provider: $0.key.provider, model: $0.key.model, status: 0) }).sorted() {
            out += "litellm_deployment_state{\(labels(key))} \(states[key.provider] ?? 0).0\n"
        }
        out += "# HELP litellm_deployment_cooled_down LLM Deployment Analytics - Number of times a deployment has been cooled down by LiteLLM load balancing logic\n"
        out += "# TYPE litellm_deployment_cooled_down counter\n"
        for (key, value) in snapshot where key.status == 429 {
            out += "litellm_deployment_cooled_down_total{\(labels(key)),exception_status=\"429\"} \(value.cooldowns).0\n"
        }
        out += "# HELP litellm_remaining_requests_metric LLM Deployment Analytics - remaining requests for model, returned from LLM API Provider\n"
        out += "# TYPE litellm_remaining_requests_metric gauge\n"
        for provider in providers {
            out += "litellm_remaining_requests_metric{api_provider=\"\(provider)\"} \((states[provider] ?? 0) > 0 ? 3 : 4800).0\n"
        }
        return out
    }

    private func otel(_ snapshot: [(key: Key, value: Series)]) -> String {
        var out = "# HELP gen_ai_client_operation_duration_seconds GenAI operation duration.\n"
        out += "# TYPE gen_ai_client_operation_duration_seconds histogram\n"
        for (key, value) in snapshot {
            let errorType = key.status == 200 ? "" : key.status == 408 ? ",error_type=\"timeout\"" : ",error_type=\"\(key.status)\""
            let labels = "gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"\(key.provider)\",gen_ai_request_model=\"\(key.model)\"\(errorType)"
            out += Self.latency("gen_ai_client_operation_duration_seconds", labels: labels, value, bounds: Self.otelBounds, countSuffix: "")
        }
        out += "# HELP gen_ai_client_token_usage Number of input and output tokens used.\n"
        out += "# TYPE gen_ai_client_token_usage histogram\n"
        for (key, value) in snapshot where key.status == 200 {
            for (type, tokens) in [("input", value.inputTokens), ("output", value.outputTokens)] {
                let labels = "gen_ai_operation_name=\"chat\",gen_ai_provider_name=\"\(key.provider)\",gen_ai_request_model=\"\(key.model)\",gen_ai_token_type=\"\(type)\""
                out += "gen_ai_client_token_usage_bucket{\(labels),le=\"+Inf\"} \(value.calls)\n"
                out += "gen_ai_client_token_usage_sum{\(labels)} \(tokens)\n"
                out += "gen_ai_client_token_usage_count{\(labels)} \(value.calls)\n"
            }
        }
        return out
    }

    /// One latency histogram's samples: cumulative buckets, `+Inf`, count and sum (LiteLLM writes counts as floats).
    static func latency(_ name: String, labels: String, _ series: Series, bounds: [Double], countSuffix: String) -> String {
        var out = ""
        var cumulative = 0
        for (index, bound) in bounds.enumerated() {
            cumulative += series.buckets[index]
            out += "\(name)_bucket{\(labels),le=\"\(bound)\"} \(cumulative)\(countSuffix)\n"
        }
        out += "\(name)_bucket{\(labels),le=\"+Inf\"} \(series.calls)\(countSuffix)\n"
        out += "\(name)_count{\(labels)} \(series.calls)\(countSuffix)\n"
        return out + "\(name)_sum{\(labels)} \(series.latencySum)\n"
    }

    /// The series merged by `label` (LiteLLM's latency, token and spend metrics are labelled by model only; an app's
    /// histogram and token counters by provider and model), sorted by it.
    private func merged(_ snapshot: [(key: Key, value: Series)], by label: (Key) -> String) -> [(String, Series)] {
        var merged: [String: Series] = [:]
        for (key, value) in snapshot {
            var entry = merged[label(key)] ?? Series(bounds: value.buckets.count)
            entry.calls += value.calls
            entry.inputTokens += value.inputTokens
            entry.outputTokens += value.outputTokens
            entry.spend += value.spend
            entry.latencySum += value.latencySum
            for index in value.buckets.indices { entry.buckets[index] += value.buckets[index] }
            merged[label(key)] = entry
        }
        return merged.sorted { $0.key < $1.key }
    }
}
