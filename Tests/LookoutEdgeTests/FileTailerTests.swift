import Foundation
import Glibc
import LookoutCore
import LookoutSources
import Synchronization
import Testing

/// Collects batches from the tailer.
final class BatchSink: Sendable {
    private let batches = Mutex<[LogBatch]>([])

    func add(_ batch: LogBatch) { batches.withLock { $0.append(batch) } }

    var records: [LogRecord] { batches.withLock { $0.flatMap(\.records) } }
    var statuses: [String] { batches.withLock { $0.compactMap(\.status) } }

    /// Waits without holding a thread of the concurrency pool (the sources run there).
    func waitFor(seconds: Double = 5, _ predicate: ([LogRecord]) -> Bool) async -> [LogRecord] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if predicate(records) { return records }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return records
    }
}

@Suite("Following real log files", .serialized)
struct FileTailerTests {
    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "lookout-tail-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func append(_ path: String, _ text: String) {
        let handle = FileHandle(forWritingAtPath: path)!
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try? handle.close()
    }

    func line(_ id: Int) -> String { #"{"provider":"openai","request_id":"r\#(id)","latency_ms":\#(id)}"# + "\n" }

    func ids(_ records: [LogRecord]) -> [String] { records.compactMap(\.requestID) }

    @Test func startsAtTheEndFollowsAppendsAndWaitsForAPartialLine() async throws {
        let dir = try scratch()
        let path = dir + "/app.log"
        try (line(0) + line(1)).write(toFile: path, atomically: false, encoding: .utf8)
        let sink = BatchSink()
        let tailer = FileTailer(sources: [.init(service: "chat-api", path: path)], interval: .milliseconds(20)) { sink.add($0) }
        tailer.start()
        _ = await sink.waitFor { _ in sink.statuses.contains { $0.hasPrefix("following") } }
        append(path, line(2))
        append(path, String(line(3).dropLast(10)))   // half a line…
        #expect(ids(await sink.waitFor { ids($0) == ["r2"] }) == ["r2"])
        try? await Task.sleep(for: .milliseconds(100))
        #expect(ids(sink.records) == ["r2"], "a partial line is not a record yet")
        append(path, String(line(3).suffix(10)))     // …completed
        #expect(ids(await sink.waitFor { ids($0).count == 2 }) == ["r2", "r3"])
        tailer.stop()
    }

    @Test func survivesRotationByRenameAndCreate() async throws {
        let dir = try scratch()
        let path = dir + "/app.log"
        FileManager.default.createFile(atPath: path, contents: nil)
        let sink = BatchSink()
        let tailer = FileTailer(sources: [.init(service: "s", path: path)], interval: .milliseconds(20)) { sink.add($0) }
        tailer.start()
        _ = await sink.waitFor { _ in !sink.statuses.isEmpty }
        append(path, line(1))
        _ = await sink.waitFor { ids($0) == ["r1"] }
        append(path, line(2))                                   // written just before the rename: not lost
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try line(3).write(toFile: path, atomically: false, encoding: .utf8)
        append(path, line(4))
        #expect(ids(await sink.waitFor { ids($0).count == 4 }) == ["r1", "r2", "r3", "r4"])
        tailer.stop()
    }

    @Test func survivesCopyTruncate() async throws {
        let dir = try scratch()
        let path = dir + "/app.log"
        FileManager.default.createFile(atPath: path, contents: nil)
        let sink = BatchSink()
        let tailer = FileTailer(sources: [.init(service: "s", path: path)], interval: .milliseconds(20)) { sink.add($0) }
        tailer.start()
        _ = await sink.waitFor { _ in !sink.statuses.isEmpty }
        append(path, line(1) + line(2))
        _ = await sink.waitFor { ids($0).count == 2 }
        // logrotate's copytruncate: copy away, then truncate the file in place.
        try FileManager.default.copyItem(atPath: path, toPath: path + ".1")
        truncate(path, 0)
        try? await Task.sleep(for: .milliseconds(100))
        append(path, line(3))
        #expect(ids(await sink.waitFor { ids($0).count == 3 }) == ["r1", "r2", "r3"])
        tailer.stop()
    }

    @Test func aGlobPicksUpFilesThatAppearLaterFromTheirStart() async throws {
        let dir = try scratch()
        let sink = BatchSink()
        let tailer = FileTailer(sources: [.init(service: "s", path: dir + "/*.log")], interval: .milliseconds(20)) { sink.add($0) }
        tailer.start()
        _ = await sink.waitFor { _ in sink.statuses.contains { $0.hasPrefix("waiting") } }
        #expect(sink.statuses.first == "waiting: no file matches \(dir)/*.log")
        try (line(7) + "not json at all\n").write(toFile: dir + "/worker-1.log", atomically: false, encoding: .utf8)
        let records = await sink.waitFor { $0.count == 2 }
        #expect(ids(records) == ["r7"])
        #expect(records.last?.mapping == "plain")
        #expect(sink.statuses.last == "following (app)")
        tailer.stop()
    }

    /// Quiet files cost no pass but the periodic one; a write wakes the tailer (inotify) well before it — through a
    /// symlink too, as Kubernetes' /var/log/containers links are followed.
    @Test func sleepsWhileFilesAreQuietAndWakesOnAWriteThroughASymlink() async throws {
        let dir = try scratch()
        let target = dir + "/pods/app-0.log"
        try FileManager.default.createDirectory(atPath: dir + "/pods", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/containers", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: target, contents: nil)
        try FileManager.default.createSymbolicLink(atPath: dir + "/containers/app-0.log", withDestinationPath: target)
        let sink = BatchSink()
        let tailer = FileTailer(sources: [.init(service: "s", path: dir + "/containers/*.log")], interval: .milliseconds(20),
                                quietPass: .seconds(30)) { sink.add($0) }
        tailer.start()
        _ = await sink.waitFor { _ in !sink.statuses.isEmpty }
        try? await Task.sleep(for: .seconds(1))
        #expect(tailer.passCount <= 2, "\(tailer.passCount) passes over a quiet file in a second (polling every 20 ms: 50)")
        let written = Date()
        append(target, line(1))
        #expect(ids(await sink.waitFor(seconds: 3) { ids($0) == ["r1"] }) == ["r1"])
        #expect(Date().timeIntervalSince(written) < 2, "woken by the write, not by the 30 s pass")
        tailer.stop()
    }

    /// A glob in the directory part cannot be watched: it is polled, and a file that appears is still found.
    @Test func aGlobInTheDirectoryIsPolled() async throws {
        let dir = try scratch()
        let sink = BatchSink()
        let tailer = FileTailer(sources: [.init(service: "s", path: dir + "/*/app.log")], interval: .milliseconds(50),
                                quietPass: .seconds(30)) { sink.add($0) }
        tailer.start()
        _ = await sink.waitFor { _ in !sink.statuses.isEmpty }
        try FileManager.default.createDirectory(atPath: dir + "/pod-1", withIntermediateDirectories: true)
        try line(5).write(toFile: dir + "/pod-1/app.log", atomically: false, encoding: .utf8)
        #expect(ids(await sink.waitFor(seconds: 5) { ids($0) == ["r5"] }) == ["r5"])
        let before = tailer.passCount
        try? await Task.sleep(for: .milliseconds(600))
        #expect(tailer.passCount - before >= 5, "polled every 50 ms: \(tailer.passCount - before) passes in 0.6 s")
        tailer.stop()
    }

    /// A flood written at once: read in batches one after the other — not one batch per pace —, the status says how far
    /// behind it is while it catches up, and "following" again once it has.
    @Test func aFloodIsReadBatchAfterBatchAndTheLagIsSaid() async throws {
        let dir = try scratch()
        let path = dir + "/app.log"
        FileManager.default.createFile(atPath: path, contents: nil)
        let sink = BatchSink()
        let tailer = FileTailer(sources: [.init(service: "s", path: path)], interval: .seconds(1)) { sink.add($0) }
        tailer.start()
        _ = await sink.waitFor { _ in !sink.statuses.isEmpty }
        let lines = 150_000
        // Written by awk, not built here: the test must not hold a thread of the concurrency pool (the other suites'
        // sources run there) for the seconds a debug build takes to make 10 MB of lines.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", #"seq 0 \#(lines - 1) | awk '{printf "{\"provider\":\"openai\",\"request_id\":\"r%d\",\"latency_ms\":%d}\n", $1, $1}' >> "$0""#, path]
        let started = Date()
        try writer.run()
        let records = await sink.waitFor(seconds: 20) { $0.count >= lines }
        writer.waitUntilExit()
        #expect(records.count == lines, "every line read")
        #expect(Date().timeIntervalSince(started) < 10, "15 batches did not wait a second each: \(Date().timeIntervalSince(started)) s")
        #expect(sink.statuses.contains { $0.hasPrefix("following (app) · behind by ") && $0.hasSuffix(" MB") }, "\(sink.statuses)")
        try? await Task.sleep(for: .milliseconds(300))
        #expect(sink.statuses.last == "following (app)", "caught up: \(sink.statuses.suffix(3))")
        tailer.stop()
    }

    /// Truncated and written again past where the tailer was, between two passes (logrotate's copytruncate, then a
    /// burst): the new lines before the old offset are not lost — the file is read again from its start.
    @Test func aTruncateAndRefillPastTheOffsetWithinOnePassLosesNothing() async throws {
        let dir = try scratch()
        let path = dir + "/app.log"
        try (0..<10).map(line).joined().write(toFile: path, atomically: false, encoding: .utf8)
        let sink = BatchSink()
        let tailer = FileTailer(sources: [.init(service: "s", path: path, fromStart: true)], interval: .seconds(2)) { sink.add($0) }
        tailer.start()
        #expect(ids(await sink.waitFor { $0.count == 10 }).count == 10)
        // Within the 2 s pace: truncate, then 30 longer lines — the file ends well past the old offset.
        truncate(path, 0)
        append(path, (100..<130).map(line).joined())
        let records = await sink.waitFor(seconds: 8) { $0.count >= 40 }
        #expect(ids(records).suffix(30) == (100..<130).map { "r\($0)" }, "\(ids(records).suffix(30))")
        tailer.stop()
    }
}
