/// One simulated service of the demo fleet and the dependencies its readiness endpoint reports.
public struct DemoServiceSpec: Sendable, Equatable {
    public var name: String
    public var platform: String
    /// Dependency names, in the order the body lists them.
    public var checks: [String]
    /// Typical response time of its endpoints, in milliseconds.
    public var latencyMs: Int
    /// The vocabulary of its `/metrics`; nil when it exposes none (its LLM calls are read from its logs).
    public var metrics: DemoMetrics.Style?
    /// An ordinary app's own admin API (`GET /admin/llm` → `{"primary":…,"failover_enabled":…,"forced_down":[…]}`,
    /// `POST /admin/llm/primary`) instead of lookout's routing shape; it logs admin events with a `provider` field.
    public var ownAdminAPI: Bool
    /// The share of its calls that fail to connect (no status code, `ConnectError`).
    public var connectionFailureRate: Double

    public init(name: String, platform: String, checks: [String], latencyMs: Int, metrics: DemoMetrics.Style? = nil,
                ownAdminAPI: Bool = false, connectionFailureRate: Double = 0) {
        self.name = name
        self.platform = platform
        self.checks = checks
        self.latencyMs = latencyMs
        self.metrics = metrics
        self.ownAdminAPI = ownAdminAPI
        self.connectionFailureRate = connectionFailureRate
    }
}

/// A scripted incident: between `from` and `to` (fractions of the cycle) `check` of `service` fails with `reason`.
public struct DemoIncident: Sendable, Equatable {
    public var service: String
    public var check: String
    public var reason: String
    public var from: Double
    public var to: Double

    public init(service: String, check: String, reason: String, from: Double, to: Double) {
        self.service = service
        self.check = check
        self.reason = reason
        self.from = from
        self.to = to
    }
}

/// The demo's script, a pure function of the time since the fleet started, repeating every `cycle`.
/// The first failure starts a quarter into the first cycle, so a newcomer sees a change in the first minute.
public struct DemoScenario: Sendable {
    public var services: [DemoServiceSpec]
    public var incidents: [DemoIncident]
    /// A provider incident: between `from` and `to` (fractions of the cycle) calls to `provider` are
    /// rate-limited most of the time and three times slower.
    public var providerIncident: (provider: String, from: Double, to: Double)? = ("anthropic", 0.45, 0.75)
    public var cycle: Duration

    public init(cycle: Duration = .seconds(40)) {
        self.cycle = cycle
        services = [
            DemoServiceSpec(name: "chat-api", platform: "Cloud Run", checks: ["database", "cache", "llm_api"], latencyMs: 18),
            DemoServiceSpec(name: "rag-search", platform: "ECS", checks: ["database", "vector_store", "cache", "llm_api"], latencyMs: 35,
                            metrics: .litellm),
            DemoServiceSpec(name: "embed-worker", platform: "Lambda", checks: ["queue", "llm_api"], latencyMs: 8, metrics: .otelGenAI),
            // An ordinary FastAPI AI app: prometheus_client counters, its own admin API, some refused connections.
            DemoServiceSpec(name: "support-bot", platform: "Container Apps", checks: ["database", "llm_api"], latencyMs: 12,
                            metrics: .app, ownAdminAPI: true, connectionFailureRate: 0.05),
        ]
        incidents = [
            DemoIncident(service: "chat-api", check: "llm_api",
                         reason: "timeout after 5000ms calling api.openai.com", from: 0.25, to: 0.55),
            DemoIncident(service: "rag-search", check: "cache",
                         reason: "connection refused (redis:6379)", from: 0.65, to: 0.85),
        ]
    }

    /// Whether the provider incident is on at `elapsed` since the start.
    public func providerIncidentActive(for provider: String, at elapsed: Duration) -> Bool {
        guard let incident = providerIncident, incident.provider == provider else { return false }
        let cycleMs = max(1, cycle.milliseconds)
        let phase = Double(elapsed.milliseconds % cycleMs) / Double(cycleMs)
        return phase >= incident.from && phase < incident.to
    }

    /// The checks of `service` at `elapsed` since the start: name → "healthy" or "unhealthy: reason".
    public func checks(of service: DemoServiceSpec, at elapsed: Duration) -> [(name: String, value: String)] {
        let cycleMs = max(1, cycle.milliseconds)
        let phase = Double(elapsed.milliseconds % cycleMs) / Double(cycleMs)
        return service.checks.map { check in
            if let incident = incidents.first(where: {
                $0.service == service.name && $0.check == check && phase >= $0.from && phase < $0.to
            }) {
                return (check, "unhealthy: \(incident.reason)")
            }
            return (check, "healthy")
        }
    }
}
