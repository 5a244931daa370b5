import Foundation

/// The loop's time: a monotonic reading for pacing and a wall-clock reading for events. Injected, so tests run on a
/// virtual clock and ten idle seconds take no time.
public protocol RuntimeClock: AnyObject {
    /// Monotonic time since the clock was made.
    var elapsed: Duration { get }
    /// Wall-clock time (what `.tick` carries and the header shows).
    var now: Date { get }
}

/// The real clocks of the machine.
public final class SystemClock: RuntimeClock {
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    public init() { start = clock.now }

    public var elapsed: Duration { clock.now - start }
    public var now: Date { Date() }
}

/// A clock that moves only when told (`advance(to:)`; `ScriptedInput` moves it as the loop waits).
public final class VirtualClock: RuntimeClock {
    public private(set) var elapsed: Duration = .zero
    private let start: Date

    public init(start: Date) { self.start = start }

    public var now: Date { start.addingTimeInterval(elapsed.inSeconds) }

    /// Moves to `instant` (elapsed time), never backwards.
    public func advance(to instant: Duration) { elapsed = max(elapsed, instant) }
}
