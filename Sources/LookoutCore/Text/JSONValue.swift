/// A JSON value built in the order its keys are given, written compactly: the one writer behind every JSON output
/// of lookout (`stats`, `metrics`, `check`, `snapshot`), so escaping and number formatting live in one tested place
/// instead of in string concatenations. Foundation's `JSONEncoder` sorts or scrambles keys; the documented contracts
/// keep theirs in order.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// Whole numbers below 10^15 are written without a fraction; NaN and ±Inf as `null`.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([Member])

    /// One key and its value.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// An object from key–value pairs, in order.
    public static func object(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(pairs.map { Member($0.key, $0.value) })
    }

    /// A number, or `null` when absent.
    public static func number(_ value: Double?) -> JSONValue { value.map { .number($0) } ?? .null }

    /// A string, or `null` when absent.
    public static func string(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }

    /// An integer, or `null` when absent.
    public static func int(_ value: Int?) -> JSONValue { value.map { .int($0) } ?? .null }

    /// The compact text.
    public var text: String {
        var out = ""
        write(into: &out)
        return out
    }

    /// Appends the compact text to `out`.
    public func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(flag): out += flag ? "true" : "false"
        case let .int(n): out += String(n)
        case let .number(d): out += JSONValue.format(d)
        case let .string(s): out += JSONValue.quoted(s)
        case let .array(items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case let .object(members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                out += JSONValue.quoted(member.key)
                out += ":"
                member.value.write(into: &out)
            }
            out += "}"
        }
    }

    /// `12`, `0.25`, `null` for NaN and infinities (JSON has no such numbers).
    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (`\n`, `\u001b`…).
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
