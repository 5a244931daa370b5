import Foundation

/// A query of the context's own (`queries:`), sent to its Prometheus at an interval: each series it answers is a row
/// with its value, a trend and a judgement against the query's thresholds; a series past one raises a `query` alert.
/// What a fleet's engineers already ask Prometheus — a p95 from `histogram_quantile`, a queue's depth, requests a
/// second summed over replicas — beside what lookout reads itself.
public struct CustomQuery: Sendable, Equatable {
    public var name: String
    public var query: String
    public var unit = QueryUnit.number
    /// A value that crosses this is a warning; one that crosses `critical`, critical.
    public var warn: QueryThreshold?
    public var critical: QueryThreshold?
    /// The service it is about, when it is about one: its detail screen shows it too.
    public var service: String?
    public var interval: Duration = .seconds(15)
    /// The context's Prometheus (filled in once the whole file is read).
    public var server = APIServer(url: "")

    public init(name: String, query: String) {
        self.name = name
        self.query = query
    }

    /// The severity `value` earns: nil when it crosses no threshold (or is not a number: NaN judges nothing).
    public func severity(of value: Double) -> Alert.Severity? {
        guard !value.isNaN else { return nil }
        if let critical, critical.isCrossed(by: value) { return .critical }
        if let warn, warn.isCrossed(by: value) { return .warning }
        return nil
    }

    /// Most series a query shows: a bound on what a query (a `by (pod)` over a large fleet) can put on screen.
    public static let seriesShown = 20
    /// Values kept per series for its trend: at 15 s a reading, the last 15 minutes.
    public static let historyKept = 60
}

/// `warn: "> 2"`, `critical: "<= 0.99"`: a comparison a value is judged by.
public struct QueryThreshold: Sendable, Equatable {
    public enum Comparison: String, Sendable, CaseIterable { case greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<=" }

    public var comparison: Comparison
    public var value: Double

    public init(_ comparison: Comparison, _ value: Double) {
        self.comparison = comparison
        self.value = value
    }

    /// Reads `> 2`, `>=0.5`, `< 1e3`; a bare number means `>` it. Nil with why when it is neither.
    public static func parse(_ text: String) -> Result<QueryThreshold, ReadProblem> {
        var rest = Substring(text.trimmingWhitespace())
        var comparison = Comparison.greater
        for candidate in [Comparison.greaterOrEqual, .lessOrEqual, .greater, .less] where rest.hasPrefix(candidate.rawValue) {
            comparison = candidate
            rest = rest.dropFirst(candidate.rawValue.count)
            break
        }
        guard let value = Double(rest.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            return .failure(ReadProblem("expected a comparison and a number, such as \"> 2\" or \"< 0.99\""))
        }
        return .success(QueryThreshold(comparison, value))
    }

    public func isCrossed(by value: Double) -> Bool {
        switch comparison {
        case .greater: value > self.value
        case .greaterOrEqual: value >= self.value
        case .less: value < self.value
        case .lessOrEqual: value <= self.value
        }
    }

    /// `> 2 s`, in the query's unit.
    public func text(_ unit: QueryUnit) -> String { comparison.rawValue + " " + unit.format(value) }
}

/// How a query's values are written (`unit:`); the number Prometheus answers is never changed, only its text.
public enum QueryUnit: String, Sendable, CaseIterable {
    case number, seconds, milliseconds, percent, ratio, dollars, bytes
    case perSecond = "per-second"

    public func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "+Inf" : "-Inf") }
        switch self {
        case .number: return Self.compact(value)
        case .seconds:
            if abs(value) < 1, value != 0 { return Self.compact(value * 1000) + " ms" }
            return NumberText.fixed(value, abs(value) >= 100 || value == value.rounded() ? 0 : 2) + " s"
        case .milliseconds: return Self.compact(value) + " ms"
        case .percent: return NumberText.fixed(value, abs(value) >= 10 ? 1 : 2) + "%"
        case .ratio: return NumberText.fixed(value * 100, abs(value) >= 0.1 ? 1 : 2) + "%"
        case .dollars: return "$" + NumberText.fixed(value, abs(value) >= 100 ? 0 : 2)
        case .bytes:
            let units = ["B", "KiB", "MiB", "GiB", "TiB"]
            var scaled = value, index = 0
            while abs(scaled) >= 1024, index < units.count - 1 { scaled /= 1024; index += 1 }
            return NumberText.fixed(scaled, index == 0 ? 0 : 1) + " " + units[index]
        case .perSecond: return Self.compact(value) + "/s"
        }
    }

    /// `0.0123`, `4.56`, `123`, `12.3k`, `4.5M`: three significant digits or so, without an exponent.
    static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000_000 { return NumberText.fixed(value / 1_000_000_000, 1) + "G" }
        if magnitude >= 1_000_000 { return NumberText.fixed(value / 1_000_000, 1) + "M" }
        if magnitude >= 10_000 { return NumberText.fixed(value / 1000, 1) + "k" }
        if magnitude >= 100 || magnitude == 0 || value == value.rounded() { return NumberText.fixed(value, 0) }
        if magnitude >= 1 { return NumberText.fixed(value, 2) }
        if magnitude >= 0.001 { return NumberText.fixed(value, 4) }
        return String(format: "%.2e", value)
    }
}
