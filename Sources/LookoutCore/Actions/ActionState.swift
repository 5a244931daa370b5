import DequeModule
import Foundation

/// The action pane: a confirmation dialog, then the run (live output), then the result. One at a time: while
/// one runs, nothing else starts, and a second Enter does nothing (no double fire).
public struct ActionState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case confirming
        case running
        case finished
    }

    /// One plan, or several (a failover applies to every service routing to the provider), run in order.
    public var plans: [ActionPlan]
    public var phase = Phase.confirming
    /// The service name typed so far, when the context is protected or the action asks for it (readline keys).
    public var typing = LineEditor(limit: 128)
    public var typed: String { typing.text }
    public var requiresTypedName: Bool
    public var dryRun = false
    /// Index of the plan running (or last run).
    public var current = 0
    public var outcomes: [ActionOutcome] = []
    /// A command's output lines (escaped), the last `maxOutputLines`.
    public private(set) var output: Deque<String> = []
    public static let maxOutputLines = 200

    public init(plans: [ActionPlan], requiresTypedName: Bool) {
        self.plans = plans
        self.requiresTypedName = requiresTypedName
    }

    /// What must be typed to confirm: the service name (every plan's, when they share it; else the first).
    public var confirmationWord: String { plans.first?.confirmationWord ?? "" }

    public var canConfirm: Bool { phase == .confirming && (!requiresTypedName || typed == confirmationWord) }

    public mutating func appendOutput(_ line: String) {
        output.append(SafeText.escape(line))
        while output.count > Self.maxOutputLines { output.removeFirst() }
    }

    /// The one-line result: `succeeded: HTTP 200 (120 ms)`, or how many of several did.
    public var resultLine: String? {
        guard phase == .finished, let last = outcomes.last else { return nil }
        if plans.count == 1 { return "\(last.status.rawValue.replacingOccurrences(of: "_", with: " ")): \(last.detail) (\(last.durationMs) ms)" }
        let good = outcomes.filter { $0.status == .succeeded || $0.status == .dryRun }.count
        return "\(good) of \(plans.count) \(last.status == .dryRun ? "dry runs shown" : "succeeded"); last: \(last.detail)"
    }
}

/// After a successful action with a follow-up: watch the service until it is ready again and, when its version moved,
/// until the new version holds everywhere.
public struct FollowUpWatch: Sendable, Equatable {
    public var service: String
    public var action: String
    public var started: Date
    public var deadline: Date
    public var sawNotReady = false
    /// The version the service ran when the action finished, and the one it ran when the watch ended.
    public var fromVersion: String?
    public var toVersion: String?
    /// nil while watching; then what happened.
    public var verdict: Verdict?

    /// How a watch ended.
    public enum Verdict: Sendable, Equatable {
        /// Went not ready (or moved to a new version) after the action, then ready on one version, this many seconds after it.
        case readyAgain(seconds: Int)
        /// Ready at the deadline without ever being seen not ready, on the version it ran before.
        case readyThroughout(seconds: Int)
        /// Still not ready at the deadline.
        case timedOut(seconds: Int)
        /// Ready, but still answering with two versions at the deadline.
        case stillMixed(seconds: Int, mix: String)

        /// Whether the watch ended well.
        public var isGood: Bool {
            switch self {
            case .readyAgain, .readyThroughout: return true
            case .timedOut, .stillMixed: return false
            }
        }
    }

    /// The verdict as the pane says it: `chat-api ready again 9 s after redeploy: 1.4.1 → 1.4.2`.
    public func text(_ verdict: Verdict) -> String {
        let versions: String
        switch (fromVersion, toVersion) {
        case let (from?, to?) where from != to: versions = ": \(from) → \(to)"
        case let (_, to?): versions = ": still \(to)"
        default: versions = ""
        }
        switch verdict {
        case let .readyAgain(seconds): return "\(service) ready again \(seconds) s after \(action)\(versions)"
        case let .readyThroughout(seconds): return "\(service) ready (never seen not ready) after \(seconds) s\(versions)"
        case let .timedOut(seconds): return "\(service) still not ready \(seconds) s after \(action): timed out"
        case let .stillMixed(seconds, mix): return "\(service) still mixed \(mix) \(seconds) s after \(action): timed out"
        }
    }

    public init(service: String, action: String, started: Date, deadline: Date, fromVersion: String? = nil) {
        self.fromVersion = fromVersion
        self.service = service
        self.action = action
        self.started = started
        self.deadline = deadline
    }
}
