import Foundation

/// Whether a service answers its liveness endpoint.
public enum LivenessState: String, Sendable, Equatable {
    case unknown
    case up
    case down
}

/// A liveness response judged, with a reason when the service is down.
public struct LivenessVerdict: Sendable, Equatable {
    public var state: LivenessState
    public var reason: String?

    public init(state: LivenessState, reason: String? = nil) {
        self.state = state
        self.reason = reason
    }

    /// Up on a 2xx whose body does not say otherwise; down on a transport error, other statuses,
    /// or a body whose `status` is an unhealthy word.
    public static func judge(_ result: ProbeResult) -> LivenessVerdict {
        judge(result, body: ProbeBody(result.body))
    }

    /// Judges `result` with its body already parsed.
    public static func judge(_ result: ProbeResult, body: ProbeBody) -> LivenessVerdict {
        if let error = result.transportError {
            return LivenessVerdict(state: .down, reason: SafeText.escape(error.message))
        }
        guard let status = result.httpStatus else { return LivenessVerdict(state: .down, reason: "no response") }
        guard (200..<300).contains(status) else { return LivenessVerdict(state: .down, reason: "HTTP \(status)") }
        if let object = body.json as? [String: Any],
           let word = object["status"] as? String,
           ReadinessReport.readinessState(word) == .notReady {
            return LivenessVerdict(state: .down, reason: "status \"\(SafeText.escape(word))\"")
        }
        return LivenessVerdict(state: .up)
    }
}
