/// When the loop draws: only after something changed, and then no sooner than that change needs. What the engineer
/// did (a key, a resize, an action's output) shows within one frame interval (`framesPerSecond`, 30 by default);
/// what the fleet reported (log lines, probes, scrapes) is gathered for up to `dataInterval` — a second, as htop and
/// k9s refresh; a live log tail sets less — so a log flood or a busy fleet costs a few frames a second, not one per
/// event. Pure: the loop passes a monotonic time in seconds.
public struct FramePacer: Sendable, Equatable {
    /// Seconds between two frames at the most (the frame rate's cap, and how soon a key shows).
    public let interval: Double
    /// Seconds a change from the fleet may wait for the next frame.
    public var dataInterval: Double
    private var lastFrame: Double?
    /// What is pending: nothing, data only, or something the engineer did.
    private var pending: Urgency? = .input

    /// Who caused a change.
    public enum Urgency: Sendable, Equatable {
        /// A key, a resize, an action's progress: shown within one frame interval.
        case input
        /// A log line, a probe, a scrape: shown within `dataInterval`.
        case data
    }

    public init(framesPerSecond: Double = 30, dataInterval: Double = 1) {
        interval = 1 / max(1, framesPerSecond)
        self.dataInterval = max(interval, dataInterval)
    }

    /// Something the screen shows may have changed.
    public mutating func changed(_ urgency: Urgency = .input) {
        if pending != .input { pending = urgency }
    }

    /// How long after the last frame the pending change may be drawn; nil when nothing is pending.
    private var delay: Double? {
        switch pending {
        case .input?: return interval
        case .data?: return dataInterval
        case nil: return nil
        }
    }

    /// Whether to draw now; a true answer counts as the frame drawn.
    public mutating func shouldDraw(at now: Double) -> Bool {
        guard let delay else { return false }
        if let lastFrame, now - lastFrame < delay - 1e-9 { return false }   // the tolerance absorbs rounding of waits
        lastFrame = now
        pending = nil
        return true
    }

    /// How long the loop may sleep before a pending frame is due; nil when none is pending (sleep until an event).
    public func wait(at now: Double) -> Double? {
        guard let delay else { return nil }
        guard let lastFrame else { return 0 }
        return max(0, lastFrame + delay - now)
    }
}
