import Glibc
import LookoutCore

/// The real wait: `poll()` on the terminal's keyboard (when there is one) and the inbox's pipe.
public final class PollingInput: InputSource {
    private let device: (any TerminalDevice)?
    private let inbox: EventInbox

    /// - Parameter device: the terminal to read keys from; nil for headless modes (snapshot, check).
    public init(device: (any TerminalDevice)?, inbox: EventInbox) {
        self.device = device
        self.inbox = inbox
    }

    public func wait(timeout: Duration) -> [RuntimeInput] {
        var fds = [pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0)]
        if let device { fds.append(pollfd(fd: device.inputFD, events: Int16(POLLIN), revents: 0)) }
        let milliseconds = Int32(clamping: Int64(max(0, (timeout.inSeconds * 1000).rounded(.up))))
        if poll(&fds, nfds_t(fds.count), milliseconds) < 0 {
            return errno == EINTR ? [] : [.terminalClosed]
        }
        var inputs: [RuntimeInput] = []
        if let device {
            let keyboard = fds[1].revents
            if keyboard & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return [.terminalClosed] }
            if keyboard & Int16(POLLIN) != 0 {
                let read = device.readInput()
                if read.closed { return [.terminalClosed] }
                inputs += read.keys.map(RuntimeInput.key)
                if read.resized { inputs.append(.resized(device.size)) }
            }
        }
        if fds[0].revents & Int16(POLLIN) != 0 {
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
