#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A loopback HTTP server that misbehaves on purpose, on raw sockets — an HTTP framework would not send a broken
/// chunk, reset a connection in the middle of a body or answer in HTTP/1.0 without a length. Each path has a
/// script of steps; a connection reads one request, runs its path's script and closes. For the fault suites of
/// issue 15 (the edge tests drive the poller at it, the end-to-end tests `lookout check`).
public final class FaultServer: @unchecked Sendable {
    /// One thing the server does on a connection. (`@unchecked Sendable`: the listening socket is closed once by
    /// `stop`; each connection runs on its own thread with its own socket.)
    public enum Step: Sendable {
        /// Writes bytes (a write to a peer that left ends the script).
        case send([UInt8])
        /// Waits.
        case pause(milliseconds: Int)
        /// Repeats the steps until the peer leaves or the server stops.
        case forever([Step])
        /// Resets the connection (SO_LINGER 0, then close: the peer gets a TCP RST).
        case reset

        /// Writes text.
        public static func text(_ text: String) -> Step { .send(Array(text.utf8)) }
    }

    public let port: Int
    private let listener: Int32
    private let routes: [String: [Step]]
    private let stopped = Mutex(false)

    /// Listens on 127.0.0.1 and an ephemeral port; `routes` maps a request path to its script (unknown paths get a 404).
    public init(routes: [String: [Step]]) throws {
        self.routes = routes
        // Close-on-exec, the listener and each connection: a test elsewhere in the process that spawns a child would
        // otherwise hand it a copy of a connection, and a reset (close with SO_LINGER 0) would reset nothing while the
        // child lives — reset-mid-body was then judged a timeout, now and then, in full parallel edge runs.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 128) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "fault-server"
        thread.start()
    }

    /// The URL of a path on this server.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Stops accepting; connections in a `forever` step end at their next write.
    public func stop() {
        let already = stopped.withLock { stopped in
            defer { stopped = true }
            return stopped
        }
        guard !already else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    private func acceptLoop() {
        while !isStopped {
            let connection = accept(listener, nil, nil)   // accept4 is not in Swift's Glibc: FD_CLOEXEC at once below
            guard connection >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            var one: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(connection) }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        let path = readRequestPath(connection)
        let script = path.flatMap { routes[$0] } ?? [.text("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")]
        if run(script, on: connection) { close(connection) }
    }

    /// Runs steps; false when the connection was reset (and so closed already) or the peer left.
    private func run(_ steps: [Step], on connection: Int32) -> Bool {
        for step in steps {
            switch step {
            case let .send(bytes):
                guard write(bytes, to: connection) else { close(connection); return false }
            case let .pause(milliseconds):
                usleep(useconds_t(milliseconds * 1000))
            case let .forever(inner):
                while !isStopped {
                    guard run(inner, on: connection) else { return false }
                }
            case .reset:
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                close(connection)
                return false
            }
        }
        return true
    }

    private func write(_ bytes: [UInt8], to connection: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// The path of the request line, after reading the request's head.
    private func readRequestPath(_ connection: Int32) -> String? {
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while head.count < 65536 {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            head += buffer[..<count]
            if head.count >= 4, head.suffix(from: max(0, head.count - count - 3)).firstRange(of: [13, 10, 13, 10]) != nil { break }
        }
        let line = String(decoding: head.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = line.split(separator: " ")
        return parts.count >= 2 ? String(parts[1]) : nil
    }
}

/// The faults of issue 15's suite, by path, each with what a probe must report.
extension FaultServer {
    /// A fault: its path, its script, and the reason lookout must give (a fragment of it), or nil where the
    /// endpoint must be judged up.
    public struct Fault: Sendable {
        public let path: String
        public let steps: [Step]
        public let reason: String?
    }

    private static let healthyBody = #"{"status":"healthy"}"#

    public static let faults: [Fault] = [
        Fault(path: "/ok", steps: [.text("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(healthyBody.utf8.count)\r\n\r\n" + healthyBody)],
              reason: nil),
        // The server dies in the middle of the body.
        Fault(path: "/reset-mid-body", steps: [.text("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + String(repeating: "a", count: 100)),
                                               .pause(milliseconds: 50), .reset],
              reason: "Connection reset by peer"),
        // One byte a second: only the probe's timeout ends it.
        Fault(path: "/one-byte-a-second", steps: [.text("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"),
                                                  .forever([.text("x"), .pause(milliseconds: 1000)])],
              reason: "timed out"),
        // Headers, then silence.
        Fault(path: "/headers-then-nothing", steps: [.text("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"),
                                                     .forever([.pause(milliseconds: 200)])],
              reason: "timed out"),
        // A chunked body that never ends: cut at the body limit, never buffered whole.
        Fault(path: "/endless-chunked", steps: [.text("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
                                                .forever([.text("10000\r\n" + String(repeating: "z", count: 0x10000) + "\r\n")])],
              reason: "response body larger than"),
        // A chunk size that is not hexadecimal.
        Fault(path: "/broken-chunked", steps: [.text("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nhello\r\n0\r\n\r\n")],
              reason: "chunk"),
        // A 10,000-character header is unusual but legal: the endpoint is up.
        Fault(path: "/ten-thousand-character-header",
              steps: [.text("HTTP/1.1 200 OK\r\nX-Filler: \(String(repeating: "f", count: 10_000))\r\nContent-Length: \(healthyBody.utf8.count)\r\n\r\n" + healthyBody)],
              reason: nil),
        // One 200 KB header: more than libcurl takes (100 KB), which libcurl itself calls "Out of memory".
        Fault(path: "/two-hundred-kilobyte-header",
              steps: [.text("HTTP/1.1 200 OK\r\nX-Filler: \(String(repeating: "f", count: 200_000))\r\nContent-Length: 2\r\n\r\n{}")],
              reason: "response headers too large"),
        // HTTP/1.0 without a length: the body ends when the connection closes. Up.
        Fault(path: "/http10-no-length", steps: [.text("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + healthyBody)],
              reason: nil),
        // Not HTTP at all (a probe pointed at the wrong port: an SSH server's greeting).
        Fault(path: "/not-http", steps: [.text("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"), .pause(milliseconds: 100)],
              reason: "did not answer in HTTP"),
    ]

    /// A server answering every fault's path.
    public static func withFaults() throws -> FaultServer {
        try FaultServer(routes: Dictionary(uniqueKeysWithValues: faults.map { ($0.path, $0.steps) }))
    }
}

import Synchronization
