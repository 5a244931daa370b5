import Foundation

/// A gatus-style condition on a probe result, such as `[STATUS] == 200`, `[BODY].checks.database == healthy`,
/// `[RESPONSE_TIME] < 300`, `len([BODY].unhealthy_endpoints) == 0` or `[CERTIFICATE_EXPIRATION] > 72h`.
/// Evaluating it says whether it passed and shows the values it saw: `[STATUS] (503) == 200`.
public struct Condition: Sendable, Equatable {
    public enum Operator: String, Sendable, CaseIterable {
        case equal = "==", notEqual = "!=", lessOrEqual = "<=", greaterOrEqual = ">=", less = "<", greater = ">"
    }

    /// One side: a placeholder (maybe inside `len(…)`) or a literal.
    public enum Operand: Sendable, Equatable {
        case status, responseTime, certificateExpiration
        case body(path: [String])
        case length(of: [String])
        case literal(String)
    }

    public let expression: String
    public let left: Operand
    public let op: Operator
    public let right: Operand

    /// Parses `expression`; the error says what is wrong with it.
    public init(_ expression: String) throws(ConditionError) {
        self.expression = expression
        // The longest operators first, so `<=` is not read as `<`.
        for op in [Operator.equal, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater] {
            guard let range = expression.range(of: " \(op.rawValue) ") else { continue }
            left = try Condition.operand(String(expression[..<range.lowerBound]))
            right = try Condition.operand(String(expression[range.upperBound...]))
            self.op = op
            if case .literal = left, case .literal = right { throw ConditionError("compares two literals: nothing is checked") }
            return
        }
        throw ConditionError("expected `<placeholder> <op> <value>` with op one of == != < <= > >= (spaces around it)")
    }

    static func operand(_ raw: String) throws(ConditionError) -> Operand {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("len("), text.hasSuffix(")") {
            guard case let .body(path) = try operand(String(text.dropFirst(4).dropLast())) else {
                throw ConditionError("len() takes [BODY] or a [BODY].path")
            }
            return .length(of: path)
        }
        switch text {
        case "[STATUS]": return .status
        case "[RESPONSE_TIME]": return .responseTime
        case "[CERTIFICATE_EXPIRATION]": return .certificateExpiration
        case "[BODY]": return .body(path: [])
        default: break
        }
        if text.hasPrefix("[BODY].") {
            let path = text.dropFirst(7).split(separator: ".").map(String.init)
            guard !path.isEmpty, !path.contains(where: \.isEmpty) else { throw ConditionError("empty segment in \(text)") }
            return .body(path: path)
        }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]"), !text[...close].contains(" ") {
            throw ConditionError("unknown placeholder \(text) (known: [STATUS] [RESPONSE_TIME] [BODY] [CERTIFICATE_EXPIRATION])")
        }
        return .literal(text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? String(text.dropFirst().dropLast()) : text)
    }
}

/// A condition that could not be parsed.
public struct ConditionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A condition evaluated: whether it passed, and the expression with the values seen.
public struct ConditionResult: Sendable, Equatable {
    public var expression: String
    public var passed: Bool
    public var explanation: String

    public init(expression: String, passed: Bool, explanation: String) {
        self.expression = expression
        self.passed = passed
        self.explanation = explanation
    }
}

extension Condition {
    /// Judges `result`. Numbers compare as numbers (`72h`-style durations as seconds against
    /// [CERTIFICATE_EXPIRATION]); anything else compares as text, with == and != only.
    public func evaluate(_ result: ProbeResult, now: Date) -> ConditionResult {
        evaluate(result, body: ProbeBody(result.body), now: now)
    }

    /// Judges `result` with its body already parsed.
    public func evaluate(_ result: ProbeResult, body parsed: ProbeBody, now: Date) -> ConditionResult {
        let body = parsed.json
        let l = value(left, result, body, now), r = value(right, result, body, now)
        let passed: Bool
        if let a = l.number, let b = r.number ?? (left == .certificateExpiration ? r.text.flatMap(DurationText.parse).map { Double($0.milliseconds) / 1000 } : nil) {
            switch op {
            case .equal: passed = a == b
            case .notEqual: passed = a != b
            case .less: passed = a < b
            case .lessOrEqual: passed = a <= b
            case .greater: passed = a > b
            case .greaterOrEqual: passed = a >= b
            }
        } else if let a = l.text, let b = r.text, op == .equal || op == .notEqual {
            passed = (a == b) == (op == .equal)
        } else {
            passed = false
        }
        return ConditionResult(expression: expression, passed: passed,
                               explanation: "\(l.shown) \(op.rawValue) \(r.shown)")
    }

    private struct Value {
        var number: Double?
        var text: String?
        /// The operand as written, with what it resolved to: `[STATUS] (503)`.
        var shown: String
    }

    private func value(_ operand: Operand, _ result: ProbeResult, _ body: Any?, _ now: Date) -> Value {
        switch operand {
        case .status:
            let status = result.httpStatus
            return Value(number: status.map(Double.init), text: status.map(String.init), shown: "[STATUS] (\(status.map(String.init) ?? "no response"))")
        case .responseTime:
            let ms = result.timings.totalMillis
            return Value(number: ms, text: nil, shown: "[RESPONSE_TIME] (\(Int(ms.rounded())))")
        case .certificateExpiration:
            guard let expiry = result.certificateExpiry else {
                return Value(number: nil, text: nil, shown: "[CERTIFICATE_EXPIRATION] (no certificate)")
            }
            let seconds = expiry.timeIntervalSince(now)
            return Value(number: seconds, text: nil, shown: "[CERTIFICATE_EXPIRATION] (\(DurationText.format(.seconds(max(0, Int64(seconds))))))")
        case let .body(path):
            let name = path.isEmpty ? "[BODY]" : "[BODY]." + path.joined(separator: ".")
            guard let found = Self.resolve(path, in: body) else { return Value(number: nil, text: nil, shown: "\(name) (missing)") }
            let text = Self.text(found)
            return Value(number: Self.number(found), text: text, shown: "\(name) (\(SafeText.escape(String(text.prefix(60)))))")
        case let .length(path):
            let name = "len(" + (path.isEmpty ? "[BODY]" : "[BODY]." + path.joined(separator: ".")) + ")"
            let count: Int?
            switch Self.resolve(path, in: body) {
            case let array as [Any]: count = array.count
            case let object as [String: Any]: count = object.count
            case let string as String: count = string.count
            default: count = nil
            }
            return Value(number: count.map(Double.init), text: count.map(String.init), shown: "\(name) (\(count.map(String.init) ?? "missing"))")
        case let .literal(text):
            return Value(number: Double(text), text: text, shown: text)
        }
    }

    /// Walks `path` (object keys, `name[2]` for array items).
    static func resolve(_ path: [String], in value: Any?) -> Any? {
        var current = value
        for segment in path {
            var key = Substring(segment)
            var index: Int?
            if segment.hasSuffix("]"), let open = segment.lastIndex(of: "[") {
                index = Int(segment[segment.index(after: open)..<segment.index(before: segment.endIndex)])
                key = segment[..<open]
            }
            if !key.isEmpty { current = (current as? [String: Any])?[String(key)] }
            if let index {
                guard let array = current as? [Any], array.indices.contains(index) else { return nil }
                current = array[index]
            }
            if current == nil { return nil }
        }
        return current
    }

    static func text(_ value: Any) -> String {
        if let string = value as? String { return string }
        if value is NSNull { return "null" }
        if let number = value as? NSNumber {
            if type(of: number) == type(of: NSNumber(value: true)) { return number.boolValue ? "true" : "false" }
            let d = number.doubleValue
            return d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d)
        }
        let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    static func number(_ value: Any) -> Double? {
        if let number = value as? NSNumber, type(of: number) != type(of: NSNumber(value: true)) { return number.doubleValue }
        if let string = value as? String { return Double(string) }
        return nil
    }
}
