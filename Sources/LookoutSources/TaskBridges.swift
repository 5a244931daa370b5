import Foundation
import Synchronization

/// Where log sources, actions and the work `waitFor` waits on run: a serial queue of lookout's own instead of Swift's
/// shared concurrency pool, which is as wide as the machine has cores (two on a small bastion). Nothing lookout runs
/// elsewhere — a parse that takes a while, a test that blocks — can hold the sources back, and their ingestion never
/// takes more than one core from the screen. Jobs here must not block: a blocking transfer goes to `onOwnThread`.
public final class SourceExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = SourceExecutor()

    private let queue = DispatchQueue(label: "lookout-sources", qos: .userInitiated)

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// Waits, on the calling thread, for async work (run on `SourceExecutor`) and returns its result. Never call it from a
/// job of `SourceExecutor` itself: the work would wait behind the caller.
public func waitFor<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task.detached(executorPreference: SourceExecutor.shared) {
        let value = await work()
        result.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return result.withLock { $0! }
}

/// Runs blocking work (a libcurl transfer) on a thread of its own, so that it never holds one of the concurrency
/// pool's threads, and returns its result. The calling task's cancellation becomes the `shouldStop` the work polls;
/// the task ends only when the thread's work has ended.
func onOwnThread<T: Sendable>(name: String, _ work: @escaping @Sendable (_ shouldStop: @escaping @Sendable () -> Bool) -> T) async -> T {
    await onOwnThread(name: name) { (stop: StopSignal) in work { stop.isSet } }
}

/// `onOwnThread` for work that also rests between turns (`StopSignal.rest`), waking at once when stopped.
func onOwnThread<T: Sendable>(name: String, _ work: @escaping @Sendable (_ stop: StopSignal) -> T) async -> T {
    let signal = StopSignal()
    return await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let thread = Thread {
                continuation.resume(returning: work(signal))
            }
            thread.name = name
            thread.start()
        }
    } onCancel: {
        signal.set()
    }
}

/// A stop shared between a task's cancellation handler and the thread it stops; the thread may rest on it.
final class StopSignal: Sendable {
    private let value = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() {
        value.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Waits `duration`, or less when the stop comes meanwhile.
    func rest(_ duration: Duration) {
        guard !isSet, duration > .zero else { return }
        if wake.wait(timeout: .now() + .milliseconds(Int(duration.milliseconds))) == .success { wake.signal() }
    }
}
