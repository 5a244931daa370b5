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
        await tailer.stop()
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
        await tailer.stop()
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
        await tailer.stop()
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
        await tailer.stop()
    }
}
