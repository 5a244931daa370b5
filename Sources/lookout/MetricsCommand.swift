import ArgumentParser
import Foundation
import LookoutCore

/// `lookout metrics`: the LLM calls in saved `/metrics` scrapes, headless (post-incident review, and the
/// scrape path's benchmark).
struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "LLM calls per provider in Prometheus/OpenMetrics scrapes: one file gives the totals, several what happened between the first and the last.",
        discussion: """
        Each FILE is one scrape (curl -s http://svc/metrics > t1.prom). Counters that go down are resets; series that appear count
        whole. The mapping is detected from the metric names unless --mapping names one of: \(MetricMapping.presets.map(\.name).joined(separator: ", ")).

        Examples:
          lookout metrics before.prom after.prom
          lookout metrics --mapping litellm --format json before.prom after.prom
        """)

    @Option(name: .long, help: "Metric mapping: a preset, or one defined in --config (default: detected).")
    var mapping: String?

    @Option(name: .long, help: "Configuration whose `metric-mappings:` --mapping may name, and whose `prices:` cost calls without spend.")
    var config: String?

    @Option(name: .long, help: "table or json.")
    var format: Stats.OutputFormat = .table

    @Argument(help: "Scrape files, oldest first.")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one scrape file") }
    }

    func run() throws {
        let loaded = try config.map(ConfigFile.load)
        var chosen: MetricMapping?
        if let mapping {
            chosen = loaded?.metricMappings.first { $0.name == mapping } ?? MetricMapping.preset(named: mapping)
            guard chosen != nil else {
                let known = ((loaded?.metricMappings ?? []).map(\.name) + MetricMapping.presets.map(\.name)).joined(separator: ", ")
                throw LookoutError("unknown metric mapping \"\(mapping)\" (one of: \(known))")
            }
        }
        let prices = loaded?.prices ?? PriceTable.builtIn
        // One file: every series counts whole (its total since the process started).
        var tracker = MetricsTracker(mapping: chosen, firstScrapeCountsWhole: files.count == 1)
        var totals: [String: MetricTotals] = [:]
        var order: [String] = []
        var last = MetricsScrape()
        var badLines = 0
        for file in files {
            last = try Self.read(file, into: &tracker)
            badLines += last.badLines
            for delta in last.deltas {
                if totals[delta.provider] == nil { order.append(delta.provider) }
                totals[delta.provider, default: MetricTotals()].add(delta, prices: prices)
            }
        }
        if badLines > 0 { printError("lookout: \(badLines) lines could not be read (counted, skipped)") }
        if last.mapping == nil { printError("lookout: no known LLM metrics in \(files.last ?? "")") }
        switch format {
        case .json:
            let providers = order.map { provider -> JSONValue.Member in
                var members = totals[provider]!.jsonMembers
                if let g = last.gauges[provider] {
                    members += [.init("deployment_state", .int(g.deploymentState)),
                                .init("remaining_requests", .number(g.remainingRequests)),
                                .init("deployments", .array(g.deployments.map { .object(["name": .string($0.name), "state": .int($0.state)]) }))]
                }
                return JSONValue.Member(provider, .object(members))
            }
            print(JSONValue.object(["scrapes": .int(files.count), "mapping": .string(last.mapping), "bad_lines": .int(badLines),
                                    "providers": .object(providers)]).text)
        case .table:
            print("PROVIDER          REQUESTS  ERR%   429  5XX  TMO CONN     P50     P95     P99  TOKENS IN  TOKENS OUT     COST $")
            for provider in order {
                let t = totals[provider]!
                func pct(_ n: Int) -> String { t.requests == 0 ? "–" : String(format: "%.1f", Double(n) / Double(t.requests) * 100) }
                func ms(_ v: Double?) -> String { v.map { String(format: "%.0fms", $0) } ?? "–" }
                let name = SafeText.escape(provider).padding(toLength: 16, withPad: " ", startingAt: 0)
                print(name + [String(t.requests).leftPad(10), pct(t.errors).leftPad(5), pct(t.errorsByClass[.rateLimit] ?? 0).leftPad(5),
                              pct(t.errorsByClass[.server] ?? 0).leftPad(4), pct(t.errorsByClass[.timeout] ?? 0).leftPad(4),
                              pct(t.errorsByClass[.connection] ?? 0).leftPad(4),
                              ms(t.latencyMs(0.5)).leftPad(7), ms(t.latencyMs(0.95)).leftPad(7), ms(t.latencyMs(0.99)).leftPad(7),
                              String(t.inputTokens).leftPad(10), String(t.outputTokens).leftPad(11),
                              (t.costUSD.map { String(format: "%.4f", $0) } ?? "–").leftPad(10)].joined(separator: " "))
            }
        }
    }

    /// Reads one scrape file a mebibyte at a time, so a large exposition is never held whole.
    static func read(_ file: String, into tracker: inout MetricsTracker) throws -> MetricsScrape {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw LookoutError("\(file): cannot read: \(String(cString: strerror(errno)))") }
        defer { try? handle.close() }
        return try tracker.read { feed in
            while true {
                let chunk: Data?
                do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                    throw LookoutError("\(file): cannot read: \(error.localizedDescription)")
                }
                guard let chunk, !chunk.isEmpty else { return }
                chunk.withUnsafeBytes(feed)
            }
        }
    }
}

extension String {
    /// Right-aligned in `width` columns.
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
