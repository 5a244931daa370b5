import Foundation

/// What Prometheus answered to one of the context's queries (`CustomQuery`): its series with their values — one value
/// each for an instant query, the steps of a range query — or why there are none. Built from the documented answer
/// shapes, checked against answers captured from Debian's Prometheus
/// (`Tests/LookoutCoreTests/Fixtures/prometheus-2.42/query-*.json`).
public struct QueryAnswer: Sendable, Equatable {
    public struct Series: Sendable, Equatable {
        /// The series' labels, `__name__` left out (an aggregation has none: `{}`).
        public var labels: [String: String]
        /// `(time, value)`, oldest first: one for an instant query.
        public var points: [Point]

        public init(labels: [String: String], points: [Point]) {
            self.labels = labels
            self.points = points
        }
    }

    public struct Point: Sendable, Equatable {
        public var time: Double
        public var value: Double
        public init(_ time: Double, _ value: Double) {
            self.time = time
            self.value = value
        }
    }

    public var series: [Series] = []
    /// Why there is no answer: Prometheus' own words (`execution: found duplicate series…`), or the transport's.
    public var problem: String?
    /// Warnings and infos that came with an answer (partial data from a federated store).
    public var warnings: [String] = []

    public init(series: [Series] = [], problem: String? = nil) {
        self.series = series
        self.problem = problem
    }

    /// Reads an instant (`vector`, `scalar`) or range (`matrix`) answer of any HTTP status: Prometheus explains a
    /// 400, 422 or 503 in the same envelope. A `string` answer, or a value that is no number, is a problem said so.
    public static func decode(_ body: [UInt8], httpStatus: Int) -> QueryAnswer {
        var answer = QueryAnswer()
        let data: [String: Any]
        switch PromQLResponse.envelope(body, httpStatus: httpStatus, warnings: &answer.warnings) {
        case let .failure(problem):
            answer.problem = problem.message
            return answer
        case let .success(found): data = found
        }
        switch data["resultType"] as? String {
        case "scalar":
            guard let pair = data["result"] as? [Any], let point = point(pair) else { return answer.failing("the scalar has no value") }
            answer.series = [Series(labels: [:], points: [point])]
        case "vector":
            for entry in data["result"] as? [[String: Any]] ?? [] {
                guard let pair = entry["value"] as? [Any], let point = point(pair) else { continue }
                answer.series.append(Series(labels: labels(entry), points: [point]))
            }
        case "matrix":
            for entry in data["result"] as? [[String: Any]] ?? [] {
                let points = (entry["values"] as? [[Any]] ?? []).compactMap(point)
                guard !points.isEmpty else { continue }
                answer.series.append(Series(labels: labels(entry), points: points))
            }
        case let other?:
            return answer.failing("the query answers a \(SafeText.escape(other)), not numbers")
        case nil:
            return answer.failing("the answer has no data")
        }
        return answer
    }

    private func failing(_ problem: String) -> QueryAnswer {
        var copy = self
        copy.problem = problem
        return copy
    }

    /// `[time, "value"]`; Prometheus writes values as text (`"NaN"`, `"+Inf"` among them).
    private static func point(_ pair: [Any]) -> Point? {
        guard pair.count == 2, let time = (pair[0] as? NSNumber)?.doubleValue, let text = pair[1] as? String,
              let value = Double(text) ?? (text == "+Inf" ? .infinity : text == "-Inf" ? -.infinity : nil) else { return nil }
        return Point(time, value)
    }

    private static func labels(_ entry: [String: Any]) -> [String: String] {
        (entry["metric"] as? [String: String] ?? [:]).filter { $0.key != "__name__" }
    }
}

extension QueryAnswer.Series {
    /// The labels that tell this series from the others, as PromQL writes them: `{provider="openai"}`; empty for a
    /// series with none. Escaped for the screen.
    public var labelText: String {
        guard !labels.isEmpty else { return "" }
        return "{" + labels.sorted { $0.key < $1.key }.map { "\(SafeText.escape($0.key))=\"\(SafeText.escape($0.value))\"" }
            .joined(separator: ",") + "}"
    }
}
