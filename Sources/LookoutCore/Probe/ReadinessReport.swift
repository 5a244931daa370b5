import Foundation

/// Whether a service says it can take traffic.
public enum ReadinessState: String, Sendable, Equatable {
    case ready
    case notReady = "not_ready"
    case unknown
}

/// The state of one dependency as a readiness body reports it.
public enum CheckState: String, Sendable, Equatable {
    case healthy
    case unhealthy
    case unknown
}

/// One named dependency check from a readiness body, e.g. `llm_api: unhealthy: timeout`.
public struct ReadinessCheck: Sendable, Equatable {
    public var name: String
    public var state: CheckState
    /// The reason given, without the state word; empty when none.
    public var message: String

    public init(name: String, state: CheckState, message: String = "") {
        self.name = name
        self.state = state
        self.message = message
    }
}

/// A readiness response judged: overall state, each check, and why when something is off.
public struct ReadinessReport: Sendable, Equatable {
    public var state: ReadinessState
    /// Checks sorted by name, so the order is stable between polls.
    public var checks: [ReadinessCheck]
    /// A problem with the response itself (no JSON, unexpected shape), shown as the reason.
    public var problem: String?
    public init(state: ReadinessState, checks: [ReadinessCheck] = [], problem: String? = nil) {
        self.state = state
        self.checks = checks
        self.problem = problem
    }

    /// A one-line reason for the overview: the first failing check, else the problem, else nil.
    public var reason: String? {
        if let failing = checks.first(where: { $0.state == .unhealthy }) {
            return failing.message.isEmpty ? "\(failing.name): unhealthy" : "\(failing.name): \(failing.message)"
        }
        return problem
    }
}

extension ReadinessReport {
    /// Judges a readiness response. The body is read whatever the status (a 503 with a JSON body
    /// still names its failing checks); the HTTP status decides when the body is silent or disagrees.
    public static func judge(httpStatus: Int, body: [UInt8]) -> ReadinessReport {
        judge(httpStatus: httpStatus, body: body, parsed: ProbeBody(body))
    }

    /// Judges a readiness response whose body is already parsed.
    public static func judge(httpStatus: Int, body: [UInt8], parsed json: ProbeBody) -> ReadinessReport {
        let statusOK = (200..<300).contains(httpStatus)
        let parsed = parseBody(json)
        var report = parsed ?? ReadinessReport(state: .unknown)
        if parsed == nil {
            let trimmed = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            report.problem = trimmed.isEmpty ? "empty body (HTTP \(httpStatus))"
                : "body is not JSON (HTTP \(httpStatus)): \(SafeText.escape(String(trimmed.prefix(80))))"
        }
        switch (statusOK, report.state) {
        case (true, .unknown):
            report.state = report.checks.contains { $0.state == .unhealthy } ? .notReady : .ready
        case (false, _):
            if report.state == .ready { report.problem = report.problem ?? "body says ready but HTTP \(httpStatus)" }
            report.state = .notReady
            if report.reason == nil { report.problem = "HTTP \(httpStatus)" }
        default:
            break
        }
        return report
    }

    /// The shapes understood, or nil when the body is not JSON:
    /// - `{"status":…, "checks":{name: "healthy" | "unhealthy: reason" | {status, message}}}` (the course's shape);
    /// - Spring actuator `{"status":"UP","components":{"db":{"status":"UP","details":{…}}}}`;
    /// - LiteLLM `/health/readiness` (`status`, `db`, `cache`, `litellm_version`), `/health/liveliness`
    ///   (a JSON string), and `/health` (`healthy_endpoints` / `unhealthy_endpoints`).
    static func parseBody(_ body: ProbeBody) -> ReadinessReport? {
        guard let json = body.json else { return nil }
        if json is String { return ReadinessReport(state: .unknown) }   // "I'm alive!": the HTTP status decides
        guard let object = json as? [String: Any] else { return nil }
        var report = ReadinessReport(state: .unknown)
        if let status = object["status"] as? String {
            report.state = readinessState(status)
        }
        var checks: [ReadinessCheck] = []
        if let map = object["checks"] as? [String: Any] {
            checks += map.keys.sorted().map { name in check(name: name, value: map[name] as Any) }
        }
        if let components = object["components"] as? [String: Any] {
            checks += components.keys.sorted().map { name in check(name: name, value: components[name] as Any) }
        }
        // LiteLLM's readiness names its dependencies at the top level (null: not configured). Its `status` is the
        // verdict: `"db":"Not connected"` beside `"status":"healthy"` is a proxy run without a database, which is
        // normal — a detail, not a failing check. Only when LiteLLM itself says unhealthy do they explain why.
        for key in ["db", "cache"] {
            guard let value = object[key] as? String else { continue }
            let safe = SafeText.escape(String(value.prefix(200)))
            let word = value.lowercased()
            if word == "connected" || word == "healthy" || word == "ok" {
                checks.append(ReadinessCheck(name: key, state: .healthy, message: safe))
            } else if report.state == .notReady, checkState(word) == .unhealthy || word.contains("not connected") || word.contains("error") {
                checks.append(ReadinessCheck(name: key, state: .unhealthy, message: safe))
            } else {
                checks.append(ReadinessCheck(name: key, state: .unknown, message: safe))
            }
        }
        if let healthy = object["healthy_endpoints"] as? [Any], let unhealthy = object["unhealthy_endpoints"] as? [Any] {
            checks += endpointChecks(healthy, healthy: true) + endpointChecks(unhealthy, healthy: false)
            if report.state == .unknown { report.state = unhealthy.isEmpty || !healthy.isEmpty ? .ready : .notReady }
        }
        report.checks = checks
        return report
    }

    /// LiteLLM's endpoint objects (`model`, `api_base`, `error`…) as checks named after the model.
    /// A deployment is named by its `model_id` when LiteLLM gives a short one (several deployments often serve
    /// one model), else by its model and `api_base`.
    static func endpointChecks(_ endpoints: [Any], healthy: Bool) -> [ReadinessCheck] {
        endpoints.enumerated().map { index, endpoint in
            let object = endpoint as? [String: Any] ?? [:]
            let model = (object["model"] as? String) ?? (object["api_base"] as? String) ?? "endpoint \(index + 1)"
            var labels: [String: String] = ["model": model]
            for key in ["model_id", "api_base"] { if let value = object[key] as? String { labels[key] = value } }
            let name = labels["model_id"] == nil && labels["api_base"] == nil ? model : DeploymentGauge.name(labels)
            let error = (object["error"] as? String).map { String($0.split(separator: "\n").first ?? "") } ?? ""
            return ReadinessCheck(name: SafeText.escape(name), state: healthy ? .healthy : .unhealthy,
                                  message: SafeText.escape(String(error.prefix(200))))
        }
    }

    static func readinessState(_ text: String) -> ReadinessState {
        switch text.lowercased() {
        case "ready", "ok", "up", "healthy", "pass", "connected": return .ready
        case "not_ready", "not ready", "notready", "down", "unhealthy", "fail", "error", "out_of_service": return .notReady
        default: return .unknown
        }
    }

    /// A check value is "healthy", "unhealthy: reason", or an object with `status` and `message`/`error`.
    static func check(name: String, value: Any) -> ReadinessCheck {
        let safeName = SafeText.escape(name)
        if let text = value as? String {
            let (word, message) = splitStatus(text)
            return ReadinessCheck(name: safeName, state: checkState(word), message: SafeText.escape(message))
        }
        if let object = value as? [String: Any] {
            let word = (object["status"] as? String) ?? ""
            let details = object["details"] as? [String: Any]
            let message = (object["message"] as? String) ?? (object["error"] as? String) ?? (details?["error"] as? String) ?? ""
            return ReadinessCheck(name: safeName, state: checkState(word), message: SafeText.escape(message))
        }
        if let flag = value as? Bool {
            return ReadinessCheck(name: safeName, state: flag ? .healthy : .unhealthy)
        }
        return ReadinessCheck(name: safeName, state: .unknown, message: "unrecognised value")
    }

    static func splitStatus(_ text: String) -> (String, String) {
        guard let colon = text.firstIndex(of: ":") else { return (text, "") }
        let word = text[..<colon].trimmingWhitespace()
        let rest = text[text.index(after: colon)...].trimmingWhitespace()
        return (word, rest)
    }

    static func checkState(_ word: String) -> CheckState {
        switch word.lowercased() {
        case "healthy", "ok", "up", "pass", "ready", "connected": return .healthy
        case "unhealthy", "down", "fail", "failed", "error", "not_ready", "disconnected", "not connected",
             "out_of_service": return .unhealthy
        default: return .unknown
        }
    }
}
