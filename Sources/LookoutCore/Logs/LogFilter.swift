import Foundation

/// A Logs-screen filter: space-separated terms, all of which must match.
/// `field:value` (substring, case-insensitive; fields: service provider model status level mapping request_id),
/// `field=value` (the whole field),
/// `level>=warn` (also `>`, `<=`, `<`, `=`), `/regex/`, `after:2026-11-30T03:40:00Z` (lines that arrived from
/// then on), or plain text (searched in the raw line).
public struct LogFilter: Sendable, Equatable {
    public enum Term: Sendable, Equatable {
        case text(String)
        case field(name: String, value: String)
        /// `field=value`: the whole field, case-insensitively (`provider=openai` leaves out azure-openai).
        case exact(name: String, value: String)
        case level(op: String, level: LogLevel)
        case regex(String)
        /// Lines that arrived at or after this instant (the Providers screen's window start).
        case after(Date)
    }

    public let source: String
    public let terms: [Term]
    // NSRegularExpression is not Sendable: compiled patterns are rebuilt from `terms` on use.

    /// Parses `text`; throws a message naming the bad term.
    public init(_ text: String) throws(LogFilterError) {
        source = text
        var terms: [Term] = []
        for word in text.split(separator: " ").map(String.init) {
            if word.hasPrefix("/"), word.hasSuffix("/"), word.count >= 3 {
                let pattern = String(word.dropFirst().dropLast())
                guard (try? NSRegularExpression(pattern: pattern)) != nil else { throw LogFilterError("bad regex: \(pattern)") }
                terms.append(.regex(pattern))
            } else if word.lowercased().hasPrefix("level") && word.count > 5 && "<>=".contains(word[word.index(word.startIndex, offsetBy: 5)]) {
                let rest = word.dropFirst(5)
                let op = String(rest.prefix { "<>=".contains($0) })
                let level = LogLevel.parse(rest.dropFirst(op.count))
                guard ["<", "<=", ">", ">=", "="].contains(op), level != .unknown else {
                    throw LogFilterError("bad level term \"\(word)\": use level>=warn, level=error…")
                }
                terms.append(.level(op: op, level: level))
            } else if word.lowercased().hasPrefix("after:") {
                guard let date = ISO8601DateFormatter().date(from: String(word.dropFirst(6))) else {
                    throw LogFilterError("bad time in \"\(word)\": use after:2026-11-30T03:40:00Z")
                }
                terms.append(.after(date))
            } else if let equals = word.firstIndex(of: "="), equals != word.startIndex, !word.contains(":"),
                      LogFilter.fields.contains(word[..<equals].lowercased()) {
                terms.append(.exact(name: word[..<equals].lowercased(), value: String(word[word.index(after: equals)...]).lowercased()))
            } else if let colon = word.firstIndex(of: ":"), colon != word.startIndex {
                let name = word[..<colon].lowercased()
                guard LogFilter.fields.contains(name) else {
                    throw LogFilterError("unknown field \"\(name)\" (fields: \(LogFilter.fields.sorted().joined(separator: ", ")))")
                }
                terms.append(.field(name: name, value: String(word[word.index(after: colon)...]).lowercased()))
            } else {
                terms.append(.text(word.lowercased()))
            }
        }
        self.terms = terms
    }

    /// The value a field term is matched against: what the Logs screen shows in that place (the service column
    /// shows the record's service, else the service its source belongs to).
    static func field(_ name: String, of record: LogRecord, source: String?) -> [String] {
        switch name {
        case "service": return [record.service ?? source].compactMap { $0 }
        case "provider": return [record.provider].compactMap { $0 }
        case "model": return [record.model].compactMap { $0 }
        case "status": return [record.status, record.httpStatus.map { "HTTP \($0)" }, record.httpStatus.map(String.init),
                               record.errorClass?.rawValue].compactMap { $0 }
        case "level": return [record.level.description]
        case "mapping": return [record.mapping]
        case "request_id": return [record.requestID].compactMap { $0 }
        default: return [record.message].compactMap { $0 }
        }
    }

    static let fields: Set<String> = ["service", "provider", "model", "status", "level", "mapping", "request_id", "message"]

    /// The term that keeps the lines arrived since `date`, as typed.
    public static func afterTerm(_ date: Date) -> String { "after:" + ISO8601DateFormatter().string(from: date) }

    /// Whether `record`, which arrived at `arrived` (nil: unknown, which `after:` does not hold against it) from a
    /// source of the service `source`, matches.
    public func matches(_ record: LogRecord, arrived: Date? = nil, source: String? = nil) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case let .after(date):
                return arrived.map { $0 >= date } ?? true
            case let .text(needle):
                return record.raw.lowercased().containsBytes(needle) || (record.message?.lowercased().containsBytes(needle) ?? false)
            case let .field(name, value):
                return LogFilter.field(name, of: record, source: source).contains { $0.lowercased().containsBytes(value) }
            case let .exact(name, value):
                return LogFilter.field(name, of: record, source: source).contains { $0.lowercased() == value }
            case let .level(op, level):
                switch op {
                case ">=": return record.level >= level
                case ">": return record.level > level
                case "<=": return record.level <= level
                case "<": return record.level < level
                default: return record.level == level
                }
            case let .regex(pattern):
                guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
                let text = record.raw.isEmpty ? (record.message ?? "") : record.raw
                return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            }
        }
    }
}

/// Why a filter could not be parsed.
public struct LogFilterError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
