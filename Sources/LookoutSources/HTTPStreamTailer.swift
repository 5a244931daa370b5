import Foundation
import LookoutCore
import LookoutHTTP
import Synchronization

/// Reads streaming HTTP log endpoints (NDJSON, or server-sent events when the response says
/// `text/event-stream`) through libcurl — each stream a task whose transfer runs on a thread of its own (a blocking
/// transfer must not hold one of the concurrency pool's threads) —, reconnecting with backoff
/// (1 s doubling to 30 s, reset after a minute connected) whenever a stream ends or fails. Like the file tailer, a
/// stream is read at the screen's pace: after a turn that read little it rests for the pace, so a trickle of events
/// costs one wake-up per pace, not one per event; a stream that is behind is read without rest.
public final class HTTPStreamTailer: Sendable {
    public struct Source: Sendable {
        public var service: String
        public var url: String
        public var headers: [HTTPHeader]
        public var mapping: LogMapping?
        /// What is masked in every line (the context's `log-hygiene:`).
        public var hygiene = LogHygiene.standard

        public init(service: String, url: String, headers: [HTTPHeader] = [], mapping: LogMapping? = nil) {
            self.service = service
            self.url = url
            self.headers = headers
            self.mapping = mapping
        }
    }

    private let sources: [Source]
    private let deliver: @Sendable (LogBatch) -> Void
    private let initialBackoff: Double
    private let tasks = SourceTasks()
    /// The rest after a turn that read little, in milliseconds (`pace` changes it).
    private let restMilliseconds: Atomic<Int64>
    /// A turn that read this much or more is followed by another at once (the stream is behind).
    static let behind = 256 * 1024

    public init(sources: [Source], initialBackoff: Double = 1, pace: Duration = .milliseconds(250),
                deliver: @escaping @Sendable (LogBatch) -> Void) {
        self.sources = sources
        self.initialBackoff = initialBackoff
        self.deliver = deliver
        restMilliseconds = Atomic(max(0, pace.milliseconds))
    }

    /// Changes the rest between two turns that read little (the Logs screen asks for a shorter one).
    public func pace(_ interval: Duration) { restMilliseconds.store(max(0, interval.milliseconds), ordering: .relaxed) }

    public func start() {
        tasks.start(sources.map { source in { [self] in await self.follow(source) } })
    }

    /// Stops every stream (each transfer notices within a second) and waits until each connection is closed.
    public func stop() async { await tasks.stop() }

    /// `stop()` from a thread outside the concurrency pool (the main thread); blocks.
    public func stop() { tasks.stop() }

    private func follow(_ source: Source) async {
        var backoff = Backoff(initial: initialBackoff)
        while !Task.isCancelled {
            deliver(LogBatch(service: source.service, source: source.url, records: [], status: "connecting"))
            let started = Date()
            let (outcome, last) = await onOwnThread(name: "lookout-stream") { (stop: StopSignal) in self.read(source, stop: stop) }
            if outcome.stopped || Task.isCancelled { return }
            let pause = backoff.next(afterRunOf: Date().timeIntervalSince(started))
            let why = outcome.error.map { SafeText.escape($0.message) } ?? "stream ended (HTTP \(outcome.httpStatus.map(String.init) ?? "?"))"
            let wait = DurationText.format(.milliseconds(Int64(pause * 1000)))
            deliver(LogBatch(service: source.service, source: source.url, records: last, status: "\(why); reconnecting in \(wait)"))
            try? await Task.sleep(for: .milliseconds(Int64(pause * 1000)))
        }
    }

    /// One connection, read to its end on the calling thread; how it ended and the records its last partial line made.
    private func read(_ source: Source, stop: StopSignal) -> (CurlStream.Outcome, [LogRecord]) {
        var pipeline = LogPipeline(mapping: source.mapping)
        pipeline.hygiene = source.hygiene
        var events: ServerSentEvents?
        var announced = false
        var records: [LogRecord] = []
        let outcome = CurlStream.run(url: source.url, headers: source.headers, onBytes: { chunk, contentType in
            if !announced {
                announced = true
                if contentType?.lowercased().hasPrefix("text/event-stream") == true { events = ServerSentEvents() }
            }
            if var sse = events {
                let lines = sse.feed(chunk)
                events = sse
                lines.withUnsafeBufferPointer { pipeline.feed($0) { records.append($0) } }
            } else {
                pipeline.feed(chunk) { records.append($0) }
            }
        }, afterTurn: { bytes in
            records.removeAll(where: \.isBlank)
            if !records.isEmpty {
                let status = "streaming \(events == nil ? "NDJSON" : "server-sent events") (\(pipeline.decoder.mappingName))"
                self.deliver(LogBatch(service: source.service, source: source.url, records: records, status: status))
                records.removeAll(keepingCapacity: true)
            }
            if bytes < Self.behind { stop.rest(.milliseconds(restMilliseconds.load(ordering: .relaxed))) }
        }, shouldStop: { stop.isSet })
        var last: [LogRecord] = records.filter { !$0.isBlank }
        pipeline.finish { if !$0.isBlank { last.append($0) } }
        return (outcome, last)
    }
}
