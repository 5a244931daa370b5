import Foundation

/// Everything the dashboard knows at one moment, for an incident channel or a ticket (`lookout snapshot`).
public struct SnapshotReport: Sendable {
    public let state: AppState
    public let generatedAt: Date
    /// Provider statistics cover this window.
    public let window: StatsWindow
    /// How far back the timeline goes.
    public let timelineSpan: Duration

    public init(state: AppState, generatedAt: Date, window: StatsWindow = .oneHour, timelineSpan: Duration = .seconds(1800)) {
        self.state = state
        self.generatedAt = generatedAt
        self.window = window
        self.timelineSpan = timelineSpan
    }

    /// The timeline entries within the span, oldest first.
    var timeline: [TimelineEntry] { state.timeline.since(generatedAt.addingTimeInterval(-timelineSpan.inSeconds)) }

    var check: CheckReport { CheckReport(services: state.services, queries: state.queries.rows) }

    /// `{"generated_at","context","status","window","services":[…as check…],"providers":{"<name>":{…stats fields…,
    /// "role", "models":{"<model>":{…}}}},"alerts":[{"severity","subject","message"}],"prices":{"priced_calls":N,
    /// "as_of":"2025-06-01"|null},"timeline":[{"time","kind","subject","text","severity"}]}` (calls costed from the
    /// price table, and the built-in table's date; the dashboard's timeline of the last `timelineSpan`).
    public func json() -> String {
        let providers = state.providers.providers.compactMap { provider -> JSONValue.Member? in
            guard let summary = state.providers.summary(provider: provider, window: window, now: state.now) else { return nil }
            let models = (state.providers.models[provider] ?? []).compactMap { model -> JSONValue.Member? in
                state.providers.summary(provider: provider, model: model, window: window, now: state.now)
                    .map { JSONValue.Member(model, .object(Self.fields($0))) }
            }
            var members = Self.fields(summary)
            if let role = state.roles(of: provider) { members.append(.init("role", .string(role.strongest.rawValue))) }
            members.append(.init("models", .object(models)))
            return JSONValue.Member(provider, .object(members))
        }
        let alerts = self.alerts.map { alert -> JSONValue in
            .object(["severity": .string(alert.severity.rawValue), "subject": .string(alert.subject), "message": .string(alert.message)])
        }
        var report = JSONValue.object([
            "generated_at": .string(ISO8601DateFormatter().string(from: generatedAt)), "context": .string(state.contextName),
            "status": .string(check.status.rawValue), "window": .string(window.description),
            "services": .array(check.servicesJSON()), "providers": .object(providers), "alerts": .array(alerts),
            "prices": .object(["priced_calls": .int(state.providers.pricedCalls), "as_of": .string(state.providers.prices.asOf)]),
            "timeline": .array(timeline.map { entry in
                .object(["time": .string(AuditRecord.format(entry.time)), "kind": .string(entry.kind.rawValue), "subject": .string(entry.subject),
                         "text": .string(entry.text), "severity": .string(entry.severity?.rawValue)])
            }),
        ])
        if !state.queries.isEmpty, case var .object(members) = report {
            members.append(.init("queries", .array(CheckReport.queriesJSON(state.queries.rows))))
            report = .object(members)
        }
        return report.text
    }

    var alerts: [Alert] { AlertRules.evaluate(state) }

    /// The fields of the `stats` JSON contract for one window summary.
    static func fields(_ s: WindowSummary) -> [JSONValue.Member] {
        CallStatistics.statsMembers(requests: s.requests, errors: s.errors, errorRate: s.errorRate, errorsByClass: s.errorsByClass,
                                    p50: s.p50Ms, p95: s.p95Ms, p99: s.p99Ms, inputTokens: s.inputTokens, outputTokens: s.outputTokens,
                                    costUSD: s.costUSD)
    }

    /// Markdown ready to paste into an incident channel: a verdict line, the services, the providers.
    public func markdown() -> String {
        var lines = ["### lookout snapshot — \(Self.escape(state.contextName)) — \(ISO8601DateFormatter().string(from: generatedAt))", "",
                     "**" + Self.escape(check.text().split(separator: "\n").last.map(String.init) ?? check.status.rawValue) + "**", "",
                     "| service | state | readiness | version | latency | reason |", "|---|---|---|---|---|---|"]
        for service in state.services {
            let latency = service.lastLiveness.map { NumberText.fixed($0.timings.totalMillis, 0) + " ms" } ?? "–"
            lines.append("| \(Self.escape(service.name)) | \((service.observedState ?? .down).rawValue) | "
                         + "\(service.readiness?.state.rawValue ?? "unknown") | \(Self.escape(service.rollout.display ?? "–")) | \(latency) | "
                         + "\(Self.escape(service.reason ?? "")) |")
        }
        if !state.queries.isEmpty {
            lines += ["", "| query | value | |", "|---|---|---|"]
            for row in state.queries.rows {
                if let problem = row.problem { lines.append("| \(Self.escape(row.query.name)) | – | \(Self.escape(problem)) |"); continue }
                if row.series.isEmpty { lines.append("| \(Self.escape(row.query.name)) | – | no series |") }
                for series in row.series {
                    let mark = switch row.query.severity(of: series.latest) { case .critical?: "🔴"; case .warning?: "🟠"; case nil: "" }
                    lines.append("| \(Self.escape(row.subject(series))) | \(Self.escape(row.judged(series))) | \(mark) |")
                }
            }
        }
        let alerts = self.alerts
        if !alerts.isEmpty {
            lines += ["", "**Alerts**"] + alerts.map { "- \($0.severity == .critical ? "🔴" : "🟠") **\(Self.escape($0.subject))**: \(Self.escape($0.message))" }
        }
        let timeline = self.timeline
        if !timeline.isEmpty {
            lines += ["", "**Timeline** (last \(DurationText.format(timelineSpan)), UTC)"]
            lines += timeline.map { entry in
                let mark = entry.severity == .critical ? "🔴 " : entry.severity == .warning ? "🟠 " : ""
                return "- `\(UTCClock.seconds(entry.time))` \(mark)**\(Self.escape(entry.subject))** \(Self.escape(entry.text))"
            }
        }
        if !state.providers.providers.isEmpty {
            lines += ["", "| provider (\(window)) | req/min | p95 | errors | 429 | 5xx | timeout | mostly | $/hour |", "|---|---|---|---|---|---|---|---|---|"]
            for provider in state.providers.providers {
                guard let s = state.providers.summary(provider: provider, window: window, now: state.now) else { continue }
                func pct(_ v: Double) -> String { NumberText.fixed(v * 100, 1) + "%" }
                lines.append("| \(Self.escape(provider)) | \(NumberText.fixed(s.requestsPerMinute, 1)) | "
                             + "\(s.p95Ms.map { NumberText.fixed($0, 0) + " ms" } ?? "–") | \(pct(s.errorRate)) | \(pct(s.errorRate(.rateLimit))) | "
                             + "\(pct(s.errorRate(.server))) | \(pct(s.errorRate(.timeout))) | \(s.mainErrorClass?.rawValue ?? "–") | "
                             + "\(NumberText.fixed(s.costPerHour, 2)) |")
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
