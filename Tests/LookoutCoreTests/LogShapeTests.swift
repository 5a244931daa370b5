import Foundation
import LookoutCore
import Testing

/// Decodes text the way a source would: bytes through the pipeline, records out.
func decodeAll(_ text: String, mapping: LogMapping? = nil, chunk: Int = 4096) -> [LogRecord] {
    var pipeline = LogPipeline(mapping: mapping)
    var records: [LogRecord] = []
    let bytes = Array(text.utf8)
    bytes.withUnsafeBufferPointer { buffer in
        var offset = 0
        while offset < buffer.count {
            let end = min(buffer.count, offset + chunk)
            pipeline.feed(UnsafeBufferPointer(rebasing: buffer[offset..<end])) { records.append($0) }
            offset = end
        }
    }
    pipeline.finish { records.append($0) }
    return records.filter { !$0.isBlank }
}

func fixture(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/log-shapes").appendingPathComponent(name)
    return try String(contentsOf: url, encoding: .utf8)
}

/// The fields a test cares about, compact enough for tables of expectations.
struct Seen: Equatable, CustomStringConvertible {
    var mapping: String, level: LogLevel, provider: String?, model: String?, latencyMs: Double?
    var status: String?, httpStatus: Int?, input: Int?, output: Int?, cost: Double?, requestID: String?

    init(_ r: LogRecord) {
        mapping = r.mapping; level = r.level; provider = r.provider; model = r.model
        latencyMs = r.latencyMs.map { ($0 * 1000).rounded() / 1000 }
        status = r.status; httpStatus = r.httpStatus; input = r.inputTokens; output = r.outputTokens
        cost = r.costUSD; requestID = r.requestID
    }

    init(_ mapping: String, _ level: LogLevel, provider: String? = nil, model: String? = nil, latencyMs: Double? = nil,
         status: String? = nil, httpStatus: Int? = nil, input: Int? = nil, output: Int? = nil, cost: Double? = nil,
         requestID: String? = nil) {
        self.mapping = mapping; self.level = level; self.provider = provider; self.model = model
        self.latencyMs = latencyMs; self.status = status; self.httpStatus = httpStatus; self.input = input
        self.output = output; self.cost = cost; self.requestID = requestID
    }

    var description: String {
        "\(mapping) \(level) \(provider ?? "-") \(model ?? "-") \(latencyMs.map { "\($0)" } ?? "-") \(status ?? "-") "
            + "\(httpStatus.map { "\($0)" } ?? "-") \(input.map { "\($0)" } ?? "-")/\(output.map { "\($0)" } ?? "-") "
            + "\(cost.map { "\($0)" } ?? "-") \(requestID ?? "-")"
    }
}

@Suite("Log shapes from the shared samples")
struct LogShapeTests {
    @Test func googleCloudLoggingEntries() throws {
        let records = decodeAll(try fixture("gcp_cloud_logging_entries.jsonl"))
        #expect(records.map(Seen.init) == [
            Seen("gcp", .info, provider: "openai", model: "gpt-4o-mini", latencyMs: 412.7, httpStatus: 200,
                 input: 182, output: 64, cost: 0.0000657, requestID: "9f1c2b7e4d"),
            // The app's own status_code (the provider's 429) wins over the service's HTTP response (502).
            Seen("gcp", .error, provider: "anthropic", model: "claude-3-5-haiku-20241022", latencyMs: 2210.4, status: "error",
                 httpStatus: 429, requestID: "a01d77c3e2"),
            Seen("gcp", .warn, requestID: records[2].requestID),
            Seen("gcp", .warn, provider: "anthropic", model: records[3].model, latencyMs: records[3].latencyMs,
                 status: records[3].status, httpStatus: records[3].httpStatus, input: records[3].inputTokens,
                 output: records[3].outputTokens, cost: records[3].costUSD, requestID: records[3].requestID),
        ])
        #expect(records[2].message == "Readiness probe failed: HTTP probe failed with statuscode: 503")
        #expect(records[1].errorClass == .rateLimit)
        #expect(records[0].service == "ai-gateway")
    }

    @Test func httpRequestLatencyIsADurationString() {
        let line = #"{"severity":"INFO","logName":"x","httpRequest":{"status":200,"latency":"0.431227s"},"jsonPayload":{"provider":"openai"}}"#
        #expect(abs((decodeAll(line).first?.latencyMs ?? 0) - 431.227) < 1e-9)
    }

    @Test func lambdaJSONLogs() throws {
        let records = decodeAll(try fixture("aws_lambda_json_logs.jsonl"))
        #expect(records.count == 6)
        #expect(records.allSatisfy { $0.mapping == "lambda" })
        #expect(records[0].message == "platform.initStart")
        #expect(records[1].requestID == "6d5f6a1e-8e47-4c0b-9a3e-6f0f2b1f7c11")
        #expect(Seen(records[2]) == Seen("lambda", .info, provider: "bedrock", model: "anthropic.claude-3-5-haiku-20241022-v1:0",
                                         latencyMs: 731.2, input: 210, output: 88, cost: 0.00052,
                                         requestID: "6d5f6a1e-8e47-4c0b-9a3e-6f0f2b1f7c11"))
        #expect(records[3].level == .error && records[3].isError)
        #expect(records[4].status == "success")
        #expect(records.filter(\.isLLMCall).count == records.filter { $0.provider != nil }.count)
    }

    @Test func kubernetesCRILinesWithPartialsJoined() throws {
        let records = decodeAll(try fixture("k8s_container_logs.txt"))
        let llm = records.filter(\.isLLMCall)
        #expect(llm.map(Seen.init) == [
            Seen("app", .info, provider: "openai", model: "gpt-4o-mini", latencyMs: 388.1, status: "success",
                 input: 143, output: 61, cost: 0.00005805, requestID: "c0ffee01"),
            Seen("app", .warn, provider: "anthropic", model: "claude-3-5-haiku-20241022", latencyMs: 95.4, status: "error",
                 httpStatus: 429, requestID: "c0ffee02"),
        ])
        #expect(llm[1].errorClass == .rateLimit)
        // The P + F pair is one record, its JSON whole again.
        let joined = try #require(records.first { $0.requestID == "c0ffee03" })
        #expect(joined.latencyMs == 512.7)
        #expect(joined.time == "2025-06-12T09:30:02.000Z")
        #expect(!records.contains { $0.isMalformed })
    }

    @Test func dockerJSONFileUnwrapsTheEscapedLine() throws {
        let records = decodeAll(try fixture("k8s_docker_json_file.log"))
        #expect(records.map(Seen.init) == [
            Seen("app", .info, provider: "openai", model: "gpt-4o-mini", latencyMs: 388.1, status: "success",
                 input: 143, output: 61, cost: 0.00005805, requestID: "c0ffee01"),
            Seen("app", .warn, provider: "anthropic", model: "claude-3-5-haiku-20241022", latencyMs: 95.4, status: "error",
                 httpStatus: 429, requestID: "c0ffee02"),
        ])
    }

    @Test func awsLogsTailJSONFormatGathersMultiLineEntries() throws {
        let records = decodeAll(try fixture("aws_logs_tail_format_json.txt"))
        #expect(!records.contains { $0.isMalformed })
        let call = try #require(records.first { $0.provider == "bedrock" })
        #expect(call.latencyMs == 731.2 && call.inputTokens == 210 && call.costUSD == 0.00052)
        #expect(records.contains { $0.message == "platform.report" })
    }

    @Test func awsLogsTailDetailedFormatStripsThePrefix() throws {
        let records = decodeAll(try fixture("aws_logs_tail_format_detailed.txt"))
        #expect(records.count == 4)
        #expect(records[0].provider == "bedrock" && records[0].latencyMs == 731.2)
        #expect(records[2].httpStatus == 429 && records[2].level == .warn)
        #expect(records[3].mapping == "plain" && records[3].message == "legacy plain text line: provider openai recovered")
        #expect(records[3].time == "2025-06-12T09:20:14.500000+00:00")
    }

    @Test func openTelemetryOTLPLogRecords() throws {
        let records = decodeAll(try fixture("otel_genai_logs.otlp.json"))
        #expect(records.map(Seen.init) == [
            Seen("otel", .info, provider: "openai", model: "gpt-4o-mini", latencyMs: 388.1, input: 143, output: 61,
                 cost: 0.00005805, requestID: "5b8efff798038103d269b633813fc60c"),
            Seen("otel", .error, provider: "anthropic", model: "claude-3-5-haiku-20241022", status: "error", httpStatus: 429,
                 requestID: "0af7651916cd43dd8448eb211c80319c"),
        ])
        #expect(records[0].service == "ai-gateway")
        #expect(records[1].errorClass == .rateLimit)
    }

    @Test func kubernetesComponentLogsAreRecordsButNotCalls() throws {
        let records = decodeAll(try fixture("k8s_component_json_logs.jsonl"))
        #expect(records.count == 3 && records.allSatisfy { !$0.isMalformed && !$0.isLLMCall })
        #expect(records[0].message == "Probe failed")
    }
}

@Suite("Presets from public vocabularies")
struct PresetTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String, line: String, expected: Seen
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "app JSON line", line: #"{"timestamp":"2026-01-01T00:00:00Z","level":"info","provider":"openai","model":"gpt-4o","latency_ms":812.5,"status":"success","status_code":200,"input_tokens":10,"output_tokens":20,"cost_usd":0.001,"request_id":"r1"}"#,
             expected: Seen("app", .info, provider: "openai", model: "gpt-4o", latencyMs: 812.5, status: "success", httpStatus: 200,
                            input: 10, output: 20, cost: 0.001, requestID: "r1")),
        Case(name: "OpenAI usage names", line: #"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini","provider":"openai","usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19},"choices":[]}"#,
             expected: Seen("openai", .unknown, provider: "openai", model: "gpt-4o-mini", input: 12, output: 7, requestID: "chatcmpl-1")),
        Case(name: "Anthropic usage names", line: #"{"id":"msg_1","type":"message","model":"claude-3-5-haiku-20241022","provider":"anthropic","stop_reason":"end_turn","usage":{"input_tokens":30,"output_tokens":9}}"#,
             expected: Seen("anthropic", .unknown, provider: "anthropic", model: "claude-3-5-haiku-20241022", input: 30, output: 9, requestID: "msg_1")),
        Case(name: "OpenTelemetry GenAI flat attributes", line: #"{"gen_ai.provider.name":"azure.ai.openai","gen_ai.request.model":"gpt-4o","gen_ai.usage.input_tokens":5,"gen_ai.usage.output_tokens":6,"gen_ai.client.operation.duration":1.25}"#,
             expected: Seen("otel", .unknown, provider: "azure.ai.openai", model: "gpt-4o", latencyMs: 1250, input: 5, output: 6)),
        Case(name: "OpenTelemetry legacy gen_ai.system", line: #"{"gen_ai.system":"anthropic","gen_ai.response.model":"claude","error.type":"timeout"}"#,
             expected: Seen("otel", .error, provider: "anthropic", model: "claude", status: "error")),
        Case(name: "LiteLLM standard logging payload", line: #"{"id":"c1","custom_llm_provider":"openai","model":"gpt-4o","response_time":0.734,"prompt_tokens":100,"completion_tokens":50,"response_cost":0.00125,"status":"success"}"#,
             expected: Seen("litellm", .unknown, provider: "openai", model: "gpt-4o", latencyMs: 734, status: "success",
                            input: 100, output: 50, cost: 0.00125, requestID: "c1")),
        Case(name: "LiteLLM failure", line: #"{"id":"c2","custom_llm_provider":"anthropic","model":"claude","response_time":0.09,"status":"failure","error_str":"RateLimitError: 429"}"#,
             expected: Seen("litellm", .error, provider: "anthropic", model: "claude", latencyMs: 90, status: "failure", requestID: "c2")),
        Case(name: "logfmt", line: #"time=2026-01-01T00:00:00Z level=warn provider=openai model=gpt-4o latency_ms=90 status_code=429 msg="rate limited""#,
             expected: Seen("logfmt", .warn, provider: "openai", model: "gpt-4o", latencyMs: 90, httpStatus: 429)),
        Case(name: "plain text with a level", line: "2026-01-01 12:00:00 ERROR upstream connection reset",
             expected: Seen("plain", .error)),
        Case(name: "pino numeric level", line: #"{"level":50,"msg":"boom","provider":"openai"}"#,
             expected: Seen("app", .error, provider: "openai")),
        Case(name: "numbers in strings", line: #"{"provider":"openai","latency_ms":"41.5","input_tokens":"143","status_code":"503"}"#,
             expected: Seen("app", .unknown, provider: "openai", latencyMs: 41.5, httpStatus: 503, input: 143)),
    ]

    @Test(arguments: cases)
    func decodes(_ c: Case) {
        let record = try? #require(decodeAll(c.line).first)
        #expect(record.map(Seen.init) == c.expected)
    }

    @Test func theChosenMappingIsVisible() {
        var decoder = LogDecoder()
        #expect(decoder.mappingName == "auto")
        _ = decoder.decode(#"{"custom_llm_provider":"openai"}"#)
        #expect(decoder.mappingName == "litellm")
        var fixed = LogDecoder(mapping: .gcp)
        #expect(fixed.mappingName == "gcp")
        _ = fixed.decode(#"{"provider":"x"}"#)
        #expect(fixed.mappingName == "gcp")
    }

    @Test func errorClasses() {
        func classOf(_ line: String) -> ErrorClass? { decodeAll(line).first?.errorClass }
        #expect(classOf(#"{"provider":"a","status_code":429}"#) == .rateLimit)
        #expect(classOf(#"{"provider":"a","status":"error","message":"Rate limit exceeded"}"#) == .rateLimit)
        #expect(classOf(#"{"provider":"a","status_code":503}"#) == .server)
        #expect(classOf(#"{"provider":"a","status":"error","message":"request timed out"}"#) == .timeout)
        #expect(classOf(#"{"provider":"a","status":"failure"}"#) == .other)
        #expect(classOf(#"{"provider":"a","status":"success","status_code":200}"#) == nil)
    }
}
