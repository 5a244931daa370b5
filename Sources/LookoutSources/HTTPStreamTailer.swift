import Foundation
import LookoutCore
import LookoutHTTP
import Synchronization

/// Reads streaming HTTP log endpoints (NDJSON, or server-sent events when the response says
/// `text/event-stream`) through libcurl, one thread per stream, reconnecting with backoff
/// (1 s doubling to 30 s, reset after a minute connected) whenever a stream ends or fails.
public final class HTTPStreamTailer: Sendable {
    public struct Source: Sendable {
        public var service: String
        public var url: String
        public var headers: [HTTPHeader]
        public var mapping: LogMapping?

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
    private let threads: [CollectorThread]

    public init(sources: [Source], initialBackoff: Double = 1, deliver: @escaping @Sendable (LogBatch) -> Void) {
        self.sources = sources
        self.initialBackoff = initialBackoff
        self.deliver = deliver
        threads = sources.indices.map { _ in CollectorThread(name: "lookout-stream") }
    }

    public func start() {
        for (source, thread) in zip(sources, threads) {
            thread.start { [self] in self.follow(source, thread) }
        }
    }

    /// Stops every stream (each notices within a second) and waits for the threads.
    public func stop() { threads.forEach { $0.stop() } }

    private func follow(_ source: Source, _ thread: CollectorThread) {
        var backoff = Backoff(initial: initialBackoff)
        while !thread.isStopping {
            deliver(LogBatch(service: source.service, source: source.url, records: [], status: "connecting"))
            var pipeline = LogPipeline(mapping: source.mapping)
            var events: ServerSentEvents?
            var announced = false
            let started = Date()
            let outcome = CurlStream.run(url: source.url, headers: source.headers, onBytes: { chunk, contentType in
                var records: [LogRecord] = []
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
                records.removeAll(where: \.isBlank)
                let status = records.isEmpty ? nil : "streaming \(events == nil ? "NDJSON" : "server-sent events") (\(pipeline.decoder.mappingName))"
                if !records.isEmpty {
                    self.deliver(LogBatch(service: source.service, source: source.url, records: records, status: status))
                }
            }, shouldStop: { thread.isStopping })
            var last: [LogRecord] = []
            pipeline.finish { last.append($0) }
            if outcome.stopped { return }
            let pause = backoff.next(afterRunOf: Date().timeIntervalSince(started))
            let why = outcome.error.map { SafeText.escape($0.message) } ?? "stream ended (HTTP \(outcome.httpStatus.map(String.init) ?? "?"))"
            let wait = DurationText.format(.milliseconds(Int64(pause * 1000)))
            deliver(LogBatch(service: source.service, source: source.url, records: last.filter { !$0.isBlank },
                             status: "\(why); reconnecting in \(wait)"))
            let until = Date().addingTimeInterval(pause)
            while Date() < until && !thread.isStopping { Thread.sleep(forTimeInterval: 0.05) }
        }
    }
}
