import Foundation

/// The last hour of a service whose metrics are read from Prometheus, read back when the dashboard opens: one range
/// query (`/api/v1/query_range`, the same series query as the live reads, a step of 15 s) whose answer is taken step
/// by step through a tracker of its own, as successive scrapes — each series' increase on its own, resets included —,
/// so the Providers' 1 h window and its sparklines start full instead of empty. Its calls are history: they never
/// reach the budget ledger, whose time away is estimated from the counters' totals.
public enum PromQLBackfill {
    public static let span: TimeInterval = 3600
    public static let step: TimeInterval = 15

    /// The hour before `end`, its steps on multiples of `step` (so two reads of the same hour agree).
    public static func url(server: String, query: String, hourBefore end: Double) -> String {
        let start = (end - span) - (end - span).truncatingRemainder(dividingBy: step)
        return url(server: server, query: query, start: start, end: end, step: step)
    }

    /// `<server>/api/v1/query_range?query=…&start=…&end=…&step=…`.
    public static func url(server: String, query: String, start: Double, end: Double, step: TimeInterval) -> String {
        PromQL.instantQueryURL(server: server, query: query).replacingOccurrences(of: "/api/v1/query?", with: "/api/v1/query_range?")
            + "&start=" + NumberText.fixed(start, 3) + "&end=" + NumberText.fixed(end, 3) + "&step=" + NumberText.fixed(step, 3)
    }

    /// The answer's steps as scrapes of `service`, oldest first: the first step is the baseline (no calls), each next
    /// one the calls since the step before, stamped with its time. Nil with Prometheus' reason when it is no matrix.
    public static func scrapes(_ body: [UInt8], httpStatus: Int, service: String, mapping: MetricMapping?) -> Result<[MetricsScrape], ReadProblem> {
        var warnings: [String] = []
        let data: [String: Any]
        switch PromQLResponse.envelope(body, httpStatus: httpStatus, warnings: &warnings) {
        case let .failure(problem): return .failure(problem)
        case let .success(found): data = found
        }
        guard data["resultType"] as? String == "matrix", let result = data["result"] as? [[String: Any]] else {
            return .failure(ReadProblem("expected a range of series (a matrix)"))
        }
        // Every step's samples, by time: a series absent at a step (not yet born, or gone) is left out of it.
        var steps: [Double: [PromQLResponse.Sample]] = [:]
        for entry in result {
            guard let labels = entry["metric"] as? [String: String], let values = entry["values"] as? [[Any]] else { continue }
            for pair in values where pair.count == 2 {
                guard let time = (pair[0] as? NSNumber)?.doubleValue, let value = pair[1] as? String else { continue }
                steps[time, default: []].append(PromQLResponse.Sample(labels: labels, value: value, timestamp: time))
            }
        }
        let histograms = (mapping.map { [$0] } ?? MetricMapping.presets).flatMap { $0.latencyHistograms + $0.tokenHistograms }
        var tracker = MetricsTracker(mapping: mapping)
        return .success(steps.keys.sorted().map { time in
            var answer = PromQLResponse()
            answer.samples = steps[time] ?? []
            var scrape = tracker.read(answer.exposition(histograms: histograms))
            scrape.service = service
            scrape.source = "Prometheus"
            scrape.backfill = true
            scrape.at = Date(timeIntervalSince1970: time)
            return scrape
        })
    }
}
