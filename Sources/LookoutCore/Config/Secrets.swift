/// Where a secret's value comes from. Values are never written in the configuration itself.
public enum SecretSource: Sendable, Equatable {
    case environment(String)
    case file(String)
    /// A command's standard output (argv, never a shell), such as a cloud secrets-manager CLI.
    case command([String])
}

/// `${secret:NAME}` references inside configuration values.
public enum SecretReference {
    /// The secret names `text` refers to, in order of appearance.
    public static func names(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${secret:") {
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { break }
            names.append(String(rest[start.upperBound..<end]))
            rest = rest[rest.index(after: end)...]
        }
        return names
    }

    /// `text` with each reference replaced by its value; nil names the first reference without a value.
    public static func substitute(_ text: String, values: [String: String]) -> Result<String, MissingSecret> {
        var out = text
        for name in names(in: text) {
            guard let value = values[name] else { return .failure(MissingSecret(name: name)) }
            out = out.replacingOccurrences(of: "${secret:\(name)}", with: value)
        }
        return .success(out)
    }

    /// `text` with each reference shown as `••••`, for anything displayed, logged or audited.
    public static func mask(_ text: String) -> String {
        var out = text
        for name in names(in: text) { out = out.replacingOccurrences(of: "${secret:\(name)}", with: "••••") }
        return out
    }

    /// A secret value's characters that may be masked inside other text (a resolved header echoed in an error).
    public static func redact(_ text: String, secrets: some Collection<String>) -> String {
        secrets.filter { $0.count >= 4 }.reduce(text) { $0.replacingOccurrences(of: $1, with: "••••") }
    }
}

/// A reference to a secret the configuration does not define, or whose source gave nothing.
public struct MissingSecret: Error, Sendable, Equatable, CustomStringConvertible {
    public let name: String
    public var reason: String

    public init(name: String, reason: String = "not defined in `secrets:`") {
        self.name = name
        self.reason = reason
    }
    public var description: String { "secret \(name): \(reason)" }
}

import Foundation
