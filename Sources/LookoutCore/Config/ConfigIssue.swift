/// One problem found in a configuration file, located by file, line and key.
public struct ConfigIssue: Sendable, Equatable, Error, CustomStringConvertible {
    public var file: String
    /// 1-based line, or nil when the problem concerns the whole file.
    public var line: Int?
    /// Dotted path of the key, e.g. `contexts.prod.services[1].interval`.
    public var key: String
    public var message: String

    public init(file: String, line: Int?, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `file:line: key \`path\`: message`, the form editors and terminals link to.
    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(location): \(message)" : "\(location): key `\(key)`: \(message)"
    }
}

/// All the problems of one file; thrown when a configuration cannot be used.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [ConfigIssue]

    public init(_ issues: [ConfigIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
