import Foundation

/// A service's overall state, as the on-call engineer reads it.
public enum HealthState: String, Sendable, Equatable, Comparable, CaseIterable {
    /// Alive, ready, every check healthy.
    case healthy
    /// Serving, but something is off: a dependency check reports unhealthy while the service says ready,
    /// or the readiness body is not understood.
    case degraded
    /// Not serving: liveness fails, or readiness says not ready.
    case down

    public static func < (a: HealthState, b: HealthState) -> Bool { a.rank < b.rank }

    private var rank: Int {
        switch self {
        case .healthy: return 0
        case .degraded: return 1
        case .down: return 2
        }
    }

    /// The state one observation shows, before hysteresis (what `lookout check` reports).
    /// A failed condition makes a serving service degraded.
    public static func observed(liveness: LivenessVerdict, readiness: ReadinessReport?, conditionsPassed: Bool = true) -> HealthState {
        if liveness.state == .down { return .down }
        let state = observedIgnoringConditions(liveness: liveness, readiness: readiness)
        return state == .healthy && !conditionsPassed ? .degraded : state
    }

    static func observedIgnoringConditions(liveness: LivenessVerdict, readiness: ReadinessReport?) -> HealthState {
        guard let readiness else { return liveness.state == .up ? .healthy : .degraded }
        switch readiness.state {
        case .notReady: return .down
        case .unknown: return .degraded
        case .ready:
            if readiness.checks.contains(where: { $0.state == .unhealthy }) || readiness.problem != nil { return .degraded }
            return liveness.state == .up ? .healthy : .degraded
        }
    }
}

/// Turns a stream of observed states into a judged one: a worse state only after `failureThreshold`
/// observations of it in a row, a better one only after `successThreshold`, so one lost probe pages nobody.
/// Flapping: `flapTransitions` or more judged changes within `flapWindow` seconds.
public struct HealthTracker: Sendable, Equatable {
    public var failureThreshold: Int
    public var successThreshold: Int
    public var flapWindow: TimeInterval
    public var flapTransitions: Int

    /// The judged state; nil until the first observation.
    public private(set) var state: HealthState?
    /// When the judged state last changed.
    public private(set) var since: Date?
    /// Judged changes, newest last (kept for `flapWindow`).
    public private(set) var transitions: [Date] = []
    private var streakState: HealthState?
    private var streak = 0

    public init(failureThreshold: Int = 3, successThreshold: Int = 2, flapWindow: TimeInterval = 600, flapTransitions: Int = 4) {
        self.failureThreshold = max(1, failureThreshold)
        self.successThreshold = max(1, successThreshold)
        self.flapWindow = flapWindow
        self.flapTransitions = flapTransitions
    }

    /// Several judged changes in the window: the service keeps going up and down.
    public func isFlapping(at now: Date) -> Bool {
        transitions.filter { now.timeIntervalSince($0) <= flapWindow }.count >= flapTransitions
    }

    /// Folds one observation in; returns true when the judged state changed.
    @discardableResult
    public mutating func observe(_ observed: HealthState, at time: Date) -> Bool {
        guard let current = state else {
            // The first observation is taken as is: there is nothing to smooth yet.
            state = observed
            since = time
            return true
        }
        if observed == current {
            streakState = nil
            streak = 0
            return false
        }
        if streakState == observed { streak += 1 } else { streakState = observed; streak = 1 }
        let needed = observed > current ? failureThreshold : successThreshold
        guard streak >= needed else { return false }
        state = observed
        since = time
        streakState = nil
        streak = 0
        transitions.append(time)
        transitions.removeAll { time.timeIntervalSince($0) > flapWindow }
        return true
    }
}
