/// `{{name}}` substitution for action templates. Values come partly from outside (provider names seen in
/// logs, routing bodies): each is checked before it is put anywhere — no newline, NUL or other control
/// character, at most `maxValueLength` bytes — and a template may only name known variables.
public enum ActionTemplate {
    public static let variables: Set<String> = ["service", "provider", "role", "context", "url"]
    public static let maxValueLength = 256

    /// The variables `template` names that lookout does not know (a configuration error).
    public static func unknownVariables(in template: String) -> [String] {
        names(in: template).filter { !variables.contains($0) }
    }

    /// `template` with every `{{name}}` replaced; throws naming the variable whose value is refused or missing.
    public static func render(_ template: String, _ values: [String: String]) throws(ActionTemplateError) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
            guard let value = values[name] else { throw ActionTemplateError(variable: name, problem: "has no value here") }
            try check(name, value)
            out += value
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// Refuses a value that could change the request's shape or the terminal.
    public static func check(_ name: String, _ value: String) throws(ActionTemplateError) {
        if value.isEmpty { throw ActionTemplateError(variable: name, problem: "is empty") }
        if value.utf8.count > maxValueLength {
            throw ActionTemplateError(variable: name, problem: "is longer than \(maxValueLength) bytes")
        }
        if value.contains("${") || value.contains("{{") {
            throw ActionTemplateError(variable: name, problem: "contains a template or secret reference")
        }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
            throw ActionTemplateError(variable: name, problem: "contains a newline, NUL or other control character")
        }
    }

    static func names(in template: String) -> [String] {
        var found: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            found.append(String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return found
    }
}

/// A template value that was refused, or a variable with no value.
public struct ActionTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var variable: String
    public var problem: String

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }

    public var description: String { "{{\(variable)}} \(problem)" }
}
