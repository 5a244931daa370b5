import Foundation

/// The fields a mapping can fill in a log record.
public enum LogField: Int, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case time, level, service, provider, model, latency, status, httpStatus
    case inputTokens, outputTokens, cost, requestID, message
    /// An exception or error-type name (`error_information.error_class`, OTel `error.type`).
    case errorType
    /// When the call ended and when its first token arrived (LiteLLM's `endTime`, `completionStartTime`).
    case endTime, firstTokenTime

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
        case .errorType: return "error_type"
        case .endTime: return "end_time"
        case .firstTokenTime: return "first_token_time"
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
    /// The exception or error-type name the line gives, if any.
    public var errorType: String?
    /// When the call ended and when its first token came, as the line writes them (epoch seconds or ISO 8601).
    public var endTime: String?
    public var firstTokenTime: String?
    /// Time to first token of a streamed call, when the line says when the first token came.
    public var timeToFirstTokenMs: Double?
    /// The line as read (after envelope unwrapping, such as CRI or docker json-file).
    public var raw: String
    /// The mapping that decoded it (`app`, `gcp`, `litellm`, `logfmt`, `plain`, …), or `malformed`.
    public var mapping: String
    /// Whether the line was decoded, could not be (shown raw, counted), or was empty (counted, never kept).
    public var form: Form = .decoded
    /// What log hygiene found and masked in the line (by kind, never the value); empty for a clean line.
    public var sensitive: [LogHygiene.Kind] = []

    /// What became of a line.
    public enum Form: Sendable, Equatable {
        case decoded
        /// Not decodable by its mapping: kept as raw text, counted as malformed.
        case malformed
        /// An empty line: counted as a line, never kept or shown.
        case blank
    }

    /// An estimate of the memory it holds: its raw text and message (the bulk of a long line) and a fixed 320 bytes for
    /// its other fields — what the Logs ring and the loop's inbox bound themselves by.
    public var estimatedBytes: Int { 320 + raw.utf8.count + (message?.utf8.count ?? 0) }

    public init(raw: String, mapping: String) {
        self.raw = raw
        self.mapping = mapping
    }

    /// A line that could not be decoded, kept as `raw` (its mapping shows as `malformed`).
    public static func malformed(raw: String) -> LogRecord {
        var record = LogRecord(raw: raw, mapping: LogMapping.malformedName)
        record.form = .malformed
        return record
    }

    /// An empty line's record.
    public static let blank: LogRecord = {
        var record = LogRecord(raw: "", mapping: LogMapping.blankName)
        record.form = .blank
        return record
    }()

    /// A record is an LLM call when it names a provider and carries call evidence: a model, a latency, token
    /// counts, an HTTP status or a call status. A line that merely has a `provider` field ("primary provider
    /// switched") is an event: shown in Logs, never counted.
    public var isLLMCall: Bool { provider != nil && hasCallEvidence }

    /// A model, a latency, token counts, an HTTP status or a call status/outcome.
    public var hasCallEvidence: Bool {
        model != nil || latencyMs != nil || inputTokens != nil || outputTokens != nil || httpStatus != nil || status != nil
    }

    /// The record's own time in epoch seconds, when it has one lookout can read (`LogTime`).
    public var timestamp: Double? { time.flatMap(LogTime.epochSeconds) }

    public var isMalformed: Bool { form == .malformed }

    /// An empty line: counted, never kept or shown.
    public var isBlank: Bool { form == .blank }

    /// Failed by status word, HTTP code, or level (the `stats` definition of an error).
    public var isError: Bool {
        if let status, ErrorClass.isErrorStatus(status) { return true }
        if let httpStatus, httpStatus >= 400 { return true }
        return level >= .error
    }

    /// The class of the failure, when `isError`.
    public var errorClass: ErrorClass? {
        guard isError else { return nil }
        // A status word other than the plain failure words ("timeout", "rate_limited") is evidence too.
        let statusWord = status.flatMap { ["error", "failure", "failed", "fail"].contains($0.lowercased()) ? nil : $0 }
        return ErrorClass.classify(code: httpStatus, type: errorType ?? statusWord, message: message)
    }
}
