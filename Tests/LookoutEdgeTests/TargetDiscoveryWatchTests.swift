import Foundation
import Glibc
import LookoutCore
import LookoutSources
import LookoutTestSupport
import Synchronization
import Testing

/// A context's `discover:` watched while it is open, against Debian's real Prometheus: a target added to its
/// configuration (reloaded with SIGHUP) is handed over with the fleet found then, and taken away again, the fleet
/// without it.
@Suite("Discovery watched on a real Prometheus", .serialized)
struct TargetDiscoveryWatchTests {
    @Test func aTargetAddedToPrometheusJoinsAndItsRemovalLeaves() async throws {
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

        let said = Mutex<[[String]]>([])
        let watcher = TargetDiscoveryWatcher(listed: listed, opened: Set(opened.services.map(\.name)), secrets: [:], mappings: [],
                                             interval: .milliseconds(300)) { found in said.withLock { $0.append(found.map(\.name)) } }
        watcher.start()
        defer { watcher.stop() }
        try await Task.sleep(for: .seconds(1))
        #expect(said.withLock { $0 }.isEmpty, "nothing changed: nothing said")

        try config([one.port, two.port]).write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        for _ in 0..<100 where said.withLock({ $0.count }) < 1 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(said.withLock { $0.map(Set.init) } == [["gw/127.0.0.1:\(one.port)", "gw/127.0.0.1:\(two.port)"]],
                "the fleet as found now (in Prometheus' order), the new target with it")

        try config([one.port]).write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        for _ in 0..<100 where said.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(said.withLock { $0.count == 2 && $0.last == ["gw/127.0.0.1:\(one.port)"] }, "the target gone: the fleet without it")
    }
}
