import CNcursesw
import Glibc
import LookoutCore
import LookoutRuntime
import Synchronization

/// Signal handling for a full-screen session: SIGINT/SIGTERM/SIGHUP/SIGQUIT become a byte on the inbox pipe
/// (the loop then quits and restores the terminal); crashes restore the terminal, note the crash in the log,
/// and hand over to the previous handler (Swift's backtracer), which writes the backtrace to stderr (the log).
public enum SignalTrap {
    /// Write end of the inbox pipe; read by the handlers, so it is an atomic, not a lock.
    private static let pipeFD = Atomic<Int32>(-1)
    private static let crashSignals: [Int32] = [SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE]
    private static let previous = PreviousActions(count: crashSignals.count)

    /// Unblocks the signals lookout must see. A parent may have blocked them (test runners and some
    /// supervisors do) and the mask is inherited: a blocked SIGHUP would leave lookout running after
    /// its terminal is gone. Call first thing in `main`, before any thread starts, so every thread inherits it.
    public static func unblockTerminationSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] + crashSignals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Routes termination signals to `inbox` and installs the crash handlers.
    public static func install(inbox: EventInbox) {
        pipeFD.store(inbox.writeFD, ordering: .sequentiallyConsistent)
        // SIGWINCH too: handled here rather than by ncurses so that a resize wakes the loop's poll()
        // whichever thread the kernel picks for the signal (the loop then calls `resizeterm`).
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                let fd = SignalTrap.pipeFD.load(ordering: .sequentiallyConsistent)
                if fd >= 0 { _ = write(fd, &byte, 1) }
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
        signal(SIGPIPE, SIG_IGN)
        for (index, number) in crashSignals.enumerated() {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in SignalTrap.crashed(number) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(bitPattern: UInt32(SA_RESETHAND))
            sigaction(number, &action, previous.slot(index))
        }
    }

    private static func crashed(_ number: Int32) {
        endwin()
        let message = "\nlookout crashed with signal \(number); the terminal was restored. Backtrace follows.\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        if let index = crashSignals.firstIndex(of: number) {
            sigaction(number, previous.slot(index), nil)
        }
        // A fault (SIGSEGV, SIGILL from a Swift trap…) happens again when the handler returns, now in the previous
        // handler, which then sees the real stack. abort() does not return into its caller: raise it again.
        if number == SIGABRT { raise(number) }
    }
}

/// Storage for the handlers that were installed before ours.
/// `@unchecked Sendable` is safe: written once by `install` before any crash handler can run, then only read.
private final class PreviousActions: @unchecked Sendable {
    private let actions: UnsafeMutablePointer<sigaction>

    init(count: Int) {
        actions = .allocate(capacity: count)
        actions.initialize(repeating: sigaction(), count: count)
    }

    func slot(_ index: Int) -> UnsafeMutablePointer<sigaction> { actions + index }
}
