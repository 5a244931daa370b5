import Foundation
import Synchronization

/// Log sources followed as the child tasks of one root task, on `SourceExecutor`. Each child owns what it starts — a file descriptor, a
/// process group, a connection — and lets go of it before it returns, so `stop`, which cancels the root and waits
/// for it, returns only when everything the sources started is gone.
final class SourceTasks: Sendable {
    private let root = Mutex<Task<Void, Never>?>(nil)

    init() {}

    /// Starts one child task per body; a body returns when its task is cancelled.
    func start(_ bodies: [@Sendable () async -> Void]) {
        guard !bodies.isEmpty else { return }
        let task = Task.detached(executorPreference: SourceExecutor.shared) {
            await withDiscardingTaskGroup { group in
                for body in bodies { group.addTask { await body() } }
            }
        }
        root.withLock { $0 = task }
    }

    /// Cancels every source and returns when each has ended; safe to call twice, or without `start`.
    func stop() async {
        guard let task = root.withLock({ value -> Task<Void, Never>? in
            defer { value = nil }
            return value
        }) else { return }
        task.cancel()
        await task.value
    }

    /// `stop()` for a thread outside the concurrency pool (the main thread): blocks until every source has ended.
    func stop() {
        waitFor { await self.stop() }
    }
}
