import Foundation

/// Which endpoint of a service a probe asked.
public enum ProbeKind: String, Sendable, Equatable, Hashable, CaseIterable {
    case liveness
    case readiness
    /// A costly deep check (one that calls an LLM), on its own longer interval.
    case deep
    /// The service's Prometheus `/metrics`, read for LLM-call statistics.
    case metrics
    /// The service's provider routing (which provider is primary, standby or disabled), as JSON.
    case routing
    /// The service's own version endpoint (`version: { path: … }`).
    case version
}

/// What one HTTP probe observed: raw facts only; judging them is `ServiceHealth`'s job.
public struct ProbeResult: Sendable, Equatable {
    public var service: String
    public var kind: ProbeKind
    /// When the request started (wall clock of the collector).
    public var startedAt: Date
    /// HTTP status, nil when no response arrived.
    public var httpStatus: Int?
    /// Response body, capped by the collector.
    public var body: [UInt8]
    /// Set when the transfer failed (refused, timeout, TLS…).
    public var transportError: TransportError?
    public var timings: ProbeTimings
    /// When the server's TLS certificate expires (https only).
    public var certificateExpiry: Date?
    /// The response headers the service's configuration asked to read (`version: { header: … }`), by lower-cased name.
    public var headers: [String: String] = [:]

    public init(service: String, kind: ProbeKind, startedAt: Date, httpStatus: Int?, body: [UInt8] = [],
                transportError: TransportError? = nil, timings: ProbeTimings = ProbeTimings(), certificateExpiry: Date? = nil) {
        self.certificateExpiry = certificateExpiry
        self.service = service
        self.kind = kind
        self.startedAt = startedAt
        self.httpStatus = httpStatus
        self.body = body
        self.transportError = transportError
        self.timings = timings
    }
}

/// A failed transfer: libcurl's code and message.
public struct TransportError: Sendable, Equatable {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }
}

/// Where the time of one request went, each phase cumulative from the start as libcurl reports it.
public struct ProbeTimings: Sendable, Equatable {
    public var dnsMicros: Int64
    public var connectMicros: Int64
    public var tlsMicros: Int64
    public var firstByteMicros: Int64
    public var totalMicros: Int64

    public init(dnsMicros: Int64 = 0, connectMicros: Int64 = 0, tlsMicros: Int64 = 0,
                firstByteMicros: Int64 = 0, totalMicros: Int64 = 0) {
        self.dnsMicros = dnsMicros
        self.connectMicros = connectMicros
        self.tlsMicros = tlsMicros
        self.firstByteMicros = firstByteMicros
        self.totalMicros = totalMicros
    }

    /// Total time in milliseconds.
    public var totalMillis: Double { Double(totalMicros) / 1000 }
}
