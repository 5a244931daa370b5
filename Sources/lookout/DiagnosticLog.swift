import Foundation
import Glibc

/// lookout's own diagnostics file. While the screen is up, stderr is sent here too, so nothing
/// (a library warning, a crash backtrace) scribbles over the dashboard, and a crash leaves a readable report.
/// `write` may be called from any thread (one append(2) per line); stderr is redirected and restored by the main thread.
final class DiagnosticLog: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private var savedStderr: Int32 = -1

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Opens (appending) `path`, or `$XDG_STATE_HOME/lookout/lookout.log` (default `~/.local/state`).
    static func open(path: String?) throws -> DiagnosticLog {
        let file = path ?? defaultPath()
        let directory = (file as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let fd = Glibc.open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LookoutError("cannot open the diagnostics log \(file): \(String(cString: strerror(errno)))")
        }
        return DiagnosticLog(path: file, fd: fd)
    }

    static func defaultPath() -> String {
        let environment = ProcessInfo.processInfo.environment
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSTemporaryDirectory()) + "/.local/state"
        return state + "/lookout/lookout.log"
    }

    /// Appends one timestamped line.
    func write(_ message: String) {
        let line = "\(ISO8601DateFormatter().string(from: Date())) [\(getpid())] \(message)\n"
        _ = line.withCString { Glibc.write(fd, $0, strlen($0)) }
    }

    func redirectStandardError() {
        guard savedStderr < 0 else { return }
        savedStderr = dup(STDERR_FILENO)
        dup2(fd, STDERR_FILENO)
    }

    func restoreStandardError() {
        guard savedStderr >= 0 else { return }
        dup2(savedStderr, STDERR_FILENO)
        close(savedStderr)
        savedStderr = -1
    }
}
