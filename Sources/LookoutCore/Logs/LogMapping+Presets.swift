/// The mappings lookout knows out of the box, each written from the vocabulary's public documentation.
extension LogMapping {
    private static func p(_ paths: String...) -> [FieldPath] { paths.map { FieldPath($0) } }

    /// Plain JSON lines of an app, with OpenAI (`usage.prompt_tokens`) and Anthropic (`usage.input_tokens`)
    /// usage names and Lambda's `requestId` understood too.
    public static let app = LogMapping(name: "app", paths: [
        .time: p("timestamp", "time", "ts", "@timestamp"),
        .level: p("level", "severity", "levelname", "lvl", "log.level"),
        .service: p("service", "service_name", "app"),
        .provider: p("provider", "llm_provider"),
        .model: p("model"),
        .latency: p("latency_ms", "duration_ms", "elapsed_ms"),
        .status: p("status", "outcome"),
        .httpStatus: p("status_code", "http_status", "statusCode"),
        .inputTokens: p("input_tokens", "prompt_tokens", "usage.input_tokens", "usage.prompt_tokens"),
        .outputTokens: p("output_tokens", "completion_tokens", "usage.output_tokens", "usage.completion_tokens"),
        .cost: p("cost_usd", "cost"),
        .requestID: p("request_id", "requestId", "req_id", "id"),
        .message: p("message", "msg", "event", "error"),
        .errorType: p("error_type", "error_class", "exception_class"),
    ])

    /// OpenAI response objects logged as they come (`usage.prompt_tokens`, `usage.completion_tokens`).
    public static let openai = LogMapping(name: "openai", paths: app.paths.merging([
        .inputTokens: p("usage.prompt_tokens", "usage.input_tokens", "prompt_tokens"),
        .outputTokens: p("usage.completion_tokens", "usage.output_tokens", "completion_tokens"),
    ]) { $1 })

    /// Anthropic message objects (`usage.input_tokens`, `usage.output_tokens`).
    public static let anthropic = LogMapping(name: "anthropic", paths: app.paths.merging([
        .inputTokens: p("usage.input_tokens", "input_tokens"),
        .outputTokens: p("usage.output_tokens", "output_tokens"),
    ]) { $1 })

    /// OpenTelemetry GenAI semantic conventions as flat attributes (also used for OTLP/JSON log records).
    public static let otel = LogMapping(name: "otel", paths: [
        .time: p("timestamp", "time", "timeUnixNano"),
        .level: p("severityText", "level", "severity"),
        .service: [FieldPath("service.name", literal: true)],
        .provider: [FieldPath("gen_ai.provider.name", literal: true), FieldPath("gen_ai.system", literal: true)],
        .model: [FieldPath("gen_ai.request.model", literal: true), FieldPath("gen_ai.response.model", literal: true)],
        .latency: p("latency_ms", "duration_ms") + [FieldPath("gen_ai.client.operation.duration", unit: .seconds, literal: true)],
        .status: p("status"),
        .httpStatus: [FieldPath("http.response.status_code", literal: true), FieldPath("error.type", unit: .errorMarker, literal: true)],
        .inputTokens: [FieldPath("gen_ai.usage.input_tokens", literal: true), FieldPath("gen_ai.usage.prompt_tokens", literal: true)],
        .outputTokens: [FieldPath("gen_ai.usage.output_tokens", literal: true), FieldPath("gen_ai.usage.completion_tokens", literal: true)],
        .cost: p("cost_usd"),
        .requestID: p("request_id", "traceId", "trace_id"),
        .message: p("body", "message"),
        .errorType: [FieldPath("error.type", literal: true)],
    ])

    /// LiteLLM's StandardLoggingPayload, as its `generic_api` callback posts it (captured from the real proxy,
    /// `Fixtures/litellm-1.108.5`): `startTime`/`endTime`/`completionStartTime` in epoch seconds, `response_cost`,
    /// `status` success/failure, the failure's code and class in `error_information`; a failure with no
    /// `custom_llm_provider` never reached a provider and counts under `(gateway)`.
    public static let litellm = LogMapping(name: "litellm", paths: [
        .time: p("startTime", "timestamp"),
        .level: p("level"),
        .service: p("service"),
        .provider: p("custom_llm_provider", "api_provider"),
        .model: p("model", "model_group"),
        .latency: [FieldPath("response_time", unit: .seconds)],
        .status: p("status"),
        .httpStatus: p("status_code", "error_information.error_code", "exception_status"),
        .inputTokens: p("prompt_tokens"),
        .outputTokens: p("completion_tokens"),
        .cost: p("response_cost"),
        .requestID: p("id", "litellm_call_id", "request_id"),
        .message: p("error_information.error_message", "error_str", "message"),
        .errorType: p("error_information.error_class", "exception_class"),
        .endTime: p("endTime"),
        .firstTokenTime: p("completionStartTime"),
    ], gatewayProvider: gatewayLabel)

    /// Google Cloud Logging entries: `severity`, `jsonPayload.*`, `httpRequest.latency` as "0.43s".
    public static let gcp = LogMapping(name: "gcp", paths: [
        .time: p("timestamp", "receiveTimestamp"),
        .level: p("severity"),
        .service: p("resource.labels.service_name", "resource.labels.function_name", "resource.labels.container_name", "jsonPayload.service"),
        .provider: p("jsonPayload.provider"),
        .model: p("jsonPayload.model"),
        .latency: p("jsonPayload.latency_ms") + [FieldPath("httpRequest.latency", unit: .durationString)],
        .status: p("jsonPayload.status"),
        .httpStatus: p("jsonPayload.status_code", "httpRequest.status"),
        .inputTokens: p("jsonPayload.input_tokens", "jsonPayload.usage.prompt_tokens"),
        .outputTokens: p("jsonPayload.output_tokens", "jsonPayload.usage.completion_tokens"),
        .cost: p("jsonPayload.cost_usd"),
        .requestID: p("jsonPayload.request_id", "insertId"),
        .message: p("jsonPayload.message", "textPayload", "jsonPayload.error"),
    ])

    /// AWS Lambda JSON logs: the app's own lines plus `platform.*` events (`record.requestId`).
    public static let lambda = LogMapping(name: "lambda", paths: app.paths.merging([
        .requestID: p("requestId", "request_id", "record.requestId"),
        .message: p("message", "type", "msg"),
        .status: p("status", "record.status"),
    ]) { $1 })

    /// Every preset by name, for `--mapping` and the configuration.
    public static let presets: [LogMapping] = [app, openai, anthropic, otel, litellm, gcp, lambda]

    public static func preset(named name: String) -> LogMapping? { presets.first { $0.name == name } }
}
