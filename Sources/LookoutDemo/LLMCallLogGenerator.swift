import Foundation

/// A deterministic pseudo-random generator (SplitMix64), so generated logs are reproducible from a seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One simulated LLM call: what the demo writes to its log and counts in its `/metrics`.
public struct SimulatedCall: Sendable, Equatable {
    public var provider: String
    public var model: String
    public var requestID: String
    public var latencyMs = 0.0
    public var statusCode = 200
    /// Why it failed; nil for a success.
    public var error: String?
    /// The exception class of a call that never got a response (`ConnectError`); its status code is 0.
    public var errorType: String?
    public var inputTokens: Int
    public var outputTokens = 0
    public var costUSD = 0.0
}

/// Writes the JSON log lines an AI service emits: LLM calls (provider, model, latency, status, tokens, cost),
/// access lines, some OpenAI-style nested `usage` objects, and a share of malformed lines.
/// Used by the demo fleet's log files and by the `stats` benchmark (`lookout demo --generate-logs N`).
public struct LLMCallLogGenerator: Sendable {
    public struct Model: Sendable {
        let provider: String, name: String, inputPerMillion: Double, outputPerMillion: Double, latencyMs: Double
    }

    public static let models = [
        Model(provider: "openai", name: "gpt-4o-mini", inputPerMillion: 0.15, outputPerMillion: 0.60, latencyMs: 420),
        Model(provider: "openai", name: "gpt-4o", inputPerMillion: 2.50, outputPerMillion: 10.00, latencyMs: 900),
        Model(provider: "anthropic", name: "claude-3-5-haiku-20241022", inputPerMillion: 0.80, outputPerMillion: 4.00, latencyMs: 610),
        Model(provider: "azure-openai", name: "gpt-4o-mini", inputPerMillion: 0.15, outputPerMillion: 0.60, latencyMs: 480),
    ]
    static let services = ["chat-api", "rag-search", "embed-worker"]

    private var random: SeededRandom
    private var sequence = 0
    private var calls = 0
    private let start: Date
    /// Share of lines that are LLM calls, access lines, nested-usage calls and malformed lines.
    public var mix = (llm: 0.78, access: 0.15, nested: 0.02, malformed: 0.05)

    public init(seed: UInt64 = 42, start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        random = SeededRandom(seed: seed)
        self.start = start
    }

    /// The next line, without its newline.
    public mutating func nextLine() -> String {
        sequence += 1
        let roll = Double.random(in: 0..<1, using: &random)
        let time = Self.timestamp(start.addingTimeInterval(Double(sequence) * 0.004))
        let service = Self.services[Int.random(in: 0..<Self.services.count, using: &random)]
        if roll < mix.llm { return llmCall(time: time, service: service, nested: false) }
        if roll < mix.llm + mix.access {
            let path = ["/health", "/health/ready", "/v1/chat", "/v1/search"][Int.random(in: 0..<4, using: &random)]
            let code = Double.random(in: 0..<1, using: &random) < 0.97 ? 200 : 503
            return "{\"timestamp\":\"\(time)\",\"level\":\"INFO\",\"service\":\"\(service)\",\"message\":\"GET \(path) \(code)\","
                + "\"path\":\"\(path)\",\"status_code\":\(code),\"duration_ms\":\(Self.fixed(Double.random(in: 0.4..<30, using: &random), 1))}"
        }
        if roll < mix.llm + mix.access + mix.nested { return llmCall(time: time, service: service, nested: true) }
        let call = llmCall(time: time, service: service, nested: false)
        return String(call.prefix(Int.random(in: 10..<(call.count - 5), using: &random)))
    }

    /// One LLM call line for `provider` (or a random one) as the demo fleet logs it.
    public mutating func llmCall(time: String, service: String, nested: Bool, provider: String? = nil,
                                 errorRate: Double = 0.06, rateLimitShare: Double = 0.5, latencyFactor: Double = 1) -> String {
        Self.line(simulatedCall(provider: provider, errorRate: errorRate, rateLimitShare: rateLimitShare, latencyFactor: latencyFactor),
                  time: time, service: service, nested: nested)
    }

    /// A call that could not connect (a refused connection): no status code, `ConnectError`.
    public static func connectionFailure(_ call: SimulatedCall) -> SimulatedCall {
        var failed = call
        failed.statusCode = 0
        failed.error = "ConnectError: [Errno 111] Connection refused"
        failed.errorType = "ConnectError"
        failed.latencyMs = min(call.latencyMs, 3.2)
        failed.outputTokens = 0
        failed.costUSD = 0
        return failed
    }

    /// One simulated call to `provider` (or a random one): what the demo logs and counts in its metrics.
    public mutating func simulatedCall(provider: String? = nil, errorRate: Double = 0.06, rateLimitShare: Double = 0.5,
                                       latencyFactor: Double = 1) -> SimulatedCall {
        calls += 1
        let candidates = provider.map { p in Self.models.filter { $0.provider == p } } ?? Self.models
        let model = candidates.isEmpty ? Self.models[0] : candidates[Int.random(in: 0..<candidates.count, using: &random)]
        var call = SimulatedCall(provider: model.provider, model: model.name, requestID: String(format: "req-%08x", calls),
                                 inputTokens: Int.random(in: 20...1800, using: &random))
        let failed = Double.random(in: 0..<1, using: &random) < errorRate
        call.latencyMs = model.latencyMs * latencyFactor * Double.random(in: 0.35...2.2, using: &random)
        if Double.random(in: 0..<1, using: &random) < 0.01 { call.latencyMs *= 6 }
        if failed {
            let kind = Double.random(in: 0..<1, using: &random)
            (call.statusCode, call.error) = kind < rateLimitShare ? (429, "rate limited by \(model.provider)")
                : kind < rateLimitShare + 0.3 ? (503, "upstream 503 from \(model.provider)") : (408, "timeout after 30000ms")
            if call.statusCode == 429 { call.latencyMs = Double.random(in: 40...160, using: &random) }
            return call
        }
        call.outputTokens = Int.random(in: 5...700, using: &random)
        call.costUSD = (Double(call.inputTokens) * model.inputPerMillion + Double(call.outputTokens) * model.outputPerMillion) / 1_000_000
        return call
    }

    /// The JSON log line of `call`.
    public static func line(_ call: SimulatedCall, time: String, service: String, nested: Bool) -> String {
        if let error = call.error, let errorType = call.errorType {
            // No response at all: no status code, the client library's exception class instead.
            return "{\"timestamp\":\"\(time)\",\"level\":\"ERROR\",\"service\":\"\(service)\",\"message\":\"llm call failed: \(error)\","
                + "\"request_id\":\"\(call.requestID)\",\"provider\":\"\(call.provider)\",\"model\":\"\(call.model)\","
                + "\"latency_ms\":\(fixed(call.latencyMs, 1)),\"status\":\"error\",\"error_type\":\"\(errorType)\",\"input_tokens\":\(call.inputTokens)}"
        }
        if let error = call.error {
            return "{\"timestamp\":\"\(time)\",\"level\":\"ERROR\",\"service\":\"\(service)\",\"message\":\"llm call failed: \\\"\(error)\\\"\","
                + "\"request_id\":\"\(call.requestID)\",\"provider\":\"\(call.provider)\",\"model\":\"\(call.model)\","
                + "\"latency_ms\":\(fixed(call.latencyMs, 1)),\"status\":\"error\",\"status_code\":\(call.statusCode),\"input_tokens\":\(call.inputTokens),\"output_tokens\":0}"
        }
        let tokens = nested ? "\"usage\":{\"input_tokens\":\(call.inputTokens),\"output_tokens\":\(call.outputTokens)}"
            : "\"input_tokens\":\(call.inputTokens),\"output_tokens\":\(call.outputTokens)"
        return "{\"timestamp\":\"\(time)\",\"level\":\"INFO\",\"service\":\"\(service)\",\"message\":\"llm call succeeded\","
            + "\"request_id\":\"\(call.requestID)\",\"provider\":\"\(call.provider)\",\"model\":\"\(call.model)\","
            + "\"latency_ms\":\(fixed(call.latencyMs, 1)),\"status\":\"success\",\"status_code\":200,\(tokens),\"cost_usd\":\(fixed(call.costUSD, 8))}"
    }

    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    static func timestamp(_ date: Date) -> String {
        let ms = Int((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = ms / 1000
        let day = seconds / 86400, second = seconds % 86400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm): no formatter on the hot path.
        let z = day + 719_468, era = z / 146_097, doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d, second / 3600, (second / 60) % 60, second % 60, ms % 1000)
    }
}
