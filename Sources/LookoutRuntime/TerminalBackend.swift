import LookoutCore
import LookoutUI

/// Where frames go: the curses terminal, or an in-memory screen in tests. Only the loop's thread calls it.
public protocol TerminalBackend: AnyObject {
    /// Columns and rows now.
    var size: TerminalSize { get }
    /// Shows `canvas` (a backend may write only what changed since the last frame).
    func draw(_ canvas: Canvas)
    /// Gives the terminal back as it was; safe to call more than once.
    func restore()
    /// Rings the bell (or flashes, where the terminal has no bell).
    func bell()
    /// Draws from now on with `theme`'s colours (the next frame repaints everything).
    func apply(_ theme: Theme)
}

/// A backend with a keyboard the loop can wait on (the curses terminal).
public protocol TerminalDevice: TerminalBackend {
    /// Polled for readability by the loop.
    var inputFD: Int32 { get }
    /// Every key waiting, without blocking.
    func readInput() -> KeyboardInput
    /// Adopts the window's size after SIGWINCH and forgets the last frame.
    func adoptWindowSize()
}

/// What one read of the keyboard produced.
public struct KeyboardInput: Sendable, Equatable {
    public var keys: [Key] = []
    public var resized = false
    /// The terminal is gone (the input side reported readable but yields nothing).
    public var closed = false

    public init(keys: [Key] = [], resized: Bool = false, closed: Bool = false) {
        self.keys = keys
        self.resized = resized
        self.closed = closed
    }
}

/// One thing the loop received in a wake-up.
public enum RuntimeInput: Sendable, Equatable {
    case key(Key)
    /// The terminal has a new size (a resize is an event carrying the real size).
    case resized(TerminalSize)
    /// From a collector, the poller or the action runner, through the inbox.
    case event(Event)
    case signal(TerminationSignal)
    /// The terminal went away (SSH dropped): the loop must end, never spin.
    case terminalClosed
}

/// Where the loop sleeps: until input arrives or `timeout` passes.
public protocol InputSource: AnyObject {
    func wait(timeout: Duration) -> [RuntimeInput]
    /// How long what the fleet posts may wait before the loop takes it (the loop sets it per screen: a live log tail
    /// is taken more often than a table of services). Keys, signals and an action's progress never wait.
    func pace(_ drainInterval: Duration)
}

extension InputSource {
    public func pace(_ drainInterval: Duration) {}
}

/// Runs the reducer's effects at the edges (probes, actions); results come back as events through the inbox.
/// `.quit` never reaches it: the loop ends itself.
public protocol EffectRunner: AnyObject {
    func run(_ effect: Effect)
    /// How often the sources should pass over what they follow (log files): often on the Logs screen, seldom where
    /// nothing shows a line as it comes — the loop takes what they post at that pace anyway.
    func pace(_ interval: Duration)
}

extension EffectRunner {
    public func pace(_ interval: Duration) {}
}

/// Runs nothing: a loop with no edges (tests of the loop alone).
public final class NoEffects: EffectRunner {
    public private(set) var received: [Effect] = []
    public init() {}
    public func run(_ effect: Effect) { received.append(effect) }
}
