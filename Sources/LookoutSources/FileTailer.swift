import Foundation
import Glibc
import LookoutCore
import Synchronization

/// Follows log files — every configured path or glob, on one thread of its own — from the end (or the start), across
/// rotation by rename (the old file is read to its end, then the new one from its start) and by truncation
/// (copytruncate: reading restarts at 0). A partial last line waits for its newline. Batches of records and status
/// changes go to `deliver`.
///
/// It sleeps until something changes: inotify wakes it when a followed file is written or a matching name appears
/// (`FileChangeWatch`), and one pass over every file then reads what came — at most one pass per `interval`, so a
/// flood of writes costs a few passes a second, and quiet files cost nothing but a pass every 5 s (in case a change
/// went unseen: a network filesystem). What inotify cannot watch (a glob in the directory part) is polled every
/// `interval`.
public final class FileTailer: Sendable {
    public struct Source: Sendable {
        public var service: String
        public var path: String
        public var mapping: LogMapping?
        /// What is masked in every line (the context's `log-hygiene:`).
        public var hygiene = LogHygiene.standard
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
    /// The least time between two passes, in milliseconds (`pace` changes it).
    private let intervalMilliseconds: Atomic<Int64>
    private var interval: Duration { .milliseconds(intervalMilliseconds.load(ordering: .relaxed)) }
    /// The pass that runs when nothing was seen to change.
    private let quietPass: Duration
    /// Written to stop the thread: (read end, write end).
    private let stopPipe: (Int32, Int32)
    private let running = Mutex<DispatchSemaphore?>(nil)
    private let passes = Atomic<Int>(0)

    /// - Parameters:
    ///   - interval: the least time between two passes, and how often what inotify cannot watch is polled.
    ///   - quietPass: how long watched files may stay quiet before a pass reads them anyway.
    public init(sources: [Source], interval: Duration = .milliseconds(250), quietPass: Duration = .seconds(5),
                deliver: @escaping @Sendable (LogBatch) -> Void) {
        self.sources = sources
        intervalMilliseconds = Atomic(max(1, interval.milliseconds))
        self.quietPass = quietPass
        self.deliver = deliver
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 { fatalError("lookout: pipe() failed: errno \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        stopPipe = (fds[0], fds[1])
    }

    deinit {
        close(stopPipe.0)
        close(stopPipe.1)
    }

    /// Changes the least time between two passes (from the next pass on).
    public func pace(_ interval: Duration) { intervalMilliseconds.store(max(1, interval.milliseconds), ordering: .relaxed) }

    /// Passes over the files so far (a quiet file costs none but the periodic one; tests count them).
    public var passCount: Int { passes.load(ordering: .relaxed) }

    public func start() {
        guard !sources.isEmpty else { return }
        let finished = DispatchSemaphore(value: 0)
        running.withLock { $0 = finished }
        let thread = Thread { [self] in
            self.follow()
            finished.signal()
        }
        thread.name = "lookout-files"
        thread.start()
    }

    /// Stops following and returns when every file is closed (within a pass); safe to call twice, or without `start`.
    public func stop() {
        guard let finished = running.withLock({ value -> DispatchSemaphore? in
            defer { value = nil }
            return value
        }) else { return }
        var byte: UInt8 = 1
        _ = write(stopPipe.1, &byte, 1)
        finished.wait()
    }

    /// One followed file.
    private final class Followed {
        let path: String
        var fd: Int32 = -1
        var inode: ino_t = 0
        var offset: off_t = 0
        /// The last bytes read, up to the offset: if the file no longer holds them there, it was truncated and written
        /// again past the offset between two passes (copytruncate then a burst), and is read again from its start.
        var tail: [UInt8] = []
        var pipeline: LogPipeline

        init(path: String, source: Source) {
            self.path = path
            pipeline = LogPipeline(mapping: source.mapping)
            pipeline.hygiene = source.hygiene
        }

        deinit { if fd >= 0 { close(fd) } }
    }

    /// One configured path or pattern and the files it matches now.
    private final class Pattern {
        let source: Source
        var files: [String: Followed] = [:]
        var matches: [String] = []
        var lastStatus: String?
        /// Its directory is watched (else it is polled).
        var watched = false

        init(_ source: Source) { self.source = source }
    }

    /// Follows every path and pattern until stopped; the files are closed when it returns.
    private func follow() {
        let patterns = sources.map(Pattern.init)
        let watch = FileChangeWatch()
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        let clock = ContinuousClock()
        var lastExpansion = clock.now
        var namesChanged = true, timedOut = false, polled = false
        var firstPass = true
        while true {
            let passStart = clock.now
            // Patterns are expanded when a watched directory says a name came or went, on a quiet pass, and — when
            // something is polled — once a second: glob(3) reads directories, and a file that appears is read from its
            // start, so waiting loses nothing.
            let expanding = namesChanged || timedOut || (polled && passStart - lastExpansion >= .seconds(1))
            if expanding { lastExpansion = passStart }
            var behind = false
            for pattern in patterns {
                if expanding { pattern.watched = watch.watchDirectory(of: pattern.source.path) }
                if read(pattern, expanding: expanding, firstPass: firstPass, buffer: &buffer, watch: watch) { behind = true }
            }
            polled = patterns.contains { !$0.watched }
            passes.add(1, ordering: .relaxed)
            firstPass = false
            // Behind a flood: the next batch at once (the inbox bounds what waits for the screen, and counts what it drops).
            if behind {
                guard !stopRequested else { return }
                namesChanged = false
                timedOut = false
                continue
            }
            // Sleep until a change (or the quiet pass, or the polling interval when something is polled)…
            guard let change = wait(for: watch, timeout: polled ? interval : quietPass) else { return }
            namesChanged = change.names
            timedOut = !change.relevant
            // …and leave at least `interval` between passes, gathering the writes that come meanwhile.
            guard sleep(until: passStart + interval, clock: clock) else { return }
            namesChanged = watch.drain().names || namesChanged
        }
    }

    /// Waits for a relevant change, or `timeout`; nil when stopped.
    private func wait(for watch: FileChangeWatch, timeout: Duration) -> (relevant: Bool, names: Bool)? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            var fds = [pollfd(fd: stopPipe.0, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: watch.fd, events: Int16(POLLIN), revents: 0)]
            let left = deadline - clock.now
            guard left > .zero else { return (false, false) }
            _ = poll(&fds, watch.fd >= 0 ? 2 : 1, Int32(clamping: Int64((left.inSeconds * 1000).rounded(.up))))
            if fds[0].revents != 0 { return nil }
            if watch.fd >= 0, fds[1].revents & Int16(POLLIN) != 0 {
                let change = watch.drain()
                if change.relevant { return change }
            }
        }
    }

    /// Whether `stop()` was called (a look at the pipe, no wait).
    private var stopRequested: Bool {
        var fds = [pollfd(fd: stopPipe.0, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 1, 0)
        return fds[0].revents != 0
    }

    /// Sleeps until `instant` unless stopped first (false then).
    private func sleep(until instant: ContinuousClock.Instant, clock: ContinuousClock) -> Bool {
        let left = instant - clock.now
        guard left > .zero else { return true }
        var fds = [pollfd(fd: stopPipe.0, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, 1, Int32(clamping: Int64((left.inSeconds * 1000).rounded(.up))))
        return fds[0].revents == 0
    }

    /// One pass over a pattern: new files opened, every file read, rotation handled, and what came delivered.
    /// One pass over a pattern; returns whether a file is still behind (read again at once, not at the pace).
    private func read(_ pattern: Pattern, expanding: Bool, firstPass: Bool, buffer: inout [UInt8], watch: FileChangeWatch) -> Bool {
        let source = pattern.source
        if expanding { pattern.matches = FileTailer.expand(source.path) }
        for path in pattern.matches where pattern.files[path] == nil {
            let file = Followed(path: path, source: source)
            // Files present at start are followed from their end; files that appear later from their start.
            if open(file, atEnd: firstPass && !source.fromStart) {
                pattern.files[path] = file
                watch.watchFile(path)
            }
        }
        var records: [LogRecord] = []
        var behind: off_t = 0
        for (path, file) in pattern.files {
            behind += read(file, into: &records, buffer: &buffer)
            let inode = file.inode
            checkRotation(file, into: &records, buffer: &buffer)
            if file.fd >= 0, file.inode != inode {
                // Rotated: the watch followed the old file away.
                watch.unwatchFile(path)
                watch.watchFile(path)
            }
            if file.fd < 0 {
                pattern.files[path] = nil
                watch.unwatchFile(path)
            }
        }
        let matches = pattern.matches
        var status = matches.isEmpty ? "waiting: no file matches \(source.path)"
            : "following\(matches.count == 1 ? "" : " \(matches.count) files") (\(pattern.files.values.first?.pipeline.decoder.mappingName ?? "auto"))"
        // Falling behind a flood is said, never hidden behind "following".
        if behind >= 1 << 20 { status += " · behind by \(Self.size(behind))" }
        if !records.isEmpty || pattern.lastStatus != status {
            deliver(LogBatch(service: source.service, source: source.path, records: records,
                             status: pattern.lastStatus != status ? status : nil))
            pattern.lastStatus = status
        }
        return behind > 0
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
        file.tail = []
        if file.offset > 0 {
            // What is there now, to tell a truncate-and-refill from more lines later.
            let count = min(off_t(Self.tailBytes), file.offset)
            var tail = [UInt8](repeating: 0, count: Int(count))
            if tail.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, $0.count, file.offset - count) }) == Int(count) { file.tail = tail }
        }
        lseek(fd, file.offset, SEEK_SET)
        return true
    }

    /// Records handed over per batch at most: a file far behind is read in batches, one after the other.
    static let batchRecords = 10_000

    /// Reads what the file has past its offset, up to a batch; returns the bytes still unread when it stopped at the
    /// batch's end (0 when it read to the end).
    @discardableResult
    private func read(_ file: Followed, into records: inout [LogRecord], buffer: inout [UInt8]) -> off_t {
        var info = stat()
        if fstat(file.fd, &info) == 0, info.st_size < file.offset || !Self.stillHolds(file) {
            // Truncated in place (copytruncate), perhaps written again past where we were: start from the beginning.
            file.offset = 0
            file.tail = []
            lseek(file.fd, 0, SEEK_SET)
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(file.fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return 0 }
            file.offset += off_t(count)
            Self.keepTail(of: buffer, count: count, in: file)
            buffer.withUnsafeBufferPointer { chunk in
                file.pipeline.feed(UnsafeBufferPointer(rebasing: chunk[0..<count])) { record in
                    if !record.isBlank { records.append(record) }
                }
            }
            if records.count > Self.batchRecords {
                return fstat(file.fd, &info) == 0 ? max(0, info.st_size - file.offset) : 0
            }
        }
    }

    static let tailBytes = 64

    /// Whether the bytes before the offset are still the ones read there (one `pread`).
    private static func stillHolds(_ file: Followed) -> Bool {
        guard !file.tail.isEmpty else { return true }
        var now = [UInt8](repeating: 0, count: file.tail.count)
        let count = now.withUnsafeMutableBytes { pread(file.fd, $0.baseAddress, $0.count, file.offset - off_t(file.tail.count)) }
        return count == file.tail.count && now == file.tail
    }

    private static func keepTail(of buffer: [UInt8], count: Int, in file: Followed) {
        if count >= tailBytes {
            file.tail = Array(buffer[(count - tailBytes)..<count])
        } else {
            file.tail = Array((file.tail + buffer[0..<count]).suffix(tailBytes))
        }
    }

    /// `380 MB`, `12 MB`, `900 KB`.
    static func size(_ bytes: off_t) -> String {
        bytes >= 1 << 20 ? "\(bytes >> 20) MB" : "\(max(1, bytes >> 10)) KB"
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
