import Foundation
import Glibc
import LookoutCore
import Synchronization

/// The audit trail: JSON lines appended to one file (mode 0600), each written and fsync'ed before `append`
/// returns — an intent is on disk before its action starts, whatever happens to lookout next.
public final class AuditLog: Sendable {
    public let path: String
    private let lock = Mutex(())

    public init(path: String) { self.path = path }

    /// `$LOOKOUT_AUDIT_LOG`, else `$XDG_STATE_HOME/lookout/audit.jsonl`, else `~/.local/state/lookout/audit.jsonl`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["LOOKOUT_AUDIT_LOG"], !path.isEmpty { return path }
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return state + "/lookout/audit.jsonl"
    }

    /// Appends one record and flushes it to the disk; throws a message naming the file when it cannot.
    public func append(_ record: AuditRecord) throws(AuditLogError) {
        let line = Array((record.jsonLine + "\n").utf8)
        try lock.withLock { _ throws(AuditLogError) in
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            try Self.refuseUnsafeDirectory(directory.isEmpty ? "." : directory, of: path)
            // Never through a symlink (one planted in a shared directory would send the records elsewhere).
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else {
                let reason = errno == ELOOP ? "is a symbolic link; the audit log is never written through one" : String(cString: strerror(errno))
                throw AuditLogError(message: "\(path): \(reason)")
            }
            defer { close(fd) }
            var status = stat()
            if fstat(fd, &status) == 0, status.st_uid != getuid() {
                throw AuditLogError(message: "\(path): belongs to another user (uid \(status.st_uid)); lookout writes only its own audit log")
            }
            var written = 0
            while written < line.count {
                let n = line[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw AuditLogError(message: "\(path): \(String(cString: strerror(errno)))") }
                written += n
            }
            guard fsync(fd) == 0 else { throw AuditLogError(message: "\(path): fsync: \(String(cString: strerror(errno)))") }
        }
    }

    /// Refuses a directory every user may write without the sticky bit: anyone could replace or remove the log there.
    static func refuseUnsafeDirectory(_ directory: String, of path: String) throws(AuditLogError) {
        var status = stat()
        guard stat(directory, &status) == 0 else { return }   // open() will say what is wrong
        let mode = status.st_mode
        if mode & S_IWOTH != 0 && mode & S_ISVTX == 0 {
            throw AuditLogError(message: "\(path): its directory \(directory) is writable by every user (mode 0\(String(mode & 0o7777, radix: 8))): "
                                + "anyone could replace or remove the log. Use a directory only you can write, such as the default \(defaultPath())")
        }
    }

    /// Closes, with an `interrupted` result, every intent whose lookout is gone (`kill -9`, a crash, a lost machine):
    /// its process no longer runs, or — an intent older than this field — it is older than a day. Called when a
    /// lookout that runs actions starts, so the log never keeps an action that seems to run forever. Returns the
    /// records it appended.
    @discardableResult
    public func closeInterrupted(now: Date = Date(), isRunning: (Int32) -> Bool = AuditLog.isLookoutRunning) throws(AuditLogError) -> [AuditRecord] {
        try readClosingInterrupted(now: now, isRunning: isRunning).closed
    }

    /// `read(since:)` and `closeInterrupted` in one reading of the file: the records since `since` (the closing ones
    /// included), the lines that were not records, and the records appended (none when the log cannot be written).
    public func readClosingInterrupted(since: Date? = nil, now: Date = Date(), isRunning: (Int32) -> Bool = AuditLog.isLookoutRunning)
        throws(AuditLogError) -> (records: [AuditRecord], badLines: Int, closed: [AuditRecord]) {
        let (all, bad) = try read()
        var closed: [AuditRecord] = []
        for intent in AuditRecord.unclosedIntents(all) {
            let gone = intent.pid.map { $0 != getpid() && !isRunning($0) } ?? (intent.date.map { now.timeIntervalSince($0) > 86_400 } ?? true)
            guard gone else { continue }
            let result = intent.interrupted(at: now)
            // A log this user cannot write is still read and listed, as before; the intent stays open.
            guard (try? append(result)) != nil else { break }
            closed.append(result)
        }
        let records = (all + closed).filter { record in since.map { cutoff in record.date.map { $0 >= cutoff } ?? true } ?? true }
        return (records, bad, closed)
    }

    /// Whether `pid` is a running lookout (not another program that took the number since).
    public static func isLookoutRunning(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let command = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8) else { return true }
        return command.split(separator: "\0").first.map { $0.hasSuffix("lookout") } ?? false
    }

    /// The records since `since` (all when nil), oldest first, and how many lines were not records.
    public func read(since: Date? = nil) throws(AuditLogError) -> (records: [AuditRecord], badLines: Int) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], 0) }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw AuditLogError(message: "\(path): \(error.localizedDescription)")
        }
        var records: [AuditRecord] = []
        var bad = 0
        for line in text.split(separator: "\n") where !line.isEmpty {
            guard let record = AuditRecord.parse(line) else { bad += 1; continue }
            if let since, let date = record.date, date < since { continue }
            records.append(record)
        }
        return (records, bad)
    }
}

/// The audit log could not be written or read.
public struct AuditLogError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { "audit log \(message)" }
}

/// Who runs lookout, for audit records: the local user and, in an SSH session, the client's address.
public enum Operator {
    public static func user(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return environment["USER"] ?? "uid \(getuid())"
    }

    /// The first field of `$SSH_CLIENT` (or `$SSH_CONNECTION`): the address the session came from.
    public static func sshClient(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        (environment["SSH_CLIENT"] ?? environment["SSH_CONNECTION"])?.split(separator: " ").first.map(String.init)
    }
}
