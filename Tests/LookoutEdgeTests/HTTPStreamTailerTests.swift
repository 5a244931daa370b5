import Foundation
import LookoutCore
import LookoutDemo
import LookoutSources
import Testing

@Suite("Streaming HTTP log sources against the demo fleet", .serialized)
struct HTTPStreamTailerTests {
    func streamURL(_ fleet: DemoFleet, _ query: String) -> String { "\(fleet.endpoints[0].url)/logs/stream?\(query)" }

    @Test func readsNDJSONAndReconnectsWhenTheStreamEnds() async throws {
        let fleet = try await DemoFleet.start()
        defer { fleet.stop(); fleet.removeFiles() }
        let sink = BatchSink()
        let tailer = HTTPStreamTailer(sources: [.init(service: "chat-api", url: streamURL(fleet, "limit=2"))], initialBackoff: 0.2) { sink.add($0) }
        tailer.start()
        let records = await sink.waitFor(seconds: 15) { $0.count >= 4 }
        #expect(records.count >= 4, "two streams of two lines each")
        #expect(records.allSatisfy { $0.isLLMCall && $0.mapping == "app" && $0.service == "chat-api" })
        #expect(sink.statuses.contains("streaming NDJSON (app)"))
        #expect(sink.statuses.contains { $0.hasPrefix("stream ended (HTTP 200); reconnecting in 200ms") })
        await tailer.stop()
    }

    @Test func readsServerSentEvents() async throws {
        let fleet = try await DemoFleet.start()
        defer { fleet.stop(); fleet.removeFiles() }
        let sink = BatchSink()
        let tailer = HTTPStreamTailer(sources: [.init(service: "chat-api", url: streamURL(fleet, "format=sse"))]) { sink.add($0) }
        tailer.start()
        let records = await sink.waitFor(seconds: 30) { $0.count >= 3 }
        let start = Date()
        await tailer.stop()
        #expect(Date().timeIntervalSince(start) < 2, "an idle stream stops within a second")
        #expect(records.count >= 3 && records.allSatisfy { $0.isLLMCall && !$0.isMalformed })
        #expect(sink.statuses.contains("streaming server-sent events (app)"))
    }

    @Test func aRefusedConnectionIsAStatusAndRetried() async throws {
        let port = try SilentServer.closedPort()
        let sink = BatchSink()
        let tailer = HTTPStreamTailer(sources: [.init(service: "s", url: "http://127.0.0.1:\(port)/logs")], initialBackoff: 0.1) { sink.add($0) }
        tailer.start()
        _ = await sink.waitFor(seconds: 5) { _ in sink.statuses.filter { $0.contains("reconnecting") }.count >= 2 }
        let failures = sink.statuses.filter { $0.contains("reconnecting") }
        #expect(failures.count >= 2)
        #expect(failures.first?.contains("Failed to connect") == true || failures.first?.contains("Couldn't connect") == true)
        await tailer.stop()
    }

    @Test func serverSentEventsKeepOnlyDataPayloads() {
        var sse = ServerSentEvents()
        let text = ": comment\nevent: log\nid: 7\ndata: {\"provider\":\"a\"}\r\n\ndata: plain\n\nretry: 1000\ndata: half"
        let out = Array(text.utf8).withUnsafeBufferPointer { sse.feed($0) }
        #expect(String(decoding: out, as: UTF8.self) == "{\"provider\":\"a\"}\nplain\n")
        let rest = Array(" line\n".utf8).withUnsafeBufferPointer { sse.feed($0) }
        #expect(String(decoding: rest, as: UTF8.self) == "half line\n")
    }
}
