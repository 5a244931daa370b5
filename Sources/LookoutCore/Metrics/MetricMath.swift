/// The arithmetic on scraped metrics: counter increases across resets, and quantiles from histogram buckets.
public enum MetricMath {
    /// The increase of a counter between two scrapes; a smaller value means the process restarted (a reset),
    /// and then the new value is the whole increase since.
    public static func increase(from previous: Double, to current: Double) -> Double {
        current >= previous ? current - previous : current
    }

    /// A scraped amount as a whole count: rounded, and bounded to 0…2^53 (NaN is 0). A counter of 1e300 is a broken or
    /// hostile exporter, and `Int(1e300)` traps — the fuzzer found the poller thread dying on one.
    public static func wholeCount(_ value: Double) -> Int {
        guard value.isFinite else { return value == .infinity ? 1 << 53 : 0 }
        return Int(min(max(value.rounded(), 0), 9_007_199_254_740_992))
    }

    /// The `q` quantile (0…1) of a histogram given as cumulative bucket counts by upper bound (`le`),
    /// interpolating linearly inside the bucket as Prometheus's `histogram_quantile` does; nil without counts.
    public static func quantile(_ q: Double, buckets: [(upperBound: Double, count: Double)]) -> Double? {
        let sorted = buckets.sorted { $0.upperBound < $1.upperBound }
        guard let total = sorted.last?.count, total > 0, q >= 0, q <= 1 else { return nil }
        let rank = q * total
        var lowerBound = 0.0
        var lowerCount = 0.0
        for bucket in sorted {
            if bucket.count >= rank {
                if bucket.upperBound.isInfinite { return lowerBound }   // the top bucket has no width: its lower edge
                let inBucket = bucket.count - lowerCount
                guard inBucket > 0 else { return bucket.upperBound }
                return lowerBound + (bucket.upperBound - lowerBound) * (rank - lowerCount) / inBucket
            }
            lowerBound = bucket.upperBound
            lowerCount = bucket.count
        }
        return sorted.last?.upperBound
    }
}
