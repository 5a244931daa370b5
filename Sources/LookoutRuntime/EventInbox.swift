import Glibc
import LookoutCore
import Synchronization

/// Where collector threads and signal handlers leave work for the loop: events in a locked, bounded `InboxQueue`,
/// plus a self-pipe byte that wakes the loop's `poll()`. Signal handlers write the signal's number as the byte.
///
/// Which posts write the byte is the inbox's `Wake`: in the dashboard only what must show at once (an action's
/// progress, a signal) wakes the loop; what the fleet reports waits in the queue for the loop's next scheduled drain
/// (`PollingInput`'s pace), so a busy fleet costs the loop no extra wake-up. Headless modes wake on every post.
public final class EventInbox: Sendable {
    /// Which posts wake the loop.
    public enum Wake: Sendable {
        /// Every post (headless modes: they wait for results and draw nothing).
        case everyPost
        /// Only events the loop must take at once (`Runtime.urgency(of:)` is `.input`); the rest wait for its drain.
        case urgentOnly
    }

    /// Pending log lines past which even the dashboard's inbox wakes the loop.
    public static let floodLines = 20_000

    /// Which posts write the wake-up byte.
    public let wake: Wake
    private let queue: Mutex<InboxQueue>
    /// Read end, polled by the loop.
    public let readFD: Int32
    /// Write end, also used by the signal handlers (a write is async-signal-safe).
    public let writeFD: Int32
    /// Set while a wake-up byte is in the pipe, so a flood of posts writes one byte, not one per event.
    private let awake = Atomic<Bool>(false)

    /// - Parameter logLineBound: pending log lines at most; past it the oldest lines of the busiest source are dropped
    ///   and counted.
    ///   - wake: which posts wake the loop.
    public init(logLineBound: Int = 100_000, wake: Wake = .everyPost) {
        self.wake = wake
        queue = Mutex(InboxQueue(logLineBound: logLineBound))
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { fatalError("lookout: pipe() failed: errno \(errno)") }
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Queues `event` and, when the inbox's `Wake` says so, wakes the loop. Callable from any thread.
    public func post(_ event: Event) {
        // Boxed: with a large enum payload captured in `withLock`'s closure, the Swift 6.3 build here corrupted the
        // stack ("stack smashing detected"); a reference keeps the capture small.
        let box = EventBox(event)
        let pending = queue.withLock { queue -> Int in
            queue.push(box.event)
            return queue.pendingLogLines
        }
        // A flood wakes the loop early: it is taken in many small drains, not held to the bound and dropped.
        if wake == .urgentOnly && Runtime.urgency(of: event) != .input && pending < Self.floodLines { return }
        if !awake.exchange(true, ordering: .acquiringAndReleasing) {
            var byte: UInt8 = 0
            _ = write(writeFD, &byte, 1)
        }
    }

    /// Empties the pipe and the queue: the events posted (coalesced, with a `.logsSkipped` first when lines were
    /// dropped), the termination signals that arrived, and whether the window was resized.
    public func drain() -> (events: [Event], signals: [TerminationSignal], resized: Bool) {
        var signals: [TerminationSignal] = []
        var resized = false
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = read(readFD, &buffer, buffer.count)
            if count <= 0 { break }
            for byte in buffer[0..<count] where byte != 0 {
                if Int32(byte) == SIGWINCH { resized = true }
                if let signal = Self.terminationSignal(Int32(byte)) { signals.append(signal) }
            }
        }
        // In this order: the pipe is empty, then posts may write again, then the queue is taken. A post whose event
        // missed this drain pushed after the flag was cleared, so it writes a byte and wakes the next poll; clearing
        // the flag before emptying the pipe could swallow that byte and leave an event waiting with no wake-up.
        awake.store(false, ordering: .sequentiallyConsistent)
        let events = queue.withLock { $0.drain() }
        return (events, signals, resized)
    }

    /// The termination signal a pipe byte stands for.
    static func terminationSignal(_ number: Int32) -> TerminationSignal? {
        switch number {
        case SIGINT: return .interrupt
        case SIGTERM: return .terminate
        case SIGHUP: return .hangup
        case SIGQUIT: return .quit
        default: return nil
        }
    }
}

/// One queued event, by reference.
private final class EventBox: Sendable {
    let event: Event
    init(_ event: Event) { self.event = event }
}
