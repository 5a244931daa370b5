/// How a value found at a path becomes a field value.
public enum FieldUnit: Sendable, Equatable {
    /// Taken as is (latency: milliseconds).
    case plain
    /// A latency in seconds, converted to milliseconds.
    case seconds
    /// A duration string such as Google's `"0.431227s"`, converted to milliseconds.
    case durationString
    /// Its presence marks the record failed (`error.type`); a numeric value is also the HTTP status.
    case errorMarker
}

/// One place a field may be found: a path of object keys (a single key may contain dots, as OTel's do).
public struct FieldPath: Sendable, Equatable {
    public var components: [String]
    public var unit: FieldUnit

    public init(_ path: String, unit: FieldUnit = .plain, literal: Bool = false) {
        components = literal ? [path] : path.split(separator: ".").map(String.init)
        self.unit = unit
    }

    /// A single top-level key (the byte scanner's fast path).
    public var isTopLevel: Bool { components.count == 1 }
}

/// A mapping turns a decoded object into a `LogRecord`: for each field, candidate paths in order.
public struct LogMapping: Sendable, Equatable {
    public var name: String
    public var paths: [LogField: [FieldPath]]
    /// The provider named for a call that never reached one (LiteLLM's `api_provider: "None"`: a bad key, an
    /// unknown model, the router's own rate limit): one clearly named row instead of a provider called "None".
    public var gatewayProvider: String?

    public init(name: String, paths: [LogField: [FieldPath]], gatewayProvider: String? = nil) {
        self.name = name
        self.paths = paths
        self.gatewayProvider = gatewayProvider
    }

    /// The row name of gateway-level failures.
    public static let gatewayLabel = "(gateway)"

    /// The name recorded for lines that could not be decoded.
    public static let malformedName = "malformed"
    /// The name of an empty line's record: counted as a line, never kept or shown.
    public static let blankName = "blank"
    /// OTLP/JSON log documents: each entry expands to its log records (mapped with the `otel` preset).
    public static let otlpName = "otlp"
}
