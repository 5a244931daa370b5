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
        guard var provider = record.provider else { return }
        if timelines[provider] == nil && timelines.count >= maxLabels {
            provider = Self.otherLabel
            folded += 1
        }
        if timelines[provider] == nil {
            providers.append(provider)
            timelines[provider] = CallTimeline()
        }
        let cost = record.costUSD ?? prices.cost(provider: provider, model: record.model,
                                                  inputTokens: record.inputTokens, outputTokens: record.outputTokens)
        timelines[provider]?.add(record, at: time, cost: cost)
        guard let model = record.model else { return }
        let key = "\(provider)/\(model)"
        if timelines[key] == nil {
            guard timelines.count < maxLabels else { folded += 1; return }
            models[provider, default: []].append(model)
            timelines[key] = CallTimeline()
        }
        timelines[key]?.add(record, at: time, cost: cost)
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
}
