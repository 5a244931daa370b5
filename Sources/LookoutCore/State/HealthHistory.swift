import DequeModule
import Foundation

/// A service's recent past, in bounded memory: the last observations (for the timeline), the last liveness
/// latencies (for the sparkline), and per-minute counts over a day (for uptime percentages).
public struct HealthHistory: Sendable, Equatable {
    public struct Minute: Sendable, Equatable {
        public var start: Date
        public var observations = 0
        /// Observations that were not `down`.
        public var up = 0
    }

    public static let recentLimit = 120
    public private(set) var recent: Deque<HealthState> = []
    public private(set) var latencies: Deque<Double> = []
    public private(set) var minutes: Deque<Minute> = []

    public init() {}

    public mutating func observe(_ state: HealthState, at time: Date) {
        recent.append(state)
        if recent.count > Self.recentLimit { recent.removeFirst() }
        let minute = Date(timeIntervalSince1970: (time.timeIntervalSince1970 / 60).rounded(.down) * 60)
        if minutes.last?.start != minute { minutes.append(Minute(start: minute)) }
        minutes[minutes.count - 1].observations += 1
        if state != .down { minutes[minutes.count - 1].up += 1 }
        while let first = minutes.first, time.timeIntervalSince(first.start) > 86400 { minutes.removeFirst() }
    }

    public mutating func recordLatency(_ ms: Double) {
        latencies.append(ms)
        if latencies.count > Self.recentLimit { latencies.removeFirst() }
    }

    /// Share of observations not `down` over the last `window` seconds; nil without observations.
    public func uptime(over window: TimeInterval, now: Date) -> Double? {
        let counted = minutes.filter { now.timeIntervalSince($0.start) < window }
        let total = counted.reduce(0) { $0 + $1.observations }
        return total == 0 ? nil : Double(counted.reduce(0) { $0 + $1.up }) / Double(total)
    }
}
