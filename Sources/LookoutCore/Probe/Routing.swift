import Foundation

/// A provider's part in a service's routing: `primary` takes the traffic, `standby` takes it when no primary
/// can, `disabled` gets none.
public enum ProviderRole: String, Sendable, Equatable, CaseIterable, Comparable {
    case primary, standby, disabled

    /// primary < standby < disabled: the strongest role first.
    public static func < (a: ProviderRole, b: ProviderRole) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One provider's role in a service's routing.
public struct ProviderRoute: Sendable, Equatable {
    public var provider: String
    public var role: ProviderRole

    public init(provider: String, role: ProviderRole) {
        self.provider = provider
        self.role = role
    }
}

/// Reads a routing endpoint's JSON: `{"providers": {"openai": "primary", "anthropic": "standby"}}`, or the same
/// object without the `providers` wrapper. Unknown roles and non-string values are reported, not guessed.
public enum RoutingReport {
    /// At most this many providers are read from one body (labels from outside are bounded).
    public static let maxProviders = 64

    public static func parse(_ body: [UInt8]) -> Result<[ProviderRoute], RoutingProblem> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            return .failure(RoutingProblem(message: "routing body is not a JSON object"))
        }
        let table = object["providers"] as? [String: Any] ?? object
        var routes: [ProviderRoute] = []
        for (provider, value) in table.sorted(by: { $0.key < $1.key }).prefix(maxProviders) {
            let text = (value as? String) ?? ((value as? [String: Any])?["role"] as? String)
            guard let text, let role = ProviderRole(rawValue: text.lowercased()) else {
                return .failure(RoutingProblem(message: "role of \(SafeText.escape(provider)) is not primary, standby or disabled"))
            }
            routes.append(ProviderRoute(provider: provider, role: role))
        }
        return .success(routes)
    }
}

/// Why a routing body could not be read.
public struct RoutingProblem: Error, Sendable, Equatable {
    public var message: String

    public init(message: String) { self.message = message }
}
