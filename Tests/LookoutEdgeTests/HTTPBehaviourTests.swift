import Foundation
import Hummingbird
import Logging
import LookoutCore
import LookoutHTTP
import NIOCore
import Synchronization
import Testing

/// A real local server with the misbehaviours probes must survive.
struct MisbehavingServer {
    let port: Int
    let task: Task<Void, any Error>

    static func start() async throws -> MisbehavingServer {
        let router = Router()
        let portBox = Mutex(0)
        router.get("/loop") { _, _ in Response(status: .found, headers: [.location: "/loop"]) }
        router.get("/hop") { _, _ in Response(status: .movedPermanently, headers: [.location: "/echo"]) }
        router.get("/away") { _, _ -> Response in
            // Same port, another host name: a different origin, so credentials must not follow.
            Response(status: .found, headers: [.location: "http://localhost:\(portBox.withLock { $0 })/echo"])
        }
        router.get("/echo") { request, _ -> Response in
            let auth = request.headers[.authorization] ?? "none"
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"status\":\"ready\",\"auth\":\"\(auth)\"}")))
        }
        router.get("/slow") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody { writer in
                for _ in 0..<30 {
                    try await writer.write(ByteBuffer(string: "x"))
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await writer.finish(nil)
            })
        }
        router.get("/huge") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody { writer in
                let chunk = ByteBuffer(repeating: UInt8(ascii: "a"), count: 1 << 20)
                for _ in 0..<100 { try await writer.write(chunk) }
                try await writer.finish(nil)
            })
        }
        let server = await LocalTestServer.start(router)
        portBox.withLock { $0 = server.port }
        return MisbehavingServer(port: server.port, task: server.task)
    }

    func service(_ path: String, redirects: RedirectPolicy = .sameHost, timeout: Duration = .seconds(5)) -> ServiceConfig {
        var service = ServiceConfig(name: "m", baseURL: "http://127.0.0.1:\(port)", healthPath: path, readinessPath: nil,
                                    interval: .seconds(30), timeout: timeout,
                                    headers: [HTTPHeader(name: "Authorization", value: "Bearer s3cr3t")])
        service.redirects = redirects
        return service
    }
}

@Suite("HTTP correctness against a misbehaving local server", .serialized)
struct HTTPBehaviourTests {
    func probe(_ service: ServiceConfig) async throws -> ProbeResult { try await probeOnce(service) }

    @Test func redirectsWithinTheHostAreFollowedWithCredentials() async throws {
        let server = try await MisbehavingServer.start()
        defer { server.task.cancel() }
        let result = try await probe(server.service("/hop"))
        #expect(result.httpStatus == 200)
        #expect(String(decoding: result.body, as: UTF8.self).contains(#""auth":"Bearer s3cr3t""#))
    }

    @Test func anotherHostIsRefusedByDefaultAndGetsNoCredentialsWhenAllowed() async throws {
        let server = try await MisbehavingServer.start()
        defer { server.task.cancel() }
        let refused = try await probe(server.service("/away"))
        #expect(refused.transportError?.message == "redirect to another host (http://localhost:\(server.port)) not followed; set redirects: any to allow")
        #expect(LivenessVerdict.judge(refused).state == .down)
        let allowed = try await probe(server.service("/away", redirects: .any))
        #expect(allowed.httpStatus == 200)
        #expect(String(decoding: allowed.body, as: UTF8.self).contains(#""auth":"none""#), "credentials never cross hosts")
    }

    @Test func aRedirectLoopStopsAfterFiveHops() async throws {
        let server = try await MisbehavingServer.start()
        defer { server.task.cancel() }
        let result = try await probe(server.service("/loop"))
        #expect(result.transportError?.message.hasPrefix("more than 5 redirects") == true)
        let unfollowed = try await probe(server.service("/loop", redirects: .none))
        #expect(unfollowed.httpStatus == 302 && unfollowed.transportError == nil)
    }

    @Test func aSlowBodyTimesOut() async throws {
        let server = try await MisbehavingServer.start()
        defer { server.task.cancel() }
        let result = try await probe(server.service("/slow", timeout: .milliseconds(800)))
        #expect(result.transportError?.code == 28)
        #expect(result.timings.totalMicros < 2_000_000)
    }

    @Test func aHundredMegabyteBodyIsCappedWithoutReadingIt() async throws {
        let server = try await MisbehavingServer.start()
        defer { server.task.cancel() }
        let result = try await probe(server.service("/huge", timeout: .seconds(10)))
        #expect(result.transportError?.message == "response body larger than 1 MiB, not read")
        #expect(result.body.count <= 1 << 20)
    }
}

/// A Hummingbird server on 127.0.0.1 and an ephemeral port, for one test: `start` returns once it listens.
struct LocalTestServer {
    let port: Int
    let task: Task<Void, any Error>

    static func start(_ router: Router<BasicRequestContext>) async -> LocalTestServer {
        let (ready, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: .quietTestServer)
        let task = Task { try await app.run() }
        var port = 0
        for await bound in ready { port = bound; break }
        return LocalTestServer(port: port, task: task)
    }

    func stop() { task.cancel() }
}

extension Logger {
    /// A test server's log: its cancellation at the end of a test is expected, not an error worth a line.
    static var quietTestServer: Logger {
        var logger = Logger(label: "lookout.test-server")
        logger.logLevel = .critical
        return logger
    }
}
