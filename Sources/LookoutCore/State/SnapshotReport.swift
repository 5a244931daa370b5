import Foundation

/// Everything the dashboard knows at one moment, for an incident channel or a ticket (`lookout snapshot`).
public struct SnapshotReport: Sendable {
    public let state: AppState
    public let generatedAt: Date
    /// Provider statistics cover this window.
    public let window: StatsWindow

    public init(state: AppState, generatedAt: Date, window: StatsWindow = .oneHour) {
        self.state = state
        self.generatedAt = generatedAt
        self.window = window
    }

    var check: CheckReport { CheckReport(services: state.services) }

    /// `{"generated_at","context","status","window","services":[…as check…],"providers":{"<name>":{…stats fields…,
    /// "role", "models":{"<model>":{…}}}},"alerts":[{"severity","subject","message"}],"prices":{"priced_calls":N,
    /// "as_of":"2025-06-01"|null}}` (calls costed from the price table, and the built-in table's date).
    public func json() -> String {
        let providers = state.providers.providers.compactMap { provider -> String? in
            guard let summary = state.providers.summary(provider: provider, window: window, now: state.now) else { return nil }
            let models = (state.providers.models[provider] ?? []).compactMap { model -> String? in
                state.providers.summary(provider: provider, model: model, window: window, now: state.now)
                    .map { "\(CallStatistics.jsonString(model)):{\(Self.fields($0))}" }
            }
            let role = state.roles(of: provider).map { ",\"role\":\"\($0.strongest.rawValue)\"" } ?? ""
            return "\(CallStatistics.jsonString(provider)):{\(Self.fields(summary))\(role),\"models\":{\(models.joined(separator: ","))}}"
        }
        return "{\"generated_at\":\"\(ISO8601DateFormatter().string(from: generatedAt))\",\"context\":\(CallStatistics.jsonString(state.contextName)),"
            + "\"status\":\"\(check.status.rawValue)\",\"window\":\"\(window)\",\"services\":[\(check.servicesJSON().joined(separator: ","))],"
            + "\"providers\":{\(providers.joined(separator: ","))},\"alerts\":[\(alertsJSON)],"
            + "\"prices\":{\"priced_calls\":\(state.providers.pricedCalls),\"as_of\":\(state.providers.prices.asOf.map(CallStatistics.jsonString) ?? "null")}}"
    }

    var alerts: [Alert] { AlertRules.evaluate(state) }

    /// `{"severity","subject","message"}` per firing alert, criticals first.
    var alertsJSON: String {
        alerts.map { "{\"severity\":\"\($0.severity.rawValue)\",\"subject\":\(CallStatistics.jsonString($0.subject)),"
            + "\"message\":\(CallStatistics.jsonString($0.message))}" }.joined(separator: ",")
    }

    /// The fields of the `stats` JSON contract for one window summary.
    static func fields(_ s: WindowSummary) -> String {
        func number(_ value: Double?) -> String { value.map(CallStatistics.jsonNumber) ?? "null" }
        let classes = ErrorClass.allCases.map { "\"\($0.rawValue)\":\(s.errorsByClass[$0] ?? 0)" }.joined(separator: ",")
        return "\"requests\":\(s.requests),\"errors\":\(s.errors),\"error_rate\":\(CallStatistics.jsonNumber(s.errorRate)),"
            + "\"errors_by_class\":{\(classes)},\"p50_ms\":\(number(s.p50Ms)),\"p95_ms\":\(number(s.p95Ms)),\"p99_ms\":\(number(s.p99Ms)),"
            + "\"input_tokens\":\(s.inputTokens),\"output_tokens\":\(s.outputTokens),\"cost_usd\":\(CallStatistics.jsonNumber(s.costUSD))"
    }

    /// Markdown ready to paste into an incident channel: a verdict line, the services, the providers.
    public func markdown() -> String {
        var lines = ["### lookout snapshot — \(Self.escape(state.contextName)) — \(ISO8601DateFormatter().string(from: generatedAt))", "",
                     "**" + Self.escape(check.text().split(separator: "\n").last.map(String.init) ?? check.status.rawValue) + "**", "",
                     "| service | state | readiness | latency | reason |", "|---|---|---|---|---|"]
        for service in state.services {
            let latency = service.lastLiveness.map { String(format: "%.0f ms", $0.timings.totalMillis) } ?? "–"
            lines.append("| \(Self.escape(service.name)) | \((service.observedState ?? .down).rawValue) | "
                         + "\(service.readiness?.state.rawValue ?? "unknown") | \(latency) | \(Self.escape(service.reason ?? "")) |")
        }
        let alerts = self.alerts
        if !alerts.isEmpty {
            lines += ["", "**Alerts**"] + alerts.map { "- \($0.severity == .critical ? "🔴" : "🟠") **\(Self.escape($0.subject))**: \(Self.escape($0.message))" }
        }
        if !state.providers.providers.isEmpty {
            lines += ["", "| provider (\(window)) | req/min | p95 | errors | 429 | 5xx | timeout | mostly | $/hour |", "|---|---|---|---|---|---|---|---|---|"]
            for provider in state.providers.providers {
                guard let s = state.providers.summary(provider: provider, window: window, now: state.now) else { continue }
                func pct(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
                lines.append("| \(Self.escape(provider)) | \(String(format: "%.1f", s.requestsPerMinute)) | "
                             + "\(s.p95Ms.map { String(format: "%.0f ms", $0) } ?? "–") | \(pct(s.errorRate)) | \(pct(s.errorRate(.rateLimit))) | "
                             + "\(pct(s.errorRate(.server))) | \(pct(s.errorRate(.timeout))) | \(s.mainErrorClass?.rawValue ?? "–") | "
                             + "\(String(format: "%.2f", s.costPerHour)) |")
            }
            if state.providers.pricedCalls > 0 {
                lines += ["", "\(state.providers.pricedCalls) calls priced from \(state.providers.prices.origin)."]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Escaped for display, and without the characters that would break a Markdown table.
    static func escape(_ text: String) -> String {
        SafeText.escape(text).replacingOccurrences(of: "|", with: "\\|")
    }
}
