import Foundation

/// Where a service's deployed version is read (`version:` in a service's configuration). By default from the bodies
/// of its liveness and readiness responses; or from a response header they carry; or from an endpoint of its own,
/// probed on the service's schedule.
public struct VersionConfig: Sendable, Equatable {
    /// A response header of the liveness and readiness probes holding the version (`X-App-Version`).
    public var header: String?
    /// An endpoint of its own (`/version`, Spring's `/actuator/info`, LiteLLM's `/health/readiness/details`).
    public var endpoint: SideEndpoint?
    /// Where in the body the version is; nil: the known fields (see `DeployedVersion.read(json:field:)`).
    public var field: BodyPath?
    /// How long a rollout may stay mixed before it is said to have stalled.
    public var stallAfter: Duration = .seconds(600)

    public init(header: String? = nil, endpoint: SideEndpoint? = nil, field: BodyPath? = nil, stallAfter: Duration = .seconds(600)) {
        self.header = header
        self.endpoint = endpoint
        self.field = field
        self.stallAfter = stallAfter
    }

    /// The probes whose responses carry the version: the service's own version endpoint when it has one, else
    /// liveness and readiness.
    public func isRead(from kind: ProbeKind) -> Bool {
        endpoint == nil ? kind == .liveness || kind == .readiness : kind == .version
    }
}

/// What a response said about the version running behind it: the name shown (`1.4.2`), and every identifier the body
/// gave (the version, a commit, an image), which `--expect-version` may name.
public struct DeployedVersion: Sendable, Equatable, Hashable {
    /// Escaped and at most 64 characters.
    public var name: String
    /// `name` first, then the other identifiers found (Spring's `git.commit.id` beside `build.version`).
    public var identifiers: [String]

    public init(_ name: String, also others: [String] = []) {
        self.name = name
        identifiers = [name] + others.filter { $0 != name }
    }

    /// Fields read, in order of preference for the name shown; every one found is an identifier. Dotted entries are
    /// nested objects: Spring Boot's `/actuator/info` has `{"build":{"version":…},"git":{"commit":{"id":…}}}`.
    public static let knownFields: [[String]] = [
        ["version"], ["build", "version"], ["litellm_version"], ["revision"], ["commit"], ["git_sha"],
        ["git", "commit", "id"], ["image"],
    ]

    /// Reads a response: the configured header, else the configured field, else the known fields of a JSON body.
    public static func read(_ result: ProbeResult, config: VersionConfig) -> DeployedVersion? {
        read(result, body: config.header == nil ? ProbeBody(result.body) : nil, config: config)
    }

    /// Reads a response whose body is already parsed (nil: not needed, a header is read).
    public static func read(_ result: ProbeResult, body: ProbeBody?, config: VersionConfig) -> DeployedVersion? {
        guard result.transportError == nil, result.httpStatus != nil else { return nil }
        if let header = config.header {
            return result.headers[header.lowercased()].flatMap(clean).map { DeployedVersion($0) }
        }
        guard let json = body?.json else { return nil }
        return read(json: json, field: config.field)
    }

    /// Reads a parsed JSON body.
    public static func read(json: Any, field: BodyPath?) -> DeployedVersion? {
        if let field {
            return Condition.resolve(field.components, in: json).flatMap(scalar).flatMap(clean).map { DeployedVersion($0) }
        }
        let found = knownFields.compactMap { Condition.resolve($0, in: json).flatMap(scalar).flatMap(clean) }
        guard let first = found.first else { return nil }
        return DeployedVersion(first, also: Array(found.dropFirst()))
    }

    /// A string or a number (`"version": 3`); objects and arrays are not versions.
    private static func scalar(_ value: Any) -> String? {
        if let text = value as? String { return text }
        if let number = value as? NSNumber, type(of: number) != type(of: NSNumber(value: true)) { return Condition.text(number) }
        return nil
    }

    /// Trimmed, escaped, at most 64 characters; nil when empty.
    private static func clean(_ raw: String) -> String? {
        let trimmed = raw.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        let safe = SafeText.escape(trimmed)
        return safe.count > 64 ? String(safe.prefix(63)) + "…" : safe
    }

    /// Whether this is the version `expected` names: any identifier equal to it, or — for commit hashes — one a
    /// prefix of the other, at least 7 characters long (`df027cf` is `df027cf4e1…`, GitHub's full `github.sha`).
    public func matches(_ expected: String) -> Bool {
        let wanted = expected.trimmingCharacters(in: .whitespaces)
        return identifiers.contains { id in
            if id == wanted { return true }
            let (short, long) = id.count <= wanted.count ? (id, wanted) : (wanted, id)
            return short.count >= 7 && Self.isHex(short) && Self.isHex(long) && long.lowercased().hasPrefix(short.lowercased())
        }
    }

    /// Whether `a` is an older version number than `b`: both dotted numbers (`v1.4.1`, `2026.11.3`, `1.4.1-rc2`
    /// compares its numbers), compared part by part; false when either is not one (a commit, an image).
    public static func isOlder(_ a: DeployedVersion, than b: DeployedVersion) -> Bool {
        guard let x = numbers(a.name), let y = numbers(b.name) else { return false }
        return x.lexicographicallyPrecedes(y)
    }

    /// `v1.4.1` → [1, 4, 1]; nil unless the name is numbers separated by dots (an optional `v`, an optional `-suffix`).
    static func numbers(_ name: String) -> [Int]? {
        var text = Substring(name)
        if text.first == "v" || text.first == "V" { text = text.dropFirst() }
        if let dash = text.firstIndex(of: "-") { text = text[..<dash] }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count >= 2, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.map { $0! }
    }

    private static func isHex(_ text: String) -> Bool { text.allSatisfy(\.isHexDigit) }
}
