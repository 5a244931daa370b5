import Foundation
import LookoutCore

/// One service: liveness and readiness verdicts, every readiness check, and where the time went.
public struct ServiceDetailView {
    let service: ServiceState
    let now: Date
    /// The provider chosen (Tab) among the service's routes, which x/s/p fail over for this service.
    let chosenProvider: Int
    /// The context's queries about this service (`queries: [{ service: … }]`).
    let queries: [QueryBoard.Row]

    public init(service: ServiceState, now: Date, chosenProvider: Int = 0, queries: [QueryBoard.Row] = []) {
        self.service = service
        self.now = now
        self.chosenProvider = chosenProvider
        self.queries = queries
    }

    /// Top to bottom: the title, the judged state, history, each endpoint, providers and actions, the readiness
    /// checks, the conditions, then where the time went.
    public func render(in area: Rect, canvas: inout Canvas) {
        let x = area.x + 1
        titleLine(area: area, canvas: &canvas)
        var y = area.y + 2
        y = stateLine(x: x, y: y, area: area, canvas: &canvas)
        y = versionLine(x: x, y: y, area: area, canvas: &canvas)
        y = historyLine(x: x, y: y, area: area, canvas: &canvas)
        y = endpointLine("Liveness ", verdict: Format.liveness(service.liveness.state), result: service.lastLiveness,
                         reason: service.liveness.reason, via: service.config.healthQuery.map { "via Prometheus: " + $0.query },
                         x: x, y: y, area: area, canvas: &canvas)
        let readiness = service.config.readinessPath == nil && service.readiness == nil ? TableCell("–", .dim) : Format.readiness(service.readiness)
        y = endpointLine("Readiness", verdict: readiness, result: service.lastReadiness,
                         reason: service.readiness?.problem, x: x, y: y, area: area, canvas: &canvas)
        if service.config.deep != nil { y = deepLine(x: x, y: y, area: area, canvas: &canvas) }
        if service.config.routing != nil || service.config.metrics != nil {
            y = providersLine(x: x, y: y, area: area, canvas: &canvas)
        }
        for row in queries { y = queryLine(row, x: x, y: y, area: area, canvas: &canvas) }
        if !service.config.actions.isEmpty { y = actionsLine(x: x, y: y, area: area, canvas: &canvas) }
        y = checksTable(x: x, y: y + 1, area: area, canvas: &canvas)
        y = conditions(x: x, y: y, area: area, canvas: &canvas)
        TimingPanel(liveness: service.lastLiveness, readiness: service.lastReadiness)
            .render(in: Rect(x: x, y: y, width: area.width - 2, height: area.maxY - y), canvas: &canvas)
    }

    /// `Query      llm calls{provider="openai"} 2.50/s · {provider="anthropic"} 0.40/s` — a query about this service,
    /// its series in one line (past a threshold in its colour), or why Prometheus did not answer.
    private func queryLine(_ row: QueryBoard.Row, x: Int, y: Int, area: Rect, canvas: inout Canvas) -> Int {
        var sx = x
        sx += canvas.write("Query      ", x: sx, y: y, style: .dim)
        sx += canvas.write(SafeText.escape(row.query.name) + " ", x: sx, y: y, style: .normal, maxWidth: max(0, area.maxX - sx))
        if row.series.isEmpty {
            let why = row.problem.map { "not answered: " + $0 } ?? (row.triedAt == nil ? "asking Prometheus…" : "no series (nothing matched)")
            canvas.write(why, x: sx, y: y, style: row.problem == nil ? .dim : .bad, maxWidth: max(0, area.maxX - sx))
            return y + 1
        }
        for (index, series) in row.series.enumerated() {
            let severity = row.query.severity(of: series.latest)
            let text = (index == 0 ? "" : " · ") + series.labelText + (series.labelText.isEmpty ? "" : " ") + row.judged(series)
            sx += canvas.write(text, x: sx, y: y, style: Format.style(severity),
                               maxWidth: max(0, area.maxX - sx))
        }
        if let problem = row.problem { canvas.write("  (not read: \(problem))", x: sx, y: y, style: .warn, maxWidth: max(0, area.maxX - sx)) }
        return y + 1
    }

    /// ` chat-api  INSECURE TLS…  Cloud Run  https://…`
    private func titleLine(area: Rect, canvas: inout Canvas) {
        let y = area.y
        var cursor = area.x + 1
        cursor += canvas.write(" " + service.name, x: area.x, y: y, style: .title)
        if service.config.insecure {
            cursor += canvas.write("  INSECURE TLS (not verified)", x: area.x + cursor, y: y, style: .warn)
        }
        if !service.config.platform.isEmpty {
            cursor += canvas.write("  " + service.config.platform, x: area.x + cursor, y: y, style: .dim)
        }
        canvas.write("  " + service.config.baseURL, x: area.x + cursor, y: y, style: .dim, maxWidth: max(0, area.width - cursor))
    }

    /// `State      degraded  since 3m ago · last probe says healthy (needs 2 in a row)`
    private func stateLine(x: Int, y: Int, area: Rect, canvas: inout Canvas) -> Int {
        var sx = x
        sx += canvas.write("State      ", x: sx, y: y, style: .dim)
        let judged = Format.state(service.health, now: now)
        sx += canvas.write(TextLayout.pad(judged.text, to: 10), x: sx, y: y, style: judged.style)
        if let since = service.health.since {
            var words = "since \(Format.age(since, now: now)) ago"
            if service.health.isFlapping(at: now) { words += " · flapping: \(service.health.transitions.count) changes in 10m" }
            if let observed = service.observedState, observed != service.health.state {
                let needed = observed > (service.health.state ?? .healthy) ? service.config.failureThreshold : service.config.successThreshold
                words += " · last probe says \(observed.rawValue) (needs \(needed) in a row)"
            }
            canvas.write(words, x: sx, y: y, style: .dim, maxWidth: area.maxX - sx)
        }
        return y + 1
    }

    /// `Version    1.4.1→1.4.2 mixed 3:2  rolling out for 32s · last 10 probes: 1.4.2 ×7, 1.4.1 ×3 · from the bodies`
    private func versionLine(x: Int, y: Int, area: Rect, canvas: inout Canvas) -> Int {
        var sx = x
        sx += canvas.write("Version    ", x: sx, y: y, style: .dim)
        let tracker = service.rollout
        guard let shown = tracker.display else {
            let why = service.versionProblem.map { ": \($0)" } ?? ""
            canvas.write("not reported\(why) (\(Self.versionSource(service.config.version)))", x: sx, y: y,
                         style: service.versionProblem == nil ? .dim : .warn, maxWidth: area.maxX - sx)
            return y + 1
        }
        let style: StyleSlot = tracker.rollout?.stalled == true ? .warn : tracker.rollout != nil ? .title : .normal
        sx += canvas.write(shown, x: sx, y: y, style: style, maxWidth: area.maxX - sx)
        var words: [String] = []
        if let rollout = tracker.rollout {
            words.append("rolling out for \(Format.age(rollout.startedAt, now: now))")
        }
        let counts = tracker.recentCounts.map { ($0.key, $0.value) }
            .sorted { ($0.1, $1.0) > ($1.1, $0.0) }
        if counts.count > 1 || tracker.rollout != nil {
            words.append("last \(tracker.recent.count) probes: " + counts.map { "\($0.0) ×\($0.1)" }.joined(separator: ", "))
        }
        words.append(Self.versionSource(service.config.version))
        canvas.write("  " + words.joined(separator: " · "), x: sx, y: y, style: .dim, maxWidth: max(0, area.maxX - sx))
        return y + 1
    }

    /// Where the version is read, in words.
    static func versionSource(_ config: VersionConfig) -> String {
        if let header = config.header { return "from header \(SafeText.escape(header))" }
        if let endpoint = config.endpoint {
            return "from \(SafeText.escape(endpoint.path))" + (config.field.map { " \($0.text)" } ?? "")
        }
        return "from the health bodies" + (config.field.map { " \($0.text)" } ?? "")
    }

    /// The costly deep check: its verdict, and what fails or how often it runs.
    private func deepLine(x: Int, y: Int, area: Rect, canvas: inout Canvas) -> Int {
        guard let deep = service.config.deep else { return y }
        let verdict = service.deep.map { report in
            report.state == .ready && !report.checks.contains { $0.state == .unhealthy } ? TableCell("ok", .ok)
                : TableCell(report.state == .unknown ? "unknown" : "FAILING", report.state == .unknown ? .unknown : .warn)
        } ?? TableCell("…", .unknown)
        let failing = service.deep?.checks.filter { $0.state == .unhealthy }.map(\.name) ?? []
        let reason = failing.isEmpty ? "costly: every \(DurationText.format(deep.interval))"
            : "\(failing.count) failing: \(failing.joined(separator: ", "))"
        return endpointLine("Deep     ", verdict: verdict, result: service.lastDeep, reason: reason, x: x, y: y, area: area, canvas: &canvas)
    }

    /// `Actions    R redeploy   x/s/p on Providers: failover`
    private func actionsLine(x: Int, y: Int, area: Rect, canvas: inout Canvas) -> Int {
        var cx = x + canvas.write("Actions    ", x: x, y: y, style: .dim)
        for action in service.config.actions {
            let chosen = service.routes.indices.contains(chosenProvider) ? service.routes[chosenProvider].provider : nil
            let how = action.name == "redeploy" ? "R "
                : action.name == "failover" ? (chosen.map { "x/s/p (\(SafeText.escape($0)), Tab next): " } ?? "x/s/p on Providers: ") : ""
            cx += canvas.write(how, x: cx, y: y, style: .key, maxWidth: max(0, area.maxX - cx))
            cx += canvas.write(action.name + (action.dangerous ? "" : " (safe)") + "   ", x: cx, y: y, style: .normal,
                               maxWidth: max(0, area.maxX - cx))
        }
        return y + 1
    }

    /// Every readiness check with its state, age and message (or why there are none); returns the next free row.
    private func checksTable(x: Int, y: Int, area: Rect, canvas: inout Canvas) -> Int {
        let checks = service.readiness?.checks ?? []
        let timingRows = 7
        let checkRows = max(2, area.maxY - y - timingRows)
        canvas.write("Readiness checks", x: x, y: y, style: .title)
        let table = Table(columns: [
            TableColumn("CHECK", width: 10, flex: 1),
            TableColumn("STATE", width: 9),
            TableColumn("SINCE", width: 5, alignRight: true),
            TableColumn("MESSAGE", width: 16, flex: 4),
        ], rows: checks.map { check in
            [TableCell(check.name), Format.check(check.state),
             TableCell(Format.age(service.checkSince[check.name], now: now), .dim),
             TableCell(check.message.isEmpty ? "–" : check.message, check.state == .unhealthy ? .bad : .dim)]
        })
        if !checks.isEmpty {
            table.render(in: Rect(x: x, y: y + 1, width: area.width - 2, height: min(checkRows, checks.count + 1)), canvas: &canvas)
        } else {
            let note = service.config.readinessPath == nil ? "no readiness endpoint configured"
                : service.lastReadiness == nil ? "waiting for the first readiness probe…" : "the body listed no checks"
            canvas.write(note, x: x, y: y + 1, style: .dim)
        }
        return y + min(checkRows, max(2, checks.count + 1)) + 1
    }

    /// The configured conditions as last evaluated, when there is room above the timing panel.
    private func conditions(x: Int, y: Int, area: Rect, canvas: inout Canvas) -> Int {
        guard !service.conditionResults.isEmpty && y < area.maxY - 8 else { return y + 1 }
        canvas.write("Conditions", x: x, y: y, style: .title)
        let room = max(0, area.maxY - y - 8)
        for (offset, result) in service.conditionResults.prefix(room).enumerated() {
            canvas.write(result.passed ? "✓" : "✗", x: x, y: y + 1 + offset, style: result.passed ? .ok : .bad)
            canvas.write(result.explanation, x: x + 2, y: y + 1 + offset, style: result.passed ? .dim : .bad, maxWidth: area.width - 4)
        }
        return y + min(service.conditionResults.count, room) + 2
    }

    /// `History  ████▒▒███ state · ▁▂▅█▃ latency · uptime 1h 98.3% · 24h 99.1%`, newest on the right.
    private func historyLine(x: Int, y: Int, area: Rect, canvas: inout Canvas) -> Int {
        let history = service.history
        guard !history.recent.isEmpty else { return y }
        var cx = x
        cx += canvas.write("History    ", x: cx, y: y, style: .dim)
        let width = max(0, min(30, (area.maxX - cx) / 3))
        for state in history.recent.suffix(width) {
            let style: StyleSlot = state == .healthy ? .ok : state == .degraded ? .warn : .bad
            cx += canvas.write(state == .healthy ? "█" : state == .degraded ? "▒" : "░", x: cx, y: y, style: style)
        }
        cx += canvas.write(" state  ", x: cx, y: y, style: .dim)
        if !history.latencies.isEmpty {
            cx += canvas.write(Sparkline.text(history.latencies, width: width), x: cx, y: y, style: .normal)
            cx += canvas.write(" latency", x: cx, y: y, style: .dim)
        }
        var uptime: [String] = []
        if let hour = history.uptime(over: 3600, now: now) { uptime.append("1h " + Self.percent(hour)) }
        if let day = history.uptime(over: 86400, now: now) { uptime.append("24h " + Self.percent(day)) }
        if !uptime.isEmpty {
            canvas.write("  uptime " + uptime.joined(separator: " · "), x: cx, y: y, style: .dim, maxWidth: max(0, area.maxX - cx))
        }
        return y + 1
    }

    static func percent(_ fraction: Double) -> String { NumberText.fixed(fraction * 100, 1) + "%" }

    /// - Parameter via: where the verdict comes from instead of the service's own endpoint (a Prometheus query): said
    ///   in place of the HTTP status and latency, which are not the service's.
    private func endpointLine(_ label: String, verdict: TableCell, result: ProbeResult?, reason: String?, via: String? = nil,
                              x: Int, y: Int, area: Rect, canvas: inout Canvas) -> Int {
        var cx = x
        cx += canvas.write(label + "  ", x: cx, y: y, style: .dim)
        cx += canvas.write(TextLayout.pad(verdict.text, to: 10), x: cx, y: y, style: verdict.style)
        guard let result else { return y + 1 }
        let age = "checked \(Format.age(result.startedAt, now: now)) ago"
        if let error = result.transportError {
            // No response: the transport error is the whole story; put it first so it is never cut.
            cx += canvas.write(SafeText.escape(error.message), x: cx, y: y, style: .bad, maxWidth: area.maxX - cx - DisplayWidth.of(age) - 4)
            canvas.write(" · " + age, x: cx, y: y, style: .dim, maxWidth: max(0, area.maxX - cx - 1))
            return y + 1
        }
        if let via {
            // The verdict's reason first (it is what matters when down), then where it comes from.
            if let reason, !reason.isEmpty { cx += canvas.write(reason + " · ", x: cx, y: y, style: .bad, maxWidth: area.maxX - cx) }
            canvas.write(SafeText.escape(via) + " · " + age, x: cx, y: y, style: .dim, maxWidth: max(0, area.maxX - cx - 1))
            return y + 1
        }
        let status = result.httpStatus.map { "HTTP \($0)" } ?? "no response"
        cx += canvas.write("\(status) · \(Format.millis(result.timings.totalMillis)) · \(age)", x: cx, y: y, style: .normal,
                           maxWidth: area.maxX - cx)
        if let reason, !reason.isEmpty {
            canvas.write("  " + reason, x: cx, y: y, style: .bad, maxWidth: max(0, area.maxX - cx - 1))
        }
        return y + 1
    }
}

/// DNS / connect / TLS / first byte / total for the last liveness and readiness probes, with bars.
struct TimingPanel {
    let liveness: ProbeResult?
    let readiness: ProbeResult?

    func render(in area: Rect, canvas: inout Canvas) {
        guard area.height >= 2 else { return }
        canvas.write("Timings", x: area.x, y: area.y, style: .title)
        let phases: [(String, KeyPath<ProbeTimings, Int64>)] = [
            ("DNS", \.dnsMicros), ("connect", \.connectMicros), ("TLS", \.tlsMicros),
            ("first byte", \.firstByteMicros), ("total", \.totalMicros),
        ]
        let columnWidth = 10
        canvas.write(TextLayout.pad("", to: 12) + TextLayout.pad("liveness", to: columnWidth, alignRight: true)
                     + " " + TextLayout.pad("readiness", to: columnWidth, alignRight: true),
                     x: area.x, y: area.y + 1, style: .header)
        let longest = max(liveness?.timings.totalMicros ?? 0, readiness?.timings.totalMicros ?? 0, 1)
        for (offset, phase) in phases.enumerated() {
            let y = area.y + 2 + offset
            guard y < area.maxY else { break }
            func value(_ result: ProbeResult?) -> String {
                guard let result else { return "–" }
                let micros = result.timings[keyPath: phase.1]
                return micros == 0 && phase.0 == "TLS" ? "–" : Format.millis(Double(micros) / 1000)
            }
            var x = area.x
            x += canvas.write(TextLayout.pad(phase.0, to: 12), x: x, y: y, style: .dim)
            x += canvas.write(TextLayout.pad(value(liveness), to: columnWidth, alignRight: true), x: x, y: y)
            x += canvas.write(" " + TextLayout.pad(value(readiness), to: columnWidth, alignRight: true), x: x, y: y)
            let barWidth = area.maxX - x - 2
            if barWidth > 4, let timings = (readiness ?? liveness)?.timings {
                // A waterfall: each phase drawn from where the previous one ended.
                let end = timings[keyPath: phase.1]
                let start = offset == 0 || phase.0 == "total" ? 0 : phases[..<offset].map { timings[keyPath: $0.1] }.max() ?? 0
                let scale = Double(barWidth) / Double(longest)
                let from = Int((Double(start) * scale).rounded())
                let to = max(from + (end > start ? 1 : 0), Int((Double(end) * scale).rounded()))
                canvas.write("  " + String(repeating: " ", count: from) + String(repeating: "▇", count: max(0, min(barWidth, to) - from)),
                             x: x, y: y, style: phase.0 == "total" ? .dim : .border)
            }
        }
    }
}

extension ServiceDetailView {
    /// `Providers  anthropic primary · openai standby   metrics: litellm · 412 series`.
    func providersLine(x: Int, y: Int, area: Rect, canvas: inout Canvas) -> Int {
        var cx = x
        cx += canvas.write("Providers  ", x: cx, y: y, style: .dim)
        if let problem = service.routingProblem {
            cx += canvas.write("routing unknown: " + problem + "  ", x: cx, y: y, style: .warn, maxWidth: max(0, area.maxX - cx))
        } else if service.config.routing != nil && service.routes.isEmpty {
            cx += canvas.write("routing …  ", x: cx, y: y, style: .unknown)
        }
        for (index, route) in service.routes.enumerated() {
            let start = cx
            cx += canvas.write(SafeText.escape(route.provider) + " ", x: cx, y: y, style: .normal, maxWidth: max(0, area.maxX - cx))
            // The provider x/s/p act on is marked, and under the selection bar.
            if index == chosenProvider, service.config.action(named: "failover") != nil {
                canvas.highlight(Rect(x: start, y: y, width: max(0, cx - start - 1), height: 1))
            }
            cx += canvas.write(route.role.rawValue + "  ", x: cx, y: y, style: route.role == .primary ? .ok : route.role == .disabled ? .warn : .dim,
                               maxWidth: max(0, area.maxX - cx))
        }
        if let status = service.metricsStatus {
            canvas.write(" " + status, x: cx, y: y, style: status.contains("·") ? .dim : .warn, maxWidth: max(0, area.maxX - cx))
        }
        return y + 1
    }
}
