import Glibc
import LookoutCore

/// The real wait: `poll()` on the terminal's keyboard (when there is one) and the inbox's pipe. Keys are read the
/// moment they arrive; the inbox is drained at most every `drainInterval`: what the fleet posts (a probe, a log batch)
/// waits there, coalesced, instead of waking the loop once per post — a busy fleet costs a few wake-ups a second.
public final class PollingInput: InputSource {
    private let device: (any TerminalDevice)?
    private let inbox: EventInbox
    private let drainInterval: Duration
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

    public func wait(timeout: Duration) -> [RuntimeInput] {
        let drainAt = lastDrain + drainInterval
        let watchInbox = clock.now >= drainAt
        var fds: [pollfd] = []
        if let device { fds.append(pollfd(fd: device.inputFD, events: Int16(POLLIN), revents: 0)) }
        if watchInbox { fds.append(pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0)) }
        let wait = watchInbox ? timeout : min(timeout, drainAt - clock.now)
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
        let inboxReadable = watchInbox && fds[fds.count - 1].revents & Int16(POLLIN) != 0
        if inboxReadable || (!watchInbox && clock.now >= drainAt) {
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
