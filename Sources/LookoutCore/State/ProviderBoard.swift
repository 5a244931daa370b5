import Foundation

/// Live provider statistics for the dashboard: a `CallTimeline` per provider and per provider/model, fed by
/// the LLM-call records of every log source. Labels come from untrusted input: at most `maxLabels` are kept,
/// the rest are counted into `other` and reported.
public struct ProviderBoard: Sendable, Equatable {
    public static let otherLabel = "other"
    public let maxLabels: Int
    public var prices: PriceTable
    /// Providers in first-seen order, and each provider's models.
    public private(set) var providers: [String] = []
    public private(set) var models: [String: [String]] = [:]
    private var timelines: [String: CallTimeline] = [:]
    /// Calls whose provider or model label was folded into `other`.
    public private(set) var folded = 0

    public init(maxLabels: Int = 64, prices: PriceTable = PriceTable()) {
        self.maxLabels = maxLabels
        self.prices = prices
    }

    public mutating func add(_ record: LogRecord, at time: Date) {
        guard let provider = record.provider else { return }
        let keys = labels(provider: provider, model: record.model)
        let cost = record.costUSD ?? prices.cost(provider: keys.provider, model: record.model,
                                                  inputTokens: record.inputTokens, outputTokens: record.outputTokens)
        timelines[keys.provider]?.add(record, at: time, cost: cost)
        if let model = keys.model { timelines[model]?.add(record, at: time, cost: cost) }
    }

    /// Counts the calls a metrics scrape found; cost from the spend counter, else from the price table.
    public mutating func add(_ delta: MetricDelta, at time: Date) {
        let keys = labels(provider: delta.provider, model: delta.model)
        let cost = delta.costUSD ?? prices.cost(provider: keys.provider, model: delta.model,
                                                inputTokens: delta.inputTokens, outputTokens: delta.outputTokens)
        timelines[keys.provider]?.add(delta, at: time, cost: cost)
        if let model = keys.model { timelines[model]?.add(delta, at: time, cost: cost) }
    }

    /// The LLM calls of each configured service (names come from the configuration, not from the calls).
    private var serviceTimelines: [String: CallTimeline] = [:]

    /// Counts a call made by `service` (one of the configuration's services).
    public mutating func add(_ record: LogRecord, service: String, at time: Date) {
        let cost = record.costUSD ?? prices.cost(provider: record.provider, model: record.model,
                                                  inputTokens: record.inputTokens, outputTokens: record.outputTokens)
        serviceTimelines[service, default: CallTimeline()].add(record, at: time, cost: cost)
    }

    /// Counts the calls a scrape of `service` found.
    public mutating func add(_ delta: MetricDelta, service: String, at time: Date) {
        let cost = delta.costUSD ?? prices.cost(provider: delta.provider, model: delta.model,
                                                inputTokens: delta.inputTokens, outputTokens: delta.outputTokens)
        serviceTimelines[service, default: CallTimeline()].add(delta, at: time, cost: cost)
    }

    /// The LLM calls `service` made in the window, if any were seen.
    public func summary(service: String, window: StatsWindow, now: Date) -> WindowSummary? {
        serviceTimelines[service]?.summary(window, now: now)
    }

    /// Latest gauges per provider from metrics (LiteLLM deployment state, rate-limit headroom).
    public private(set) var gauges: [String: ProviderGauges] = [:]

    public mutating func setGauges(_ values: ProviderGauges, for provider: String) {
        let key = labels(provider: provider, model: nil).provider
        gauges[key] = values
    }

    /// The timeline keys for a provider and model, creating them within the label cap (beyond it: `other`).
    private mutating func labels(provider raw: String, model: String?) -> (provider: String, model: String?) {
        var provider = raw
        if timelines[provider] == nil && timelines.count >= maxLabels {
            provider = Self.otherLabel
            folded += 1
        }
        if timelines[provider] == nil {
            providers.append(provider)
            timelines[provider] = CallTimeline()
        }
        guard let model else { return (provider, nil) }
        let key = "\(provider)/\(model)"
        if timelines[key] == nil {
            guard timelines.count < maxLabels else { folded += 1; return (provider, nil) }
            models[provider, default: []].append(model)
            timelines[key] = CallTimeline()
        }
        return (provider, key)
    }

    /// The rows of the Providers screen: each provider, then its models.
    public var rows: [(provider: String, model: String?)] {
        providers.flatMap { provider in [(provider, nil)] + (models[provider] ?? []).map { (provider, $0) } }
    }

    /// The summary of a provider, or of one of its models.
    public func summary(provider: String, model: String? = nil, window: StatsWindow, now: Date) -> WindowSummary? {
        timelines[model.map { "\(provider)/\($0)" } ?? provider]?.summary(window, now: now)
    }

    public func requestSeries(provider: String, now: Date) -> [Double] {
        timelines[provider]?.requestSeries(now: now) ?? []
    }

    /// A 5-minute sparkline series of a provider.
    public func series(_ metric: SeriesMetric, provider: String, now: Date) -> [Double] {
        timelines[provider]?.series(metric, now: now) ?? []
    }
}
