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
        JSONValue.object(["status": .string(status.rawValue), "services": .array(servicesJSON())]).text
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
            return .object(["name": .string(service.name), "state": .string((service.observedState ?? .down).rawValue),
                            "health": .object(health), "readiness": .object(readiness), "conditions": .array(conditions)])
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
