import DequeModule
import Foundation

/// What happened to a service's deployed version.
public enum RolloutEvent: Sendable, Equatable {
    /// The first version seen to hold (`success-threshold` probes in a row) since lookout started.
    case settled(DeployedVersion)
    /// A probe saw another version than the one running: a rollout began (or a replica answers differently).
    case started(from: DeployedVersion, to: DeployedVersion)
    /// The new version held for `success-threshold` probes in a row.
    case completed(from: DeployedVersion, to: DeployedVersion, took: Duration)
    /// The old version held again: the new one is gone (rolled back, or a canary removed).
    case reverted(to: DeployedVersion, abandoned: DeployedVersion, after: Duration)
    /// Still mixed after the configured time.
    case stalled(from: DeployedVersion, to: DeployedVersion, after: Duration, mix: String)

    /// The sentence for the timeline and the Logs screen (without the service's name).
    public var text: String {
        switch self {
        case let .settled(version): return "version \(version.name)"
        case let .started(from, to): return "rollout \(from.name) → \(to.name) started: probes see both"
        case let .completed(from, to, took): return "\(from.name) → \(to.name), rollout took \(DurationText.format(took))"
        case let .reverted(to, abandoned, after): return "back on \(to.name) after \(DurationText.format(after)): \(abandoned.name) no longer seen"
        case let .stalled(from, to, after, mix): return "rollout \(from.name) → \(to.name) stalled: still mixed \(mix) after \(DurationText.format(after))"
        }
    }

    /// How bad: a stall is a warning; the rest are news.
    public var isWarning: Bool {
        if case .stalled = self { return true }
        return false
    }
}

/// A service's deployed version over its recent probes. A load balancer sends each probe to one replica, so during a
/// rolling deploy probes disagree: the rollout shows as mixed (`1.4.1→1.4.2 mixed 3:2`) until one version holds for
/// `success-threshold` probes in a row. Pure: time arrives with each observation.
public struct RolloutTracker: Sendable, Equatable {
    /// One probe's answer.
    public struct Observation: Sendable, Equatable {
        public var version: DeployedVersion
        public var time: Date
    }

    /// A rollout in progress.
    public struct Rollout: Sendable, Equatable {
        public var from: DeployedVersion
        public var to: DeployedVersion
        public var startedAt: Date
        /// Whether the stall was already reported.
        public var stalled = false
    }

    public let successThreshold: Int
    public let stallAfter: Duration
    /// How many recent observations are kept for the mix and for `--expect-version`'s reason.
    public let windowSize: Int
    /// The latest observations, oldest first.
    public private(set) var recent: Deque<Observation> = []
    /// The version that last held for `successThreshold` probes in a row.
    public private(set) var settled: DeployedVersion?
    public private(set) var rollout: Rollout?
    /// The version of the latest observations in a row, and how many.
    private var streak: Streak?
    private struct Streak: Sendable, Equatable {
        var version: DeployedVersion
        var count: Int
    }

    public init(successThreshold: Int = 2, stallAfter: Duration = .seconds(600), windowSize: Int = 10) {
        self.successThreshold = max(1, successThreshold)
        self.stallAfter = stallAfter
        self.windowSize = max(windowSize, self.successThreshold)
    }

    /// The version the latest probe saw.
    public var latest: DeployedVersion? { recent.last?.version }

    /// Folds one probe's version in; returns what it changed.
    public mutating func observe(_ version: DeployedVersion, at time: Date) -> [RolloutEvent] {
        recent.append(Observation(version: version, time: time))
        if recent.count > windowSize { recent.removeFirst(recent.count - windowSize) }
        streak = Streak(version: version, count: streak?.version == version ? streak!.count + 1 : 1)
        var events: [RolloutEvent] = []
        if var current = rollout {
            if version != current.from && version != current.to {
                current.to = version   // a newer version overtook the one rolling out
                rollout = current
            }
        } else if let running = settled ?? recent.first?.version, version != running {
            // Started in the middle of a rollout, nothing settled yet: which of the two is the old one is a guess —
            // the lower version number when both are numbers (1.4.1 before 1.4.2), else the one seen first.
            let (from, to) = settled == nil && DeployedVersion.isOlder(version, than: running) ? (version, running) : (running, version)
            rollout = Rollout(from: from, to: to, startedAt: time)
            events.append(.started(from: from, to: to))
        }
        guard let streak, streak.count >= successThreshold else { return events }
        if let current = rollout {
            let took = Duration.seconds(max(0, time.timeIntervalSince(current.startedAt)).rounded())
            events.append(version == current.from ? .reverted(to: version, abandoned: current.to, after: took)
                                                    : .completed(from: current.from, to: version, took: took))
            rollout = nil
            settled = version
        } else if settled == nil {
            settled = version
            events.append(.settled(version))
        }
        return events
    }

    /// Reports a rollout mixed for longer than `stallAfter` (once).
    public mutating func checkStall(now: Date) -> [RolloutEvent] {
        guard var current = rollout, !current.stalled else { return [] }
        let elapsed = now.timeIntervalSince(current.startedAt)
        guard elapsed >= stallAfter.inSeconds else { return [] }
        current.stalled = true
        rollout = current
        return [.stalled(from: current.from, to: current.to, after: .seconds(elapsed.rounded()), mix: mix(current))]
    }

    /// `3:2`: how many of the recent probes (the window) saw the old version, and how many the new.
    public func mix(_ current: Rollout) -> String {
        "\(recent.filter { $0.version == current.from }.count):\(recent.filter { $0.version == current.to }.count)"
    }

    /// How many of the recent probes saw each version, by name.
    public var recentCounts: [String: Int] { Dictionary(grouping: recent, by: \.version.name).mapValues(\.count) }

    /// What the VERSION column says: `1.4.2`, or `1.4.1→1.4.2 mixed 3:2` during a rollout; nil before any answer.
    public var display: String? {
        if let rollout { return "\(rollout.from.name)→\(rollout.to.name) mixed \(mix(rollout))" + (rollout.stalled ? " stalled" : "") }
        return (settled ?? latest)?.name
    }

    /// Whether the last `successThreshold` probes all saw `expected` (the deploy gate's condition).
    public func holds(_ expected: String) -> Bool {
        recent.count >= successThreshold && recent.suffix(successThreshold).allSatisfy { $0.version.matches(expected) }
    }

    /// Why `expected` does not hold yet: `still serving 1.4.1 on 2 of 5 probes`, `no probe reported a version`.
    public func shortfall(_ expected: String) -> String? {
        guard !holds(expected) else { return nil }
        guard !recent.isEmpty else { return "no probe reported a version" }
        let others = recent.filter { !$0.version.matches(expected) }
        guard !others.isEmpty else {
            return "\(recent.count) of \(successThreshold) probes in a row on \(SafeText.escape(expected)) so far"
        }
        let names = Dictionary(grouping: others, by: \.version.name).sorted { $0.value.count > $1.value.count }.map(\.key)
        return "still serving \(names.joined(separator: ", ")) on \(others.count) of \(recent.count) probes"
    }
}
