import Foundation
import Glibc
import LookoutCore
import LookoutHTTP
import Testing

/// A real TLS server: `openssl s_server` with a freshly made self-signed certificate for 127.0.0.1.
final class SelfSignedServer {
    let directory: String
    let port: Int
    private let pid: pid_t

    init(validDays: Int = 30) throws {
        directory = NSTemporaryDirectory() + "lookout-tls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try SilentServer.closedPort()
        let key: String = directory + "/key.pem", cert: String = directory + "/cert.pem"
        let request: [String] = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                                 "-out", cert, "-days", String(validDays), "-subj", "/CN=127.0.0.1",
                                 "-addext", "subjectAltName=IP:127.0.0.1"]
        try Self.run(request)
        var spawned: pid_t = 0
        let serverArguments: [String] = ["openssl", "s_server", "-accept", String(port), "-cert", cert, "-key", key, "-www", "-quiet"]
        let argv: [UnsafeMutablePointer<CChar>?] = serverArguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0) }
        guard posix_spawnp(&spawned, "openssl", &actions, nil, argv, environ) == 0 else { throw POSIXError(.ENOENT) }
        pid = spawned
        // Wait until it accepts connections.
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return }
            usleep(50_000)
        }
    }

    var certificate: String { directory + "/cert.pem" }
    var url: String { "https://127.0.0.1:\(port)" }

    func stop() {
        // SIGKILL: the test runner's threads block SIGTERM, and a child spawned here inherits that mask.
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(atPath: directory)
    }

    static func run(_ argv: [String]) throws {
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0) }
        guard posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ) == 0 else { throw POSIXError(.ENOENT) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else { throw POSIXError(.EIO) }
    }
}

@Suite("TLS: verification on by default, a configured CA, certificate expiry", .serialized)
struct TLSProbeTests {
    func probe(_ service: ServiceConfig) async throws -> ProbeResult { try await probeOnce(service) }

    @Test func aSelfSignedCertificateIsRejectedByDefaultAndAcceptedWithItsCA() async throws {
        let server = try SelfSignedServer(validDays: 30)
        defer { server.stop() }
        let plain = ServiceConfig(name: "tls", baseURL: server.url, readinessPath: nil, timeout: .seconds(5))
        let rejected = try await probe(plain)
        #expect(rejected.transportError?.code == 60, "\(String(describing: rejected.transportError))")
        #expect(LivenessVerdict.judge(rejected).state == .down)

        var withCA = plain
        withCA.caFile = server.certificate
        let accepted = try await probe(withCA)
        #expect(accepted.transportError == nil && accepted.httpStatus == 200)
        #expect(accepted.timings.tlsMicros > 0, "the TLS handshake is timed")
        let expiry = try #require(accepted.certificateExpiry)
        let days = expiry.timeIntervalSinceNow / 86400
        #expect(days > 29 && days <= 30.01)
        let condition = try Condition("[CERTIFICATE_EXPIRATION] > 72h").evaluate(accepted, now: Date())
        #expect(condition.passed)

        var insecure = plain
        insecure.insecure = true
        #expect(try await probe(insecure).httpStatus == 200)
    }
}
