import Foundation
import Hummingbird
import LookoutCore
import LookoutDemo
import LookoutHTTP
import NIOCore
import Synchronization
import Testing

/// Versions as real HTTP carries them: a response header read through libcurl, an endpoint of its own probed on the
/// service's schedule, and the demo fleet's replicas answering in turn during a rolling redeploy.
@Suite("Deployed versions over real HTTP", .serialized)
struct VersionProbeTests {
    /// A local service whose `/health` says its version in a header, and `/version` in a nested body field.
    static func startService() async -> LocalTestServer {
        let router = Router()
        router.get("/health") { _, _ -> Response in
            var headers = HTTPFields()
            headers[HTTPFields.Element.Name("X-App-Version")!] = "2.3.4"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/version") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"git":{"commit":"9f1c2ab"},"version":"api-v2"}"#)))
        }
        return await LocalTestServer.start(router)
    }

    @Test func aConfiguredResponseHeaderIsCapturedAndRead() async throws {
        let server = await Self.startService()
        defer { server.stop() }
        var service = ServiceConfig(name: "h", baseURL: "http://127.0.0.1:\(server.port)", readinessPath: nil, interval: .seconds(30))
        service.version = VersionConfig(header: "X-App-Version")
        let result = try await probeOnce(service)
        #expect(result.headers == ["x-app-version": "2.3.4"], "only the named header is kept")
        #expect(DeployedVersion.read(result, config: service.version)?.name == "2.3.4")
        service.version = VersionConfig(header: "X-Missing")
        let missing = try await probeOnce(service)
        var state = ServiceState(config: service)
        state.record(missing)
        #expect(state.rollout.latest == nil && state.versionProblem == "no X-Missing header in the liveness response")
    }

    @Test func aVersionEndpointIsProbedWithItsField() async throws {
        let server = await Self.startService()
        defer { server.stop() }
        var service = ServiceConfig(name: "v", baseURL: "http://127.0.0.1:\(server.port)", readinessPath: nil, interval: .seconds(30))
        service.version = VersionConfig(endpoint: SideEndpoint(path: "/version"), field: BodyPath("[BODY].git.commit"))
        let sink = ResultSink()
        let poller = CurlPoller(services: [service]) { sink.add($0) }
        poller.start()
        let results = await sink.wait(seconds: 15) { $0.contains { $0.kind == .version } && $0.contains { $0.kind == .liveness } }
        poller.stop()
        var state = ServiceState(config: service)
        for result in results { state.record(result) }
        #expect(results.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.liveness, .version])
        #expect(state.rollout.latest?.name == "9f1c2ab", "the field named, not the body's own `version`")
        #expect(state.lastVersionProbe?.httpStatus == 200)
    }

    @Test func theDemosTwoReplicasAnswerInTurnDuringARollingRedeploy() async throws {
        let fleet = try await DemoFleet.start()
        defer { fleet.stop(); fleet.removeFiles() }
        var chat = try #require(fleet.config.contexts[0].services.first { $0.name == "chat-api" })
        chat.readinessPath = nil   // its /health alone, one answer per probe
        chat.routing = nil
        func version() async throws -> String? {
            DeployedVersion.read(try await probeOnce(chat), config: chat.version)?.name
        }
        #expect(try await version() == "1.4.1")
        #expect(try await version() == "1.4.1")
        fleet.control.redeploy("chat-api")
        var seen: [String?] = []
        for _ in 0..<4 { seen.append(try await version()) }
        #expect(Set(seen.compactMap { $0 }) == ["1.4.1", "1.4.2"], "one replica on each version while the second waits its turn: \(seen)")
        // The rolling model itself, on a clock of its own: every replica runs the new revision after its step.
        let control = DemoControl(routes: [:], replicas: ["x": 3], rollingStep: .seconds(10))
        let start = ContinuousClock.now
        control.redeploy("x", now: start)
        let early = (0..<3).map { _ in control.answeringRevision(of: "x", path: "/health", now: start + .seconds(5)) }
        let late = (0..<3).map { _ in control.answeringRevision(of: "x", path: "/health", now: start + .seconds(21)) }
        #expect(early == [2, 1, 1] && late == [2, 2, 2])
    }
}
