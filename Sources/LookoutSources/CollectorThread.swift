import Foundation
import Synchronization

/// The thread a collector runs on: started once, asked to stop from any thread, and waited for.
/// The body polls `isStopping` between turns of its loop.
final class CollectorThread: Sendable {
    private let name: String
    private let stopping = Mutex(false)
    private let finished = DispatchSemaphore(value: 0)
    private let started = Mutex(false)

    init(name: String) { self.name = name }

    var isStopping: Bool { stopping.withLock { $0 } }

    func start(_ body: @escaping @Sendable () -> Void) {
        started.withLock { $0 = true }
        let thread = Thread { [self] in
            body()
            self.finished.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Asks the loop to end and waits for it; safe to call twice, or without `start`.
    func stop() {
        let already = stopping.withLock { value in
            defer { value = true }
            return value
        }
        if !already && started.withLock({ $0 }) { finished.wait() }
    }
}
