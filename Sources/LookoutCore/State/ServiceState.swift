import Foundation

/// Everything lookout knows about one service right now.
public struct ServiceState: Sendable, Equatable {
    public var config: ServiceConfig
    public var liveness = LivenessVerdict(state: .unknown)
    public var readiness: ReadinessReport?
    /// Last results, kept for the timing breakdown and HTTP status.
    public var lastLiveness: ProbeResult?
    public var lastReadiness: ProbeResult?
    /// When each readiness check last changed state (or was first seen), by check name.
    public var checkSince: [String: Date] = [:]
    /// The judged state, with hysteresis and flap detection.
    public var health: HealthTracker

    /// What the last `/metrics` scrape said: "metrics: litellm · 412 series", or why it failed.
    public var metricsStatus: String?
    /// The service's provider routing, as its routing endpoint last reported it.
    public var routes: [ProviderRoute] = []
    /// Why the routing endpoint could not be read, if it could not.
    public var routingProblem: String?

    /// The deployed version over the recent probes, and a rollout in progress.
    public var rollout: RolloutTracker

    public init(config: ServiceConfig) {
        self.config = config
        health = HealthTracker(failureThreshold: config.failureThreshold, successThreshold: config.successThreshold)
        rollout = RolloutTracker(successThreshold: config.successThreshold, stallAfter: config.version.stallAfter)
    }

    /// Reads a routing result: the providers' roles, or why they are unknown.
    public mutating func recordRouting(_ result: ProbeResult) {
        if let error = result.transportError {
            routingProblem = SafeText.escape(error.message)
            routingBody = nil
        } else if result.httpStatus != 200 {
            routingProblem = "HTTP \(result.httpStatus ?? 0)"
            routingBody = nil
        } else if result.body != routingBody {   // the same answer as last time says the same: not parsed again
            switch config.routing?.roles.map({ $0.routes(result.body) }) ?? RoutingReport.parse(result.body) {
            case let .success(routes): self.routes = routes; routingProblem = nil
            case let .failure(problem): routingProblem = problem.message
            }
            routingBody = result.body
        }
    }

    /// The routing body last read (a 200's), so an identical one is not parsed again.
    private var routingBody: [UInt8]?

    /// The last costly deep check and what it said.
    public var lastDeep: ProbeResult?
    public var deep: ReadinessReport?

    /// Recent observations, latencies and uptime.
    public var history = HealthHistory()

    /// The configured conditions, as last evaluated.
    public var conditionResults: [ConditionResult] = []

    /// What the latest results show, before hysteresis.
    public var observedState: HealthState? {
        guard lastLiveness != nil || lastReadiness != nil else { return nil }
        let state = HealthState.observed(liveness: liveness, readiness: readiness, conditionsPassed: conditionResults.allSatisfy(\.passed))
        // A deep check that finds a failing dependency degrades a service that otherwise looks fine; alone it
        // never takes it down (it runs rarely, and what it checks may have a fallback).
        if state == .healthy, let deep, deep.state != .ready || deep.checks.contains(where: { $0.state == .unhealthy }) {
            return .degraded
        }
        return state
    }

    public var name: String { config.name }

    /// The most recent probe of either kind.
    public var lastCheckedAt: Date? {
        [lastLiveness?.startedAt, lastReadiness?.startedAt].compactMap { $0 }.max()
    }

    /// Whether a probe round that started at `time` or later is complete: liveness, and readiness and the version
    /// endpoint when configured.
    public func probed(since time: Date) -> Bool {
        guard let liveness = lastLiveness, liveness.startedAt >= time else { return false }
        if config.version.endpoint != nil, !(lastVersionProbe.map { $0.startedAt >= time } ?? false) { return false }
        guard config.readinessPath != nil else { return true }
        return (lastReadiness?.startedAt).map { $0 >= time } ?? false
    }

    /// A one-line reason shown when the service is down or not ready.
    public var reason: String? {
        if liveness.state == .down { return liveness.reason.map { "liveness: \($0)" } ?? "liveness: down" }
        if let readiness, readiness.state != .ready { return readiness.reason }
        if let failed = conditionResults.first(where: { !$0.passed }) { return failed.explanation }
        if let reason = readiness?.reason { return reason }
        if let deep, deep.state != .ready || deep.checks.contains(where: { $0.state == .unhealthy }) {
            return "deep check: " + (deep.reason ?? "not ready")
        }
        return nil
    }

    /// Folds one probe result into the state; returns what it changed about the deployed version.
    @discardableResult
    public mutating func record(_ result: ProbeResult) -> [RolloutEvent] {
        var events: [RolloutEvent] = []
        if result.kind == .version { lastVersionProbe = result }
        let body = ProbeBody(result.kind == .metrics || result.kind == .routing ? [] : result.body)
        if config.version.isRead(from: result.kind) {
            if let version = DeployedVersion.read(result, body: body, config: config.version) {
                events = rollout.observe(version, at: result.startedAt)
                versionProblem = nil
            } else if config.version.endpoint != nil || config.version.header != nil || config.version.field != nil {
                versionProblem = Self.versionProblem(result, config.version)
            }
        }
        recordHealth(result, body: body)
        return events
    }

    /// The last probe of the service's own version endpoint.
    public var lastVersionProbe: ProbeResult?
    /// Why the configured version source said nothing on its last probe (a header missing, a failed endpoint).
    public var versionProblem: String?

    static func versionProblem(_ result: ProbeResult, _ config: VersionConfig) -> String {
        if let error = result.transportError { return SafeText.escape(error.message) }
        if let header = config.header { return "no \(SafeText.escape(header)) header in the \(result.kind.rawValue) response" }
        if let status = result.httpStatus, !(200..<300).contains(status) { return "HTTP \(status)" }
        return config.field.map { "\($0.text) missing or not a string" } ?? "no version field in the body"
    }

    private mutating func recordHealth(_ result: ProbeResult, body: ProbeBody) {
        switch result.kind {
        case .metrics, .version:
            return   // metrics are read by a `MetricsReader` into a `.scraped` event; a version endpoint only by `record`
        case .routing:
            recordRouting(result)
            return
        case .deep:
            lastDeep = result
            deep = result.transportError.map { ReadinessReport(state: .unknown, problem: SafeText.escape($0.message)) }
                ?? ReadinessReport.judge(httpStatus: result.httpStatus ?? 0, body: result.body, parsed: body)
            return
        case .liveness:
            lastLiveness = result
            if let query = config.healthQuery {
                // Prometheus' word: its latency is not the service's, and what it cannot say changes no judgement.
                liveness = PrometheusHealth.judge(result, query: query.query)
                if liveness.state == .unknown { return }
            } else {
                liveness = LivenessVerdict.judge(result, body: body)
                if result.transportError == nil { history.recordLatency(result.timings.totalMillis) }
            }
        case .readiness:
            let last = lastReadiness
            lastReadiness = result
            let report: ReadinessReport
            if let error = result.transportError {
                report = ReadinessReport(state: .unknown, problem: SafeText.escape(error.message))
            } else if let readiness, let last, last.transportError == nil, last.httpStatus == result.httpStatus, last.body == result.body {
                report = readiness   // the same answer as last time says the same (most rounds: nothing to parse)
            } else {
                report = ReadinessReport.judge(httpStatus: result.httpStatus ?? 0, body: result.body, parsed: body)
            }
            let previous = Dictionary(readiness?.checks.map { ($0.name, $0.state) } ?? [], uniquingKeysWith: { a, _ in a })
            var since: [String: Date] = [:]
            for check in report.checks {
                since[check.name] = previous[check.name] == check.state ? (checkSince[check.name] ?? result.startedAt)
                                                                        : result.startedAt
            }
            checkSince = since
            readiness = report
        }
        if !config.conditions.isEmpty, result.kind == (config.readinessPath == nil ? .liveness : .readiness) {
            conditionResults = config.conditions.map { $0.evaluate(result, body: body, now: result.startedAt) }
        }
        // Judge once per probe round: on each readiness result, with the latest liveness (on liveness alone for
        // a service without a readiness endpoint), so thresholds count rounds, not individual requests.
        let judgedOn: ProbeKind = config.readinessPath == nil ? .liveness : .readiness
        if result.kind == judgedOn, lastLiveness != nil, let observed = observedState {
            health.observe(observed, at: result.startedAt)
            history.observe(observed, at: result.startedAt)
        }
    }
}
