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
    /// Counters that hold both outcomes, told apart by `outcomeLabel` (`llm_requests_total{status="error"}`): a
    /// sample is a failure when that label's value is one of `failureValues`, or an HTTP status of 400 or more.
    public var requestCounters: [String]
    public var outcomeLabel: String?
    public var failureValues: [String]
    /// Latency histograms in seconds, in order of preference (the provider's own latency first).
    public var latencyHistograms: [String]
    public var inputTokenCounters: [String]
    public var outputTokenCounters: [String]
    /// A token histogram whose `_sum` counts tokens, split by `tokenTypeLabel` (`input` / `output`).
    public var tokenHistograms: [String]
    /// Token counters split by `tokenTypeLabel` (`llm_tokens_total{type="input"|"output"}`).
    public var tokenCounters: [String]
    public var tokenTypeLabel: String
    /// A counter of spend in US dollars; without one, cost comes from the price table.
    public var spendCounters: [String]
    /// Gauges: deployment state 0 healthy / 1 partial outage / 2 complete outage, remaining requests and tokens.
    public var deploymentStateGauges: [String]
    public var remainingRequestsGauges: [String]
    public var remainingTokensGauges: [String]
    /// A gauge of the US dollars left of a provider's own budget (LiteLLM's `provider_budget_config`).
    public var remainingBudgetGauges: [String] = []
    /// Gauges of the US dollars left of a virtual key's and a team's budget (LiteLLM, with its database).
    public var remainingKeyBudgetGauges: [String] = []
    public var remainingTeamBudgetGauges: [String] = []
    /// A counter of deployments put in cooldown.
    public var cooldownCounters: [String]
    /// The provider named for calls whose provider label is present but empty or "None" (LiteLLM's gateway-level
    /// failures); nil: such calls take their model's provider, else `unknown`.
    public var gatewayProvider: String?

    public init(name: String, providerLabels: [String] = [], modelLabels: [String] = [], errorLabels: [String] = [],
                successCounters: [String] = [], failureCounters: [String] = [], requestCounters: [String] = [],
                outcomeLabel: String? = nil, failureValues: [String] = ["error", "failure", "failed"], latencyHistograms: [String] = [],
                inputTokenCounters: [String] = [], outputTokenCounters: [String] = [], tokenHistograms: [String] = [],
                tokenCounters: [String] = [], tokenTypeLabel: String = "gen_ai_token_type", spendCounters: [String] = [],
                deploymentStateGauges: [String] = [], remainingRequestsGauges: [String] = [],
                remainingTokensGauges: [String] = [], cooldownCounters: [String] = [], gatewayProvider: String? = nil) {
        self.name = name
        self.providerLabels = providerLabels
        self.modelLabels = modelLabels
        self.errorLabels = errorLabels
        self.successCounters = successCounters
        self.failureCounters = failureCounters
        self.requestCounters = requestCounters
        self.outcomeLabel = outcomeLabel
        self.failureValues = failureValues
        self.latencyHistograms = latencyHistograms
        self.inputTokenCounters = inputTokenCounters
        self.outputTokenCounters = outputTokenCounters
        self.tokenHistograms = tokenHistograms
        self.tokenCounters = tokenCounters
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
        gatewayProvider: LogMapping.gatewayLabel).withBudgets(provider: ["litellm_provider_remaining_budget_metric"],
                                                              key: ["litellm_remaining_api_key_budget_metric"],
                                                              team: ["litellm_remaining_team_budget_metric"])

    /// The same mapping with the gateway's budget gauges.
    func withBudgets(provider: [String], key: [String], team: [String]) -> MetricMapping {
        var mapping = self
        mapping.remainingBudgetGauges = provider
        mapping.remainingKeyBudgetGauges = key
        mapping.remainingTeamBudgetGauges = team
        return mapping
    }

    /// OpenTelemetry GenAI client metrics as the Prometheus exporter writes them.
    public static let otelGenAI = MetricMapping(
        name: "otel-genai",
        providerLabels: ["gen_ai_provider_name", "gen_ai_system"],
        modelLabels: ["gen_ai_request_model", "gen_ai_response_model"],
        errorLabels: ["error_type"],
        latencyHistograms: ["gen_ai_client_operation_duration_seconds", "gen_ai_client_operation_duration"],
        tokenHistograms: ["gen_ai_client_token_usage"])

    /// An ordinary app's `prometheus_client` metrics (names from the service issue 11 reports, exposition captured
    /// from the real library in `Fixtures/app-metrics`): `llm_requests_total{provider,model,status}`,
    /// `llm_request_duration_seconds` (histogram), `llm_tokens_total{type="input"|"output"}`, `llm_cost_usd_total`.
    public static let app = MetricMapping(
        name: "app",
        providerLabels: ["provider", "llm_provider"],
        modelLabels: ["model"],
        errorLabels: ["error_type", "error", "code"],
        requestCounters: ["llm_requests", "llm_calls"],
        outcomeLabel: "status",
        latencyHistograms: ["llm_request_duration_seconds", "llm_latency_seconds", "llm_call_duration_seconds"],
        tokenCounters: ["llm_tokens"],
        tokenTypeLabel: "type",
        spendCounters: ["llm_cost_usd", "llm_spend_usd", "llm_cost_dollars"])

    public static let presets = [litellm, otelGenAI, app]

    public static func preset(named name: String) -> MetricMapping? { presets.first { $0.name == name } }

    /// A family name without the counter suffix, as mappings name them.
    static func base(_ name: String) -> String { name.hasSuffix("_total") ? String(name.dropLast(6)) : name }

    /// The preset a scrape looks like, from its family names; nil when none fits.
    public static func detect(in families: [MetricFamily]) -> MetricMapping? {
        detect(familyNames: families.map(\.name))
    }

    /// The preset family names like these look like; nil when none fits.
    static func detect(familyNames: [String]) -> MetricMapping? {
        if familyNames.contains(where: { $0.hasPrefix("litellm_") }) { return litellm }
        if familyNames.contains(where: { $0.hasPrefix("gen_ai_") }) { return otelGenAI }
        // The usual prometheus_client shape: a request counter and a latency histogram under `llm_`.
        let names = Set(familyNames.map { base($0) })
        if !app.requestCounters.filter(names.contains).isEmpty || !app.latencyHistograms.filter(names.contains).isEmpty { return app }
        return nil
    }

    /// The keys a mapping in the configuration may set (`metric-mappings:`), each a list of names.
    public static let configKeys = ["provider-labels", "model-labels", "error-labels", "success", "failure", "requests",
                                    "outcome-label", "failure-values", "latency", "input-tokens", "output-tokens", "tokens",
                                    "token-type-label", "token-histograms", "spend", "deployment-state",
                                    "remaining-requests", "remaining-tokens", "cooldowns"]

    /// The keys that take one label name rather than a list.
    public static let singleValueKeys: Set<String> = ["outcome-label", "token-type-label"]

    /// Sets the field a configuration key names; false for an unknown key.
    public mutating func set(_ key: String, _ names: [String]) -> Bool {
        switch key {
        case "provider-labels": providerLabels = names
        case "model-labels": modelLabels = names
        case "error-labels": errorLabels = names
        case "success": successCounters = names
        case "failure": failureCounters = names
        case "requests": requestCounters = names
        case "outcome-label": outcomeLabel = names.first
        case "failure-values": failureValues = names
        case "tokens": tokenCounters = names
        case "token-type-label": tokenTypeLabel = names.first ?? tokenTypeLabel
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
