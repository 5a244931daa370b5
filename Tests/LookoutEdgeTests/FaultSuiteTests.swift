import Foundation
import Glibc
import LookoutCore
import LookoutHTTP
import LookoutTestSupport
import Synchronization
import Testing

/// Results with the moment each reached the sink.
final class TimedSink: Sendable {
    private let results = Mutex<[(at: ContinuousClock.Instant, result: ProbeResult)]>([])

    func add(_ result: ProbeResult) { results.withLock { $0.append((ContinuousClock.now, result)) } }

    var all: [(at: ContinuousClock.Instant, result: ProbeResult)] { results.withLock { $0 } }
}

/// Issue 15's fault suite on real sockets: a server that resets, trickles, never ends, breaks its chunking, sends
/// headers too large or no HTTP at all; a name that does not resolve; a port nothing listens on. Each must be judged
/// with a reason an engineer can act on, within its timeout, and none may hold up the others.
@Suite("Faults on real sockets: a clear reason within the timeout, and nobody waits", .serialized)
struct FaultSuiteTests {
    static let timeout = Duration.seconds(2)

    @Test func everyFaultIsJudgedWithItsReasonWithinItsTimeout() async throws {
        let server = try FaultServer.withFaults()
        defer { server.stop() }
        var services = FaultServer.faults.map { fault in
            ServiceConfig(name: String(fault.path.dropFirst()), baseURL: "http://127.0.0.1:\(server.port)", healthPath: fault.path,
                          readinessPath: nil, interval: .seconds(60), timeout: Self.timeout)
        }
        // RFC 6761: `.invalid` never resolves.
        services.append(ServiceConfig(name: "unresolvable", baseURL: "http://lookout-fault-suite.invalid", readinessPath: nil,
                                      interval: .seconds(60), timeout: Self.timeout))
        services.append(ServiceConfig(name: "refused", baseURL: "http://127.0.0.1:\(try SilentServer.closedPort())", readinessPath: nil,
                                      interval: .seconds(60), timeout: Self.timeout))
        let expected = FaultServer.faults.map { (String($0.path.dropFirst()), $0.reason) }
            + [("unresolvable", "Could not resolve host"), ("refused", " ms: Connection refused")]

        let sink = TimedSink()
        let started = ContinuousClock.now
        let poller = CurlPoller(services: services) { sink.add($0) }
        poller.start()
        while sink.all.count < services.count && ContinuousClock.now - started < .seconds(10) {
            try await Task.sleep(for: .milliseconds(20))
        }
        poller.stop()

        var table: [String] = []
        for (name, reason) in expected {
            let arrival = try #require(sink.all.first { $0.result.service == name }, "\(name) was never reported")
            let verdict = LivenessVerdict.judge(arrival.result)
            let took = arrival.at - started
            table.append("\(name.padding(toLength: 36, withPad: " ", startingAt: 0)) \(verdict.state) \(took) \(verdict.reason ?? "")")
            if let reason {
                #expect(verdict.state == .down, "\(name): \(verdict)")
                #expect(verdict.reason?.localizedCaseInsensitiveContains(reason) == true, "\(name): \(verdict.reason ?? "no reason")")
            } else {
                #expect(verdict.state == .up, "\(name): \(verdict)")
            }
            #expect(took < Self.timeout + .milliseconds(700), "\(name) took \(took)")
            #expect(arrival.result.body.count <= 1 << 20, "\(name): never more than the body limit kept")
        }
        print(table.joined(separator: "\n"))
    }

    /// While 100 endpoints accept a connection and never answer, a healthy service probed every 500 ms keeps its
    /// pace (the measured largest gap is printed), and every hung endpoint times out at its own timeout.
    @Test func healthyResultsKeepTheirPaceWhileAHundredEndpointsHang() async throws {
        let server = try FaultServer.withFaults()
        defer { server.stop() }
        let silent = try (0 ..< 100).map { _ in try SilentServer() }
        defer { silent.forEach { $0.close() } }
        let healthy = ServiceConfig(name: "healthy", baseURL: "http://127.0.0.1:\(server.port)", healthPath: "/ok", readinessPath: nil,
                                    interval: .milliseconds(500), timeout: Self.timeout)
        let hung = silent.enumerated().map { index, server in
            ServiceConfig(name: "hung-\(index)", baseURL: "http://127.0.0.1:\(server.port)", readinessPath: nil,
                          interval: .seconds(1), timeout: .seconds(3))
        }
        let sink = TimedSink()
        let poller = CurlPoller(services: [healthy] + hung) { sink.add($0) }
        poller.start()
        try await Task.sleep(for: .seconds(8))
        poller.stop()

        let healthyArrivals = sink.all.filter { $0.result.service == "healthy" }
        #expect(healthyArrivals.allSatisfy { LivenessVerdict.judge($0.result).state == .up })
        let gaps = zip(healthyArrivals.dropFirst(), healthyArrivals).map { $0.at - $1.at }
        let largest = gaps.max() ?? .seconds(99)
        print("healthy: \(healthyArrivals.count) results in 8 s, largest gap \(largest) (interval 500 ms) while 100 endpoints hang")
        #expect(healthyArrivals.count >= 14, "\(healthyArrivals.count) results")
        #expect(largest < .milliseconds(750), "largest gap \(largest)")

        let hungResults = sink.all.filter { $0.result.service.hasPrefix("hung-") }.map(\.result)
        #expect(Set(hungResults.map(\.service)).count == 100, "every hung endpoint reported")
        #expect(hungResults.allSatisfy { $0.transportError?.code == 28 })
        let tooSlow = hungResults.filter { !(2_900_000 ... 3_700_000).contains($0.timings.totalMicros) }
        #expect(tooSlow.isEmpty, "timed out at their timeout: \(tooSlow.map { ($0.service, $0.timings.totalMicros) }.prefix(5))")
    }
}
