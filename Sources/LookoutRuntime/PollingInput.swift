import Glibc
import LookoutCore

/// The real wait: `poll()` on the terminal's keyboard (when there is one) and the inbox's pipe. Keys are read the
/// moment they arrive; what the fleet posts (a probe, a log batch) is taken at most every `drainInterval`, coalesced,
/// instead of waking the loop once per post — a busy fleet costs a few wake-ups a second.
///
/// With an inbox that wakes on every post, the pipe is watched only once a drain is due. With one that wakes only for
/// urgent posts (the dashboard's), the pipe is always watched — a byte there is an action's progress or a signal — and
/// the rest is drained on time: at the drain interval, or at any earlier wake-up past half of it (the clock's tick,
/// a key), so drains and ticks share wake-ups.
public final class PollingInput: InputSource {
    private let device: (any TerminalDevice)?
    private let inbox: EventInbox
    private var drainInterval: Duration
    private let clock = ContinuousClock()
    private var lastDrain: ContinuousClock.Instant

    /// - Parameters:
    ///   - device: the terminal to read keys from; nil for headless modes (snapshot, check).
    ///   - drainInterval: the least time between two drains of the inbox (zero: drain as soon as anything is posted).
    public init(device: (any TerminalDevice)?, inbox: EventInbox, drainInterval: Duration = .zero) {
        self.device = device
        self.inbox = inbox
        self.drainInterval = drainInterval
        lastDrain = clock.now - drainInterval
    }

    public func pace(_ drainInterval: Duration) { self.drainInterval = drainInterval }

    public func wait(timeout: Duration) -> [RuntimeInput] {
        let urgentOnly = inbox.wake == .urgentOnly
        // Only urgent posts wake the loop: the rest needs a drain on time, never a wait of zero.
        let drainInterval = urgentOnly ? max(self.drainInterval, .milliseconds(10)) : self.drainInterval
        let drainAt = lastDrain + drainInterval
        let watchPipe = urgentOnly || clock.now >= drainAt
        var fds: [pollfd] = []
        if let device { fds.append(pollfd(fd: device.inputFD, events: Int16(POLLIN), revents: 0)) }
        if watchPipe { fds.append(pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0)) }
        let wait = urgentOnly || !watchPipe ? min(timeout, max(.zero, drainAt - clock.now)) : timeout
        let milliseconds = Int32(clamping: Int64(max(0, (wait.inSeconds * 1000).rounded(.up))))
        if poll(&fds, nfds_t(fds.count), milliseconds) < 0 {
            return errno == EINTR ? [] : [.terminalClosed]
        }
        var inputs: [RuntimeInput] = []
        if let device {
            let keyboard = fds[0].revents
            if keyboard & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return [.terminalClosed] }
            if keyboard & Int16(POLLIN) != 0 {
                let read = device.readInput()
                if read.closed { return [.terminalClosed] }
                inputs += read.keys.map(RuntimeInput.key)
                if read.resized { inputs.append(.resized(device.size)) }
            }
        }
        let woken = watchPipe && fds[fds.count - 1].revents & Int16(POLLIN) != 0
        let onTime = urgentOnly ? clock.now >= lastDrain + drainInterval / 2 : (!watchPipe && clock.now >= drainAt)
        if woken || onTime {
            lastDrain = clock.now
            let drained = inbox.drain()
            if drained.resized, let device {
                device.adoptWindowSize()
                inputs.append(.resized(device.size))
            }
            inputs += drained.events.map(RuntimeInput.event)
            inputs += drained.signals.map(RuntimeInput.signal)
        }
        return inputs
    }
}
