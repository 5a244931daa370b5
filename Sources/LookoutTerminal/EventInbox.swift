import Glibc
import LookoutCore
import Synchronization

/// Where collector threads and signal handlers leave work for the UI loop: events in a locked queue,
/// plus a self-pipe byte that wakes the loop's `poll()`.
public final class EventInbox: Sendable {
    /// Events are boxed: with large enum payloads captured in `withLock`'s closure, the Swift 6.3 build
    /// here corrupted the stack ("stack smashing detected" in `post`); a reference keeps the capture small.
    private let queue = Mutex<[EventBox]>([])
    /// Read end, polled by the loop.
    public let readFD: Int32
    /// Write end, also used by the signal handlers (a write is async-signal-safe).
    public let writeFD: Int32

    public init() {
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

    /// Queues `event` and wakes the loop. Callable from any thread.
    public func post(_ event: Event) {
        let box = EventBox(event)
        queue.withLock { $0.append(box) }
        var byte: UInt8 = 0
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe and the queue: the events posted, the termination signals that arrived,
    /// and whether the window was resized.
    public func drain() -> (events: [Event], signals: [TerminationSignal], resized: Bool) {
        var signals: [TerminationSignal] = []
        var resized = false
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let count = read(readFD, &buffer, buffer.count)
            if count <= 0 { break }
            for byte in buffer[0..<count] where byte != 0 {
                if byte == SignalTrap.resizeByte { resized = true }
                if let signal = SignalTrap.terminationSignal(Int32(byte)) { signals.append(signal) }
            }
        }
        let events = queue.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }.map(\.event)
        return (events, signals, resized)
    }
}

/// One queued event, by reference.
private final class EventBox: Sendable {
    let event: Event
    init(_ event: Event) { self.event = event }
}
