import LookoutCore
import LookoutUI

/// An in-memory terminal (ratatui's `TestBackend`): keeps every frame drawn, as a canvas whose text and styles tests
/// compare. Its size is set by the test; a resize reaches the loop through `ScriptedInput`.
public final class TestBackend: TerminalBackend {
    public var size: TerminalSize
    /// Every frame, oldest first.
    public private(set) var frames: [Canvas] = []
    public private(set) var restored = false
    /// How many times the bell rang.
    public private(set) var bells = 0

    public init(width: Int, height: Int) { size = TerminalSize(width: width, height: height) }

    public func draw(_ canvas: Canvas) { frames.append(canvas) }
    public func restore() { restored = true }
    public func bell() { bells += 1 }
    /// The themes applied, in order.
    public private(set) var themes: [String] = []
    public func apply(_ theme: Theme) { themes.append(theme.name) }

    /// The last frame's lines of text.
    public var lastLines: [String] { frames.last?.lines ?? [] }
}

/// Input on a schedule, on a `VirtualClock`: each wait moves the clock to the next scripted input or to the end of
/// the timeout, whichever comes first — ten idle seconds take no time.
public final class ScriptedInput: InputSource {
    private let clock: VirtualClock
    /// (when, what), in time order.
    private var script: [(at: Duration, inputs: [RuntimeInput])] = []
    /// Times (elapsed) at which each wait returned with input.
    public private(set) var deliveries: [Duration] = []

    public init(clock: VirtualClock) { self.clock = clock }

    /// Schedules `inputs` at `at` (elapsed time on the clock).
    public func schedule(at: Duration, _ inputs: [RuntimeInput]) {
        script.append((at, inputs))
        script.sort { $0.at < $1.at }
    }

    public func wait(timeout: Duration) -> [RuntimeInput] {
        let wakeUp = clock.elapsed + timeout
        guard let next = script.first, next.at <= wakeUp else {
            clock.advance(to: wakeUp)
            return []
        }
        clock.advance(to: next.at)
        var due: [RuntimeInput] = []
        while let first = script.first, first.at <= clock.elapsed {
            due += first.inputs
            script.removeFirst()
        }
        deliveries.append(clock.elapsed)
        return due
    }
}
