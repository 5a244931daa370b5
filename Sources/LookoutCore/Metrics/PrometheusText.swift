/// One sample of the Prometheus text exposition format or OpenMetrics.
public struct MetricSample: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]
    public var value: Double
    /// As written: milliseconds in the Prometheus format, seconds in OpenMetrics.
    public var timestamp: Double?

    public init(name: String, labels: [String: String] = [:], value: Double, timestamp: Double? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }
}

/// The samples of one metric family, with its declared type and help.
public struct MetricFamily: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case counter, gauge, histogram, summary, untyped, unknown, info, stateset, gaugehistogram
    }

    public var name: String
    public var kind: Kind
    public var help: String?
    public var samples: [MetricSample]
}

/// A line that could not be read, kept (escaped) with its number; parsing goes on.
public struct MetricParseIssue: Sendable, Equatable {
    public var line: Int
    public var message: String
}

/// Parses the Prometheus text format (0.0.4) and OpenMetrics 1.0 text: `# HELP`, `# TYPE`, `# UNIT`, `# EOF`,
/// samples with escaped label values, `NaN`/`±Inf`, optional timestamps, exemplars (ignored). Counters are
/// found with or without `_total`; histogram and summary samples (`_bucket`, `_sum`, `_count`, quantiles)
/// join their family. Bounded: at most `maxSamples` samples, `maxLabels` labels and lines of at most `maxLineBytes`. The reading
/// itself is `ExpositionParser`'s; this gives its result as `MetricFamily` values.
public enum PrometheusText {
    public static let maxSamples = 200_000
    public static let maxLineBytes = 64 * 1024
    /// Labels in one scrape, all samples together (ids are 32-bit; 4 million label pairs are 32 MB).
    public static let maxLabels = 4_000_000

    public static func parse(_ text: String) -> (families: [MetricFamily], issues: [MetricParseIssue]) {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// Parses UTF-8 bytes.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> (families: [MetricFamily], issues: [MetricParseIssue]) {
        var parser = ExpositionParser()
        parser.feed(UnsafeRawBufferPointer(bytes))
        let exposition = parser.finish()
        return (exposition.metricFamilies(parser.symbols), exposition.issues)
    }

    /// The family a sample belongs to: its own name if declared, else the declared family its suffix points to.
    static func familyName(of sample: String, known: [String: Int]) -> String {
        if known[sample] != nil { return sample }
        for (_, suffix) in Exposition.Suffix.all where sample.hasSuffix(suffix) {
            let base = String(sample.dropLast(suffix.count))
            if known[base] != nil { return base }
            // prometheus_client declares counters with `_total` and adds `<base>_created` samples.
            if suffix == "_created", known[base + "_total"] != nil { return base + "_total" }
        }
        return sample
    }

    /// A sample value or `le` bound: a float, `NaN`, `+Inf` or `-Inf`.
    public static func number(_ text: Substring) -> Double? {
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default: return Double(text)
        }
    }

    /// A `# HELP` text with its escapes (`\n`, `\\`) read.
    static func unescape(_ text: Substring) -> String {
        var out = ""
        var escaping = false
        for c in text {
            if escaping { out.append(c == "n" ? "\n" : c); escaping = false } else if c == "\\" { escaping = true } else { out.append(c) }
        }
        return out
    }
}
