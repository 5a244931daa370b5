import Foundation

/// A probe response's body parsed as JSON at most once for every reader of it — the liveness verdict, the readiness
/// report, the deployed version and the configured conditions each read the same body (it was parsed up to three
/// times) — and not at all when none of them needs it (a readiness body the same as the last one).
public final class ProbeBody {
    private let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The parsed body: an object, an array or a fragment (LiteLLM's liveness answers a bare JSON string); nil when
    /// the body is empty or not JSON.
    public private(set) lazy var json: Any? = bytes.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
}
