import Foundation

/// What the LLM calls of one provider (or provider/model) did between two scrapes.
public struct MetricDelta: Sendable, Equatable {
    public var provider: String
    public var model: String?
    public var requests = 0
    public var errorsByClass: [ErrorClass: Int] = [:]
    /// Calls by latency bucket: (lower, upper] in seconds and how many fell in it.
    public var latencyBuckets: [LatencyBucket] = []
    public var inputTokens = 0
    public var outputTokens = 0
    /// Spend from a spend counter; nil prices the tokens with the price table.
    public var costUSD: Double?
    public var cooldowns = 0

    public struct LatencyBucket: Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        public var count: Int

        public init(lower: Double, upper: Double, count: Int) {
            self.lower = lower
            self.upper = upper
            self.count = count
        }
    }

    public init(provider: String, model: String? = nil) {
        self.provider = provider
        self.model = model
    }

    public var errors: Int { errorsByClass.values.reduce(0, +) }
}

/// The latest gauge values of one provider: LiteLLM deployment state per deployment, remaining requests and
/// tokens (the lowest across its deployments).
public struct ProviderGauges: Sendable, Equatable {
    /// The provider's verdict: 2 (complete outage) only when every deployment is in complete outage, 1 when some
    /// deployment is not healthy, 0 when all are. One of several deployments down is not a provider outage.
    public var deploymentState: Int?
    /// Each deployment's state (0 healthy, 1 partial outage, 2 complete outage), by deployment name.
    public var deployments: [DeploymentGauge]
    public var remainingRequests: Double?
    public var remainingTokens: Double?
    /// US dollars left of the provider's own budget in the gateway (LiteLLM's provider budgets); nil: none set.
    public var remainingBudgetUSD: Double?

    public init(deploymentState: Int? = nil, deployments: [DeploymentGauge] = [], remainingRequests: Double? = nil,
                remainingTokens: Double? = nil) {
        self.deploymentState = deploymentState
        self.deployments = deployments
        self.remainingRequests = remainingRequests
        self.remainingTokens = remainingTokens
    }

    /// Sets one deployment's state and the provider verdict that follows from all of them.
    public mutating func record(deployment name: String, state: Int) {
        if let index = deployments.firstIndex(where: { $0.name == name }) {
            deployments[index].state = max(deployments[index].state, state)
        } else {
            deployments.append(DeploymentGauge(name: name, state: state))
            deployments.sort { $0.name < $1.name }
        }
        judgeDeployments()
    }

    /// Sets many deployments' states at once (a scrape of a gateway with thousands), sorting once.
    mutating func record(deployments states: [String: Int]) {
        var merged = Dictionary(deployments.map { ($0.name, $0.state) }, uniquingKeysWith: max)
        merged.merge(states, uniquingKeysWith: max)
        deployments = merged.map { DeploymentGauge(name: $0.key, state: $0.value) }.sorted { $0.name < $1.name }
        judgeDeployments()
    }

    private mutating func judgeDeployments() {
        deploymentState = deployments.allSatisfy { $0.state >= 2 } ? 2 : deployments.contains { $0.state > 0 } ? 1 : 0
    }

    /// The deployments not healthy, worst first.
    public var failingDeployments: [DeploymentGauge] {
        deployments.filter { $0.state > 0 }.sorted { ($1.state, $0.name) < ($0.state, $1.name) }
    }
}

/// One LiteLLM deployment (a model at an `api_base`) and its `litellm_deployment_state`.
public struct DeploymentGauge: Sendable, Equatable {
    /// `<litellm_model_name> (<model_id>)`, or the `api_base` when the id is one of LiteLLM's long hashes.
    public var name: String
    public var state: Int

    public init(name: String, state: Int) {
        self.name = name
        self.state = state
    }

    /// The labels `name(_:)` reads.
    static let labelNames = ["litellm_model_name", "model", "model_id", "api_base"]

    /// The name of the deployment a sample's labels describe.
    static func name(_ labels: [String: String]) -> String {
        let model = labels["litellm_model_name"].flatMap { $0.isEmpty ? nil : $0 } ?? labels["model"] ?? "deployment"
        if let id = labels["model_id"], !id.isEmpty, id.count <= 32 { return "\(model) (\(id))" }
        if let base = labels["api_base"], !base.isEmpty {
            let trimmed = base.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "")
            return "\(model) (\(trimmed.prefix(48)))"
        }
        return model
    }

    /// What the state means, for alerts: LiteLLM's "complete outage" of one deployment is that deployment down.
    public var phrase: String { state >= 2 ? "down" : state == 1 ? "degraded" : "healthy" }
}

/// What one scrape taught: the calls since the previous scrape, the gauges, and how the text read.
public struct MetricsScrape: Sendable, Equatable {
    /// The service scraped (set by `MetricsReader`).
    public var service = ""
    /// Why the scrape failed (transport error, HTTP status); nil when it was read.
    public var problem: String?
    public var deltas: [MetricDelta] = []
    public var gauges: [String: ProviderGauges] = [:]
    /// The mapping used, nil when the exposition has no known LLM metrics.
    public var mapping: String?
    public var series = 0
    public var badLines = 0
    /// The first scrape only sets the baseline of the counters.
    public var baseline = false
    /// Dollars left of the gateway's key and team budgets, by subject (`key ALIAS`, `team ALIAS`); `+Inf` (none set)
    /// is left out.
    public var keyBudgets: [String: Double] = [:]
    /// On the baseline scrape: the counters read whole (totals since they started), per provider and model — what a
    /// spend estimate for the time lookout was not running is made of.
    public var totals: [MetricDelta] = []
    /// Where the series came from when not the service's own `/metrics` ("Prometheus"), how many replicas answered
    /// there (distinct `instance` labels), and the warnings the server gave with its answer.
    public var source: String?
    public var replicas = 0
    public var warnings: [String] = []
    /// A step of the last hour read back from Prometheus when the dashboard opened (`PromQLBackfill`): its calls are
    /// the providers' history at `at`, not news — no budget spend, no counter totals, no gauges.
    public var backfill = false
    public var at: Date?

    public init() {}

    /// One line for the service's detail screen.
    public var status: String {
        if let problem { return "metrics: " + problem }
        var text = "metrics: \(mapping ?? "no known LLM metrics")"
        if let source { text += " via \(source) · \(replicas) replica\(replicas == 1 ? "" : "s")" }
        text += " · \(series) series"
        if badLines > 0 { text += " · \(badLines) bad lines" }
        if let warning = warnings.first { text += " · warning: " + warning }
        return text
    }
}
