import Foundation

/// How a service's own admin API says who takes its LLM traffic, when it is not lookout's `{"providers":{…}}`:
/// paths into the JSON body, written as conditions write them (`[BODY].primary`, `[BODY].routing.fallbacks[0]`).
///
/// ```yaml
/// routing:
///   path: /admin/llm
///   primary: "[BODY].primary"             # a provider name (or a list)
///   standby: "[BODY].fallbacks"           # optional: a name or a list
///   disabled: "[BODY].forced_down"        # a name or a list
///   enabled: "[BODY].failover_enabled"    # false: nobody stands by, the others get no traffic
///   providers: [openai, anthropic]        # the providers the body may not name
/// ```
/// Roles: a disabled provider is `disabled`; the primary `primary`; a listed standby `standby`; any other
/// provider `standby` while failover is enabled (or nothing says), `disabled` when it is not.
public struct RoutingMapping: Sendable, Equatable {
    public var primary: BodyPath?
    public var standby: BodyPath?
    public var disabled: BodyPath?
    public var enabled: BodyPath?
    /// Providers named by the configuration (the body may name only the primary).
    public var providers: [String]

    public init(primary: BodyPath? = nil, standby: BodyPath? = nil, disabled: BodyPath? = nil, enabled: BodyPath? = nil,
                providers: [String] = []) {
        self.primary = primary
        self.standby = standby
        self.disabled = disabled
        self.enabled = enabled
        self.providers = providers
    }

    /// The keys it takes in a `routing:` section.
    public static let keys: Set<String> = ["primary", "standby", "disabled", "enabled", "providers"]

    /// The roles a body gives, or why it cannot be read.
    public func routes(_ body: [UInt8]) -> Result<[ProviderRoute], RoutingProblem> {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) else {
            return .failure(RoutingProblem(message: "routing body is not JSON"))
        }
        func names(_ path: BodyPath?) throws(RoutingProblem) -> [String] {
            guard let path else { return [] }
            switch Condition.resolve(path.components, in: json) {
            case nil, is NSNull: return []
            case let text as String: return text.isEmpty ? [] : [text]
            case let list as [Any]:
                let texts = list.compactMap { $0 as? String }
                guard texts.count == list.count else { throw RoutingProblem(message: "\(path.text) is not a list of provider names") }
                return texts
            default: throw RoutingProblem(message: "\(path.text) is not a provider name or a list of them")
            }
        }
        do throws(RoutingProblem) {
            let primary = try names(primary), standby = try names(standby), disabled = try names(disabled)
            var failover: Bool?
            if let enabled {
                switch Condition.resolve(enabled.components, in: json) {
                case nil, is NSNull: failover = nil
                case let flag as Bool: failover = flag
                case let number as NSNumber: failover = number.intValue != 0
                case let text as String: failover = ["true", "yes", "on", "1", "enabled"].contains(text.lowercased())
                default: throw RoutingProblem(message: "\(enabled.text) is not true or false")
                }
            }
            var all: [String] = []
            for name in providers + primary + standby + disabled where !all.contains(name) { all.append(name) }
            let routes = all.prefix(RoutingReport.maxProviders).map { provider -> ProviderRoute in
                // Listed standbys and the other named providers alike stand by, unless failover is off.
                let role: ProviderRole = disabled.contains(provider) ? .disabled : primary.contains(provider) ? .primary
                    : failover == false ? .disabled : .standby
                return ProviderRoute(provider: provider, role: role)
            }
            guard !routes.isEmpty else { return .failure(RoutingProblem(message: "the routing body names no provider")) }
            return .success(routes.sorted { $0.provider < $1.provider })
        } catch {
            return .failure(error)
        }
    }
}

/// A path into a JSON body, as conditions write it: `[BODY].a.b`, `[BODY].list[0]`.
public struct BodyPath: Sendable, Equatable {
    public var components: [String]
    /// As written, for messages.
    public var text: String

    /// Parses `[BODY].path`; nil when the text is not one.
    public init?(_ text: String) {
        guard text.hasPrefix("[BODY].") else { return nil }
        let rest = text.dropFirst("[BODY].".count)
        let components = rest.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !components.isEmpty, !components.contains(where: \.isEmpty) else { return nil }
        self.components = components
        self.text = SafeText.escape(text)
    }
}
