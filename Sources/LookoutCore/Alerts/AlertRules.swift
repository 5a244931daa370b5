import Foundation

/// A condition worth the on-call's attention, derived from the state; `AlertBook` turns conditions into alerts with a
/// lifecycle (pending, firing, resolved).
public struct Alert: Sendable, Equatable {
    public enum Severity: String, Sendable, Comparable {
        case warning, critical
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .critical }
    }

    /// Which rule raised it: with the subject, its identity across evaluations.
    public enum Rule: String, Sendable, CaseIterable {
        case health, errorRate = "error-rate", burnRate = "burn-rate", latency, deployment, headroom, budget
        case logHygiene = "log-hygiene"
        /// One of the context's own Prometheus queries past its `warn` or `critical` threshold.
        case query

        /// How long the condition must hold before the alert fires (a shorter spike never does), and how long it must
        /// stay away before a firing alert resolves (so a flapping condition does not fire again and again).
        public var timing: (pendingFor: Duration, clearFor: Duration) {
            switch self {
            case .health: (.zero, .seconds(30))          // health has its own failure/success thresholds already
            case .errorRate: (.seconds(60), .seconds(60))
            case .burnRate: (.zero, .seconds(60))            // its short window already waits for evidence
            case .latency: (.seconds(60), .seconds(60))
            case .deployment: (.seconds(15), .seconds(30))
            case .headroom: (.seconds(30), .seconds(30))
            case .budget: (.zero, .seconds(60))
            case .logHygiene: (.zero, .zero)                 // its window (ten minutes since the last finding) is built in
            case .query: (.seconds(60), .seconds(60))
            }
        }
    }

    public var severity: Severity
    public var rule: Rule
    /// What it is about: a service or provider name.
    public var subject: String
    public var message: String

    public init(_ severity: Severity, _ rule: Rule, _ subject: String, _ message: String) {
        self.severity = severity
        self.rule = rule
        self.subject = subject
        self.message = message
    }

    /// Its identity: the rule and the subject (`error-rate:anthropic`).
    public var key: String { "\(rule.rawValue):\(subject)" }
}

/// The built-in alert rules: service health, provider error rate over the last minute, LiteLLM deployment state,
/// rate-limit headroom, budgets. Criticals first, then in service and provider order.
public enum AlertRules {
    /// Provider error rate over the last minute that warns, and that is critical (with at least `minimumRequests`).
    public static let errorRateWarning = 0.05
    public static let errorRateCritical = 0.25
    public static let minimumRequests = 5
    /// Remaining requests (or tokens / 100) below which a provider is about to be rate-limited.
    public static let headroomWarning = 10.0

    public static func evaluate(_ state: AppState) -> [Alert] {
        var alerts: [Alert] = []
        for service in state.services {
            switch service.health.state {
            case .down: alerts.append(Alert(.critical, .health, service.name, "down" + (service.reason.map { ": \($0)" } ?? "")))
            case .degraded: alerts.append(Alert(.warning, .health, service.name, "degraded" + (service.reason.map { ": \($0)" } ?? "")))
            default: break
            }
        }
        for provider in state.providers.providers {
            if let s = state.providers.summary(provider: provider, window: .oneMinute, now: state.now, percentiles: false),
               s.requests >= minimumRequests, s.errorRate >= errorRateWarning {
                let worst = s.mainErrorClass ?? .other
                let detail = NumberText.fixed(s.errorRate * 100, 0) + "% errors over 1m (\(s.errors) of \(s.requests)), mostly \(worst.phrase)"
                alerts.append(Alert(s.errorRate >= errorRateCritical ? .critical : .warning, .errorRate, provider, detail))
            }
            if let objective = state.latencyObjective, let alert = latencyAlert(provider, state.providers, objective: objective, now: state.now) {
                alerts.append(alert)
            }
            if let objective = state.availabilityObjective,
               let burn = BurnRateRule.alert(provider: provider, counts: state.callCounts, objective: objective, now: state.now) {
                alerts.append(burn)
            }
            if let gauges = state.providers.gauges[provider] {
                alerts += deploymentAlerts(provider, gauges)
                if let remaining = gauges.remainingRequests, remaining < headroomWarning {
                    alerts.append(Alert(.warning, .headroom, provider, "rate-limit headroom: " + NumberText.fixed(remaining, 0) + " requests left"))
                }
            }
        }
        alerts += hygieneAlerts(state.hygiene, now: state.now)
        alerts += budgetAlerts(state.budgetStatuses, now: state.now)
        alerts += state.gatewayBudgets.alerts(now: state.now)
        alerts += state.queries.crossings().map { crossing in
            Alert(crossing.severity, .query, crossing.row.subject(crossing.series), "at " + crossing.row.judged(crossing.series))
        }
        return alerts.enumerated().sorted { ($1.element.severity, $0.offset) < ($0.element.severity, $1.offset) }.map(\.element)
    }

    /// A service whose logs carried secrets or personal data within the last ten minutes (masked on the way in):
    /// critical for keys, credentials and private keys — they must be rotated —, a warning for addresses, card numbers
    /// and prompts. The message counts them by kind and source, never showing one.
    static func hygieneAlerts(_ book: HygieneBook, now: Date) -> [Alert] {
        let secrets: Set<LogHygiene.Kind> = [.openAIKey, .anthropicKey, .awsKey, .googleKey, .bearerToken, .basicAuth, .privateKey]
        return book.recent(now: now).map { service, findings in
            let critical = findings.contains { secrets.contains($0.key.kind) }
            return Alert(critical ? .critical : .warning, .logHygiene, service,
                         "logs carry \(HygieneBook.describe(findings)) (masked here\(critical ? "; rotate the leaked keys" : ""))")
        }
    }

    /// Calls a provider's 5-minute window needs before its p95 is judged.
    public static let latencyMinimumCalls = 20

    /// A provider whose p95 over the last 5 minutes is above the objective (`slo: { latency-p95: 2s }`): a warning; twice
    /// the objective: critical.
    public static func latencyAlert(_ provider: String, _ board: ProviderBoard, objective: Duration, now: Date) -> Alert? {
        guard let summary = board.summary(provider: provider, window: .fiveMinutes, now: now), summary.requests >= latencyMinimumCalls,
              let p95 = summary.p95Ms else { return nil }
        let limit = Double(objective.milliseconds)
        guard p95 > limit else { return nil }
        let text = "p95 \(DurationText.format(.milliseconds(Int64(p95)))) over 5m (objective \(DurationText.format(objective)), \(summary.requests) calls)"
        return Alert(p95 >= 2 * limit ? .critical : .warning, .latency, provider, text)
    }

    /// LiteLLM deployment state, judged per deployment: one deployment down is a warning that names it; the
    /// provider is in complete outage (critical) only when every one of its deployments is.
    public static func deploymentAlerts(_ provider: String, _ gauges: ProviderGauges) -> [Alert] {
        let failing = gauges.failingDeployments
        guard !failing.isEmpty else {
            // Gauges without deployment labels: the provider's own state is all there is.
            guard gauges.deployments.isEmpty, let state = gauges.deploymentState, state > 0 else { return [] }
            return [Alert(state >= 2 ? .critical : .warning, .deployment, provider, state >= 2 ? "LiteLLM: complete outage" : "LiteLLM: partial outage")]
        }
        let total = gauges.deployments.count
        if gauges.deploymentState == 2 {
            return [Alert(.critical, .deployment, provider, total == 1 ? "LiteLLM: complete outage of its only deployment, \(failing[0].name)"
                                                          : "LiteLLM: complete outage, all \(total) deployments down")]
        }
        let named = failing.prefix(2).map { "\($0.name) \($0.phrase)" }.joined(separator: ", ")
        let more = failing.count > 2 ? " and \(failing.count - 2) more" : ""
        return [Alert(.warning, .deployment, provider, "LiteLLM: \(failing.count) of \(total) deployments failing: \(named)\(more)")]
    }

    /// A budget past its limit is critical; one past a warn line, or on course to run out before its period ends at
    /// the last hour's pace, is a warning that says when.
    public static func budgetAlerts(_ statuses: [BudgetStatus], now: Date) -> [Alert] {
        statuses.compactMap { status in
            let period = "(\(status.budget.period))"
            if status.isExhausted {
                return Alert(.critical, .budget, status.budget.name, "budget exhausted: \(status.amount(status.spent)) of \(status.amount(status.budget.limit.amount)) \(period)")
            }
            guard status.crossed != nil || status.exhaustion != nil else { return nil }
            let forecast = status.exhaustion.map { " — runs out ~\(BudgetStatus.moment($0, now: now)) at \(status.amount(status.burnPerHourLastHour))/h" } ?? ""
            return Alert(.warning, .budget, status.budget.name, "budget at \(status.usage) \(period)\(forecast)")
        }
    }
}
