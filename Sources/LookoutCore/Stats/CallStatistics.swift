import Histogram

/// How records are grouped in `lookout stats`.
public enum StatsGrouping: String, Sendable, CaseIterable {
    case provider, model, service
}

/// Statistics of the LLM calls of one group (a provider, a model or a service).
public struct CallGroupStats: Sendable {
    public var requests = 0
    public var errors = 0
    public var errorsByClass: [ErrorClass: Int] = [:]
    /// Latencies in microseconds; HdrHistogram keeps 3 significant digits in bounded memory.
    public var latency = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    public var latencyCount = 0
    public var inputTokens = 0
    public var outputTokens = 0
    /// Sum of the costs the records carried (nil when none did).
    public var costUSD: Double?

    public init() {}

    public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }

    /// The latency at `percentile` (0–100) in milliseconds, nil without latencies.
    public func latencyMs(atPercentile percentile: Double) -> Double? {
        latencyCount == 0 ? nil : Double(latency.valueAtPercentile(percentile)) / 1000
    }

    /// Counts one call. Both routes (records, and the byte-level fast lane) come through here.
    @inline(__always)
    mutating func add(errorClass: ErrorClass?, latencyMs: Double?, inputTokens: Int?, outputTokens: Int?, costUSD: Double?) {
        requests += 1
        if let errorClass {
            errors += 1
            errorsByClass[errorClass, default: 0] += 1
        }
        if let ms = latencyMs, ms >= 0, ms.isFinite {
            _ = latency.record(UInt64(min(ms * 1000, 3_600_000_000).rounded()))
            latencyCount += 1
        }
        self.inputTokens += max(0, inputTokens ?? 0)
        self.outputTokens += max(0, outputTokens ?? 0)
        if let cost = costUSD, cost.isFinite { self.costUSD = (self.costUSD ?? 0) + cost }
    }
}

/// Aggregates decoded records: counts of lines, malformed lines, records and LLM calls, and per-group statistics.
/// Labels come from untrusted input, so at most `maxGroups` distinct groups are kept; the rest fold into `other`.
public struct CallStatistics: Sendable {
    public let grouping: StatsGrouping
    public let maxGroups: Int
    public var lines = 0
    public var malformed = 0
    public var records = 0
    public var llmCalls = 0
    /// Groups in first-seen order, and where each one is.
    public private(set) var groupNames: [String] = []
    private var groupIndex: [String: Int] = [:]
    private var groupStats: [CallGroupStats] = []
    /// Records folded into `other` because the cap was reached.
    public internal(set) var foldedRecords = 0
    /// Calls whose cost came from the price table (their line carried none).
    public internal(set) var pricedCalls = 0

    public static let otherGroup = "other"

    /// Costs calls whose lines carry none.
    public let prices: PriceTable

    public init(grouping: StatsGrouping = .provider, maxGroups: Int = 1000, prices: PriceTable = PriceTable()) {
        self.grouping = grouping
        self.maxGroups = maxGroups
        self.prices = prices
    }

    /// The statistics of the group called `name`.
    public func group(_ name: String) -> CallGroupStats? { groupIndex[name].map { groupStats[$0] } }

    /// Counts one input line that produced `record` (malformed lines count, and are not LLM calls).
    public mutating func add(_ record: LogRecord) {
        lines += 1
        guard !record.isBlank else { return }
        guard !record.isMalformed else { malformed += 1; return }
        records += 1
        guard record.isLLMCall, let provider = record.provider else { return }
        llmCalls += 1
        let label: String
        switch grouping {
        case .provider: label = provider
        case .model: label = record.model ?? "(none)"
        case .service: label = record.service ?? "(none)"
        }
        var cost = record.costUSD
        if cost == nil, let priced = prices.cost(of: record, provider: provider) {
            cost = priced
            pricedCalls += 1
        }
        groupStats[index(of: label)].add(errorClass: record.errorClass, latencyMs: record.latencyMs,
                                         inputTokens: record.inputTokens, outputTokens: record.outputTokens,
                                         costUSD: cost)
    }

    /// The slot of group `label`, created on first sight (or `other` past the cap).
    mutating func index(of label: String) -> Int {
        if let index = groupIndex[label] { return index }
        var name = label
        if groupNames.count >= maxGroups {
            name = CallStatistics.otherGroup
            foldedRecords += 1
            if let index = groupIndex[name] { return index }
        }
        groupNames.append(name)
        groupStats.append(CallGroupStats())
        groupIndex[name] = groupStats.count - 1
        return groupStats.count - 1
    }

    /// Counts one call found by the fast lane in group slot `index`.
    mutating func addCall(group index: Int, errorClass: ErrorClass?, latencyMs: Double?, inputTokens: Int?,
                          outputTokens: Int?, costUSD: Double?) {
        lines += 1
        records += 1
        llmCalls += 1
        groupStats[index].add(errorClass: errorClass, latencyMs: latencyMs, inputTokens: inputTokens,
                              outputTokens: outputTokens, costUSD: costUSD)
    }

    mutating func mergeGroup(at index: Int, _ stats: CallGroupStats) { groupStats[index].merge(stats) }

    /// Counts one malformed line found by the fast lane.
    mutating func addMalformed() {
        lines += 1
        malformed += 1
    }

    /// Counts one well-formed record that is not an LLM call, found by the fast lane.
    mutating func addNonCall() {
        lines += 1
        records += 1
    }
}
