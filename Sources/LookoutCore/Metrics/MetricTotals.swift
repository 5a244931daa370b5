import Foundation

/// The calls of one provider summed over scrapes, for `lookout metrics`: counts, errors by class, tokens,
/// cost, and latency buckets from which quantiles are taken exactly as `histogram_quantile` does.
public struct MetricTotals: Sendable, Equatable {
    public var requests = 0
    public var errorsByClass: [ErrorClass: Int] = [:]
    public var inputTokens = 0
    public var outputTokens = 0
    public var costUSD: Double?
    public var cooldowns = 0
    /// Calls per bucket upper bound (seconds).
    public var buckets: [Double: Int] = [:]

    public init() {}

    public var errors: Int { errorsByClass.values.reduce(0, +) }

    public mutating func add(_ delta: MetricDelta, prices: PriceTable) {
        requests += delta.requests
        for (errorClass, count) in delta.errorsByClass { errorsByClass[errorClass, default: 0] += count }
        inputTokens += delta.inputTokens
        outputTokens += delta.outputTokens
        cooldowns += delta.cooldowns
        if let cost = delta.costUSD ?? prices.cost(provider: delta.provider, model: delta.model,
                                                    inputTokens: delta.inputTokens, outputTokens: delta.outputTokens) {
            costUSD = (costUSD ?? 0) + cost
        }
        for bucket in delta.latencyBuckets { buckets[bucket.upper, default: 0] += bucket.count }
    }

    /// The `q` quantile of latency in milliseconds; nil without latency buckets.
    public func latencyMs(_ q: Double) -> Double? {
        var cumulative = 0
        let points = buckets.sorted { $0.key < $1.key }.map { bound, count -> (upperBound: Double, count: Double) in
            cumulative += count
            return (bound, Double(cumulative))
        }
        return MetricMath.quantile(q, buckets: points).map { $0 * 1000 }
    }

    /// The fields of the `stats` JSON contract.
    public var jsonMembers: [JSONValue.Member] {
        CallStatistics.statsMembers(requests: requests, errors: errors, errorRate: requests == 0 ? 0 : Double(errors) / Double(requests),
                                    errorsByClass: errorsByClass, p50: latencyMs(0.5), p95: latencyMs(0.95), p99: latencyMs(0.99),
                                    inputTokens: inputTokens, outputTokens: outputTokens, costUSD: costUSD)
    }

}
