import Foundation
import Glibc
import LookoutCore
import Synchronization

/// Runs log commands (`kubectl logs -f …`, `aws logs tail --follow …`, `gcloud … tail`) as argv — never
/// through a shell — and decodes their standard output. Standard error's last line becomes the source's
/// status. A command that exits is restarted with backoff (1 s doubling to 30 s, reset after a minute of
/// running). On stop, each command's process group gets SIGTERM, then SIGKILL after a second.
public final class CommandTailer: Sendable {
    public struct Source: Sendable {
        public var service: String
        public var argv: [String]
        public var mapping: LogMapping?

        public init(service: String, argv: [String], mapping: LogMapping? = nil) {
            self.service = service
            self.argv = argv
            self.mapping = mapping
        }
    }

    private let sources: [Source]
    private let deliver: @Sendable (LogBatch) -> Void
    private let thread = CollectorThread(name: "lookout-commands")
    private let initialBackoff: Double

    public init(sources: [Source], initialBackoff: Double = 1, deliver: @escaping @Sendable (LogBatch) -> Void) {
        self.sources = sources
        self.initialBackoff = initialBackoff
        self.deliver = deliver
    }

    public func start() {
        guard !sources.isEmpty else { return }
        thread.start { [self] in self.run() }
    }

    /// Stops following and waits for the thread to end.
    public func stop() { thread.stop() }

    /// One command and its current process.
    private final class Running {
        let source: Source
        var pid: pid_t = 0
        var stdout: Int32 = -1
        var stderr: Int32 = -1
        var pipeline: LogPipeline
        var stderrTail = ""
        var startedAt = Date.distantPast
        var nextStart = Date.distantPast
        var backoff: Backoff

        init(source: Source, backoff: Backoff) {
            self.source = source
            self.backoff = backoff
            pipeline = LogPipeline(mapping: source.mapping)
        }
    }

    private func run() {
        let commands = sources.map { Running(source: $0, backoff: Backoff(initial: initialBackoff)) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !thread.isStopping {
            for command in commands {
                var records: [LogRecord] = []
                var status: String?
                if command.pid == 0 && Date() >= command.nextStart {
                    status = spawn(command)
                }
                if command.pid > 0 {
                    drain(command, into: &records, buffer: &buffer, statusChange: &status)
                    var exit: Int32 = 0
                    if waitpid(command.pid, &exit, WNOHANG) == command.pid {
                        drain(command, into: &records, buffer: &buffer, statusChange: &status)
                        command.pipeline.finish { records.append($0) }
                        closeFDs(command)
                        command.pid = 0
                        let pause = command.backoff.next(afterRunOf: Date().timeIntervalSince(command.startedAt))
                        command.nextStart = Date().addingTimeInterval(pause)
                        let how = exit & 0x7f == 0 ? "exited \((exit >> 8) & 0xff)" : "killed by signal \(exit & 0x7f)"
                        let why = command.stderrTail.isEmpty ? "" : ": \(command.stderrTail)"
                        status = "\(how)\(why); restarting in \(DurationText.format(.milliseconds(Int64(pause * 1000))))"
                    }
                }
                records.removeAll(where: \.isBlank)
                if !records.isEmpty || status != nil {
                    deliver(LogBatch(service: command.source.service, source: command.source.argv.joined(separator: " "),
                                     records: records, status: status))
                }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        for command in commands where command.pid > 0 { terminate(command) }
    }

    /// Starts the command; returns the status to show.
    private func spawn(_ command: Running) -> String {
        let child: ChildProcess
        do {
            child = try ChildProcess.start(command.source.argv, captureStderr: true)
        } catch {
            command.nextStart = Date().addingTimeInterval(command.backoff.next(afterRunOf: nil))
            return "cannot start \(command.source.argv[0]): \(error.message)"
        }
        for fd in [child.stdout, child.stderr] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        command.pid = child.pid
        command.stdout = child.stdout
        command.stderr = child.stderr
        command.startedAt = Date()
        command.stderrTail = ""
        return "running (pid \(child.pid))"
    }

    private func drain(_ command: Running, into records: inout [LogRecord], buffer: inout [UInt8], statusChange: inout String?) {
        while command.stdout >= 0 {
            let count = buffer.withUnsafeMutableBytes { read(command.stdout, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            buffer.withUnsafeBufferPointer { chunk in
                command.pipeline.feed(UnsafeBufferPointer(rebasing: chunk[0..<count])) { records.append($0) }
            }
        }
        while command.stderr >= 0 {
            let count = buffer.withUnsafeMutableBytes { read(command.stderr, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            if let last = text.split(whereSeparator: \.isNewline).last {
                command.stderrTail = SafeText.escape(String(last.prefix(300)))
                statusChange = "stderr: \(command.stderrTail)"
            }
        }
    }

    private func closeFDs(_ command: Running) {
        if command.stdout >= 0 { close(command.stdout) }
        if command.stderr >= 0 { close(command.stderr) }
        command.stdout = -1
        command.stderr = -1
    }

    private func terminate(_ command: Running) {
        kill(-command.pid, SIGTERM)
        var exit: Int32 = 0
        for _ in 0..<20 {
            if waitpid(command.pid, &exit, WNOHANG) == command.pid { closeFDs(command); return }
            usleep(50_000)
        }
        kill(-command.pid, SIGKILL)
        waitpid(command.pid, &exit, 0)
        closeFDs(command)
    }
}
