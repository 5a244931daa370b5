import Foundation
import LookoutCore

/// Short, fixed-vocabulary renderings of times and states used across screens.
public enum Format {
    /// A value's colour by the severity it earns: red critical, amber warning, plain otherwise.
    public static func style(_ severity: Alert.Severity?) -> StyleSlot {
        switch severity { case .critical?: .bad; case .warning?: .warn; case nil: .normal }
    }

    /// `3s`, `12m`, `2h`, `4d` — how long ago `date` was, seen from `now`.
    public static func age(_ date: Date?, now: Date) -> String {
        guard let date else { return "never" }
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86400 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }

    /// `0.8ms`, `42ms`, `1.3s`.
    public static func millis(_ ms: Double) -> String {
        if ms < 10 { return NumberText.fixed(ms, 1) + "ms" }
        if ms < 1000 { return "\(Int(ms.rounded()))ms" }
        return NumberText.fixed(ms / 1000, 1) + "s"
    }

    /// `HH:mmZ` in UTC, for the header clock (on-call shares times in UTC). Minutes, not seconds: an idle dashboard
    /// redraws when the minute turns, not every second (every event redraws anyway).
    public static func clock(_ date: Date) -> String {
        UTCClock.minutes(date)
    }

    /// The judged state, with `~` when the service is flapping.
    public static func state(_ tracker: HealthTracker, now: Date) -> TableCell {
        let flap = tracker.isFlapping(at: now) ? "~" : ""
        switch tracker.state {
        case .healthy?: return TableCell("healthy" + flap, flap.isEmpty ? .ok : .warn)
        case .degraded?: return TableCell("degraded" + flap, .warn)
        case .down?: return TableCell("DOWN" + flap, .bad)
        case nil: return TableCell("…", .unknown)
        }
    }

    public static func liveness(_ state: LivenessState) -> TableCell {
        switch state {
        case .up: return TableCell("up", .ok)
        case .down: return TableCell("DOWN", .bad)
        case .unknown: return TableCell("…", .unknown)
        }
    }

    public static func readiness(_ report: ReadinessReport?) -> TableCell {
        switch report?.state {
        case .ready?: return TableCell("ready", .ok)
        case .notReady?: return TableCell("NOT READY", .bad)
        case .unknown?: return TableCell("unknown", .unknown)
        case nil: return TableCell("…", .unknown)
        }
    }

    public static func check(_ state: CheckState) -> TableCell {
        switch state {
        case .healthy: return TableCell("healthy", .ok)
        case .unhealthy: return TableCell("UNHEALTHY", .bad)
        case .unknown: return TableCell("unknown", .unknown)
        }
    }
}
