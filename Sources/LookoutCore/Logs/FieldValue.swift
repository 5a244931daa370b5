import Foundation

/// A field's value before conversion, from either parser: the two routes share the conversion below,
/// which is what keeps the fast path and the full parser in agreement.
enum FieldValue {
    case string(String)
    case number(Double)
    case bool(Bool)

    /// From a value of `JSONSerialization`; nil for null, objects and arrays.
    init?(json: Any) {
        if let number = json as? NSNumber {
            // Booleans arrive as an NSNumber subclass too (`as? Bool` also matches 0 and 1): tell them by class.
            if type(of: number) == FieldValue.booleanClass { self = .bool(number.boolValue) }
            else { self = .number(number.doubleValue) }
        } else if let text = json as? String {
            self = .string(text)
        } else {
            return nil
        }
    }

    private static let booleanClass: AnyClass = type(of: NSNumber(value: true))

    /// From a span of the byte scanner; nil for null.
    init?(span: FieldSpan, bytes: UnsafeBufferPointer<UInt8>) {
        switch span.kind {
        case .none: return nil
        case .string, .escapedString:
            self = .string(JSONBytes.string(bytes, span.start, span.end, escaped: span.kind == .escapedString))
        case .number:
            guard let value = JSONBytes.double(bytes, span.start, span.end) else { return nil }
            self = .number(value)
        case .literal:
            switch bytes[span.start] {
            case UInt8(ascii: "t"): self = .bool(true)
            case UInt8(ascii: "f"): self = .bool(false)
            default: return nil
            }
        }
    }

    var text: String {
        switch self {
        case let .string(s): return s
        case let .number(d): return FieldValue.format(d)
        case let .bool(b): return b ? "true" : "false"
        }
    }

    var double: Double? {
        switch self {
        case let .number(d): return d
        case let .string(s): return Double(s.trimmingWhitespace()).flatMap { $0.isFinite ? $0 : nil }
        case .bool: return nil
        }
    }

    var int: Int? { double.flatMap(FieldValue.integral) }

    /// The integer a count field holds: whole numbers below 10^15, else none. Shared with the statistics fast lane.
    @inline(__always)
    static func integral(_ d: Double) -> Int? {
        guard d.rounded() == d, abs(d) < 1e15 else { return nil }
        return Int(d)
    }

    static func format(_ d: Double) -> String {
        if d.rounded() == d, abs(d) < 1e15 { return String(Int(d)) }
        return String(d)
    }
}

extension LogRecord {
    /// Sets `field` from `value` with the conversions every route shares.
    mutating func set(_ field: LogField, _ value: FieldValue, unit: FieldUnit) {
        switch field {
        case .time: time = value.text
        case .level:
            if case let .number(n) = value { level = LogRecord.pinoLevel(n) } else { level = LogLevel.parse(value.text) }
        case .service: service = value.text
        case .provider:
            // LiteLLM labels failures that never reached a provider "None" (or leaves the field empty).
            let text = value.text
            provider = text.isEmpty || text == "None" || text == "null" ? nil : text
        case .model: model = value.text
        case .requestID: requestID = value.text
        case .message: message = value.text.isEmpty ? nil : value.text
        case .errorType: errorType = value.text.isEmpty ? nil : value.text
        case .endTime: endTime = value.text
        case .firstTokenTime: firstTokenTime = value.text
        case .status:
            if case let .number(n) = value, httpStatus == nil { httpStatus = Int(exactly: n) } else if case .string = value { status = value.text }
        case .httpStatus:
            if unit == .errorMarker {
                if status == nil { status = "error" }
                if httpStatus == nil, let code = value.int { httpStatus = code }
                if message == nil { message = "error.type \(value.text)" }
            } else if let code = value.int, code > 0 {
                httpStatus = code
            }
        case .latency:
            switch unit {
            case .seconds: latencyMs = value.double.map { $0 * 1000 }
            case .durationString:
                let text = value.text
                latencyMs = text.hasSuffix("s") ? Double(text.dropLast()).map { $0 * 1000 } : value.double.map { $0 * 1000 }
            default: latencyMs = value.double
            }
        case .inputTokens: inputTokens = value.int
        case .outputTokens: outputTokens = value.int
        case .cost: costUSD = value.double
        }
    }

    /// What every route does once the fields are set: a call that never reached a provider is named after the
    /// gateway (`gateway`: the mapping's `gatewayProvider`); with a start and an end time the latency is their
    /// difference (LiteLLM's `response_time` of a streamed call is its time to first token), and a first token that
    /// came before the end is the time to first token; a failed call with no level is level error.
    mutating func finish(gateway: String?) {
        if provider == nil, let gateway, model != nil || status != nil { provider = gateway }
        // LiteLLM writes the deployment's model with its provider in front (`openai/gpt-4o-mini`).
        if let provider, let model, model.count > provider.count + 1, model.hasPrefix(provider + "/") {
            self.model = String(model.dropFirst(provider.count + 1))
        }
        if let endTime, let time, let start = LogTime.epochSeconds(time), let end = LogTime.epochSeconds(endTime), end >= start {
            latencyMs = (end - start) * 1000
            if let firstTokenTime, let first = LogTime.epochSeconds(firstTokenTime), first >= start, end - first > 0.0005 {
                timeToFirstTokenMs = (first - start) * 1000
            }
        }
        if level == .unknown, let status, ErrorClass.isErrorStatus(status) { level = .error }
    }

    /// pino/bunyan numeric levels (10 trace … 60 fatal).
    static func pinoLevel(_ n: Double) -> LogLevel {
        switch n {
        case ..<20: return .trace
        case ..<30: return .debug
        case ..<40: return .info
        case ..<50: return .warn
        case ..<60: return .error
        default: return .fatal
        }
    }
}
