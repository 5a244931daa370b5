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

    /// - Parameters:
    ///   - name: the certificate's subject alternative name (`IP:127.0.0.1` matches the URL; another does not).
    ///   - expired: valid in January 2020 only (signed by itself with `openssl ca`, which takes dates in the past).
    init(validDays: Int = 30, name: String = "IP:127.0.0.1", expired: Bool = false) throws {
        directory = NSTemporaryDirectory() + "lookout-tls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try SilentServer.closedPort()
        let key: String = directory + "/key.pem", cert: String = directory + "/cert.pem"
        let subject = "/CN=" + (name.split(separator: ":").last.map(String.init) ?? "127.0.0.1")
        if expired {
            try """
            [ca]
            default_ca = test
            [test]
            database = \(directory)/index.txt
            new_certs_dir = \(directory)
            serial = \(directory)/serial
            default_md = sha256
            policy = anything
            copy_extensions = copy
            unique_subject = no
            [anything]
            commonName = supplied
            """.write(toFile: directory + "/ca.cnf", atomically: true, encoding: .utf8)
            try "".write(toFile: directory + "/index.txt", atomically: true, encoding: .utf8)
            try "01\n".write(toFile: directory + "/serial", atomically: true, encoding: .utf8)
            try Self.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", directory + "/req.csr",
                          "-subj", subject, "-addext", "subjectAltName=\(name)"])
            try Self.run(["openssl", "ca", "-batch", "-selfsign", "-config", directory + "/ca.cnf", "-keyfile", key,
                          "-in", directory + "/req.csr", "-out", cert, "-startdate", "20200101000000Z", "-enddate", "20200201000000Z", "-notext"])
        } else {
            try Self.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", String(validDays),
                          "-subj", subject, "-addext", "subjectAltName=\(name)"])
        }
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
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
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

    /// An expired certificate and one for another host are refused — even when lookout is told to trust them — with
    /// curl's own words, which say which.
    @Test(arguments: [(false, "DNS:wrong.example", "no alternative certificate subject name matches target host name"),
                      (true, "IP:127.0.0.1", "certificate has expired")])
    func aCertificateForAnotherHostOrExpiredIsRefusedWithTheReason(expired: Bool, name: String, reason: String) async throws {
        let server = try SelfSignedServer(name: name, expired: expired)
        defer { server.stop() }
        var service = ServiceConfig(name: "tls", baseURL: server.url, readinessPath: nil, timeout: .seconds(5))
        service.caFile = server.certificate
        let result = try await probe(service)
        let verdict = LivenessVerdict.judge(result)
        #expect(verdict.state == .down)
        #expect(verdict.reason?.contains(reason) == true, "\(verdict.reason ?? "no reason")")
        #expect(result.timings.totalMicros < 2_000_000)
    }
}
