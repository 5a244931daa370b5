import Foundation
import Glibc
import LookoutCore
import LookoutDemo
import LookoutHTTP
import Testing

/// A service run as two replicas behind one name — two demo fleets, each serving its own support-bot — scraped by
/// Debian's real Prometheus; lookout reads the service's metrics from Prometheus (`metrics: { prometheus: … }`) and its
/// provider statistics must agree with what lookout computes from the two replicas' own logs over the same time.
@Suite("Metrics from a real Prometheus", .serialized)
struct PromQLSourceTests {
    /// Per provider: calls, failed calls, tokens and spend.
    struct Totals: Equatable, CustomStringConvertible {
        var requests = 0, errors = 0, inputTokens = 0, outputTokens = 0
        var cost = 0.0
        var description: String { "\(requests) calls, \(errors) failed, \(inputTokens)+\(outputTokens) tokens, $\(cost)" }
    }

    /// Calls, failures, tokens and spend per provider in a scrape's deltas.
    static func totals(_ deltas: [MetricDelta]) -> [String: Totals] {
        var totals: [String: Totals] = [:]
        for delta in deltas {
            totals[delta.provider, default: Totals()].requests += delta.requests
            totals[delta.provider, default: Totals()].errors += delta.errors
            totals[delta.provider, default: Totals()].inputTokens += delta.inputTokens
            totals[delta.provider, default: Totals()].outputTokens += delta.outputTokens
            totals[delta.provider, default: Totals()].cost += delta.costUSD ?? 0
        }
        return totals
    }

    static func get(_ url: String, headers: [HTTPHeader] = []) async -> CurlRequest.Response {
        await Task.detached { CurlRequest.perform(method: "GET", url: url, headers: headers, body: nil, timeout: .seconds(5)) { false } }.value
    }

    /// `query` at `time` as instance → value.
    static func byInstance(_ server: String, _ query: String, at time: Double) async throws -> [String: Double] {
        let response = await get(PromQL.instantQueryURL(server: server, query: query, time: time))
        let answer = PromQLResponse.decode(response.body, httpStatus: response.httpStatus ?? 0)
        #expect(answer.error == nil, "\(answer.error ?? "")")
        var values: [String: Double] = [:]
        for sample in answer.samples {
            guard let instance = sample.labels["instance"], let value = Double(sample.value) else { continue }
            values[instance] = max(values[instance] ?? 0, value)
        }
        return values
    }

    /// The LLM calls of a replica's log whose time is in `range`, per provider, as lookout's log pipeline reads them.
    static func fromLogs(_ file: String, _ range: ClosedRange<Double>) throws -> [String: Totals] {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        var pipeline = LogPipeline(mapping: LogMapping.preset(named: "app"))
        var totals: [String: Totals] = [:]
        func add(_ record: LogRecord) {
            guard record.isLLMCall, let time = record.timestamp, range.contains(time), let provider = record.provider else { return }
            totals[provider, default: Totals()].requests += 1
            if record.isError { totals[provider, default: Totals()].errors += 1 }
            totals[provider, default: Totals()].inputTokens += record.inputTokens ?? 0
            totals[provider, default: Totals()].outputTokens += record.outputTokens ?? 0
            totals[provider, default: Totals()].cost += record.costUSD ?? 0
        }
        bytes.withUnsafeBufferPointer { pipeline.feed($0, emit: add) }
        pipeline.finish(emit: add)
        return totals
    }

    static func sum(_ parts: [[String: Totals]]) -> [String: Totals] {
        var total: [String: Totals] = [:]
        for part in parts {
            for (provider, t) in part {
                total[provider, default: Totals()].requests += t.requests
                total[provider, default: Totals()].errors += t.errors
                total[provider, default: Totals()].inputTokens += t.inputTokens
                total[provider, default: Totals()].outputTokens += t.outputTokens
                total[provider, default: Totals()].cost += t.cost
            }
        }
        return total
    }

    /// Debian's Prometheus with `config`, its data in `directory`, on a free loopback port.
    static func prometheus(_ config: String, in directory: String) throws -> (pid: pid_t, url: String) {
        try config.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        let port = try SilentServer.closedPort()
        let pid = try PrometheusDifferentialTests.spawn(
            ["prometheus", "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
             "--web.listen-address=127.0.0.1:\(port)"], log: directory + "/prometheus.log")
        return (pid, "http://127.0.0.1:\(port)")
    }

    @Test func providerStatisticsFromPrometheusAgreeWithTheReplicasLogs() async throws {
        let directory = NSTemporaryDirectory() + "lookout-promql-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fleets = [try await DemoFleet.start(), try await DemoFleet.start()]
        defer { for fleet in fleets { fleet.stop(); fleet.removeFiles() } }
        let replicas = fleets.map { fleet in fleet.endpoints.first { $0.spec.name == "support-bot" }!.url.replacingOccurrences(of: "http://", with: "") }
        let (pid, server) = try Self.prometheus("""
        global: { scrape_interval: 1s, scrape_timeout: 900ms }
        scrape_configs:
          - job_name: support-bot
            static_configs: [ { targets: [\(replicas.map { "\"\($0)\"" }.joined(separator: ", "))] } ]
        """, in: directory)
        defer { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }
        var up: [String: Double] = [:]
        for _ in 0..<150 where up.values.filter({ $0 == 1 }).count < 2 {
            try await Task.sleep(for: .milliseconds(200))
            up = (try? await Self.byInstance(server, #"up{job="support-bot"}"#, at: Date().timeIntervalSince1970)) ?? [:]
        }
        #expect(up.count == 2 && up.values.allSatisfy { $0 == 1 }, "both replicas scraped: \(up)")
        try await Task.sleep(for: .seconds(2))   // the reads below look 1.5 s back: both replicas scraped by then

        // The service as a configuration says it: its metrics are its series in the context's Prometheus.
        let config = try ConfigParser.parse("""
        contexts:
          prod:
            prometheus: \(server)
            services:
              - name: support-bot
                url: http://\(replicas[0])
                metrics: { prometheus: 'job="support-bot"', mapping: app }
        """, file: "promql.yaml")
        let service = try #require(config.contexts.first?.services.first)
        var reader = MetricsReader(services: [service], mappings: [])
        let url = try #require(service.url(for: .metrics))

        // Two reads 8 s apart, each pinned to a time a second and a half back (both replicas scraped by then), with
        // each replica's scrape time and duration at that time: the logs are cut at the same instants.
        var reads: [(scrape: MetricsScrape, at: [String: Double], took: [String: Double])] = []
        var times: [Double] = []
        for round in 0..<2 {
            if round == 1 { try await Task.sleep(for: .seconds(8)) }
            let time = Date().timeIntervalSince1970 - 1.5
            times.append(time)
            let response = await Self.get(url + "&time=" + NumberText.fixed(time, 3), headers: service.headers(for: .metrics))
            let scrape = reader.read(ProbeResult(service: "support-bot", kind: .metrics, startedAt: Date(), httpStatus: response.httpStatus,
                                                 body: response.body, transportError: response.error))
            #expect(scrape.problem == nil && scrape.source == "Prometheus" && scrape.replicas == 2, "\(scrape.status)")
            reads.append((scrape, try await Self.byInstance(server, #"timestamp(up{job="support-bot"})"#, at: time),
                          try await Self.byInstance(server, #"scrape_duration_seconds{job="support-bot"}"#, at: time)))
        }
        #expect(reads[0].scrape.baseline && reads[1].scrape.status.hasPrefix("metrics: app via Prometheus · 2 replicas · "))
        let fromPrometheus = Self.totals(reads[1].scrape.deltas)

        // Each replica's calls between its two scrapes. A scrape's sample carries the time it started and reads the
        // counters up to its duration later (and log times are cut to the millisecond): a call logged in that span may
        // be on either side, so it is allowed, not required.
        var certain: [[String: Totals]] = [], possible: [[String: Totals]] = []
        for (index, fleet) in fleets.enumerated() {
            let instance = replicas[index]
            let (s1, s2) = (try #require(reads[0].at[instance]), try #require(reads[1].at[instance]))
            let (d1, d2) = ((reads[0].took[instance] ?? 0) + 0.002, (reads[1].took[instance] ?? 0) + 0.002)
            let log = fleet.logDirectory + "/support-bot.log"
            certain.append(try Self.fromLogs(log, (s1 + d1)...(s2 - 0.002)))
            possible.append(try Self.fromLogs(log, (s1 - 0.002)...(s1 + d1)))
            possible.append(try Self.fromLogs(log, (s2 - 0.002)...(s2 + d2)))
        }
        let low = Self.sum(certain), slack = Self.sum(possible)
        #expect(!low.isEmpty && low.values.reduce(0) { $0 + $1.requests } >= 10, "calls in 8 s of two replicas: \(low)")
        for provider in Set(low.keys).union(fromPrometheus.keys) {
            let p = fromPrometheus[provider] ?? Totals(), l = low[provider] ?? Totals(), s = slack[provider] ?? Totals()
            let fits = l.requests <= p.requests && p.requests <= l.requests + s.requests
                && l.errors <= p.errors && p.errors <= l.errors + s.errors
                && l.inputTokens <= p.inputTokens && p.inputTokens <= l.inputTokens + s.inputTokens
                && l.outputTokens <= p.outputTokens && p.outputTokens <= l.outputTokens + s.outputTokens
                && l.cost - 1e-6 <= p.cost && p.cost <= l.cost + s.cost + 1e-6
            #expect(fits, "\(provider): Prometheus \(p); logs \(l), plus up to \(s) at the scrape instants")
        }

        // The dashboard's backfill of the same span — a range query, its steps read one after the other — finds the
        // calls that two instant reads at its first and last step find: 2 s steps over 8 s, on whole milliseconds.
        let start = (times[0] * 1000).rounded() / 1000, end = start + 8
        var pinned = MetricsReader(services: [service], mappings: [])
        var live: [MetricsScrape] = []
        for time in [start, end] {
            let response = await Self.get(url + "&time=" + NumberText.fixed(time, 3), headers: service.headers(for: .metrics))
            live.append(pinned.read(ProbeResult(service: "support-bot", kind: .metrics, startedAt: Date(), httpStatus: response.httpStatus,
                                                body: response.body, transportError: response.error)))
        }
        let query = try #require(service.metrics?.promQL?.query)
        let range = await Self.get(PromQLBackfill.url(server: server, query: query, start: start, end: end, step: 2), headers: service.headers(for: .metrics))
        let steps = try PromQLBackfill.scrapes(range.body, httpStatus: range.httpStatus ?? 0, service: "support-bot",
                                               mapping: MetricMapping.preset(named: "app")).get()
        #expect(steps.count == 5 && steps.map { $0.at?.timeIntervalSince1970 ?? 0 } == [0, 2, 4, 6, 8].map { start + $0 })
        let backfilled = Self.totals(steps.flatMap(\.deltas)), instant = Self.totals(live[1].deltas)
        #expect(!instant.isEmpty && Set(backfilled.keys) == Set(instant.keys))
        for (provider, expected) in instant {
            var got = backfilled[provider] ?? Totals()
            #expect(abs(got.cost - expected.cost) < 1e-9, "\(provider): $\(got.cost) vs $\(expected.cost)")
            got.cost = expected.cost
            #expect(got == expected, "\(provider): backfill \(got); instant reads \(expected)")
        }
    }

    @Test func aBadQueryIsSaidWithPrometheussOwnWords() async throws {
        let directory = NSTemporaryDirectory() + "lookout-promql-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (pid, server) = try Self.prometheus("global: { scrape_interval: 15s }\n", in: directory)
        defer { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }
        try await NotifierTests.waitUntilServing(server + "/-/ready")
        // Matchers Prometheus cannot parse (an unclosed quote) reach it and come back explained.
        let config = try ConfigParser.parse("""
        contexts:
          prod:
            prometheus: \(server)
            services:
              - name: gw
                url: http://127.0.0.1:1
                metrics: { prometheus: 'job="gw', mapping: app }
        """, file: "promql.yaml")
        let service = try #require(config.contexts.first?.services.first)
        var reader = MetricsReader(services: [service], mappings: [])
        let response = await Self.get(try #require(service.url(for: .metrics)))
        #expect(response.httpStatus == 400)
        let scrape = reader.read(ProbeResult(service: "gw", kind: .metrics, startedAt: Date(), httpStatus: response.httpStatus, body: response.body))
        #expect(scrape.status.hasPrefix("metrics: Prometheus: bad_data: invalid parameter \"query\": "), "\(scrape.status)")
    }
}
