import Foundation
@testable import LookoutCore
import Testing

/// The compact exposition reader: chunks cut anywhere, series identity across scrapes, the fast number path, and
/// the tracker's tables staying bounded when series come and go.
@Suite("Exposition parser and series tables")
struct ExpositionParserTests {
    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/metrics").appendingPathComponent(name), encoding: .utf8)
    }

    /// Families and issues as comparable text.
    static func describe(_ parsed: (families: [MetricFamily], issues: [MetricParseIssue])) -> [String] {
        parsed.families.map { family in
            "\(family.name) \(family.kind) help=\(family.help ?? "-") " + family.samples.map { sample in
                sample.name + sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                    + " \(sample.value) \(sample.timestamp.map { "\($0)" } ?? "-")"
            }.joined(separator: "; ")
        } + parsed.issues.map { "line \($0.line): \($0.message)" }
    }

    /// Reading the same bytes fed in chunks of every size from 1 to 97 bytes gives what reading them whole gives —
    /// the real LiteLLM and OpenTelemetry fixtures, plus lines with escapes, CRLF, a bad line and no final newline.
    @Test(arguments: ["litellm.prom", "otel_genai.openmetrics"])
    func chunksCutAnywhereReadAsTheWhole(_ name: String) throws {
        // Before the fixture: the OpenMetrics one ends with `# EOF`.
        let text = "esc{a=\"x\\\"y\\\\z\\n\"} 3\r\nbad{ 1\nlast{k=\"v\"} 4.5 1700000000\n" + (try Self.fixture(name))
        let whole = Self.describe(PrometheusText.parse(text))
        #expect(whole.contains { $0.contains("a=x\"y\\z\n 3.0 -") })
        #expect(whole.contains { $0.contains("last") && $0.contains("4.5 1700000000.0") })
        #expect(whole.contains { $0 == "line 2: expected =\" after label 1" })
        let bytes = Array(text.utf8)
        for size in [1, 2, 3, 7, 13, 64, 97] {
            var parser = ExpositionParser()
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + size)
                bytes[start ..< end].withUnsafeBytes { parser.feed($0) }
                start = end
            }
            let exposition = parser.finish()
            #expect(Self.describe((exposition.metricFamilies(parser.symbols), exposition.issues)) == whole, "chunks of \(size)")
        }
    }

    /// An overlong line cut across chunks is one issue and the next line still reads.
    @Test func anOverlongLineAcrossChunksIsOneIssue() {
        let text = "big{a=\"" + String(repeating: "x", count: PrometheusText.maxLineBytes + 10) + "\"} 1\nok 2\n"
        var parser = ExpositionParser()
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: 4096) {
            bytes[start ..< min(bytes.count, start + 4096)].withUnsafeBytes { parser.feed($0) }
        }
        let exposition = parser.finish()
        #expect(exposition.issues == [MetricParseIssue(line: 1, message: "line longer than \(PrometheusText.maxLineBytes) bytes")])
        #expect(exposition.metricFamilies(parser.symbols).map(\.name) == ["ok"])
    }

    /// Plain decimals take the fast path and must equal what `Double(String)` reads; others fall back.
    @Test(arguments: ["0", "1", "-1", "12345.0", "0.1", "0.3", "-0.25", "1234567.891", "123456789012345", "0.000000000000001",
                      "9007199254740993", "1e3", "1.5E-7", "+7", "NaN", "+Inf", "-Inf", ".5", "5."])
    func numbersReadAsDoubleReadsThem(_ text: String) throws {
        let read = Array(text.utf8).withUnsafeBufferPointer { ExpositionParser.number($0.baseAddress!, $0.count) }
        let expected = try #require(PrometheusText.number(Substring(text)) ?? Double(text))
        let got = try #require(read)
        #expect(got == expected || (got.isNaN && expected.isNaN), "\(text): \(got) vs \(expected)")
    }

    @Test(arguments: ["x", "1.2.3", "-", "--1", "1,5"])
    func notNumbersAreRefused(_ text: String) {
        #expect(Array(text.utf8).withUnsafeBufferPointer { ExpositionParser.number($0.baseAddress!, $0.count) } == nil)
    }

    /// A duplicate label name makes the line an issue (Prometheus refuses such a sample too).
    @Test func aDuplicateLabelIsAnIssue() {
        let parsed = PrometheusText.parse("m{a=\"1\",a=\"2\"} 1\nm{a=\"1\"} 2\n")
        #expect(parsed.issues == [MetricParseIssue(line: 1, message: "duplicate label a")])
        #expect(parsed.families.first?.samples.map(\.value) == [2])
    }

    /// A series is the same series whatever order its labels are written in, from one scrape to the next.
    @Test func labelOrderDoesNotMakeANewSeries() throws {
        var tracker = MetricsTracker(mapping: .litellm)
        func scrape(_ labels: String, _ value: Int) -> MetricsScrape {
            tracker.read("# TYPE litellm_deployment_success_responses counter\nlitellm_deployment_success_responses_total{\(labels)} \(value)\n")
        }
        _ = scrape(#"api_provider="openai",litellm_model_name="gpt-4o",model_id="a""#, 100)
        let second = scrape(#"model_id="a",litellm_model_name="gpt-4o",api_provider="openai""#, 130)
        #expect(second.deltas.map(\.requests) == [30], "counted as the same counter, not a new one counted whole")
    }

    /// Series that come and go (a label holding a request id — a cardinality mistake in a real service) do not
    /// grow the tracker's tables without bound, and a steady series keeps counting across the rebuilds.
    @Test func tablesStayBoundedWhenSeriesComeAndGo() throws {
        var tracker = MetricsTracker(mapping: .litellm)
        var counted = 0
        for round in 0 ..< 60 {
            var text = "# TYPE litellm_deployment_success_responses counter\n"
            text += "litellm_deployment_success_responses_total{api_provider=\"anthropic\",litellm_model_name=\"haiku\"} \(round * 10)\n"
            for request in 0 ..< 1_000 {
                text += "litellm_deployment_success_responses_total{api_provider=\"openai\",litellm_model_name=\"m\",request=\"r\(round)-\(request)\"} 0\n"
            }
            let scrape = tracker.read(text)
            counted += scrape.deltas.first { $0.provider == "anthropic" }?.requests ?? 0
            #expect(tracker.tableSizes.series <= 2 * 1_001 + 10_000 + 1_001, "round \(round): \(tracker.tableSizes)")
        }
        #expect(counted == 590, "the steady counter went 0 → 590 in steps of 10")
        #expect(tracker.tableSizes.symbols < 4 * 1_001 + 10_000 + 2_000)
    }

    /// The tables the parser keeps between scrapes: strings interned once, found again, bytes compared exactly.
    @Test func symbolsAreInternedOnce() {
        var table = SymbolTable()
        let words = (0 ..< 5_000).map { "label_\($0)" } + ["", "None", "ünïcode", String(repeating: "k", count: 300)]
        let ids = words.map { table.intern($0) }
        #expect(Set(ids).count == words.count && table.count == words.count)
        #expect(words.map { table.intern($0) } == ids, "interning again gives the same ids")
        #expect(ids.map(table.string) == words)
        #expect(table.id(of: "label_4999") == ids[4999] && table.id(of: "label_5000") == nil)
    }

    /// Values no real exporter sends — 1e300, 9.3e18 (past Int.max), +Inf, negative — are bounded, not trapped on
    /// (found by the fuzzer: `Int(9.223372036854776e18)` in the deployment-state gauge killed the poller thread).
    @Test func valuesPastIntMaxAreBoundedNotTrappedOn() throws {
        var tracker = MetricsTracker(mapping: .litellm)
        func scrape(_ success: String, _ state: String) -> MetricsScrape {
            tracker.read("""
            # TYPE litellm_deployment_success_responses counter
            litellm_deployment_success_responses_total{api_provider="openai",litellm_model_name="gpt-4o"} \(success)
            # TYPE litellm_deployment_state gauge
            litellm_deployment_state{api_provider="openai",litellm_model_name="gpt-4o"} \(state)
            # TYPE litellm_input_tokens_metric counter
            litellm_input_tokens_metric_total{model="gpt-4o"} \(success)

            """)
        }
        _ = scrape("0", "9.223372036854776e+18")
        let huge = scrape("1e300", "-3")
        #expect(huge.deltas.first?.requests == 1 << 53 && huge.deltas.first?.inputTokens == 1 << 53)
        #expect(huge.gauges["openai"]?.deployments.first?.state == 0)
        let infinite = scrape("+Inf", "1e300")
        #expect(infinite.gauges["openai"]?.deploymentState == 2)
        #expect(MetricMath.wholeCount(.nan) == 0 && MetricMath.wholeCount(-7) == 0 && MetricMath.wholeCount(2.5) == 3)
    }
}
