/// When the loop draws: only after something changed, and at most `framesPerSecond` frames a second, so a burst of
/// events (a log flood, a scrape of thousands of series) yields a few frames instead of one per wake-up, while a key
/// pressed in the burst still shows within one frame interval. Pure: the loop passes a monotonic time in seconds.
public struct FramePacer: Sendable, Equatable {
    /// Seconds between two frames at the most.
    public let interval: Double
    private var lastFrame: Double?
    private var dirty = true

    public init(framesPerSecond: Double = 30) {
        interval = 1 / max(1, framesPerSecond)
    }

    /// Something the screen shows may have changed (an event was reduced).
    public mutating func changed() { dirty = true }

    /// Whether to draw now; a true answer counts as the frame drawn.
    public mutating func shouldDraw(at now: Double) -> Bool {
        guard dirty else { return false }
        if let lastFrame, now - lastFrame < interval - 1e-9 { return false }   // the tolerance absorbs rounding of waits
        lastFrame = now
        dirty = false
        return true
    }

    /// How long the loop may sleep before a pending frame is due; nil when none is pending (sleep until an event).
    public func wait(at now: Double) -> Double? {
        guard dirty else { return nil }
        guard let lastFrame else { return 0 }
        return max(0, lastFrame + interval - now)
    }
}
