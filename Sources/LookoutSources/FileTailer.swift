import Foundation
import Glibc
import LookoutCore
import Synchronization

/// Follows log files — every configured path or glob, in one task that passes over them all every `interval` — from
/// the end (or the start), across rotation by rename (the old file is read to its end, then the new one from its start) and by truncation
/// (copytruncate: reading restarts at 0). A partial last line waits for its newline. Batches of records
/// and status changes go to `deliver`.
public final class FileTailer: Sendable {
    public struct Source: Sendable {
        public var service: String
        public var path: String
        public var mapping: LogMapping?
        public var fromStart: Bool

        public init(service: String, path: String, mapping: LogMapping? = nil, fromStart: Bool = false) {
            self.service = service
            self.path = path
            self.mapping = mapping
            self.fromStart = fromStart
        }
    }

    private let sources: [Source]
    private let deliver: @Sendable (LogBatch) -> Void
    private let interval: Duration
    private let tasks = SourceTasks()

    public init(sources: [Source], interval: Duration = .milliseconds(200), deliver: @escaping @Sendable (LogBatch) -> Void) {
        self.sources = sources
        self.interval = interval
        self.deliver = deliver
    }

    public func start() {
        guard !sources.isEmpty else { return }
        tasks.start([{ [self] in await self.follow() }])
    }

    /// Stops following and waits until every source's files are closed.
    public func stop() async { await tasks.stop() }

    /// `stop()` from a thread outside the concurrency pool (the main thread); blocks.
    public func stop() { tasks.stop() }

    /// One followed file.
    private final class Followed {
        let path: String
        var fd: Int32 = -1
        var inode: ino_t = 0
        var offset: off_t = 0
        var pipeline: LogPipeline

        init(path: String, mapping: LogMapping?) {
            self.path = path
            pipeline = LogPipeline(mapping: mapping)
        }

        deinit { if fd >= 0 { close(fd) } }
    }

    /// One configured path or pattern and the files it matches now.
    private final class Pattern {
        let source: Source
        var files: [String: Followed] = [:]
        var matches: [String] = []
        var lastStatus: String?

        init(_ source: Source) { self.source = source }
    }

    /// Follows every path and pattern, one pass over all of them per `interval` (one wake-up, not one per file),
    /// until the task is cancelled; the files are closed when it returns.
    private func follow() async {
        let patterns = sources.map(Pattern.init)
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        var pass = 0
        while !Task.isCancelled {
            // Patterns are expanded once a second, not on every pass: glob(3) reads directories, and a file that
            // appears is read from its start, so waiting a second for it loses nothing.
            let expanding = pass % 5 == 0
            for pattern in patterns { read(pattern, expanding: expanding, firstPass: pass == 0, buffer: &buffer) }
            pass += 1
            try? await Task.sleep(for: interval)
        }
    }

    /// One pass over a pattern: new files opened, every file read, rotation handled, and what came delivered.
    private func read(_ pattern: Pattern, expanding: Bool, firstPass: Bool, buffer: inout [UInt8]) {
        let source = pattern.source
        if expanding { pattern.matches = FileTailer.expand(source.path) }
        for path in pattern.matches where pattern.files[path] == nil {
            let file = Followed(path: path, mapping: source.mapping)
            // Files present at start are followed from their end; files that appear later from their start.
            if open(file, atEnd: firstPass && !source.fromStart) { pattern.files[path] = file }
        }
        var records: [LogRecord] = []
        for (path, file) in pattern.files {
            read(file, into: &records, buffer: &buffer)
            checkRotation(file, into: &records, buffer: &buffer)
            if file.fd < 0 { pattern.files[path] = nil }
        }
        let matches = pattern.matches
        let status = matches.isEmpty ? "waiting: no file matches \(source.path)"
            : "following\(matches.count == 1 ? "" : " \(matches.count) files") (\(pattern.files.values.first?.pipeline.decoder.mappingName ?? "auto"))"
        if !records.isEmpty || pattern.lastStatus != status {
            deliver(LogBatch(service: source.service, source: source.path, records: records,
                             status: pattern.lastStatus != status ? status : nil))
            pattern.lastStatus = status
        }
    }

    /// The paths a pattern names now (glob(3); a plain path matches itself when it exists).
    static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    private func open(_ file: Followed, atEnd: Bool) -> Bool {
        let fd = Glibc.open(file.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        var info = stat()
        fstat(fd, &info)
        file.fd = fd
        file.inode = info.st_ino
        file.offset = atEnd ? info.st_size : 0
        lseek(fd, file.offset, SEEK_SET)
        return true
    }

    private func read(_ file: Followed, into records: inout [LogRecord], buffer: inout [UInt8]) {
        var info = stat()
        if fstat(file.fd, &info) == 0, info.st_size < file.offset {
            // Truncated in place (copytruncate): start again from the beginning.
            file.offset = 0
            lseek(file.fd, 0, SEEK_SET)
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(file.fd, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            file.offset += off_t(count)
            buffer.withUnsafeBufferPointer { chunk in
                file.pipeline.feed(UnsafeBufferPointer(rebasing: chunk[0..<count])) { record in
                    if !record.isBlank { records.append(record) }
                }
            }
            if records.count > 10_000 { break }
        }
    }

    /// Renamed away (the path now names another file, or nothing): finish the old file, then follow the new one.
    private func checkRotation(_ file: Followed, into records: inout [LogRecord], buffer: inout [UInt8]) {
        var info = stat()
        let exists = stat(file.path, &info) == 0
        guard !exists || info.st_ino != file.inode else { return }
        read(file, into: &records, buffer: &buffer)
        file.pipeline.finish { records.append($0) }
        close(file.fd)
        file.fd = -1
        if exists, open(file, atEnd: false) {
            read(file, into: &records, buffer: &buffer)
        }
    }
}
