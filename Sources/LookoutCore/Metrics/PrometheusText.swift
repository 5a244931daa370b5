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
/// join their family. Bounded: at most `maxSamples` samples and lines of at most `maxLineBytes`.
public enum PrometheusText {
    public static let maxSamples = 200_000
    public static let maxLineBytes = 64 * 1024

    public static func parse(_ text: String) -> (families: [MetricFamily], issues: [MetricParseIssue]) {
        var families: [MetricFamily] = []
        var index: [String: Int] = [:]
        var issues: [MetricParseIssue] = []
        var samples = 0

        func family(_ name: String) -> Int {
            if let i = index[name] { return i }
            families.append(MetricFamily(name: name, kind: .untyped, help: nil, samples: []))
            index[name] = families.count - 1
            return families.count - 1
        }

        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty { continue }
            guard line.utf8.count <= maxLineBytes else {
                issues.append(MetricParseIssue(line: number, message: "line longer than \(maxLineBytes) bytes"))
                continue
            }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
                if parts.count >= 2 && parts[1] == "EOF" { break }
                guard parts.count >= 3 else { continue }   // a plain comment
                let name = String(parts[2])
                switch parts[1] {
                case "TYPE":
                    let kind = parts.count == 4 ? MetricFamily.Kind(rawValue: String(parts[3])) : nil
                    guard let kind else {
                        issues.append(MetricParseIssue(line: number, message: "unknown metric type for \(SafeText.escape(name))"))
                        continue
                    }
                    families[family(name)].kind = kind
                case "HELP":
                    families[family(name)].help = parts.count == 4 ? unescape(parts[3], quotes: false) : ""
                default:
                    continue   // UNIT and other comments
                }
                continue
            }
            guard samples < maxSamples else {
                issues.append(MetricParseIssue(line: number, message: "more than \(maxSamples) samples: the rest is ignored"))
                break
            }
            switch sample(line) {
            case let .success(parsed):
                families[family(familyName(of: parsed.name, known: index, families: families))].samples.append(parsed)
                samples += 1
            case let .failure(issue):
                issues.append(MetricParseIssue(line: number, message: issue.message))
            }
        }
        return (families.filter { !$0.samples.isEmpty || $0.kind != .untyped }, issues)
    }

    /// The family a sample belongs to: its own name if declared, else the declared family its suffix points to.
    static func familyName(of sample: String, known: [String: Int], families: [MetricFamily]) -> String {
        if known[sample] != nil { return sample }
        for suffix in ["_total", "_created", "_bucket", "_count", "_sum", "_gcount", "_gsum", "_info"] where sample.hasSuffix(suffix) {
            let base = String(sample.dropLast(suffix.count))
            if known[base] != nil { return base }
            // prometheus_client declares counters with `_total` and adds `<base>_created` samples.
            if suffix == "_created", known[base + "_total"] != nil { return base + "_total" }
        }
        return sample
    }

    struct Issue: Error { let message: String }

    /// `name{a="b",c="d"} value [timestamp] [# exemplar]`.
    static func sample(_ line: Substring) -> Result<MetricSample, Issue> {
        var rest = line[...]
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty, !(name.first?.isNumber ?? true) else { return .failure(Issue(message: "expected a metric name")) }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while true {
                rest = rest.drop { $0 == " " }
                if rest.first == "}" { rest = rest.dropFirst(); break }
                let label = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                guard !label.isEmpty else { return .failure(Issue(message: "expected a label name in \(SafeText.escape(String(name)))")) }
                rest = rest.dropFirst(label.count)
                guard rest.hasPrefix("=\"") else { return .failure(Issue(message: "expected =\" after label \(SafeText.escape(String(label)))")) }
                rest = rest.dropFirst(2)
                var value = ""
                var closed = false
                while let c = rest.first {
                    rest = rest.dropFirst()
                    if c == "\\" {
                        guard let next = rest.first else { break }
                        rest = rest.dropFirst()
                        value.append(next == "n" ? "\n" : next)
                    } else if c == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(c)
                    }
                }
                guard closed else { return .failure(Issue(message: "unterminated label value")) }
                labels[String(label)] = value
                rest = rest.drop { $0 == " " }
                if rest.first == "," { rest = rest.dropFirst(); continue }
                guard rest.first == "}" else { return .failure(Issue(message: "expected , or } in the labels")) }
            }
        }
        let fields = rest.split(separator: "#", maxSplits: 1)[...].first?.split(separator: " ") ?? []
        guard let valueText = fields.first, let value = number(valueText) else {
            return .failure(Issue(message: "expected a value after \(SafeText.escape(String(name)))"))
        }
        var timestamp: Double?
        if fields.count >= 2 {
            guard let stamp = Double(fields[1]) else { return .failure(Issue(message: "bad timestamp")) }
            timestamp = stamp
        }
        return .success(MetricSample(name: String(name), labels: labels, value: value, timestamp: timestamp))
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

    static func unescape(_ text: Substring, quotes: Bool) -> String {
        var out = ""
        var escaping = false
        for c in text {
            if escaping { out.append(c == "n" ? "\n" : c); escaping = false } else if c == "\\" { escaping = true } else { out.append(c) }
        }
        return out
    }
}
