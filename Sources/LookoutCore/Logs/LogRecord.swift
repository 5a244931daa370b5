import Foundation

/// The fields a mapping can fill in a log record.
public enum LogField: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case time, level, service, provider, model, latency, status, httpStatus
    case inputTokens, outputTokens, cost, requestID, message

    public var description: String {
        switch self {
        case .time: return "time"
        case .level: return "level"
        case .service: return "service"
        case .provider: return "provider"
        case .model: return "model"
        case .latency: return "latency"
        case .status: return "status"
        case .httpStatus: return "status_code"
        case .inputTokens: return "input_tokens"
        case .outputTokens: return "output_tokens"
        case .cost: return "cost"
        case .requestID: return "request_id"
        case .message: return "message"
        }
    }
}

/// Severity, normalised across vocabularies (`WARNING`, `warn`, `Error`, syslog numbers…).
public enum LogLevel: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case unknown = 0, trace, debug, info, warn, error, fatal

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .unknown: return "-"
        case .trace: return "TRACE"
        case .debug: return "DEBUG"
        case .info: return "INFO"
        case .warn: return "WARN"
        case .error: return "ERROR"
        case .fatal: return "FATAL"
        }
    }

    /// Parses a level word case-insensitively; `.unknown` when it is not one.
    public static func parse(_ text: some StringProtocol) -> LogLevel {
        switch text.lowercased() {
        case "trace", "finest", "verbose": return .trace
        case "debug", "fine", "dbug", "dbg": return .debug
        case "info", "information", "notice", "default", "inf": return .info
        case "warn", "warning", "wrn": return .warn
        case "error", "err", "eror", "severe": return .error
        case "fatal", "critical", "crit", "alert", "emergency", "panic": return .fatal
        default: return .unknown
        }
    }
}

/// One log line (or multi-line entry) turned into the fields lookout understands.
/// `raw` is kept so nothing is lost: the detail view shows it, and malformed lines are shown raw.
public struct LogRecord: Sendable, Equatable {
    public var time: String?
    public var level: LogLevel = .unknown
    public var service: String?
    public var provider: String?
    public var model: String?
    public var latencyMs: Double?
    public var status: String?
    public var httpStatus: Int?
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var costUSD: Double?
    public var requestID: String?
    public var message: String?
    /// The line as read (after envelope unwrapping, such as CRI or docker json-file).
    public var raw: String
    /// The mapping that decoded it (`app`, `gcp`, `litellm`, `logfmt`, `plain`, …), or `malformed`.
    public var mapping: String

    public init(raw: String, mapping: String) {
        self.raw = raw
        self.mapping = mapping
    }

    /// A record is an LLM call when it names a provider.
    public var isLLMCall: Bool { provider != nil }

    public var isMalformed: Bool { mapping == LogMapping.malformedName }

    /// Failed by status word, HTTP code, or level (the `stats` definition of an error).
    public var isError: Bool {
        if let status, ErrorClass.isErrorStatus(status) { return true }
        if let httpStatus, httpStatus >= 400 { return true }
        return level >= .error
    }

    /// The class of the failure, when `isError`.
    public var errorClass: ErrorClass? {
        isError ? ErrorClass.classify(httpStatus: httpStatus, status: status, message: message) : nil
    }
}

/// Why an LLM call failed, as on-call engineers triage it.
public enum ErrorClass: String, Sendable, CaseIterable {
    case rateLimit = "rate_limit"
    case server
    case timeout
    case other

    static func isErrorStatus(_ status: some StringProtocol) -> Bool {
        switch status.lowercased() {
        case "error", "failure", "failed", "fail", "timeout", "exception": return true
        default: return false
        }
    }

    /// 429 or rate-limit words → rate_limit; timeout words or 408 → timeout; 5xx → server; else other.
    public static func classify(httpStatus: Int?, status: String?, message: String?) -> ErrorClass {
        if httpStatus == 429 { return .rateLimit }
        let words = ((status ?? "") + " " + (message ?? "")).lowercased()
        if words.containsBytes("429") || words.containsBytes("rate limit") || words.containsBytes("ratelimit")
            || words.containsBytes("rate_limit") {
            return .rateLimit
        }
        if httpStatus == 408 || words.containsBytes("timeout") || words.containsBytes("timed out") { return .timeout }
        if let httpStatus, (500..<600).contains(httpStatus) { return .server }
        return .other
    }
}
