import Foundation
import Glibc
import LookoutCore
import LookoutDemo
import LookoutSources
import Synchronization
import Testing

/// The context's own queries sent by `PromQLQueryWatcher` to Debian's real Prometheus, scraping the demo's support-bot
/// (job `app`) and a target that never answers (job `gw`): the look back comes first with several steps, each query's
/// answer is what Prometheus says (per instance, aggregated, refused, empty), and a threshold judges each series.
@Suite("Queries sent to a real Prometheus", .serialized)
struct PromQLQueryWatcherTests {
    struct Delivery: Sendable {
        var name: String
        var answer: QueryAnswer
        var backfill: Bool
    }

    @Test func eachQueryIsAnsweredAsPrometheusAnswersItAndItsPastComesFirst() async throws {
        let directory = NSTemporaryDirectory() + "lookout-queries-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fleet = try await DemoFleet.start()
        defer { fleet.stop(); fleet.removeFiles() }
        let silent = try SilentServer()
        defer { silent.close() }
        let app = fleet.endpoints.first { $0.spec.name == "support-bot" }!.url.replacingOccurrences(of: "http://", with: "")
        let (pid, server) = try PromQLSourceTests.prometheus("""
        global: { scrape_interval: 1s, scrape_timeout: 500ms }
        scrape_configs:
          - { job_name: app, static_configs: [ { targets: ["\(app)"] } ] }
          - { job_name: gw, static_configs: [ { targets: ["127.0.0.1:\(silent.port)"] } ] }
        """, in: directory)
        defer { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }
        var up: [String: Double] = [:]
        for _ in 0..<150 where up.count < 2 {
            try await Task.sleep(for: .milliseconds(200))
            up = (try? await PromQLSourceTests.byInstance(server, "up", at: Date().timeIntervalSince1970)) ?? [:]
        }
        #expect(up == [app: 1, "127.0.0.1:\(silent.port)": 0], "both targets scraped once: \(up)")
        try await Task.sleep(for: .seconds(3))   // a few steps of history for the look back

        func query(_ name: String, _ text: String, critical: String? = nil, at url: String = server) throws -> CustomQuery {
            var query = CustomQuery(name: name, query: text)
            query.interval = .seconds(1)
            query.critical = try critical.map { try QueryThreshold.parse($0).get() }
            query.server = APIServer(url: url)
            return query
        }
        let queries = [
            try query("targets", "count(up)"),
            try query("up", "up", critical: "< 1"),
            try query("calls", #"sum by (provider) (increase(llm_requests_total{job="app"}[30s]))"#),
            try query("refused", "up / on() group_left up"),
            try query("none", #"up{job="nope"}"#),
            try query("away", "up", at: "http://127.0.0.1:\(try SilentServer.closedPort())"),
        ]
        let delivered = Mutex<[Delivery]>([])
        let watcher = PromQLQueryWatcher(queries: queries, secrets: [:], backfill: true) { name, answer, _, backfill in
            delivered.withLock { $0.append(Delivery(name: name, answer: answer, backfill: backfill)) }
        }
        watcher.start()
        try await Task.sleep(for: .milliseconds(2500))
        watcher.stop()
        let seen = delivered.withLock { $0 }

        // The look back: before any live answer, several steps of each query that has a past.
        let firstLive = try #require(seen.firstIndex { !$0.backfill })
        let past = seen.prefix(firstLive)
        #expect(Set(past.map(\.name)) == ["targets", "up", "calls", "none"], "a refused or unreachable look back is left to the live answer")
        let targetsPast = try #require(past.first { $0.name == "targets" })
        #expect(targetsPast.answer.series.count == 1 && targetsPast.answer.series[0].points.count >= 3, "\(targetsPast.answer)")
        // Its earliest steps may come before Prometheus' first scrape of the second target: then one target counted.
        let counts = targetsPast.answer.series[0].points.map(\.value)
        #expect(counts.last == 2 && counts.allSatisfy { $0 == 1 || $0 == 2 } && counts == counts.sorted(), "\(counts)")

        func live(_ name: String) throws -> QueryAnswer { try #require(seen.last { $0.name == name && !$0.backfill }).answer }
        #expect(try live("targets").series.map(\.points.first?.value) == [2])
        #expect(seen.filter { $0.name == "targets" && !$0.backfill }.count >= 2, "asked again at its interval")

        var board = QueryBoard(queries: queries)
        for delivery in seen { board.take(delivery.answer, name: delivery.name, at: Date(), backfill: delivery.backfill) }
        let crossings = board.crossings()
        #expect(crossings.map { $0.series.labels["instance"] } == ["127.0.0.1:\(silent.port)"], "the target that never answers is critical")
        #expect(crossings.map(\.severity) == [.critical])

        let calls = try live("calls")
        #expect(calls.problem == nil && calls.series.map(\.labels) == [["provider": "openai"]], "aggregated: only the `by` label is left")
        #expect(try live("refused").problem?.hasPrefix("execution: ") == true)
        #expect(try live("none") == QueryAnswer(), "nothing matched: no series and no problem")
        let away = try live("away")
        #expect(away.problem?.hasPrefix("Prometheus not read: ") == true && away.series.isEmpty, "\(away.problem ?? "")")

        // `r` asks again at once, whatever the interval.
        var slow = try query("targets", "count(up)")
        slow.interval = .seconds(60)
        let answers = Mutex(0)
        let patient = PromQLQueryWatcher(queries: [slow], secrets: [:], backfill: false) { _, _, _, _ in answers.withLock { $0 += 1 } }
        patient.start()
        defer { patient.stop() }
        for _ in 0..<50 where answers.withLock({ $0 }) < 1 { try await Task.sleep(for: .milliseconds(100)) }
        patient.askNow()
        for _ in 0..<20 where answers.withLock({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(answers.withLock { $0 } == 2, "asked again within 2 s, not a minute later")
    }
}
