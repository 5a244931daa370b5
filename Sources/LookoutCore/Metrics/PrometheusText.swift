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
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// Parses UTF-8 bytes: samples are read as bytes (names and labels are ASCII by the format's grammar, label
    /// values are decoded), comments as text.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> (families: [MetricFamily], issues: [MetricParseIssue]) {
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

        var familyOf: [String: String] = [:]   // sample name → family name, worked out once per name
        var number = 0
        var start = 0
        while start < bytes.count {
            number += 1
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            let lineBytes = bytes[start..<lineEnd]
            start = end + 1
            if lineBytes.isEmpty { continue }
            guard lineBytes.count <= maxLineBytes else {
                issues.append(MetricParseIssue(line: number, message: "line longer than \(maxLineBytes) bytes"))
                continue
            }
            if lineBytes.first == UInt8(ascii: "#") {
                let line = Substring(String(decoding: lineBytes, as: UTF8.self))
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
            switch sample(lineBytes) {
            case let .success(parsed):
                let name: String
                if let known = familyOf[parsed.name] { name = known } else {
                    name = familyName(of: parsed.name, known: index, families: families)
                    familyOf[parsed.name] = name
                }
                families[family(name)].samples.append(parsed)
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

    /// `name{a="b",c="d"} value [timestamp] [# exemplar]`, read from the line's bytes.
    static func sample(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Result<MetricSample, Issue> {
        func isNameByte(_ b: UInt8) -> Bool {
            (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 95 || b == 58
        }
        func text(_ range: Range<Int>) -> String { String(decoding: line.base[range], as: UTF8.self) }
        var i = line.startIndex
        let end = line.endIndex
        while i < end && isNameByte(line.base[i]) { i += 1 }
        guard i > line.startIndex, !(line.base[line.startIndex] >= 48 && line.base[line.startIndex] <= 57) else {
            return .failure(Issue(message: "expected a metric name"))
        }
        let name = text(line.startIndex..<i)
        var labels: [String: String] = [:]
        if i < end && line.base[i] == UInt8(ascii: "{") {
            i += 1
            while true {
                while i < end && line.base[i] == 32 { i += 1 }
                if i < end && line.base[i] == UInt8(ascii: "}") { i += 1; break }
                let labelStart = i
                while i < end && isNameByte(line.base[i]) && line.base[i] != 58 { i += 1 }
                guard i > labelStart else { return .failure(Issue(message: "expected a label name in \(SafeText.escape(name))")) }
                let label = text(labelStart..<i)
                guard i + 1 < end, line.base[i] == UInt8(ascii: "="), line.base[i + 1] == UInt8(ascii: "\"") else {
                    return .failure(Issue(message: "expected =\" after label \(SafeText.escape(label))"))
                }
                i += 2
                var value: [UInt8] = []
                var closed = false
                while i < end {
                    let b = line.base[i]
                    i += 1
                    if b == UInt8(ascii: "\\") {
                        guard i < end else { break }
                        let next = line.base[i]
                        i += 1
                        value.append(next == UInt8(ascii: "n") ? 10 : next)
                    } else if b == UInt8(ascii: "\"") {
                        closed = true
                        break
                    } else {
                        value.append(b)
                    }
                }
                guard closed else { return .failure(Issue(message: "unterminated label value")) }
                labels[label] = String(decoding: value, as: UTF8.self)
                while i < end && line.base[i] == 32 { i += 1 }
                if i < end && line.base[i] == UInt8(ascii: ",") { i += 1; continue }
                guard i < end && line.base[i] == UInt8(ascii: "}") else { return .failure(Issue(message: "expected , or } in the labels")) }
            }
        }
        // The value and an optional timestamp, up to an exemplar (`# …`).
        var fields: [Range<Int>] = []
        while i < end && line.base[i] != UInt8(ascii: "#") {
            while i < end && line.base[i] == 32 { i += 1 }
            let fieldStart = i
            while i < end && line.base[i] != 32 && line.base[i] != UInt8(ascii: "#") { i += 1 }
            if i > fieldStart { fields.append(fieldStart..<i) }
        }
        guard let valueRange = fields.first, let value = number(Substring(text(valueRange))) else {
            return .failure(Issue(message: "expected a value after \(SafeText.escape(name))"))
        }
        var timestamp: Double?
        if fields.count >= 2 {
            guard let stamp = Double(text(fields[1])) else { return .failure(Issue(message: "bad timestamp")) }
            timestamp = stamp
        }
        return .success(MetricSample(name: name, labels: labels, value: value, timestamp: timestamp))
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
