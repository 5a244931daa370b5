import Foundation

/// An action the engineer can run on a service: a request to an admin endpoint or a command (argv, never a
/// shell), with its guard rails. Templates take `{{service}}`, `{{provider}}`, `{{role}}`, `{{context}}`,
/// `{{url}}` (the service's base URL) and `${secret:NAME}`.
public struct ActionConfig: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case http(method: String, url: String, headers: [HTTPHeader], body: String?)
        case command(argv: [String])
    }

    /// How the engineer confirms: a key, or typing the service's name.
    public enum Confirmation: String, Sendable, Equatable {
        case yes
        case typeName = "type-name"
    }

    /// What to watch once the action succeeded.
    public struct FollowUp: Sendable, Equatable {
        /// Watch readiness until ready, for at most this long.
        public var timeout: Duration

        public init(timeout: Duration) { self.timeout = timeout }
    }

    public var name: String
    public var kind: Kind
    /// Changes something outside lookout: removed in read-only mode, and confirmed.
    public var dangerous: Bool
    public var confirm: Confirmation
    public var timeout: Duration
    /// The HTTP status (http) or exit code (command) that means success; nil: any 2xx, or exit 0.
    public var expect: Int?
    public var followUp: FollowUp?
    /// The roles a failover action can set, and the word `{{role}}` becomes for each (an admin API that only
    /// knows "make X primary" takes `[primary]`; one that says `down` for disabled maps it). nil: all three, as named.
    public var roles: [ProviderRole: String]?

    public init(name: String, kind: Kind, dangerous: Bool = true, confirm: Confirmation = .yes,
                timeout: Duration = .seconds(30), expect: Int? = nil, followUp: FollowUp? = nil) {
        self.name = name
        self.kind = kind
        self.dangerous = dangerous
        self.confirm = confirm
        self.timeout = timeout
        self.expect = expect
        self.followUp = followUp
    }

    /// Whether the action can set `role`.
    public func supports(_ role: ProviderRole) -> Bool { roles.map { $0[role] != nil } ?? true }

    /// The word `{{role}}` becomes for `role`.
    public func word(for role: ProviderRole) -> String { roles?[role] ?? role.rawValue }

    /// Whether the templates use `{{provider}}` (the action is about one provider, such as a failover).
    public var takesProvider: Bool { templates.contains { $0.contains("{{provider}}") } }

    /// Whether the templates use `{{role}}` (a failover that sets a role).
    public var takesRole: Bool { templates.contains { $0.contains("{{role}}") } }

    /// The roles this action can set, in the order primary, standby, disabled.
    public var supportedRoles: [ProviderRole] { [.primary, .standby, .disabled].filter(supports) }

    /// Every template text of the action.
    public var templates: [String] {
        switch kind {
        case let .http(method, url, headers, body): return [method, url] + headers.map(\.value) + (body.map { [$0] } ?? [])
        case let .command(argv): return argv
        }
    }
}
