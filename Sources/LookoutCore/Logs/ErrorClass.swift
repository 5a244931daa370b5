/// Why an LLM call failed, as on-call engineers triage it: one taxonomy for log records and metrics, aligned with
/// the codes and exception classes providers and LiteLLM return.
public enum ErrorClass: String, Sendable, CaseIterable {
    /// 429, `RateLimitError`, Anthropic's `rate_limit_error`.
    case rateLimit = "rate_limit"
    /// 5xx including Anthropic's 529 overloaded; `InternalServerError`, `ServiceUnavailableError`.
    case server
    /// 408, `Timeout`, `APITimeoutError`.
    case timeout
    /// No response at all: refused, reset, DNS, TLS; `APIConnectionError`, `ConnectError`.
    case connection
    /// 401 / 403, `AuthenticationError`, `PermissionDeniedError`.
    case auth
    /// 400 / 404 / 413 / 422: context window exceeded, content policy, model not found, invalid request.
    case badRequest = "bad_request"
    case other

    /// A short name for tables and alerts ("429", "5xx", "conn"…).
    public var label: String {
        switch self {
        case .rateLimit: return "429"
        case .server: return "5xx"
        case .timeout: return "timeout"
        case .connection: return "conn"
        case .auth: return "auth"
        case .badRequest: return "4xx"
        case .other: return "other"
        }
    }

    /// What the class means to the on-call, for alert lines.
    public var phrase: String {
        switch self {
        case .rateLimit: return "429 rate limits"
        case .server: return "5xx server errors"
        case .timeout: return "timeouts"
        case .connection: return "connection failures"
        case .auth: return "auth failures (401/403)"
        case .badRequest: return "bad requests (4xx)"
        case .other: return "unclassified errors"
        }
    }

    static func isErrorStatus(_ status: some StringProtocol) -> Bool {
        switch status.lowercased() {
        case "error", "failure", "failed", "fail", "timeout", "exception": return true
        default: return false
        }
    }

    /// Classifies a failure from its evidence, in order: a code (`status_code`, LiteLLM's `error_code`, the
    /// `exception_status` label), then a class name (`error_class`, `exception_class`, OTel `error.type`), then
    /// the message. One exception to that order: a 500 whose class or message says the call never got a response
    /// (a connection failure or a timeout) is that — LiteLLM reports a refused connect as `InternalServerError` 500
    /// with "Connection error." (seen from the real proxy, `Fixtures/litellm-1.108.5`).
    public static func classify(code: Int?, type: String?, message: String?) -> ErrorClass {
        // Each kind of evidence is read only when the earlier ones leave the class open (this runs for every
        // failed call of `lookout stats`).
        let fromType = { type.flatMap { $0.isEmpty ? nil : ofName($0) } }
        let fromMessage = { message.flatMap { $0.isEmpty ? nil : ofWords($0) } }
        if let fromCode = code.flatMap(ofCode) {
            guard code == 500 else { return fromCode }
            if let found = fromType(), found == .connection || found == .timeout { return found }
            if let found = fromMessage(), found == .connection || found == .timeout { return found }
            return fromCode
        }
        return fromType() ?? fromMessage() ?? .other
    }

    /// The class an HTTP status code means; nil for codes that say nothing about the class.
    public static func ofCode(_ code: Int) -> ErrorClass? {
        switch code {
        case 429: return .rateLimit
        case 408: return .timeout
        case 401, 403: return .auth
        case 400, 404, 413, 422: return .badRequest
        case 500..<600: return .server
        default: return nil
        }
    }

    /// The class an exception or error-type name means (`RateLimitError`, `Openai.ServiceUnavailableError`,
    /// `overloaded_error`, `httpx.ConnectError`, `ContextWindowExceededError`, OTel `error.type` such as `timeout`
    /// or `500`); nil when the name says nothing known.
    public static func ofName(_ name: String) -> ErrorClass? {
        let n = name.lowercased()
        if let code = Int(n) { return ofCode(code) }
        if n.contains("ratelimit") || n.contains("rate_limit") || n.contains("toomanyrequests") { return .rateLimit }
        if n.contains("timeout") || n.contains("timedout") { return .timeout }
        if n.contains("connect") || n.contains("dns") || n.contains("ssl") || n.contains("tls") || n.contains("networkerror") {
            return .connection
        }
        if n.contains("auth") || n.contains("permission") || n.contains("forbidden") { return .auth }
        if n.contains("badrequest") || n.contains("bad_request") || n.contains("notfound") || n.contains("not_found")
            || n.contains("contextwindow") || n.contains("contentpolicy") || n.contains("unprocessable")
            || n.contains("invalid_request") || n.contains("invalidrequest") || n.contains("too_large") || n.contains("toolarge") {
            return .badRequest
        }
        if n.contains("internalserver") || n.contains("serviceunavailable") || n.contains("overloaded") || n.contains("api_error")
            || n.contains("apierror") || n.contains("server") || n.contains("badgateway") {
            return .server
        }
        return nil
    }

    /// The class a free-text message points at; nil when it names none.
    public static func ofWords(_ message: String) -> ErrorClass? {
        let w = message.lowercased()
        func has(_ words: String...) -> Bool { words.contains { w.containsBytes($0) } }
        if has("429", "rate limit", "ratelimit", "rate_limit", "too many requests") { return .rateLimit }
        if has("timeout", "timed out", "deadline exceeded") { return .timeout }
        if has("connection error", "connection refused", "connection reset", "connecterror", "apiconnectionerror",
               "econnrefused", "econnreset", "name or service not known", "name resolution", "ssl", "certificate verify") {
            return .connection
        }
        if has("401", "403", "unauthorized", "invalid api key", "incorrect api key", "permission denied", "forbidden") { return .auth }
        if has("context length", "context window", "content policy", "content_policy", "model not found",
               "invalid model", "does not exist", "bad request", "400") {
            return .badRequest
        }
        if has("overloaded", "internal server error", "service unavailable", "bad gateway", "500", "502", "503", "504", "529") {
            return .server
        }
        return nil
    }
}
