import Foundation

/// A service's metrics read from a Prometheus server (or anything serving its HTTP API: Thanos, Mimir, VictoriaMetrics)
/// instead of its own `/metrics`: one instant query (`/api/v1/query`) fetches the latest sample of every series of the
/// mapping's families that the service's label matchers select — every replica's, each told apart by its `instance`
/// label. The answer is written back as an exposition and read by the same `MetricsTracker` as a scrape, which takes
/// each series' increase on its own: a replica that restarts resets its own series only, and the calls of all replicas
/// add up. No `rate()` or `increase()` on the server side: their extrapolation would make the sum of successive
/// windows drift from the counters' true growth.
public enum PromQL {
    /// The series query: `{__name__=~"<the mapping's families>",<matchers>}`; without a mapping (detected from what
    /// comes back), the families of every preset.
    public static func seriesQuery(matchers: String, mapping: MetricMapping?) -> String {
        let names = (mapping.map { [$0] } ?? MetricMapping.presets).flatMap(\.seriesNames)
        var unique: [String] = []
        for name in names where !unique.contains(name) { unique.append(name) }
        let trimmed = matchers.trimmingWhitespace()
        return "{__name__=~\"\(unique.joined(separator: "|"))\"" + (trimmed.isEmpty ? "" : "," + trimmed) + "}"
    }

    /// `<server>/api/v1/query?query=…` (and `&time=` when given: tests pin the evaluation time).
    public static func instantQueryURL(server: String, query: String, time: Double? = nil) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = query.addingPercentEncoding(withAllowedCharacters: allowed) ?? query
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        return base + "/api/v1/query?query=" + encoded + (time.map { "&time=" + NumberText.fixed($0, 3) } ?? "")
    }

    /// Label matchers as a service writes them (`job="chat-api",namespace=~"prod-.*"`): nil when they look right,
    /// else what is wrong. Prometheus judges them fully; this catches what would change the query's shape.
    public static func problem(inMatchers matchers: String) -> String? {
        if matchers.trimmingWhitespace().isEmpty { return "expected label matchers such as job=\"chat-api\"" }
        if matchers.contains("{") || matchers.contains("}") { return "write the matchers without braces: job=\"chat-api\"" }
        if matchers.contains("__name__") { return "the metric names come from the mapping; leave __name__ out" }
        return nil
    }
}

extension MetricMapping {
    /// The series names of every family the mapping reads: counters with and without `_total`, histograms as their
    /// `_bucket`, `_sum` and `_count`, gauges as named.
    public var seriesNames: [String] {
        let counters = successCounters + failureCounters + requestCounters + inputTokenCounters + outputTokenCounters
            + tokenCounters + spendCounters + cooldownCounters
        let histograms = latencyHistograms + tokenHistograms
        let gauges = deploymentStateGauges + remainingRequestsGauges + remainingTokensGauges + remainingBudgetGauges
            + remainingKeyBudgetGauges + remainingTeamBudgetGauges
        return counters.flatMap { [$0, $0 + "_total"] } + histograms.flatMap { [$0 + "_bucket", $0 + "_sum", $0 + "_count"] } + gauges
    }
}

/// What a Prometheus HTTP API answered to an instant query. The shape is the documented one
/// (prometheus.io/docs/prometheus/latest/querying/api/), checked against bodies captured from Debian's Prometheus
/// (`Tests/LookoutCoreTests/Fixtures/prometheus-2.42/`).
public struct PromQLResponse: Sendable, Equatable {
    /// One series of an instant vector: its labels (`__name__` among them) and latest value.
    public struct Sample: Sendable, Equatable {
        public var labels: [String: String]
        /// As Prometheus wrote it: `"175"`, `"0.25"`, `"NaN"`, `"+Inf"`.
        public var value: String
        public var timestamp: Double
    }

    public var samples: [Sample] = []
    /// Why the query failed (`bad_data: parse error…`, `timeout: query timed out…`); nil when it succeeded.
    public var error: String?
    /// Warnings and infos of a successful query (partial data from a federated store, …), shown beside the numbers.
    public var warnings: [String] = []

    /// Reads an answer of any HTTP status: Prometheus explains a 400, 422 or 503 in the same JSON envelope.
    public static func decode(_ body: [UInt8], httpStatus: Int) -> PromQLResponse {
        var response = PromQLResponse()
        let data: [String: Any]
        switch envelope(body, httpStatus: httpStatus, warnings: &response.warnings) {
        case let .failure(problem):
            let start = String(decoding: body.prefix(120), as: UTF8.self).trimmingWhitespace()
            let notAnswer = problem.message.hasPrefix("not a Prometheus API answer") && !start.isEmpty
            response.error = problem.message + (notAnswer ? ": " + SafeText.escape(start) : "")
            return response
        case let .success(found): data = found
        }
        guard let type = data["resultType"] as? String else {
            response.error = "the answer has no data"
            return response
        }
        guard type == "vector", let result = data["result"] as? [[String: Any]] else {
            response.error = "expected an instant vector, got a \(SafeText.escape(type))"
            return response
        }
        for entry in result {
            guard let labels = entry["metric"] as? [String: String], let pair = entry["value"] as? [Any], pair.count == 2,
                  let value = pair[1] as? String else { continue }
            let time = (pair[0] as? NSNumber)?.doubleValue ?? 0
            response.samples.append(Sample(labels: labels, value: value, timestamp: time))
        }
        return response
    }

    /// The `data` of a Prometheus HTTP API answer (queries, ranges, targets), its `warnings` and `infos` added to
    /// `warnings`; otherwise why there is none, in Prometheus' words when it gave them (`bad_data: …`).
    static func envelope(_ body: [UInt8], httpStatus: Int, warnings: inout [String]) -> Result<[String: Any], ReadProblem> {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
              let status = object["status"] as? String else {
            return .failure(ReadProblem("not a Prometheus API answer (HTTP \(httpStatus))"))
        }
        warnings += ((object["warnings"] as? [Any] ?? []) + (object["infos"] as? [Any] ?? [])).compactMap { $0 as? String }.map(SafeText.escape)
        guard status == "success" else {
            let kind = object["errorType"] as? String ?? "error"
            return .failure(ReadProblem(SafeText.escape("\(kind): \(object["error"] as? String ?? "HTTP \(httpStatus)")")))
        }
        guard let data = object["data"] as? [String: Any] else { return .failure(ReadProblem("the answer has no data")) }
        return .success(data)
    }

    /// Distinct `instance` labels among the samples: the replicas seen.
    public var replicas: Int { Set(samples.compactMap { $0.labels["instance"] }).count }

    /// The samples as a Prometheus text exposition, histograms declared (`# TYPE … histogram`) so their `_bucket`,
    /// `_sum` and `_count` series form one family, as in a scrape.
    public func exposition(histograms: [String]) -> String {
        var text = histograms.map { "# TYPE \($0) histogram\n" }.joined()
        for sample in samples {
            guard let name = sample.labels["__name__"], !name.isEmpty, name.utf8.allSatisfy({ ExpositionParser.isNameByte($0) }) else { continue }
            let labels = sample.labels.filter { $0.key != "__name__" && Self.isLabelName($0.key) }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\"\(Self.escape($0.value))\"" }.joined(separator: ",")
            text += name + (labels.isEmpty ? "" : "{" + labels + "}") + " " + sample.value + "\n"
        }
        return text
    }

    /// Whether the text format can carry this label name (Prometheus 3 allows any UTF-8 name; those are left out):
    /// `[a-zA-Z_][a-zA-Z0-9_]*`, the rule Alertmanager's matchers follow too.
    static func isLabelName(_ name: some StringProtocol) -> Bool {
        guard let first = name.utf8.first, !(first >= 48 && first <= 57) else { return false }
        return name.utf8.allSatisfy { ExpositionParser.isNameByte($0) && $0 != 58 }
    }

    /// A label value as the text format writes it: backslash, quote and newline escaped.
    static func escape(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        return value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
