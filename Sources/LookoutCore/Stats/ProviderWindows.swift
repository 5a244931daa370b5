import DequeModule
import Foundation
import Histogram

/// The time windows the Providers screen shows.
public enum StatsWindow: Int, Sendable, CaseIterable, CustomStringConvertible {
    case oneMinute = 60, fiveMinutes = 300, oneHour = 3600

    public var description: String {
        switch self {
        case .oneMinute: return "1m"
        case .fiveMinutes: return "5m"
        case .oneHour: return "1h"
        }
    }
}

/// What one label (a provider, or provider/model) did within a window: rates and percentiles ready to show.
public struct WindowSummary: Sendable, Equatable {
    public var requests = 0
    public var errors = 0
    public var errorsByClass: [ErrorClass: Int] = [:]
    public var p50Ms: Double?
    public var p95Ms: Double?
    public var p99Ms: Double?
    public var inputTokens = 0
    public var outputTokens = 0
    public var costUSD = 0.0
    /// Deployments put in cooldown (LiteLLM metrics).
    public var cooldowns = 0
    /// The window's length, to turn totals into rates.
    public var seconds: Double

    public var requestsPerMinute: Double { Double(requests) / seconds * 60 }
    public var tokensPerMinute: Double { Double(inputTokens + outputTokens) / seconds * 60 }
    public var costPerHour: Double { costUSD / seconds * 3600 }
    public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }
    public func errorRate(_ errorClass: ErrorClass) -> Double {
        requests == 0 ? 0 : Double(errorsByClass[errorClass] ?? 0) / Double(requests)
    }
    /// The class most of the errors fall in (ties: the taxonomy's order); nil without errors.
    public var mainErrorClass: ErrorClass? { ErrorClass.main(of: errorsByClass) }
}

extension ErrorClass {
    /// The class with the most errors (ties: the taxonomy's order); nil when there are none.
    public static func main(of counts: [ErrorClass: Int]) -> ErrorClass? {
        var best: ErrorClass?
        for errorClass in allCases where (counts[errorClass] ?? 0) > (best.flatMap { counts[$0] } ?? 0) { best = errorClass }
        return best
    }
}

/// What a 5-minute sparkline plots per 10-second bucket.
public enum SeriesMetric: Sendable, CaseIterable {
    case requests, errorRate, p95Latency, cost
}

/// One label's calls in time buckets: 10-second buckets for the last 5 minutes and 1-minute buckets for the
/// hour, each with counts and an HdrHistogram (2 significant digits, milliseconds): memory is bounded by the
/// bucket count whatever the traffic, and windows merge buckets exactly.
public struct CallTimeline: Sendable, Equatable {
    struct Bucket: Sendable, Equatable {
        var start: TimeInterval
        var requests = 0
        var errors = 0
        var errorsByClass: [ErrorClass: Int] = [:]
        var latency = Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000, numberOfSignificantValueDigits: .two)
        var latencyCount = 0
        var inputTokens = 0
        var outputTokens = 0
        var costUSD = 0.0
        var cooldowns = 0

        init(start: TimeInterval) { self.start = start }

        /// Calls counted from scraped metrics: latency buckets are spread evenly inside each bucket (up to 16
        /// points), which is the linear interpolation `histogram_quantile` assumes.
        mutating func add(_ delta: MetricDelta, cost: Double?) {
            requests += delta.requests
            errors += delta.errors
            for (errorClass, count) in delta.errorsByClass { errorsByClass[errorClass, default: 0] += count }
            for bucket in delta.latencyBuckets where bucket.count > 0 {
                let upper = bucket.upper.isFinite ? bucket.upper : bucket.lower
                let points = min(bucket.count, 16)
                for i in 0..<points {
                    let share = bucket.count / points + (i < bucket.count % points ? 1 : 0)
                    let seconds = bucket.lower + (upper - bucket.lower) * (Double(i) + 0.5) / Double(points)
                    _ = latency.record(UInt64(min(600_000, max(1, (seconds * 1000).rounded()))), count: UInt32(clamping: share))
                }
                latencyCount += bucket.count
            }
            inputTokens += delta.inputTokens
            outputTokens += delta.outputTokens
            costUSD += cost ?? 0
            cooldowns += delta.cooldowns
        }

        mutating func add(_ call: LogRecord, cost: Double?) {
            requests += 1
            if let errorClass = call.errorClass {
                errors += 1
                errorsByClass[errorClass, default: 0] += 1
            }
            if let ms = call.latencyMs, ms.isFinite, ms >= 0 {
                _ = latency.record(UInt64(min(600_000, max(1, ms.rounded()))))
                latencyCount += 1
            }
            inputTokens += max(0, call.inputTokens ?? 0)
            outputTokens += max(0, call.outputTokens ?? 0)
            costUSD += cost ?? 0
        }
    }

    private var fine: Deque<Bucket> = []     // 10 s, last 5 minutes
    private var coarse: Deque<Bucket> = []   // 1 min, last hour

    public init() {}

    /// Counts `call` at `time` (the record's time, or when it arrived); `cost` from the line or the price table.
    public mutating func add(_ call: LogRecord, at time: Date, cost: Double?) {
        update(at: time) { $0.add(call, cost: cost) }
    }

    /// Counts the calls a scrape found at `time`.
    public mutating func add(_ delta: MetricDelta, at time: Date, cost: Double?) {
        update(at: time) { $0.add(delta, cost: cost) }
    }

    /// Applies `change` to the 10-second and the 1-minute bucket of `time`, then drops what left the windows.
    private mutating func update(at time: Date, _ change: (inout Bucket) -> Void) {
        let t = time.timeIntervalSince1970
        change(&fine[Self.index(&fine, width: 10, at: t)])
        change(&coarse[Self.index(&coarse, width: 60, at: t)])
        Self.trim(&fine, before: t - 300)
        Self.trim(&coarse, before: t - 3600)
    }

    /// The calls of the last `window` before `now`; without `percentiles` the latency histograms are not merged (the
    /// costly part) and p50/p95/p99 stay nil — for judgements that need only counts.
    public func summary(_ window: StatsWindow, now: Date, percentiles: Bool = true) -> WindowSummary {
        let t = now.timeIntervalSince1970
        let source = window == .oneHour ? coarse : fine
        let width: TimeInterval = window == .oneHour ? 60 : 10
        let from = t - Double(window.rawValue)
        // Rates over the time actually covered: a window longer than the history would understate them.
        let covered = max(width, t - (source.first?.start ?? t))
        var summary = WindowSummary(seconds: min(Double(window.rawValue), covered))
        var latency: Histogram<UInt32>?
        for bucket in source where bucket.start + width > from && bucket.start <= t {
            summary.requests += bucket.requests
            summary.errors += bucket.errors
            for (errorClass, count) in bucket.errorsByClass { summary.errorsByClass[errorClass, default: 0] += count }
            summary.inputTokens += bucket.inputTokens
            summary.outputTokens += bucket.outputTokens
            summary.costUSD += bucket.costUSD
            summary.cooldowns += bucket.cooldowns
            if percentiles, bucket.latencyCount > 0 {
                if latency == nil { latency = bucket.latency } else { latency?.add(bucket.latency) }
            }
        }
        if let latency {
            summary.p50Ms = Double(latency.valueAtPercentile(50))
            summary.p95Ms = Double(latency.valueAtPercentile(95))
            summary.p99Ms = Double(latency.valueAtPercentile(99))
        }
        return summary
    }

    /// One value per 10-second bucket over the last 5 minutes (for a sparkline), oldest first.
    public func series(_ metric: SeriesMetric, now: Date) -> [Double] {
        let t = (now.timeIntervalSince1970 / 10).rounded(.down) * 10
        return (0..<30).reversed().map { back in
            let start = t - Double(back) * 10
            guard let bucket = fine.first(where: { $0.start == start }) else { return 0 }
            switch metric {
            case .requests: return Double(bucket.requests)
            case .errorRate: return bucket.requests == 0 ? 0 : Double(bucket.errors) / Double(bucket.requests)
            case .p95Latency: return bucket.latencyCount == 0 ? 0 : Double(bucket.latency.valueAtPercentile(95))
            case .cost: return bucket.costUSD
            }
        }
    }

    /// Requests per bucket over the last 5 minutes, oldest first, empty buckets as 0.
    public func requestSeries(now: Date) -> [Double] { series(.requests, now: now) }

    private static func index(_ buckets: inout Deque<Bucket>, width: TimeInterval, at t: TimeInterval) -> Int {
        let start = (t / width).rounded(.down) * width
        if let last = buckets.last, last.start == start { return buckets.count - 1 }
        if let found = buckets.lastIndex(where: { $0.start == start }) { return found }
        // Late records (older than the newest bucket) get their own bucket, kept in order.
        let position = buckets.firstIndex { $0.start > start } ?? buckets.count
        buckets.insert(Bucket(start: start), at: position)
        return position
    }

    private static func trim(_ buckets: inout Deque<Bucket>, before t: TimeInterval) {
        while let first = buckets.first, first.start < t - 60 { buckets.removeFirst() }
    }
}
