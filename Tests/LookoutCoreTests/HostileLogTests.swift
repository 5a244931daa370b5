import Foundation
import LookoutCore
import LookoutDemo
import Testing

@Suite("Hostile log input: counted, shown raw, never fatal")
struct HostileLogTests {
    /// A lone `=` in a plain line (`x == y`) once made the logfmt reader stand on it forever: the fuzzer's finding,
    /// as named lines. Each is decoded (as text or logfmt) and the stream goes on.
    @Test(arguments: ["assert x == y failed", "=", " =a b=c", "a= =b", "==", "k=v =", "level=warn == msg=done"])
    func aLoneEqualsSignIsReadNotLoopedOn(_ line: String) {
        let records = decodeAll(line + "\n" + #"{"provider":"openai"}"#)
        #expect(records.count == 2)
        #expect(records[1].provider == "openai")
    }

    @Test func truncatedJSONIsMalformedAndKeptRaw() {
        let records = decodeAll(#"{"provider":"openai","latency_ms":12"# + "\n" + #"{"provider":"openai"}"#)
        #expect(records.count == 2)
        #expect(records[0].isMalformed && records[0].raw == #"{"provider":"openai","latency_ms":12"#)
        #expect(records[1].provider == "openai")
    }

    @Test func wrongTypesLeaveTheFieldEmptyButKeepTheRecord() {
        let record = decodeAll(#"{"provider":"openai","latency_ms":"fast","input_tokens":true,"cost_usd":[1],"status_code":"abc"}"#)[0]
        #expect(!record.isMalformed && record.provider == "openai")
        #expect(record.latencyMs == nil && record.inputTokens == nil && record.costUSD == nil && record.httpStatus == nil)
    }

    @Test func invalidUTF8AndNULBytesDoNotBreakTheStream() {
        var bytes = Array(#"{"provider":"op"#.utf8) + [0xFF, 0xFE] + Array(#"enai","model":"m"}"#.utf8) + [0x0A]
        bytes += Array("plain\u{0}text with NUL\n".utf8)
        bytes += Array(#"{"provider":"anthropic"}"#.utf8) + [0x0A]
        var pipeline = LogPipeline()
        var records: [LogRecord] = []
        bytes.withUnsafeBufferPointer { pipeline.feed($0) { records.append($0) } }
        pipeline.finish { records.append($0) }
        #expect(records.count == 3)
        // Invalid UTF-8 inside a JSON string costs the bad bytes (U+FFFD), not the record.
        #expect(!records[0].isMalformed && records[0].provider == "op\u{FFFD}\u{FFFD}enai" && records[0].model == "m")
        #expect(records[0].raw.contains("\u{FFFD}"))
        #expect(records[1].mapping == "plain")
        #expect(records[2].provider == "anthropic")
    }

    @Test func aTenMegabyteLineIsCutCountedAndTheNextLineSurvives() {
        let huge = "{\"provider\":\"openai\",\"message\":\"" + String(repeating: "a", count: 10 << 20) + "\"}\n"
        let text = huge + #"{"provider":"anthropic","latency_ms":5}"# + "\n"
        var pipeline = LogPipeline(maxLineBytes: 1 << 20)
        var records: [LogRecord] = []
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let end = min(buffer.count, offset + 65536)
                pipeline.feed(UnsafeBufferPointer(rebasing: buffer[offset..<end])) { records.append($0) }
                offset = end
            }
        }
        pipeline.finish { records.append($0) }
        #expect(records.count == 2)
        #expect(records[0].isMalformed)
        #expect(records[0].raw.utf8.count <= 1 << 20)
        #expect(records[0].message == "line longer than 1048576 bytes, cut")
        #expect(records[1].provider == "anthropic" && records[1].latencyMs == 5)
    }

    @Test func escapeSequencesStayInTheDataAndAreEscapedForDisplay() {
        let record = decodeAll(#"{"provider":"openai","message":"\u001b[31mred\u001b[0m \u001b]52;c;aGk=\u0007"}"#)[0]
        #expect(record.message == "\u{1B}[31mred\u{1B}[0m \u{1B}]52;c;aGk=\u{07}")
        #expect(SafeText.escape(record.message ?? "") == "\\e[31mred\\e[0m \\e]52;c;aGk=\\x07")
    }

    @Test func aPartialLastLineIsDecodedAtTheEnd() {
        let records = decodeAll(#"{"provider":"a"}"# + "\n" + #"{"provider":"b"}"#, chunk: 5)
        #expect(records.map(\.provider) == ["a", "b"])
    }
}

@Suite("The byte scanner never disagrees with the full parser")
struct DifferentialScannerTests {
    /// The full parser's record: Foundation's JSONSerialization and the mapping's paths.
    func reference(_ line: String, _ mapping: LogMapping) -> LogRecord {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
            return LogRecord.malformed(raw: line)
        }
        return LogDecoder.record(from: object, mapping: mapping, raw: line)
    }

    func fast(_ line: String, _ mapping: LogMapping) -> LogRecord {
        var decoder = LogDecoder(mapping: mapping)
        return decoder.decode(line)
    }

    @Test func generatedLines() {
        var generator = LLMCallLogGenerator(seed: 7)
        for _ in 0..<20_000 {
            let line = generator.nextLine()
            #expect(fast(line, .app) == reference(line, .app), "\(line)")
        }
    }

    @Test func mutatedAndHostileLines() {
        var generator = LLMCallLogGenerator(seed: 11)
        var random = SeededRandom(seed: 99)
        let alphabet = Array(#"{}[]":,\ .-+eE0123456789tfnrule"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF]
        var disagreements = 0
        for round in 0..<20_000 {
            var bytes = Array(generator.nextLine().utf8)
            for _ in 0..<(1 + round % 3) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[at] = alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &random)], at: at)
                }
            }
            let line = String(decoding: bytes, as: UTF8.self)
            // Only lines that start as JSON take either parser (others are logfmt or plain text).
            guard line.drop(while: { $0 == " " }).hasPrefix("{") else { continue }
            // Compare on the exact bytes the line holds (String(decoding:) repaired invalid UTF-8 already).
            let a = fast(line, .app), b = reference(line, .app)
            if a != b {
                disagreements += 1
                if disagreements < 5 { Issue.record("fast and full parsers disagree on: \(line)\n fast: \(a)\n full: \(b)") }
            }
        }
        #expect(disagreements == 0)
    }

    @Test(arguments: [
        #"{"provider":"a","latency_ms":01}"#, #"{"provider":"a","latency_ms":1.}"#, #"{"provider":"a","latency_ms":-}"#,
        #"{"provider":"a",}"#, #"{"provider":"a" "model":"b"}"#, #"{"provider":"a"}x"#, #"{"provider":"a\q"}"#,
        #"{"provider":"a","x":[1,2,]}"#, #"{"provider":"a","x":{"y":tru}}"#, #"{"provider":"\ud800"}"#,
        #"{"provider":"a","latency_ms":1e400}"#, #"{"provider":"a","input_tokens":12345678901234567890}"#,
        #"{"provider":"a","provider":"b"}"#, "{\"provider\":\"a\tb\"}", #"{"provider":"a","n":null,"t":true,"f":false}"#,
        #"  {"provider":"a"}  "#, #"{"provider":"日本","model":"é"}"#, #"{"usage":{"prompt_tokens":3},"provider":"a"}"#,
        #"{"latency_ms":null,"duration_ms":5}"#, #"{"llm_provider":"b","provider":"a","provider":null}"#,
        #"{"usage":{"input_tokens":1},"usage":{}}"#, #"{"usage":null,"input_tokens":4}"#, #"{"usage":{"input_tokens":null,"prompt_tokens":2}}"#,
        #"{"usage":{"input_tokens":{"deep":1}},"prompt_tokens":6}"#, #"{"usage":[1,2],"input_tokens":3}"#,
    ])
    func edgeCases(_ line: String) {
        #expect(fast(line, .app) == reference(line, .app))
    }
}

@Suite("lookout stats engine")
struct StatsEngineTests {
    func stats(_ text: String, fastLane: Bool = true, grouping: StatsGrouping = .provider) -> CallStatistics {
        var reader = StatsReader(grouping: grouping)
        reader.useFastLane = fastLane
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let end = min(buffer.count, offset + 8192)
                reader.feed(UnsafeBufferPointer(rebasing: buffer[offset..<end]))
                offset = end
            }
        }
        reader.finish()
        return reader.statistics
    }

    @Test func theFastLaneAndTheDecoderAgreeOnEveryNumber() {
        var generator = LLMCallLogGenerator(seed: 5)
        let text = (0..<30_000).map { _ in generator.nextLine() }.joined(separator: "\n") + "\n"
        for grouping in StatsGrouping.allCases {
            #expect(stats(text, fastLane: true, grouping: grouping).json() == stats(text, fastLane: false, grouping: grouping).json())
        }
    }

    @Test func jsonContractOnAHandComputedSample() {
        let text = [
            #"{"provider":"openai","model":"m1","latency_ms":100,"status":"success","input_tokens":10,"output_tokens":5,"cost_usd":0.5}"#,
            #"{"provider":"openai","model":"m1","latency_ms":200,"status":"error","status_code":429,"input_tokens":7}"#,
            #"{"provider":"openai","model":"m2","latency_ms":300,"status_code":503}"#,
            #"{"provider":"openai","latency_ms":400,"status":"error","message":"request timed out"}"#,
            #"{"provider":"anthropic","latency_ms":50,"level":"ERROR"}"#,
            #"{"message":"GET /health 200","status_code":200}"#,
            #"{"provider":"broken""#,
            "plain text line",
            "",
        ].joined(separator: "\n")
        let json = stats(text).json()
        // HdrHistogram reports a percentile as the top of its bucket (3 significant digits): compare those
        // within 0.1%, and everything else exactly.
        let tolerant = json.replacingOccurrences(of: "200.063", with: "200")
        #expect(tolerant == """
        {"lines":8,"malformed":1,"records":7,"llm_calls":5,"groups":{"openai":{"requests":4,"errors":3,"error_rate":0.75,\
        "errors_by_class":{"rate_limit":1,"server":1,"timeout":1,"connection":0,"auth":0,"bad_request":0,"other":0},"p50_ms":200,"p95_ms":400,"p99_ms":400,\
        "input_tokens":17,"output_tokens":5,"cost_usd":0.5},"anthropic":{"requests":1,"errors":1,"error_rate":1,\
        "errors_by_class":{"rate_limit":0,"server":0,"timeout":0,"connection":0,"auth":0,"bad_request":0,"other":1},"p50_ms":50,"p95_ms":50,"p99_ms":50,\
        "input_tokens":0,"output_tokens":0,"cost_usd":null}},"priced_calls":0,"prices_as_of":null}
        """)
        #expect(json.contains("\"p50_ms\":200.063"), "the bucket top of 200 ms at 3 significant digits")
    }

    @Test func percentilesMatchHandComputedValues() {
        // 1…1000 ms: p50 = 500, p95 = 950, p99 = 990 (HdrHistogram keeps 3 significant digits).
        let text = (1...1000).map { #"{"provider":"p","latency_ms":\#($0)}"# }.joined(separator: "\n")
        let group = stats(text).group("p")!
        #expect(abs(group.latencyMs(atPercentile: 50)! - 500) <= 0.5)
        #expect(abs(group.latencyMs(atPercentile: 95)! - 950) <= 0.95)
        #expect(abs(group.latencyMs(atPercentile: 99)! - 990) <= 0.99)
    }

    @Test func distinctLabelsFromUntrustedInputAreCapped() {
        var reader = StatsReader(maxGroups: 3)
        let text = (0..<10).map { #"{"provider":"p\#($0)","model":"m"}"# }.joined(separator: "\n") + "\n"
        Array(text.utf8).withUnsafeBufferPointer { reader.feed($0) }
        reader.finish()
        #expect(reader.statistics.groupNames == ["p0", "p1", "p2", "other"])
        #expect(reader.statistics.group("other")?.requests == 7)
        #expect(reader.statistics.table().contains("warning: more than 3 distinct providers"))
    }
}
