/// The outcome of `lookout check`, in the monitoring-plugins convention.
public enum CheckStatus: String, Sendable, Equatable {
    case ok = "OK", warning = "WARNING", critical = "CRITICAL", unknown = "UNKNOWN"

    /// 0 OK, 1 WARNING (degraded), 2 CRITICAL (down or not ready), 3 UNKNOWN (nothing checked).
    public var exitCode: Int32 {
        switch self {
        case .ok: return 0
        case .warning: return 1
        case .critical: return 2
        case .unknown: return 3
        }
    }
}

/// One pass over services judged without hysteresis (a deploy gate wants what is true now), with the
/// text and JSON renderings `lookout check` prints.
public struct CheckReport: Sendable {
    public let services: [ServiceState]
    /// The version every service must serve (`--expect-version`): on each of its last `success-threshold` probes.
    public let expectedVersion: String?
    /// The context's queries (`queries:`) with what Prometheus answered: one past `critical` fails the gate, one past
    /// `warn` warns, and one with thresholds that could not be asked leaves the verdict UNKNOWN.
    public let queries: [QueryBoard.Row]

    public init(services: [ServiceState], expectedVersion: String? = nil, queries: [QueryBoard.Row] = []) {
        self.services = services
        self.expectedVersion = expectedVersion
        self.queries = queries
    }

    public var status: CheckStatus {
        guard !services.isEmpty || !queries.isEmpty else { return .unknown }
        let states = services.map { $0.observedState ?? .down }
        let judged = QueryBoard.crossings(in: queries).map(\.severity)
        if states.contains(.down) || judged.contains(.critical) { return .critical }
        if services.contains(where: { versionShortfall($0) != nil }) { return .critical }
        if queries.contains(where: { $0.isGate && $0.problem != nil }) { return .unknown }
        if states.contains(.degraded) || judged.contains(.warning) { return .warning }
        return .ok
    }

    /// Why `service` does not serve the expected version yet; nil when it does, or when no version is expected.
    public func versionShortfall(_ service: ServiceState) -> String? {
        guard let expectedVersion else { return nil }
        return service.rollout.shortfall(expectedVersion).map { "expected \(SafeText.escape(expectedVersion)): \($0)" }
    }

    /// `{"status":…,"services":[{"name","state","health":{…},"readiness":{…},"conditions":[]}]}`.
    public func json() -> String {
        var members: [JSONValue.Member] = [.init("status", .string(status.rawValue)), .init("services", .array(servicesJSON()))]
        if !queries.isEmpty { members.append(.init("queries", .array(Self.queriesJSON(queries)))) }
        return JSONValue.object(members).text
    }

    /// `[{"name","query","unit","warn","critical","problem","warnings","series":[{"labels":{…},"value","state"}]}]`
    /// (shared with `lookout snapshot`).
    public static func queriesJSON(_ rows: [QueryBoard.Row]) -> [JSONValue] {
        rows.map { row in
            let series = row.series.map { series -> JSONValue in
                let value = series.latest
                return .object([.init("labels", .object(series.labels.keys.sorted().map { .init($0, .string(series.labels[$0])) })),
                                .init("value", value.isFinite ? .number(value) : .string(QueryUnit.number.format(value))),
                                .init("state", .string(row.query.severity(of: value)?.rawValue ?? "ok"))])
            }
            var members: [JSONValue.Member] = [.init("name", .string(row.query.name)), .init("query", .string(row.query.query)),
                                               .init("unit", .string(row.query.unit.rawValue)),
                                               .init("warn", thresholdJSON(row.query.warn)), .init("critical", thresholdJSON(row.query.critical)),
                                               .init("series", .array(series))]
            if row.omitted > 0 { members.append(.init("omitted_series", .int(row.omitted))) }
            if let problem = row.problem { members.append(.init("problem", .string(problem))) }
            if !row.warnings.isEmpty { members.append(.init("warnings", .array(row.warnings.map { .string($0) }))) }
            return .object(members)
        }
    }

    /// One JSON object per service (shared with `lookout snapshot`).
    public func servicesJSON() -> [JSONValue] {
        services.map { service -> JSONValue in
            var health: [JSONValue.Member] = [.init("http_status", .int(service.lastLiveness?.httpStatus)),
                                              .init("latency_ms", .number(service.lastLiveness?.timings.totalMillis))]
            if let error = service.liveness.reason { health.append(.init("error", .string(error))) }
            let readinessState = service.config.readinessPath == nil ? "unknown" : (service.readiness?.state.rawValue ?? "unknown")
            let checks = (service.readiness?.checks ?? []).map { check -> JSONValue in
                .object(["name": .string(check.name), "state": .string(check.state.rawValue), "message": .string(check.message)])
            }
            var readiness: [JSONValue.Member] = [.init("state", .string(readinessState)),
                                                 .init("http_status", .int(service.lastReadiness?.httpStatus)),
                                                 .init("checks", .array(checks))]
            if let problem = service.readiness?.problem { readiness.append(.init("problem", .string(problem))) }
            let conditions = service.conditionResults.map { c -> JSONValue in
                .object(["expression": .string(c.expression), "passed": .bool(c.passed), "explanation": .string(c.explanation)])
            }
            var members: [JSONValue.Member] = [.init("name", .string(service.name)),
                                               .init("state", .string((service.observedState ?? .down).rawValue)),
                                               .init("version", Self.versionJSON(service.rollout)),
                                               .init("health", .object(health)), .init("readiness", .object(readiness)),
                                               .init("conditions", .array(conditions))]
            if let expectedVersion {
                let shortfall = versionShortfall(service)
                var expected: [JSONValue.Member] = [.init("version", .string(expectedVersion)), .init("serving", .bool(shortfall == nil))]
                if let shortfall { expected.append(.init("reason", .string(shortfall))) }
                members.append(.init("expected", .object(expected)))
            }
            return .object(members)
        }
    }

    /// `{"shown": "1.4.1→1.4.2 mixed 3:2", "running": "1.4.1", "latest": "1.4.2", "rollout": {"from","to","mix","started","stalled"},
    /// "recent": {"1.4.1": 3, "1.4.2": 2}}`; null when no probe reported one.
    static func versionJSON(_ tracker: RolloutTracker) -> JSONValue {
        guard let shown = tracker.display else { return .null }
        var members: [JSONValue.Member] = [.init("shown", .string(shown)), .init("running", .string(tracker.settled?.name)),
                                           .init("latest", .string(tracker.latest?.name))]
        if let rollout = tracker.rollout {
            members.append(.init("rollout", .object([
                .init("from", .string(rollout.from.name)), .init("to", .string(rollout.to.name)), .init("mix", .string(tracker.mix(rollout))),
                .init("started", .string(UTCClock.iso8601(rollout.startedAt))), .init("stalled", .bool(rollout.stalled)),
            ])))
        }
        let counts = tracker.recentCounts
        members.append(.init("recent", .object(counts.keys.sorted().map { .init($0, .int(counts[$0])) })))
        return .object(members)
    }

    /// One line per service, then the verdict, for humans and CI logs (escaped: bodies come from outside).
    public func text() -> String {
        var lines = services.map { service -> String in
            let state = (service.observedState ?? .down).rawValue.uppercased()
            var line = "\(state.padding(toLength: 9, withPad: " ", startingAt: 0)) \(SafeText.escape(service.name))"
            if let version = service.rollout.display { line += " \(version)" }
            if let reason = service.reason { line += " — \(SafeText.escape(reason))" }
            if let shortfall = versionShortfall(service) { line += " — \(shortfall)" }
            return line
        }
        lines += queries.flatMap(Self.queryLines)
        let counts = Dictionary(grouping: services, by: { $0.observedState ?? .down }).mapValues(\.count)
        var verdict = "\(status.rawValue): \(counts[.healthy] ?? 0) healthy, \(counts[.degraded] ?? 0) degraded, \(counts[.down] ?? 0) down"
        if let expectedVersion {
            let serving = services.filter { versionShortfall($0) == nil }.count
            verdict += ", \(serving) of \(services.count) serving \(SafeText.escape(expectedVersion))"
        }
        if !queries.isEmpty {
            let past = QueryBoard.crossings(in: queries).count
            let unanswered = queries.filter { $0.problem != nil }.count
            verdict += ", \(queries.count) \(queries.count == 1 ? "query" : "queries") (\(past) past a threshold"
                + (unanswered > 0 ? ", \(unanswered) not answered)" : ")")
        }
        lines.append(verdict)
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"comparison": ">", "value": 2}`, or null.
    static func thresholdJSON(_ threshold: QueryThreshold?) -> JSONValue {
        guard let threshold else { return .null }
        return .object([.init("comparison", .string(threshold.comparison.rawValue)), .init("value", .number(threshold.value))])
    }

    /// `CRITICAL  query gateway p95 = 6.10 s (critical > 5 s)`, a line per series (`UNKNOWN … — why` when unanswered;
    /// `OK … — no series` when the query matched nothing).
    static func queryLines(_ row: QueryBoard.Row) -> [String] {
        func line(_ state: String, _ text: String) -> String { state.padding(toLength: 9, withPad: " ", startingAt: 0) + " query " + text }
        let name = SafeText.escape(row.query.name)
        if let problem = row.problem { return [line(row.isGate ? "UNKNOWN" : "OK", name + " — " + SafeText.escape(problem))] }
        if row.series.isEmpty { return [line("OK", name + " — no series")] }
        return row.series.map { series in
            let state = switch row.query.severity(of: series.latest) { case .critical?: "CRITICAL"; case .warning?: "WARNING"; case nil: "OK" }
            return line(state, SafeText.escape(row.query.name) + series.labelText + " = " + row.judged(series))
        } + (row.omitted > 0 ? [line("OK", name + " — \(row.omitted) more series not judged")] : [])
    }
}
