import Foundation
import LookoutCore
import Testing

/// One taxonomy for logs and metrics. Class names are the documented ones: the OpenAI Python SDK's exceptions
/// (`RateLimitError`, `APITimeoutError`, `APIConnectionError`, `AuthenticationError`, …), Anthropic's error
/// `type`s (`rate_limit_error`, `overloaded_error` with HTTP 529, `api_error`, …), LiteLLM's exception mapping
/// (`ContextWindowExceededError`, `ContentPolicyViolationError`, `ServiceUnavailableError`, `Timeout`) and httpx's
/// `ConnectError`; the LiteLLM ones with a code were captured from the real proxy (Fixtures/litellm-1.108.5).
@Suite("Error taxonomy")
struct ErrorTaxonomyTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String, code: Int?, type: String?, message: String?, expected: ErrorClass
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "429", code: 429, type: nil, message: nil, expected: .rateLimit),
        Case(name: "LiteLLM RateLimitError 429", code: 429, type: "RateLimitError",
             message: "litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached for requests", expected: .rateLimit),
        Case(name: "metrics label Openai.RateLimitError", code: nil, type: "Openai.RateLimitError", message: nil, expected: .rateLimit),
        Case(name: "Anthropic rate_limit_error", code: nil, type: "rate_limit_error", message: nil, expected: .rateLimit),
        Case(name: "408", code: 408, type: nil, message: nil, expected: .timeout),
        Case(name: "LiteLLM Timeout", code: nil, type: "Timeout", message: nil, expected: .timeout),
        Case(name: "OpenAI APITimeoutError", code: nil, type: "APITimeoutError", message: "Request timed out.", expected: .timeout),
        Case(name: "OTel error.type timeout", code: nil, type: "timeout", message: nil, expected: .timeout),
        Case(name: "503 ServiceUnavailableError", code: 503, type: "ServiceUnavailableError", message: nil, expected: .server),
        Case(name: "Anthropic 529 overloaded", code: 529, type: "overloaded_error", message: "Overloaded", expected: .server),
        Case(name: "LiteLLM wraps 529 as InternalServerError 500", code: 500, type: "InternalServerError",
             message: #"litellm.InternalServerError: AnthropicError - {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}"#,
             expected: .server),
        Case(name: "Anthropic api_error", code: nil, type: "api_error", message: nil, expected: .server),
        Case(name: "OTel error.type 500", code: nil, type: "500", message: nil, expected: .server),
        Case(name: "LiteLLM refused connect: InternalServerError 500 'Connection error.'", code: 500, type: "InternalServerError",
             message: "litellm.InternalServerError: InternalServerError: OpenAIException - Connection error.", expected: .connection),
        Case(name: "OpenAI APIConnectionError, no code", code: nil, type: "APIConnectionError", message: "Connection error.", expected: .connection),
        Case(name: "httpx ConnectError", code: nil, type: "httpx.ConnectError", message: "[Errno 111] Connection refused", expected: .connection),
        Case(name: "refused, message only", code: nil, type: nil, message: "connect ECONNREFUSED 10.0.0.1:443", expected: .connection),
        Case(name: "401 AuthenticationError", code: 401, type: "AuthenticationError", message: "Incorrect API key provided", expected: .auth),
        Case(name: "403 PermissionDeniedError", code: 403, type: "PermissionDeniedError", message: nil, expected: .auth),
        Case(name: "Anthropic authentication_error", code: nil, type: "authentication_error", message: nil, expected: .auth),
        Case(name: "400 ContextWindowExceededError", code: 400, type: "ContextWindowExceededError", message: nil, expected: .badRequest),
        Case(name: "ContentPolicyViolationError, no code", code: nil, type: "ContentPolicyViolationError", message: nil, expected: .badRequest),
        Case(name: "404 NotFoundError (model not found)", code: 404, type: "NotFoundError", message: "The model does not exist", expected: .badRequest),
        Case(name: "413 request_too_large", code: 413, type: "request_too_large", message: nil, expected: .badRequest),
        Case(name: "422 UnprocessableEntityError", code: 422, type: "UnprocessableEntityError", message: nil, expected: .badRequest),
        Case(name: "LiteLLM ProxyModelNotFoundError 400", code: 400, type: "ProxyModelNotFoundError", message: nil, expected: .badRequest),
        Case(name: "a code first: 429 beats a server-ish class", code: 429, type: "InternalServerError", message: nil, expected: .rateLimit),
        Case(name: "a 503 stays server even when the text says connection", code: 503, type: nil, message: "connection reset", expected: .server),
        Case(name: "nothing known", code: 418, type: "TeapotError", message: "short and stout", expected: .other),
        Case(name: "no evidence at all", code: nil, type: nil, message: nil, expected: .other),
    ]

    @Test(arguments: cases)
    func classifies(_ c: Case) {
        #expect(ErrorClass.classify(code: c.code, type: c.type, message: c.message) == c.expected)
    }

    @Test func theStatsContractKeepsItsKeysAndGainsTheNewOnes() {
        #expect(ErrorClass.allCases.map(\.rawValue) == ["rate_limit", "server", "timeout", "connection", "auth", "bad_request", "other"])
    }

    @Test func theMainClassIsTheMostFrequent() {
        #expect(ErrorClass.main(of: [.server: 3, .connection: 5, .rateLimit: 1]) == .connection)
        #expect(ErrorClass.main(of: [.server: 2, .timeout: 2]) == .server)
        #expect(ErrorClass.main(of: [:]) == nil)
    }

    @Test func aLogRecordIsClassedFromItsCodeClassAndMessage() {
        let records = decodeAll([
            #"{"provider":"openai","model":"gpt-4o-mini","status":"error","error_type":"APIConnectionError","message":"Connection error."}"#,
            #"{"provider":"anthropic","model":"claude","status":"error","status_code":529,"message":"Overloaded"}"#,
            #"{"provider":"openai","model":"gpt-4o","status":"timeout","latency_ms":30000}"#,
            #"{"provider":"openai","model":"gpt-4o","status_code":401,"message":"Incorrect API key provided"}"#,
        ].joined(separator: "\n"))
        #expect(records.map(\.errorClass) == [.connection, .server, .timeout, .auth])
    }
}
