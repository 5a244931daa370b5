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
    /// Calls costed from the price table (neither line nor metrics carried a cost): the screens say which table.
    public private(set) var pricedCalls = 0

    public init(maxLabels: Int = 64, prices: PriceTable = PriceTable()) {
        self.maxLabels = maxLabels
        self.prices = prices
    }

    /// When a call counts in the windows: its record's own time (a backlog read from a file's start is not current
    /// traffic), clamped to `now` (a clock ahead of ours), or `now` when the line has no time lookout can read; nil
    /// when it is older than the longest window (it belongs to `lookout stats`, not to the live windows).
    public static func bucketTime(of record: LogRecord, now: Date) -> Date? {
        guard let seconds = record.timestamp else { return now }
        let time = Date(timeIntervalSince1970: seconds)
        if time > now { return now }
        return now.timeIntervalSince(time) > Double(StatsWindow.oneHour.rawValue) ? nil : time
    }

    /// Counts an LLM call from the logs: under its provider and provider/model, and under `service` (one of the
    /// configuration's services) when given. Cost from the line, else from the price table; returns that cost.
    @discardableResult
    public mutating func add(_ record: LogRecord, service: String? = nil, at time: Date) -> Double? {
        guard let provider = record.provider else { return nil }
        let keys = labels(provider: provider, model: record.model)
        func cost(_ provider: String) -> Double? { record.costUSD ?? prices.cost(of: record, provider: provider) }
        let priced = cost(keys.provider)
        if record.costUSD == nil, priced != nil { pricedCalls += 1 }
        timelines[keys.provider]?.add(record, at: time, cost: priced)
        if let model = keys.model { timelines[model]?.add(record, at: time, cost: priced) }
        if let service {
            serviceTimelines[service, default: CallTimeline()].add(record, at: time, cost: keys.provider == provider ? priced : cost(provider))
        }
        return priced
    }

    /// Counts the calls a metrics scrape (of `service`, when given) found; cost from the spend counter, else from
    /// the price table; returns that cost.
    @discardableResult
    public mutating func add(_ delta: MetricDelta, service: String? = nil, at time: Date) -> Double? {
        let keys = labels(provider: delta.provider, model: delta.model)
        func cost(_ provider: String) -> Double? {
            delta.costUSD ?? prices.cost(provider: provider, model: delta.model,
                                         inputTokens: delta.inputTokens, outputTokens: delta.outputTokens)
        }
        let priced = cost(keys.provider)
        if delta.costUSD == nil, priced != nil { pricedCalls += delta.requests }
        timelines[keys.provider]?.add(delta, at: time, cost: priced)
        if let model = keys.model { timelines[model]?.add(delta, at: time, cost: priced) }
        if let service {
            serviceTimelines[service, default: CallTimeline()].add(delta, at: time, cost: keys.provider == delta.provider ? priced : cost(delta.provider))
        }
        return priced
    }

    /// The LLM calls of each configured service (names come from the configuration, not from the calls).
    private var serviceTimelines: [String: CallTimeline] = [:]

    /// The LLM calls `service` made in the window, if any were seen.
    public func summary(service: String, window: StatsWindow, now: Date, percentiles: Bool = true) -> WindowSummary? {
        serviceTimelines[service]?.summary(window, now: now, percentiles: percentiles)
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

    /// The summary of a provider, or of one of its models (`percentiles: false`: counts only, see `CallTimeline.summary`).
    public func summary(provider: String, model: String? = nil, window: StatsWindow, now: Date, percentiles: Bool = true) -> WindowSummary? {
        timelines[model.map { "\(provider)/\($0)" } ?? provider]?.summary(window, now: now, percentiles: percentiles)
    }

    public func requestSeries(provider: String, now: Date) -> [Double] {
        timelines[provider]?.requestSeries(now: now) ?? []
    }

    /// A 5-minute sparkline series of a provider.
    public func series(_ metric: SeriesMetric, provider: String, now: Date) -> [Double] {
        timelines[provider]?.series(metric, now: now) ?? []
    }
}
