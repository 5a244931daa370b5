import Logging
import Synchronization

/// The demo servers' log: errors to stderr, as swift-log's stream handler writes them — until the fleet is
/// stopped. Stopping is a cancellation, which Hummingbird reports per listener as an error
/// ("Waiting on child channel: CancellationError()"); those lines say nothing about the demo, so once
/// `stopping` is set the handler drops everything.
struct DemoServerLog: LogHandler {
    /// Set once, when the fleet stops.
    final class Stopping: Sendable {
        private let flag = Mutex(false)
        func set() { flag.withLock { $0 = true } }
        var isSet: Bool { flag.withLock { $0 } }
    }

    let stopping: Stopping
    private var stream: StreamLogHandler

    /// A logger for the fleet's servers; set `stopping` before cancelling them.
    static func logger(stopping: Stopping) -> Logger {
        Logger(label: "lookout.demo") { label in DemoServerLog(label: label, stopping: stopping) }
    }

    init(label: String, stopping: Stopping) {
        self.stopping = stopping
        stream = StreamLogHandler.standardError(label: label)
        stream.logLevel = .error
    }

    var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { stream.metadata }
        set { stream.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { stream[metadataKey: key] }
        set { stream[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard !stopping.isSet else { return }
        stream.log(event: event)
    }
}
