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

    /// What the state means.
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

    public init() {}

    /// One line for the service's detail screen.
    public var status: String {
        if let problem { return "metrics: " + problem }
        var text = "metrics: \(mapping ?? "no known LLM metrics") · \(series) series"
        if badLines > 0 { text += " · \(badLines) bad lines" }
        return text
    }
}

/// The metrics trackers of a context's services, keyed by service: turns each `/metrics` probe result into a
/// `MetricsScrape`. Pure; the dashboard runs it on the poller thread so a large exposition never stalls the screen.
public struct MetricsReader: Sendable {
    private var trackers: [String: MetricsTracker] = [:]

    /// - Parameter mappings: metric mappings defined in the configuration, besides the presets.
    public init(services: [ServiceConfig], mappings: [MetricMapping]) {
        for service in services where service.metrics != nil {
            let mapping = service.metrics?.mapping.flatMap { name in mappings.first { $0.name == name } ?? MetricMapping.preset(named: name) }
            trackers[service.name] = MetricsTracker(mapping: mapping)
        }
    }

    public mutating func read(_ result: ProbeResult) -> MetricsScrape {
        var scrape = MetricsScrape()
        if let error = result.transportError {
            scrape.problem = SafeText.escape(error.message)
        } else if result.httpStatus != 200 {
            scrape.problem = "HTTP \(result.httpStatus ?? 0)"
        } else if trackers[result.service] != nil {
            scrape = trackers[result.service]!.read(String(decoding: result.body, as: UTF8.self))
        } else {
            scrape.problem = "no metrics endpoint configured"
        }
        scrape.service = result.service
        return scrape
    }
}

/// Turns successive scrapes of one `/metrics` endpoint into call deltas: remembers each counter series' last
/// value, takes increases across resets (a counter that went down restarted from zero), and turns histogram
/// bucket increases into calls per latency bucket. Memory is bounded by the parser's sample cap.
public struct MetricsTracker: Sendable, Equatable {
    public let configuredMapping: MetricMapping?
    /// Counts the first scrape whole (totals since the counters started) instead of taking it as the baseline.
    public let firstScrapeCountsWhole: Bool
    private var previous: [SeriesKey: Double] = [:]
    private var scrapes = 0

    public init(mapping: MetricMapping? = nil, firstScrapeCountsWhole: Bool = false) {
        configuredMapping = mapping
        self.firstScrapeCountsWhole = firstScrapeCountsWhole
    }

    public mutating func read(_ text: String) -> MetricsScrape {
        let (families, issues) = PrometheusText.parse(text)
        var scrape = MetricsScrape()
        scrape.badLines = issues.count
        scrape.series = families.reduce(0) { $0 + $1.samples.count }
        guard let mapping = configuredMapping ?? MetricMapping.detect(in: families) else { return scrape }
        scrape.mapping = mapping.name
        let first = scrapes == 0 && !firstScrapeCountsWhole
        scrape.baseline = first
        scrapes += 1
        var reading = ScrapeReading(families: families, mapping: mapping, previous: previous, baseline: first)
        let countsFromCounters = reading.readCallCounters()
        reading.readLatency(countingCalls: !countsFromCounters)
        reading.readTokens()
        reading.readSpendAndCooldowns()
        scrape.gauges = reading.readGauges()
        scrape.keyBudgets = reading.readKeyBudgets()
        previous = reading.current
        scrape.deltas = reading.deltas.values.sorted { ($0.provider, $0.model ?? "") < ($1.provider, $1.model ?? "") }
        if first {
            var whole = ScrapeReading(families: families, mapping: mapping, previous: [:], baseline: false)
            whole.readTokens()
            whole.readSpendAndCooldowns()
            scrape.totals = whole.deltas.values.sorted { ($0.provider, $0.model ?? "") < ($1.provider, $1.model ?? "") }
        }
        return scrape
    }

    /// Which provider each model belongs to, from series that carry both labels (LiteLLM's latency and token
    /// metrics name only the model).
    static func modelProviders(_ families: [MetricFamily], _ mapping: MetricMapping) -> [String: String] {
        var map: [String: String] = [:]
        for family in families {
            for sample in family.samples {
                guard let provider = mapping.providerLabels.lazy.compactMap({ sample.labels[$0] }).first(where: { !$0.isEmpty }) else { continue }
                for label in mapping.modelLabels { if let model = sample.labels[label], !model.isEmpty { map[model] = provider } }
            }
        }
        return map
    }


    /// A series' identity: its name and its labels (hashed whatever their order, without building a string).
    struct SeriesKey: Hashable, Sendable {
        let name: String
        let labels: [String: String]

        init(_ sample: MetricSample) {
            name = sample.name
            labels = sample.labels
        }
    }
}
