import Foundation

/// The context's own queries (`queries:`) and what Prometheus last answered to each: per series its latest value, its
/// recent values for a trend, and its judgement. A reading that fails keeps the series last read (their age shows)
/// and says why; a series no longer answered is gone.
public struct QueryBoard: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var query: CustomQuery
        public var series: [SeriesState] = []
        public var omitted = 0
        public var problem: String?
        public var warnings: [String] = []
        /// When it was last answered (with series or none), and last tried.
        public var answeredAt: Date?
        public var triedAt: Date?
    }

    public struct SeriesState: Sendable, Equatable {
        public var labels: [String: String]
        public var labelText: String
        /// Oldest first, at most `CustomQuery.historyKept`.
        public var history: [QueryAnswer.Point]
        public var latest: Double { history.last?.value ?? .nan }
    }

    public private(set) var rows: [Row]

    public init(queries: [CustomQuery] = []) {
        rows = queries.map { Row(query: $0) }
    }

    public var isEmpty: Bool { rows.isEmpty }

    /// Takes an answer to the query named `name`, read at `at`. An instant answer replaces the series (keeping the
    /// history of those still there); a range answer (`backfill`) only adds the points before those already kept.
    public mutating func take(_ answer: QueryAnswer, name: String, at: Date, backfill: Bool = false) {
        guard let index = rows.firstIndex(where: { $0.query.name == name }) else { return }
        if backfill {
            rows[index].fillPast(answer)
            return
        }
        var row = rows[index]
        row.triedAt = at
        if let problem = answer.problem {
            row.problem = problem
            rows[index] = row
            return
        }
        row.problem = nil
        row.warnings = answer.warnings
        // Past the bound, the series that cross a threshold are kept first: none of them goes unjudged.
        func rank(_ series: QueryAnswer.Series) -> Int {
            switch row.query.severity(of: series.points.last?.value ?? .nan) { case .critical?: 2; case .warning?: 1; case nil: 0 }
        }
        let kept = answer.series.count <= CustomQuery.seriesShown ? answer.series
            : Array(answer.series.enumerated().sorted { (rank($1.element), $0.offset) < (rank($0.element), $1.offset) }
                .map(\.element).prefix(CustomQuery.seriesShown))
        row.series = kept.map { series in
            let kept = row.series.first { $0.labels == series.labels }?.history ?? []
            // The answer is the latest word: what was kept from its time on (a repeat, or a clock set back) gives way.
            let first = series.points.first?.time ?? .infinity
            let history = kept.filter { $0.time < first } + series.points
            return SeriesState(labels: series.labels, labelText: series.labelText, history: Array(history.suffix(CustomQuery.historyKept)))
        }
        row.omitted = answer.series.count - kept.count
        row.answeredAt = at
        rows[index] = row
    }

    /// Every series past a threshold, worst first: what the `query` alert rule raises.
    public func crossings() -> [(row: Row, series: SeriesState, severity: Alert.Severity)] { Self.crossings(in: rows) }

    /// The same over any rows (a `check` report's).
    public static func crossings(in rows: [Row]) -> [(row: Row, series: SeriesState, severity: Alert.Severity)] {
        var found: [(row: Row, series: SeriesState, severity: Alert.Severity)] = []
        for row in rows {
            for series in row.series {
                if let severity = row.query.severity(of: series.latest) { found.append((row, series, severity)) }
            }
        }
        return found.sorted { $0.severity > $1.severity }
    }

    /// The queries about `service`.
    public func rows(about service: String) -> [Row] { rows.filter { $0.query.service == service } }

    /// Every query has been answered or has failed since `since` (what `check` and `snapshot` wait for).
    public func allTried(since: Date) -> Bool { rows.allSatisfy { ($0.triedAt ?? .distantPast) >= since } }
}

extension QueryBoard.Row {
    /// A look back (a range answer) is history only: it adds the points before those kept, and starts the series of a
    /// query not answered yet (within the bound); it never judges, fails or dates the row.
    mutating func fillPast(_ answer: QueryAnswer) {
        guard answer.problem == nil else { return }
        for past in answer.series {
            if let index = series.firstIndex(where: { $0.labels == past.labels }) {
                let first = series[index].history.first?.time ?? .infinity
                series[index].history.insert(contentsOf: past.points.filter { $0.time < first }, at: 0)
                series[index].history = Array(series[index].history.suffix(CustomQuery.historyKept))
            } else if answeredAt == nil, series.count < CustomQuery.seriesShown {
                series.append(QueryBoard.SeriesState(labels: past.labels, labelText: past.labelText,
                                                     history: Array(past.points.suffix(CustomQuery.historyKept))))
            }
        }
    }

    /// It has thresholds: `check` cannot pass it without an answer.
    public var isGate: Bool { query.warn != nil || query.critical != nil }

    /// `p95 latency{provider="openai"}`: how a series is named in an alert, a row, a report.
    public func subject(_ series: QueryBoard.SeriesState) -> String { query.name + series.labelText }

    /// `2.40 s (warn > 2 s)`: a value with the threshold it crossed, if any.
    public func judged(_ series: QueryBoard.SeriesState) -> String {
        let value = query.unit.format(series.latest)
        switch query.severity(of: series.latest) {
        case .critical?: return value + " (critical " + (query.critical?.text(query.unit) ?? "") + ")"
        case .warning?: return value + " (warn " + (query.warn?.text(query.unit) ?? "") + ")"
        case nil: return value
        }
    }
}
