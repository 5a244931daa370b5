import Yams

/// Custom log mappings in the configuration:
///
/// ```yaml
/// mappings:
///   gateway:
///     base: app                                  # optional: start from a preset's paths
///     fields:
///       provider: llm.vendor                     # a path; dots descend into objects
///       model: [llm.model, model]                # candidates, first found wins
///       latency: { path: timing.total, unit: s } # units: ms (default), s, duration ("0.43s")
///       service: { key: service.name }           # one key that contains dots (OpenTelemetry style)
/// ```
enum MappingConfigParser {
    static let keys: Set<String> = ["base", "fields"]
    static let fieldNames: [String: LogField] = Dictionary(uniqueKeysWithValues: LogField.allCases.map { ($0.description, $0) })

    static func read(_ node: Node, _ reader: inout YAMLReader) -> [LogMapping] {
        var mappings: [LogMapping] = []
        for (name, _, value) in reader.pairs(node, at: "mappings", allowed: nil) ?? [] {
            let path = "mappings.\(name)"
            if LogMapping.preset(named: name) != nil || name == LogMapping.malformedName {
                reader.fail(value, path, "\"\(name)\" is a preset's name: choose another")
                continue
            }
            var mapping = LogMapping(name: name, paths: [:])
            let issuesBefore = reader.issues.count
            for (key, keyNode, entry) in reader.pairs(value, at: path, allowed: keys) ?? [] {
                if key == "base" {
                    guard let baseName = reader.string(entry, at: "\(path).base") else { continue }
                    guard let base = LogMapping.preset(named: baseName) else {
                        reader.fail(entry, "\(path).base", "unknown preset (one of: \(LogMapping.presets.map(\.name).joined(separator: ", ")))")
                        continue
                    }
                    mapping.paths.merge(base.paths) { own, _ in own }
                    continue
                }
                _ = keyNode
                for (fieldName, _, spec) in reader.pairs(entry, at: "\(path).fields", allowed: nil) ?? [] {
                    let fieldPath = "\(path).fields.\(fieldName)"
                    guard let field = fieldNames[fieldName] else {
                        reader.fail(spec, fieldPath, "unknown field (one of: \(LogField.allCases.map(\.description).joined(separator: ", ")))")
                        continue
                    }
                    if let candidates = fieldPaths(spec, field: field, at: fieldPath, &reader) {
                        mapping.paths[field] = candidates
                    }
                }
            }
            if mapping.paths.isEmpty && reader.issues.count == issuesBefore {
                reader.fail(value, path, "defines no field: add `fields:` or a `base:` preset")
            }
            mappings.append(mapping)
        }
        return mappings
    }

    /// A field's candidates: a path, a list of paths, or `{ path|key: …, unit: ms|s|duration }` (also in a list).
    static func fieldPaths(_ node: Node, field: LogField, at path: String, _ reader: inout YAMLReader) -> [FieldPath]? {
        if case let .sequence(items) = node {
            let paths = items.compactMap { fieldPath($0, field: field, at: path, &reader) }
            return paths.count == items.count ? paths : nil
        }
        return fieldPath(node, field: field, at: path, &reader).map { [$0] }
    }

    static func fieldPath(_ node: Node, field: LogField, at path: String, _ reader: inout YAMLReader) -> FieldPath? {
        if case .scalar = node {
            guard let text = reader.string(node, at: path), !text.isEmpty else { return nil }
            return FieldPath(text)
        }
        guard let pairs = reader.pairs(node, at: path, allowed: ["path", "key", "unit"]) else { return nil }
        var values: [String: Node] = [:]
        for (key, _, value) in pairs { values[key] = value }
        var unit = FieldUnit.plain
        if let unitNode = values["unit"], let text = reader.string(unitNode, at: "\(path).unit") {
            switch text {
            case "ms": unit = .plain
            case "s": unit = .seconds
            case "duration": unit = .durationString
            default:
                reader.fail(unitNode, "\(path).unit", "expected ms, s or duration")
                return nil
            }
            if field != .latency {
                reader.fail(unitNode, "\(path).unit", "units apply to latency only")
                return nil
            }
        }
        switch (values["path"], values["key"]) {
        case let (pathNode?, nil): return reader.string(pathNode, at: "\(path).path").map { FieldPath($0, unit: unit) }
        case let (nil, keyNode?): return reader.string(keyNode, at: "\(path).key").map { FieldPath($0, unit: unit, literal: true) }
        default:
            reader.fail(node, path, "give `path` (dots descend) or `key` (one key, dots included)")
            return nil
        }
    }
}
