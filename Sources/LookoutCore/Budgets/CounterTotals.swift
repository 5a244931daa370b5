import Foundation

/// The spend a service's metrics counters have counted since they started, per provider and model, as lookout last
/// saw it: kept in the store, so that a restart can estimate what was spent while lookout was not running — the
/// counters' growth in between — and mark it as an estimate. Pure.
public struct CounterTotals: Sendable, Equatable {
    /// Per service, per `provider/model` key.
    public private(set) var totals: [String: [String: Spend]] = [:]

    public init(_ totals: [String: [String: Spend]] = [:]) { self.totals = totals }

    static func key(_ provider: String, _ model: String?) -> String { model.map { "\(provider)/\($0)" } ?? provider }

    /// Split back into provider and model.
    static func parts(_ key: String) -> (provider: String, model: String?) {
        guard let slash = key.firstIndex(of: "/") else { return (key, nil) }
        return (String(key[..<slash]), String(key[key.index(after: slash)...]))
    }

    public mutating func set(service: String, _ values: [String: Spend]) { totals[service] = values }

    public mutating func add(service: String, provider: String, model: String?, _ spend: Spend) {
        totals[service, default: [:]][Self.key(provider, model), default: Spend()] += spend
    }

    /// What the counters grew by between `kept` (lookout's last sight) and `now` (a restart's baseline), per
    /// `provider/model`; nil when a counter went down — it restarted in between, and the gap cannot be told.
    public static func growth(from kept: [String: Spend], to now: [String: Spend]) -> [String: Spend]? {
        var grown: [String: Spend] = [:]
        for (key, current) in now {
            let before = kept[key] ?? Spend()
            guard current.usd + 1e-9 >= before.usd, current.tokens >= before.tokens else { return nil }
            let delta = Spend(usd: current.usd - before.usd, tokens: current.tokens - before.tokens)
            if delta.usd > 1e-9 || delta.tokens > 0 { grown[key] = delta }
        }
        return grown
    }
}

/// Counter totals as the store kept them, and when they were taken.
public struct KeptCounterTotals: Sendable, Equatable {
    public var totals: CounterTotals
    public var at: Date

    public init(totals: CounterTotals, at: Date) {
        self.totals = totals
        self.at = at
    }
}

extension Reducer {
    /// A service's first scrape since lookout started: its counters read whole become the totals lookout tracks; with
    /// totals kept from the last run, their growth is spread over the minutes lookout was away, in the ledger, and
    /// said on the timeline as an estimate.
    static func startTotals(_ scrape: MetricsScrape, _ state: inout AppState) {
        var values: [String: Spend] = [:]
        for total in scrape.totals {
            let usd = total.costUSD ?? state.providers.prices.cost(provider: total.provider, model: total.model,
                                                                   inputTokens: total.inputTokens, outputTokens: total.outputTokens) ?? 0
            values[CounterTotals.key(total.provider, total.model), default: Spend()] += Spend(usd: usd, tokens: total.inputTokens + total.outputTokens)
        }
        state.counterTotals.set(service: scrape.service, values)
        guard let kept = state.keptTotals, let before = kept.totals.totals[scrape.service], kept.at < state.now else { return }
        let away = "\(BudgetStatus.moment(kept.at, now: state.now))–\(BudgetStatus.moment(state.now, now: state.now))"
        guard let grown = CounterTotals.growth(from: before, to: values) else {
            state.timeline.add(TimelineEntry(time: state.now, kind: .budget, subject: scrape.service,
                                             text: "spend while lookout was away (\(away)) unknown: the metrics counters restarted"))
            return
        }
        guard !grown.isEmpty else { return }
        let minutes = max(1, min(Int(state.now.timeIntervalSince(kept.at) / 60), SpendLedger.defaultRetentionMinutes))
        var sum = Spend()
        for (key, spend) in grown.sorted(by: { $0.key < $1.key }) {
            let (provider, model) = CounterTotals.parts(key)
            sum += spend
            // Spread evenly over the minutes away: the pace of the last hour sees a pace, not a spike.
            let share = Spend(usd: spend.usd / Double(minutes), tokens: spend.tokens / minutes)
            for minute in 0..<minutes {
                let at = state.now.addingTimeInterval(-Double(minutes - minute) * 60)
                state.ledger.record(share, provider: provider, model: model, service: scrape.service, at: at)
            }
        }
        state.timeline.add(TimelineEntry(time: state.now, kind: .budget, subject: scrape.service,
                                         text: String(format: "estimated $%.2f and %d tokens spent while lookout was away (%@), from the metrics counters",
                                                      sum.usd, sum.tokens, away)))
    }
}
