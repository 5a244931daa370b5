import Foundation

/// A probe response's body parsed as JSON once for every reader of it — the liveness verdict, the readiness report,
/// the deployed version and the configured conditions each read the same body (it was parsed up to three times).
public struct ProbeBody {
    /// The parsed body: an object, an array or a fragment (LiteLLM's liveness answers a bare JSON string); nil when
    /// the body is empty or not JSON.
    public let json: Any?

    public init(_ bytes: [UInt8]) {
        json = bytes.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }
}
