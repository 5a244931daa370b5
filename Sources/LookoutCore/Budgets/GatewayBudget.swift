import Foundation

/// Budgets the gateway itself enforces — LiteLLM's provider budgets (`provider_budget_config`,
/// `litellm_provider_remaining_budget_metric`), and its virtual keys' and teams' (`litellm_remaining_api_key_budget_metric`,
/// `litellm_remaining_team_budget_metric`) — shown beside lookout's own with their source. Each is named by a subject:
/// the provider (`openai`), `key ALIAS` or `team ALIAS`. The gauges give only what is left, so the pace comes from how
/// fast it fell over the last hour of scrapes.
public struct GatewayBudgets: Sendable, Equatable {
    struct Reading: Sendable, Equatable {
        var time: Date
        var remaining: Double
    }

    private var readings: [String: [Reading]] = [:]

    public init() {}

    /// Notes a scrape's remaining dollars for `subject` (kept for an hour).
    public mutating func record(_ subject: String, remaining: Double, at time: Date) {
        let provider = subject
        var list = readings.removeValue(forKey: provider) ?? []
        // The gauge resets up when the gateway's period turns: the fall before it says nothing of the new period.
        if let last = list.last, remaining > last.remaining { list.removeAll() }
        list.append(Reading(time: time, remaining: remaining))
        list.removeAll { time.timeIntervalSince($0.time) > 3600 }
        readings[provider] = list
    }

    /// What is left of each provider's gateway budget, its pace per hour and when it runs out at that pace.
    public func statuses(now: Date) -> [(provider: String, remaining: Double, perHour: Double?, exhaustion: Date?)] {
        readings.keys.sorted().compactMap { provider in
            guard let list = readings[provider], let last = list.last, let first = list.first else { return nil }
            let elapsed = last.time.timeIntervalSince(first.time)
            // At least a minute of readings before a pace means anything.
            let perHour = elapsed >= 60 ? max(0, first.remaining - last.remaining) / elapsed * 3600 : nil
            let exhaustion: Date? = last.remaining <= 0 ? now
                : perHour.flatMap { $0 > 0 ? now.addingTimeInterval(last.remaining / $0 * 3600) : nil }
            return (provider, last.remaining, perHour, exhaustion)
        }
    }

    /// Nothing left: critical, LiteLLM refuses the provider's calls. Running out within the hour: a warning saying when.
    public func alerts(now: Date) -> [Alert] {
        statuses(now: now).compactMap { status in
            let subject = "litellm/\(status.provider.replacingOccurrences(of: " ", with: ":"))"
            if status.remaining <= 0 {
                return Alert(.critical, .budget, subject, "LiteLLM budget of \(Self.whose(status.provider)) exhausted: LiteLLM refuses its calls until the budget resets")
            }
            guard let at = status.exhaustion, at.timeIntervalSince(now) <= 3600, let pace = status.perHour else { return nil }
            return Alert(.warning, .budget, subject, String(format: "LiteLLM budget of %@: $%.2f left — runs out ~%@ at $%.2f/h",
                                                            Self.whose(status.provider), status.remaining, BudgetStatus.moment(at, now: now), pace))
        }
    }

    /// "openai" → "the provider openai"; "key ci-bot" → "the key ci-bot".
    static func whose(_ subject: String) -> String {
        subject.hasPrefix("key ") || subject.hasPrefix("team ") ? "the \(subject)" : "the provider \(subject)"
    }
}
