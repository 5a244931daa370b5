/// Which metric families and labels of a `/metrics` exposition describe LLM calls. Names are given without
/// the `_total` suffix (counters match with or without it); the first listed name present in a scrape wins
/// where the list is a preference (latency).
public struct MetricMapping: Sendable, Equatable {
    public var name: String
    /// Labels naming the provider, model and error, in order of preference.
    public var providerLabels: [String]
    public var modelLabels: [String]
    public var errorLabels: [String]
    /// Counters of successful and failed calls; when a scrape has neither, requests are the latency histogram's count
    /// and a call is an error when its series carries an error label.
    public var successCounters: [String]
    public var failureCounters: [String]
    /// Latency histograms in seconds, in order of preference (the provider's own latency first).
    public var latencyHistograms: [String]
    public var inputTokenCounters: [String]
    public var outputTokenCounters: [String]
    /// A token histogram whose `_sum` counts tokens, split by `tokenTypeLabel` (`input` / `output`).
    public var tokenHistograms: [String]
    public var tokenTypeLabel: String
    /// A counter of spend in US dollars; without one, cost comes from the price table.
    public var spendCounters: [String]
    /// Gauges: deployment state 0 healthy / 1 partial outage / 2 complete outage, remaining requests and tokens.
    public var deploymentStateGauges: [String]
    public var remainingRequestsGauges: [String]
    public var remainingTokensGauges: [String]
    /// A counter of deployments put in cooldown.
    public var cooldownCounters: [String]
    /// The provider named for calls whose provider label is present but empty or "None" (LiteLLM's gateway-level
    /// failures); nil: such calls take their model's provider, else `unknown`.
    public var gatewayProvider: String?

    public init(name: String, providerLabels: [String] = [], modelLabels: [String] = [], errorLabels: [String] = [],
                successCounters: [String] = [], failureCounters: [String] = [], latencyHistograms: [String] = [],
                inputTokenCounters: [String] = [], outputTokenCounters: [String] = [], tokenHistograms: [String] = [],
                tokenTypeLabel: String = "gen_ai_token_type", spendCounters: [String] = [],
                deploymentStateGauges: [String] = [], remainingRequestsGauges: [String] = [],
                remainingTokensGauges: [String] = [], cooldownCounters: [String] = [], gatewayProvider: String? = nil) {
        self.name = name
        self.providerLabels = providerLabels
        self.modelLabels = modelLabels
        self.errorLabels = errorLabels
        self.successCounters = successCounters
        self.failureCounters = failureCounters
        self.latencyHistograms = latencyHistograms
        self.inputTokenCounters = inputTokenCounters
        self.outputTokenCounters = outputTokenCounters
        self.tokenHistograms = tokenHistograms
        self.tokenTypeLabel = tokenTypeLabel
        self.spendCounters = spendCounters
        self.deploymentStateGauges = deploymentStateGauges
        self.remainingRequestsGauges = remainingRequestsGauges
        self.remainingTokensGauges = remainingTokensGauges
        self.cooldownCounters = cooldownCounters
        self.gatewayProvider = gatewayProvider
    }

    /// LiteLLM proxy's Prometheus metrics (`/metrics`): deployment success/failure counters by `api_provider`,
    /// latency histograms by `model`, token and spend counters, deployment state, cooldowns and rate-limit headroom.
    public static let litellm = MetricMapping(
        name: "litellm",
        providerLabels: ["api_provider"],
        modelLabels: ["litellm_model_name", "model", "model_group", "requested_model"],
        errorLabels: ["exception_status", "exception_class"],
        successCounters: ["litellm_deployment_success_responses"],
        failureCounters: ["litellm_deployment_failure_responses"],
        latencyHistograms: ["litellm_llm_api_latency_metric", "litellm_request_total_latency_metric"],
        inputTokenCounters: ["litellm_input_tokens_metric", "litellm_input_tokens"],
        outputTokenCounters: ["litellm_output_tokens_metric", "litellm_output_tokens"],
        spendCounters: ["litellm_spend_metric"],
        deploymentStateGauges: ["litellm_deployment_state"],
        remainingRequestsGauges: ["litellm_remaining_requests_metric", "litellm_remaining_requests"],
        remainingTokensGauges: ["litellm_remaining_tokens_metric", "litellm_remaining_tokens"],
        cooldownCounters: ["litellm_deployment_cooled_down"],
        gatewayProvider: LogMapping.gatewayLabel)

    /// OpenTelemetry GenAI client metrics as the Prometheus exporter writes them.
    public static let otelGenAI = MetricMapping(
        name: "otel-genai",
        providerLabels: ["gen_ai_provider_name", "gen_ai_system"],
        modelLabels: ["gen_ai_request_model", "gen_ai_response_model"],
        errorLabels: ["error_type"],
        latencyHistograms: ["gen_ai_client_operation_duration_seconds", "gen_ai_client_operation_duration"],
        tokenHistograms: ["gen_ai_client_token_usage"])

    public static let presets = [litellm, otelGenAI]

    public static func preset(named name: String) -> MetricMapping? { presets.first { $0.name == name } }

    /// The preset a scrape looks like, from its family names; nil when none fits.
    public static func detect(in families: [MetricFamily]) -> MetricMapping? {
        if families.contains(where: { $0.name.hasPrefix("litellm_") }) { return litellm }
        if families.contains(where: { $0.name.hasPrefix("gen_ai_") }) { return otelGenAI }
        return nil
    }

    /// The keys a mapping in the configuration may set (`metric-mappings:`), each a list of names.
    public static let configKeys = ["provider-labels", "model-labels", "error-labels", "success", "failure", "latency",
                                    "input-tokens", "output-tokens", "token-histograms", "spend", "deployment-state",
                                    "remaining-requests", "remaining-tokens", "cooldowns"]

    /// Sets the field a configuration key names; false for an unknown key.
    public mutating func set(_ key: String, _ names: [String]) -> Bool {
        switch key {
        case "provider-labels": providerLabels = names
        case "model-labels": modelLabels = names
        case "error-labels": errorLabels = names
        case "success": successCounters = names
        case "failure": failureCounters = names
        case "latency": latencyHistograms = names
        case "input-tokens": inputTokenCounters = names
        case "output-tokens": outputTokenCounters = names
        case "token-histograms": tokenHistograms = names
        case "spend": spendCounters = names
        case "deployment-state": deploymentStateGauges = names
        case "remaining-requests": remainingRequestsGauges = names
        case "remaining-tokens": remainingTokensGauges = names
        case "cooldowns": cooldownCounters = names
        default: return false
        }
        return true
    }
}
