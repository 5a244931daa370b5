import Foundation
import LookoutCore
import Synchronization

/// Runs log commands (`kubectl logs -f …`, `aws logs tail --follow …`, `gcloud … tail`) as argv — never
/// through a shell — and decodes their standard output. Standard error's last line becomes the source's
/// status. A command that exits is restarted with backoff (1 s doubling to 30 s, reset after a minute of
/// running). Each command is a task of its own; on stop its process group gets SIGTERM, then SIGKILL after a second,
/// and `stop` returns when every command has been reaped.
public final class CommandTailer: Sendable {
    public struct Source: Sendable {
        public var service: String
        public var argv: [String]
        public var mapping: LogMapping?
        /// What is masked in every line (the context's `log-hygiene:`).
        public var hygiene = LogHygiene.standard

        public init(service: String, argv: [String], mapping: LogMapping? = nil) {
            self.service = service
            self.argv = argv
            self.mapping = mapping
        }
    }

    private let sources: [Source]
    private let deliver: @Sendable (LogBatch) -> Void
    private let tasks = SourceTasks()
    private let initialBackoff: Double

    public init(sources: [Source], initialBackoff: Double = 1, deliver: @escaping @Sendable (LogBatch) -> Void) {
        self.sources = sources
        self.initialBackoff = initialBackoff
        self.deliver = deliver
    }

    public func start() {
        tasks.start(sources.map { source in { [self] in await self.follow(source) } })
    }

    /// Stops every command and waits until each is reaped.
    public func stop() async { await tasks.stop() }

    /// `stop()` from a thread outside the concurrency pool (the main thread); blocks.
    public func stop() { tasks.stop() }

    /// Runs one command until the task is cancelled, restarting it with backoff whenever it ends.
    private func follow(_ source: Source) async {
        let name = source.argv.joined(separator: " ")
        var backoff = Backoff(initial: initialBackoff)
        func post(_ records: [LogRecord], status: String?) {
            deliver(LogBatch(service: source.service, source: name, records: records.filter { !$0.isBlank }, status: status))
        }
        while !Task.isCancelled {
            var pipeline = LogPipeline(mapping: source.mapping)
            pipeline.hygiene = source.hygiene
            // The last stderr line (for the exit status), and a bound on how often it becomes the source's status: a
            // command that floods stderr costs a status every 250 ms, with the lines in between counted.
            let stderrState = Mutex((tail: "", sent: Date.distantPast, held: 0))
            let began = Date()
            let end = await CommandProcess.run(source.argv, grace: .seconds(1), started: { pid in
                post([], status: "running (pid \(pid))")
            }, stdout: { chunk in
                var records: [LogRecord] = []
                chunk.withMemoryRebound(to: UInt8.self) { pipeline.feed($0) { records.append($0) } }
                if records.contains(where: { !$0.isBlank }) { post(records, status: nil) }
            }, stderr: { [deliver] line in
                guard !line.isEmpty else { return }
                // Masked as the log lines are: a key printed on stderr shows nowhere either.
                let text = SafeText.escape(String(source.hygiene.mask(line).prefix(300)))
                let status: String? = stderrState.withLock { state in
                    state.tail = text
                    let now = Date()
                    guard now.timeIntervalSince(state.sent) >= 0.25 else { state.held += 1; return nil }
                    defer { state.sent = now; state.held = 0 }
                    return "stderr: \(text)" + (state.held > 0 ? " (+\(state.held) lines)" : "")
                }
                if let status { deliver(LogBatch(service: source.service, source: name, records: [], status: status)) }
            })
            var last: [LogRecord] = []
            pipeline.finish { last.append($0) }
            if Task.isCancelled { return }
            let status: String
            let pause: Double
            if case let .cannotStart(reason) = end {
                pause = backoff.next(afterRunOf: nil)
                status = "cannot start \(source.argv[0]): \(reason)"
            } else {
                pause = backoff.next(afterRunOf: Date().timeIntervalSince(began))
                let tail = stderrState.withLock { $0.tail }
                status = "\(end.text)\(tail.isEmpty ? "" : ": \(tail)"); restarting in \(DurationText.format(.milliseconds(Int64(pause * 1000))))"
            }
            post(last, status: status)
            try? await Task.sleep(for: .milliseconds(Int64(pause * 1000)))
        }
    }
}
