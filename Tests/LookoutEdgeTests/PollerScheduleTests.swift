import Foundation
import LookoutCore
import LookoutHTTP
import LookoutTestSupport
import Testing

/// The poller's schedule for a large fleet: its first probes spread, but over a second at most — `check` and
/// `snapshot` probe once (an interval of an hour) and must not wait for it; `probeNow` is heard at once.
@Suite("Poller schedule of a large fleet")
struct PollerScheduleTests {
    /// libcurl 7.88 walks its whole DNS cache at every transfer: past 256 hosts and ports, nothing is cached (the
    /// poller spent three quarters of a core on that walk for 5,000 endpoints; `scripts/bench-poll.sh 20 5000`).
    @Test func aFleetOfManyHostsKeepsNoDNSCache() {
        func fleet(_ count: Int) -> [ServiceConfig] {
            (0..<count).map { ServiceConfig(name: "s\($0)", baseURL: "http://127.0.0.1:\(20_000 + $0)", readinessPath: "/ready") }
        }
        #expect(CurlPoller.dnsCacheSeconds(for: fleet(CurlPoller.dnsCacheHosts)) == 60, "liveness and readiness share a host")
        #expect(CurlPoller.dnsCacheSeconds(for: fleet(CurlPoller.dnsCacheHosts + 1)) == 0)
        let oneHost = (0..<1_000).map { ServiceConfig(name: "s\($0)", baseURL: "https://api.example.com", healthPath: "/health/\($0)") }
        #expect(CurlPoller.dnsCacheSeconds(for: oneHost) == 60, "a thousand paths on one host: one entry")
    }

    @Test func aHundredEndpointsProbedOnceAreAllProbedWithinASecondOrSo() async throws {
        let server = try FaultServer.withFaults()
        defer { server.stop() }
        let services = (0..<100).map { i in
            ServiceConfig(name: "s\(i)", baseURL: "http://127.0.0.1:\(server.port)", healthPath: "/ok", readinessPath: nil,
                          interval: .seconds(3600), timeout: .seconds(2))
        }
        let sink = TimedSink()
        let started = ContinuousClock.now
        let poller = CurlPoller(services: services) { sink.add($0) }
        poller.start()
        while sink.all.count < 100 && ContinuousClock.now - started < .seconds(10) { try await Task.sleep(for: .milliseconds(20)) }
        let first = sink.all
        #expect(first.count == 100, "\(first.count) of 100 probed")
        // (Their verdicts are not the point here: a hundred connections at once to a thread-per-connection test server
        // on a loaded 2-core machine can leave one waiting past its 2 s timeout — it is reported all the same.)
        let last = first.map(\.at).max().map { $0 - started } ?? .seconds(99)
        let earliest = first.map(\.at).min().map { $0 - started } ?? .seconds(99)
        #expect(last < .seconds(3), "the last first probe came \(last) after the start")
        #expect(last - earliest > .milliseconds(500), "spread, not all at once: \(earliest) … \(last)")

        // Asked for, every endpoint is probed again at once, not an hour later.
        let asked = ContinuousClock.now
        poller.probeNow(services.map(\.name))
        while sink.all.count < 200 && ContinuousClock.now - asked < .seconds(10) { try await Task.sleep(for: .milliseconds(20)) }
        poller.stop()
        #expect(sink.all.count == 200, "\(sink.all.count - 100) of 100 probed again when asked")
    }

    /// Discovery's changes while the poller runs: a service that joins is probed at once and then at its interval; one
    /// that leaves is not probed again — and a probe of its that was in flight when it left is not reported.
    @Test func servicesJoinAndLeaveWhileThePollerRuns() async throws {
        let server = try FaultServer.withFaults()
        defer { server.stop() }
        func service(_ name: String, path: String = "/ok") -> ServiceConfig {
            ServiceConfig(name: name, baseURL: "http://127.0.0.1:\(server.port)", healthPath: path, readinessPath: nil,
                          interval: .milliseconds(200), timeout: .seconds(2))
        }
        let sink = TimedSink()
        let poller = CurlPoller(services: [service("a"), service("slow", path: "/headers-then-nothing")]) { sink.add($0) }
        poller.start()
        defer { poller.stop() }
        try await Task.sleep(for: .milliseconds(600))
        #expect(sink.all.contains { $0.result.service == "a" })

        // `slow` leaves with its probe in flight (its server sends headers, then nothing); `b` joins.
        poller.update(adding: [service("b")], removing: ["a", "slow"])
        let changed = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(150))
        let settled = ContinuousClock.now
        try await Task.sleep(for: .seconds(3))
        let after = sink.all.filter { $0.at > settled }
        #expect(!after.contains { $0.result.service == "a" }, "a left: not probed again")
        #expect(!sink.all.contains { $0.result.service == "slow" }, "slow left with its probe in flight: nothing reported")
        let joined = sink.all.filter { $0.result.service == "b" }
        #expect(joined.first.map { $0.at - changed < .milliseconds(500) } == true, "b probed at once")
        #expect(joined.count >= 8, "then at its interval: \(joined.count) probes in 3 s")
        #expect(joined.allSatisfy { $0.result.httpStatus == 200 })
    }

    /// A fleet past `shardSize` endpoints is polled by shards of its own (a thread and a multi handle each), split by
    /// host and port so a host's endpoints share one shard's connection limit; `probeNow` and joins reach every shard.
    @Test func aLargeFleetIsPolledInShardsSplitByHost() async throws {
        func fleet(_ count: Int, ports: Int) -> [ServiceConfig] {
            (0..<count).map { ServiceConfig(name: "s\($0)", baseURL: "http://127.0.0.1:\(20_000 + $0 % ports)", readinessPath: nil) }
        }
        #expect(CurlPoller.shardCount(for: fleet(1_000, ports: 1_000)) == 1)
        #expect(CurlPoller.shardCount(for: fleet(5_000, ports: 5_000)) == 5)
        let sameHost = fleet(40, ports: 1).map { CurlPoller.shard(of: $0, among: 5) }
        #expect(Set(sameHost).count == 1, "one host and port, one shard")
        let spread = Set(fleet(5_000, ports: 5_000).map { CurlPoller.shard(of: $0, among: 5) })
        #expect(spread == [0, 1, 2, 3, 4])

        // Real probes through four shards: every endpoint once, again when asked, and one that joins later.
        let servers = try (0..<4).map { _ in try FaultServer.withFaults() }
        defer { servers.forEach { $0.stop() } }
        let services = (0..<80).map { i in
            ServiceConfig(name: "s\(i)", baseURL: "http://127.0.0.1:\(servers[i % 4].port)", healthPath: "/ok", readinessPath: nil,
                          interval: .seconds(3600), timeout: .seconds(2))
        }
        let sink = TimedSink()
        let poller = CurlPoller(services: services, shardSize: 20) { sink.add($0) }
        #expect(poller.shardCount == 4)
        poller.start()
        defer { poller.stop() }
        func waitFor(_ count: Int) async throws {
            let started = ContinuousClock.now
            while sink.all.count < count && ContinuousClock.now - started < .seconds(10) { try await Task.sleep(for: .milliseconds(20)) }
        }
        try await waitFor(80)
        #expect(Set(sink.all.map(\.result.service)).count == 80)
        poller.probeNow(services.map(\.name))
        try await waitFor(160)
        #expect(sink.all.count == 160, "each shard hears probeNow: \(sink.all.count - 80) of 80")
        poller.update(adding: [ServiceConfig(name: "late", baseURL: "http://127.0.0.1:\(servers[0].port)", healthPath: "/ok",
                                             readinessPath: nil, interval: .seconds(3600), timeout: .seconds(2))], removing: [])
        try await waitFor(161)
        #expect(sink.all.last?.result.service == "late" && sink.all.last?.result.httpStatus == 200)
    }
}
