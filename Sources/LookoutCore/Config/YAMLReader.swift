import Yams

/// Walks a composed YAML tree, collecting every problem with its line instead of stopping at the first.
struct YAMLReader {
    let file: String
    private(set) var issues: [ConfigIssue] = []
    /// Mapping names used by log sources, checked once the whole file is read.
    var mappingReferences: [(String, Node, String)] = []
    /// Metric mapping names used by `metrics:` endpoints, checked once the whole file is read.
    var metricMappingReferences: [(String, Node, String)] = []
    /// `metrics: { prometheus: … }` of the services (the node and key of the matchers), resolved once the whole file is
    /// read: the query needs the context's server and the mapping's families.
    var promQLReferences: [(Node, String)] = []
    /// `${secret:NAME}` uses, checked against `secrets:` once the whole file is read.
    var secretReferences: [(String, Node, String)] = []

    init(file: String) { self.file = file }

    mutating func fail(_ node: Node?, _ key: String, _ message: String) {
        issues.append(ConfigIssue(file: file, line: node?.mark?.line, key: key, message: message))
    }

    /// The mapping's pairs as (key text, key node, value), reporting duplicate and unknown keys.
    mutating func pairs(_ node: Node, at path: String, allowed: Set<String>?) -> [(String, Node, Node)]? {
        guard case let .mapping(mapping) = node else {
            fail(node, path, "expected a mapping of keys to values")
            return nil
        }
        var seen: Set<String> = []
        var out: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            let name = keyNode.string ?? ""
            let keyPath = path.isEmpty ? name : "\(path).\(name)"
            if !seen.insert(name).inserted {
                fail(keyNode, keyPath, "duplicate key")
                continue
            }
            if let allowed, !allowed.contains(name) {
                if let near = allowed.map({ ($0, YAMLReader.distance($0, name)) }).filter({ $0.1 <= 2 }).min(by: { $0.1 < $1.1 }) {
                    fail(keyNode, keyPath, "unknown key (did you mean `\(near.0)`?)")
                } else {
                    fail(keyNode, keyPath, "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
                }
                continue
            }
            out.append((name, keyNode, value))
        }
        return out
    }

    /// Levenshtein distance, for "did you mean" on typos.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    mutating func string(_ node: Node, at path: String) -> String? {
        guard case let .scalar(scalar) = node else {
            fail(node, path, "expected a text value")
            return nil
        }
        return scalar.string
    }

    mutating func duration(_ node: Node, at path: String) -> Duration? {
        guard let text = string(node, at: path) else { return nil }
        guard let value = DurationText.parse(text), value > .zero else {
            fail(node, path, "expected a positive duration such as 500ms, 5s or 1m, got \"\(SafeText.escape(text))\"")
            return nil
        }
        return value
    }

    mutating func sequence(_ node: Node, at path: String) -> [Node]? {
        guard case let .sequence(sequence) = node else {
            fail(node, path, "expected a list")
            return nil
        }
        return Array(sequence)
    }
}
