import Foundation
import Glibc
import LookoutCore
import LookoutSources
import LookoutTestSupport
import Synchronization
import Testing

/// A context's `discover:` watched while it is open, against Debian's real Prometheus: a target added to its
/// configuration (reloaded with SIGHUP) is said as new, and taken away again, the word is withdrawn.
@Suite("Discovery watched on a real Prometheus", .serialized)
struct TargetDiscoveryWatchTests {
    @Test func aTargetAddedToPrometheusIsSaidAndItsRemovalWithdrawsIt() async throws {
        let directory = NSTemporaryDirectory() + "lookout-discovery-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (one, two) = (try SilentServer(), try SilentServer())
        defer { one.close(); two.close() }
        func config(_ ports: [Int]) -> String {
            """
            global: { scrape_interval: 1s, scrape_timeout: 900ms }
            scrape_configs:
              - job_name: gw
                static_configs: [ { targets: [\(ports.map { "\"127.0.0.1:\($0)\"" }.joined(separator: ", "))] } ]
            """
        }
        let (pid, server) = try PromQLSourceTests.prometheus(config([one.port]), in: directory)
        defer { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }

        var listed = ContextConfig(name: "prod", services: [])
        listed.prometheus = APIServer(url: server)
        listed.discover = [TargetDiscovery(matchers: [LabelMatcher(name: "job", value: "gw")])]
        var opened = listed
        for _ in 0..<100 where opened.services.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            opened = TargetDiscoveryRun.expand(listed, secrets: [:]) { _ in nil }.context
        }
        #expect(opened.services.map(\.name) == ["gw/127.0.0.1:\(one.port)"])

        let said = Mutex<[TargetsChange?]>([])
        let watcher = TargetDiscoveryWatcher(listed: listed, opened: Set(opened.services.map(\.name)), secrets: [:], mappings: [],
                                             interval: .milliseconds(300)) { change in said.withLock { $0.append(change) } }
        watcher.start()
        defer { watcher.stop() }
        try await Task.sleep(for: .seconds(1))
        #expect(said.withLock { $0 } == [nil], "nothing changed: said once, as nothing")

        try config([one.port, two.port]).write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        for _ in 0..<100 where said.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(said.withLock { $0.last } == TargetsChange(opened: [], now: ["gw/127.0.0.1:\(two.port)"]))
        #expect(said.withLock { $0.last??.text } == "1 new target (gw/127.0.0.1:\(two.port))")

        try config([one.port]).write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        for _ in 0..<100 where said.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(said.withLock { $0.count == 3 && $0.last == .some(nil) }, "back as opened: the word withdrawn")
    }
}
