import Foundation
import Synchronization

/// A thread of its own that runs `turn` every `interval` — at once when started, or first after an interval — until
/// stopped; `wakeNow` runs the next turn at once, `stop` wakes it and waits for the turn under way to end.
final class PeriodicThread: Sendable {
    private let name: String
    private let interval: Duration
    private let firstAtOnce: Bool
    private let turn: @Sendable () -> Void
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Mutex(false)

    init(name: String, interval: Duration, firstAtOnce: Bool, turn: @escaping @Sendable () -> Void) {
        self.name = name
        self.interval = interval
        self.firstAtOnce = firstAtOnce
        self.turn = turn
    }

    var isStopping: Bool { stopping.withLock { $0 } }

    func start() {
        let thread = Thread { [self] in
            if !firstAtOnce { _ = wake.wait(timeout: .now() + .milliseconds(Int(interval.milliseconds))) }
            while !isStopping {
                turn()
                _ = wake.wait(timeout: .now() + .milliseconds(Int(interval.milliseconds)))
            }
            finished.signal()
        }
        thread.name = name
        thread.start()
    }

    func wakeNow() { wake.signal() }

    func stop() {
        let was = stopping.withLock { value in defer { value = true }; return value }
        guard !was else { return }
        wake.signal()
        finished.wait()
    }
}
