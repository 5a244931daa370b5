import Foundation
import Glibc
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// How a command run ended.
enum CommandEnd: Sendable, Equatable {
    case exited(Int32)
    case signalled(Int32)
    /// It never started (not found, not executable); the reason as strerror words.
    case cannotStart(String)

    /// "exit 3", "killed by signal 9", "cannot start: …".
    var text: String {
        switch self {
        case let .exited(code): "exited \(code)"
        case let .signalled(signal): "killed by signal \(signal)"
        case let .cannotStart(reason): "cannot start: \(reason)"
        }
    }
}

/// A command started from an argv — never through a shell — with swift-subprocess: stdin on /dev/null, default
/// signal handling and an empty signal mask, in a process group of its own. Cancelling the task that runs it sends
/// SIGTERM to the whole group (what the command started too), then SIGKILL after `grace`; `run` returns only when
/// the process has been reaped.
enum CommandProcess {
    /// Runs `argv`, handing each chunk of standard output to `stdout` and each line of standard error (when `stderr`
    /// is given; otherwise it goes to /dev/null) as they arrive. `started` gets the process id.
    /// `lifeline`: a descriptor given to the process as its standard input (and closed here) instead of /dev/null —
    /// the read end of the pipe `lookout supervise` watches.
    static func run(_ argv: [String], grace: Duration, lifeline: Int32? = nil,
                    started: (pid_t) -> Void = { _ in },
                    stdout: (UnsafeRawBufferPointer) -> Void,
                    stderr: (@Sendable (String) -> Void)? = nil) async -> CommandEnd {
        if let lifeline {
            return await run(argv, grace: grace, input: .fileDescriptor(FileDescriptor(rawValue: lifeline), closeAfterSpawningProcess: true),
                             started: started, stdout: stdout, stderr: stderr)
        }
        return await run(argv, grace: grace, input: .none, started: started, stdout: stdout, stderr: stderr)
    }

    private static func run<Input: InputProtocol>(_ argv: [String], grace: Duration, input: Input,
                                                  started: (pid_t) -> Void,
                                                  stdout: (UnsafeRawBufferPointer) -> Void,
                                                  stderr: (@Sendable (String) -> Void)?) async -> CommandEnd {
        guard let program = argv.first, !program.isEmpty else { return .cannotStart("empty command") }
        var options = PlatformOptions()
        options.processGroupID = 0
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: grace)]
        let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        do {
            let result = try await Subprocess.run(executable, arguments: Arguments(Array(argv.dropFirst())),
                                                  platformOptions: options, input: input, output: .sequence,
                                                  error: .sequence) { execution in
                started(execution.processIdentifier.value)
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask {
                        var lines = LineAssembler()
                        for try await chunk in execution.standardError {
                            chunk.withUnsafeBytes { lines.feed($0) { stderr?($0) } }
                        }
                        lines.finish { stderr?($0) }
                    }
                    for try await chunk in execution.standardOutput { chunk.withUnsafeBytes { stdout($0) } }
                }
            }
            switch result.terminationStatus {
            case let .exited(code): return .exited(code)
            case let .signaled(signal): return .signalled(signal)
            }
        } catch let error as SubprocessError {
            return .cannotStart(Self.reason(error))
        } catch {
            return .cannotStart(String(describing: error))
        }
    }

    /// Runs `argv` with standard error on /dev/null and returns its standard output (at most `limit` bytes) when it
    /// exits 0; nil otherwise.
    static func output(of argv: [String], limit: Int = 1 << 20) async -> String? {
        var bytes: [UInt8] = []
        let end = await run(argv, grace: .seconds(1)) { chunk in
            if bytes.count < limit { bytes += chunk.prefix(limit - bytes.count) }
        }
        guard end == .exited(0) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func reason(_ error: SubprocessError) -> String {
        if error.code == .executableNotFound { return String(cString: strerror(ENOENT)) }
        if let errno = error.underlyingError { return String(cString: strerror(errno.rawValue)) }
        return "\(error)"
    }
}

/// Cuts a byte stream into lines as text (a line over 64 KiB is handed over in pieces; the last line without a
/// newline at `finish`).
struct LineAssembler {
    private var pending: [UInt8] = []

    mutating func feed(_ bytes: UnsafeRawBufferPointer, line: (String) -> Void) {
        pending.append(contentsOf: bytes)
        var start = 0
        while let newline = pending[start...].firstIndex(of: 10) {
            line(String(decoding: pending[start..<newline], as: UTF8.self))
            start = newline + 1
        }
        pending.removeFirst(start)
        if pending.count > 64 * 1024 {
            line(String(decoding: pending, as: UTF8.self))
            pending.removeAll()
        }
    }

    mutating func finish(line: (String) -> Void) {
        if !pending.isEmpty { line(String(decoding: pending, as: UTF8.self)) }
        pending.removeAll()
    }
}
