import Foundation
import Glibc
import Hummingbird
import Logging
import LookoutCore
import LookoutDemo
import LookoutHTTP
import NIOCore
import Testing

/// lookout's exposition parser against the reference implementation: Debian's Prometheus scrapes the same
/// LiteLLM and OpenTelemetry GenAI fixtures that the core tests parse, and every series it stored must be what
/// `PrometheusText` read — name, labels and value.
@Suite("Prometheus (Debian's) reads the fixtures as lookout does", .serialized)
struct PrometheusDifferentialTests {
    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../LookoutCoreTests/Fixtures/metrics").appendingPathComponent(name), encoding: .utf8)
    }

    /// `name{a="b",…} value` with labels sorted, for comparing series from either side.
    static func key(_ name: String, _ labels: [String: String]) -> String {
        name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    @Test func everySeriesPrometheusStoresIsWhatLookoutParsed() async throws {
        let litellm = try Self.fixture("litellm.prom")
        // An ordinary app's exposition, as the real prometheus_client wrote it.
        let appMetrics = try Self.fixture("../app-metrics/after.prom")
        // The fixture has a free comment first and goes on after `# EOF`: lookout skips the one and stops at the other;
        // OpenMetrics allows neither, and Prometheus refuses such a scrape whole. It is served without them.
        let otelFixture = try Self.fixture("otel_genai.openmetrics")
        let otel = String(otelFixture[..<otelFixture.range(of: "# EOF\n")!.upperBound]).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !line.hasPrefix("# ") || ["# HELP ", "# TYPE ", "# UNIT ", "# EOF"].contains { line.hasPrefix($0) } }
            .joined(separator: "\n")
        // The fixtures, served as a service would: text format 0.0.4, and OpenMetrics.
        let router = Router()
        router.get("/litellm") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: litellm)))
        }
        router.get("/app") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: appMetrics)))
        }
        router.get("/otel") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: otel)))
        }
        let server = await LocalTestServer.start(router)
        defer { server.stop() }
        let port = server.port

        // The demo fleet's own /metrics too: Prometheus must take them (up == 1).
        let fleet = try await DemoFleet.start()
        defer { fleet.stop(); fleet.removeFiles() }
        let demoTargets = fleet.endpoints.filter { $0.spec.metrics != nil }.map { $0.url.replacingOccurrences(of: "http://", with: "") }
        let directory = NSTemporaryDirectory() + "lookout-prometheus-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
        global: { scrape_interval: 1s, scrape_timeout: 1s }
        scrape_configs:
          - { job_name: litellm, metrics_path: /litellm, static_configs: [{ targets: ["127.0.0.1:\(port)"] }] }
          - { job_name: otel, metrics_path: /otel, static_configs: [{ targets: ["127.0.0.1:\(port)"] }] }
          - { job_name: app, metrics_path: /app, static_configs: [{ targets: ["127.0.0.1:\(port)"] }] }
          - { job_name: demo, static_configs: [{ targets: [\(demoTargets.map { "\"\($0)\"" }.joined(separator: ", "))] }] }
        """.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        let webPort = try SilentServer.closedPort()
        let pid = try Self.spawn(["prometheus", "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
                                  "--web.listen-address=127.0.0.1:\(webPort)"], log: directory + "/prometheus.log")
        defer { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }

        var stored: [String: Double] = [:]
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            stored = try await Self.query("http://127.0.0.1:\(webPort)/api/v1/query?query=%7Bjob%3D~%22litellm%7Cotel%7Capp%22%7D")
            if stored.keys.contains(where: { $0.hasPrefix("litellm_") }) && stored.keys.contains(where: { $0.hasPrefix("gen_ai_") })
                && stored.keys.contains(where: { $0.hasPrefix("llm_") }) { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let targets = await Task.detached {
            CurlRequest.perform(method: "GET", url: "http://127.0.0.1:\(webPort)/api/v1/targets", headers: [], body: nil, timeout: .seconds(5)) { false }
        }.value
        try #require(stored.keys.contains { $0.hasPrefix("gen_ai_") } && stored.keys.contains { $0.hasPrefix("litellm_") },
                     "Prometheus did not store both scrapes; its targets:\n\(String(decoding: targets.body, as: UTF8.self))")

        // sum(up{job="demo"}): every demo target up (LiteLLM-, OTel- and prometheus_client-style expositions).
        var up: [String: Double] = [:]
        for _ in 0..<20 {
            up = try await Self.query("http://127.0.0.1:\(webPort)/api/v1/query?query=sum(up%7Bjob%3D%22demo%22%7D)")
            if up == ["{}": Double(demoTargets.count)] { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(demoTargets.count == 3)
        #expect(up == ["{}": Double(demoTargets.count)], "the demo's expositions scrape cleanly: \(up)")

        var parsed: [String: Double] = [:]
        for text in [litellm, otel, appMetrics] {
            let (families, issues) = PrometheusText.parse(text)
            #expect(issues.isEmpty)
            for sample in families.flatMap(\.samples) where sample.timestamp == nil {
                parsed[Self.key(sample.name, sample.labels)] = sample.value
            }
        }
        // Prometheus adds its own series (up, scrape_*) and, for OpenMetrics, may keep `_created` apart: compare
        // what both hold, and require that nothing of the fixtures is missing on either side.
        let synthetic = stored.keys.filter { $0.hasPrefix("up{") || $0.hasPrefix("scrape_") }
        for key in synthetic { stored[key] = nil }
        let missingInLookout = Set(stored.keys).subtracting(parsed.keys)
        let missingInPrometheus = Set(parsed.keys).subtracting(stored.keys).filter { !$0.contains("_created{") }
        #expect(missingInLookout.isEmpty, "Prometheus has series lookout did not read: \(missingInLookout.sorted())")
        #expect(missingInPrometheus.isEmpty, "lookout read series Prometheus did not store: \(missingInPrometheus.sorted())")
        for (key, value) in stored where parsed[key] != nil {
            #expect(parsed[key] == value, "\(key): Prometheus \(value), lookout \(parsed[key]!)")
        }
        #expect(stored.count >= 15, "\(stored.count) series compared")
    }

    /// An instant query's vector as `key → value`, without the `job` and `instance` labels Prometheus adds.
    static func query(_ url: String) async throws -> [String: Double] {
        let response = await Task.detached {
            CurlRequest.perform(method: "GET", url: url, headers: [], body: nil, timeout: .seconds(5)) { false }
        }.value
        guard response.httpStatus == 200,
              let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let data = object["data"] as? [String: Any], let result = data["result"] as? [[String: Any]] else { return [:] }
        var series: [String: Double] = [:]
        for entry in result {
            guard var metric = entry["metric"] as? [String: String],
                  let pair = entry["value"] as? [Any], pair.count == 2, let text = pair[1] as? String,
                  let value = PrometheusText.number(Substring(text)) else { continue }
            let name = metric.removeValue(forKey: "__name__") ?? ""
            metric["job"] = nil
            metric["instance"] = nil
            series[key(name, metric)] = value
        }
        return series
    }

    static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard rc == 0 else {
            throw POSIXError(.ENOENT, userInfo: [NSLocalizedDescriptionKey: "\(arguments[0]) not found: make test installs Debian's prometheus"])
        }
        return pid
    }
}
