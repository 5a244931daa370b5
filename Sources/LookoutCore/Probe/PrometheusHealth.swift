import Foundation

/// A service's liveness judged from Prometheus instead of its own endpoint (`health: { prometheus: … }`, and every
/// discovered target without a health path): an instant query whose series say up when their value is not 0 —
/// `up{job="…",instance="…"}`, Prometheus' own last scrape of the target, or a blackbox exporter's `probe_success`.
/// What Prometheus cannot say is unknown, not down: an unreachable Prometheus, a bad query, no series at all.
public enum PrometheusHealth {
    public static func judge(_ result: ProbeResult, query: String) -> LivenessVerdict {
        if let error = result.transportError {
            return LivenessVerdict(state: .unknown, reason: "Prometheus not read: " + SafeText.escape(error.message))
        }
        let answer = PromQLResponse.decode(result.body, httpStatus: result.httpStatus ?? 0)
        if let error = answer.error { return LivenessVerdict(state: .unknown, reason: "Prometheus: " + error) }   // escaped by decode
        guard !answer.samples.isEmpty else {
            return LivenessVerdict(state: .unknown, reason: "no series in Prometheus for " + SafeText.escape(query))
        }
        let down = answer.samples.filter { Double($0.value) == 0 }
        if let first = down.first {
            let name = first.labels["__name__"] ?? "value"
            let which = answer.samples.count > 1 ? " for \(down.count) of \(answer.samples.count) series" : ""
            let why = name == "up" ? " (Prometheus' last scrape of it failed)" : ""
            return LivenessVerdict(state: .down, reason: SafeText.escape("\(name) = 0\(which)\(why)"))
        }
        guard answer.samples.allSatisfy({ Double($0.value).map { !$0.isNaN } ?? false }) else {
            return LivenessVerdict(state: .unknown, reason: "Prometheus answered no number for " + SafeText.escape(query))
        }
        return LivenessVerdict(state: .up)
    }
}
