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

    public init(services: [ServiceState]) { self.services = services }

    public var status: CheckStatus {
        guard !services.isEmpty else { return .unknown }
        let states = services.map { $0.observedState ?? .down }
        if states.contains(.down) { return .critical }
        if states.contains(.degraded) { return .warning }
        return .ok
    }

    /// `{"status":…,"services":[{"name","state","health":{…},"readiness":{…},"conditions":[]}]}`.
    public func json() -> String {
        "{\"status\":\"\(status.rawValue)\",\"services\":[\(servicesJSON().joined(separator: ","))]}"
    }

    /// One JSON object per service (shared with `lookout snapshot`).
    public func servicesJSON() -> [String] {
        services.map { service -> String in
            let state = (service.observedState ?? .down).rawValue
            var health = "\"http_status\":\(service.lastLiveness?.httpStatus.map(String.init) ?? "null")"
            health += ",\"latency_ms\":\(service.lastLiveness.map { CallStatistics.jsonNumber($0.timings.totalMillis) } ?? "null")"
            if let error = service.liveness.reason { health += ",\"error\":\(CallStatistics.jsonString(error))" }
            let readinessState = service.config.readinessPath == nil ? "unknown" : (service.readiness?.state.rawValue ?? "unknown")
            var readiness = "\"state\":\"\(readinessState)\",\"http_status\":\(service.lastReadiness?.httpStatus.map(String.init) ?? "null")"
            let checks = (service.readiness?.checks ?? []).map { check in
                "{\"name\":\(CallStatistics.jsonString(check.name)),\"state\":\"\(check.state.rawValue)\",\"message\":\(CallStatistics.jsonString(check.message))}"
            }
            readiness += ",\"checks\":[\(checks.joined(separator: ","))]"
            if let problem = service.readiness?.problem { readiness += ",\"problem\":\(CallStatistics.jsonString(problem))" }
            let conditions = service.conditionResults.map { c in
                "{\"expression\":\(CallStatistics.jsonString(c.expression)),\"passed\":\(c.passed),\"explanation\":\(CallStatistics.jsonString(c.explanation))}"
            }
            return "{\"name\":\(CallStatistics.jsonString(service.name)),\"state\":\"\(state)\",\"health\":{\(health)},"
                + "\"readiness\":{\(readiness)},\"conditions\":[\(conditions.joined(separator: ","))]}"
        }
    }

    /// One line per service, then the verdict, for humans and CI logs (escaped: bodies come from outside).
    public func text() -> String {
        var lines = services.map { service -> String in
            let state = (service.observedState ?? .down).rawValue.uppercased()
            var line = "\(state.padding(toLength: 9, withPad: " ", startingAt: 0)) \(SafeText.escape(service.name))"
            if let reason = service.reason { line += " — \(SafeText.escape(reason))" }
            return line
        }
        let counts = Dictionary(grouping: services, by: { $0.observedState ?? .down }).mapValues(\.count)
        lines.append("\(status.rawValue): \(counts[.healthy] ?? 0) healthy, \(counts[.degraded] ?? 0) degraded, \(counts[.down] ?? 0) down")
        return lines.joined(separator: "\n") + "\n"
    }
}
