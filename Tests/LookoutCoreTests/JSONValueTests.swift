import Foundation
import LookoutCore
import Testing

/// The one JSON writer: keys in the order given, strings escaped, numbers as the contracts write them, and
/// whatever it writes reads back through Foundation's parser as the same value.
@Suite("JSON writer")
struct JSONValueTests {
    @Test func keysKeepTheirOrderAndNumbersTheirForm() {
        let value = JSONValue.object(["z": .int(1), "a": .number(0.25), "m": .number(3.0), "n": .number(Double.nan),
                                      "i": .number(Double.infinity), "s": .string(nil), "b": .bool(true), "l": .array([.null, .int(-2)])])
        #expect(value.text == #"{"z":1,"a":0.25,"m":3,"n":null,"i":null,"s":null,"b":true,"l":[null,-2]}"#)
    }

    @Test(arguments: ["plain", "quote \" and backslash \\", "new\nline\ttab\rreturn", "escape \u{1B}[2J bell \u{07} del \u{7F}",
                      "nul \u{0}", "unicode é 日本 🚀", "\u{202E}bidi", ""])
    func stringsReadBackAsWritten(_ text: String) throws {
        let written = JSONValue.object(["k \u{1B}": .string(text)]).text
        #expect(!written.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "no raw control character in the output")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: String])
        #expect(parsed == ["k \u{1B}": text])
    }

    @Test func randomTreesReadBackAsWritten() throws {
        var random = SystemRandomNumberGenerator()
        func tree(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &random) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &random))
            case 2: return .int(Int.random(in: -1_000_000...1_000_000, using: &random))
            case 3: return .number(Double(Int.random(in: -10_000...10_000, using: &random)) / 64)
            case 4: return .string(String((0..<Int.random(in: 0..<12, using: &random)).map { _ in
                Character(Unicode.Scalar(UInt32.random(in: 0...0x7F, using: &random))!) }))
            case 5: return .array((0..<Int.random(in: 0..<4, using: &random)).map { _ in tree(depth + 1) })
            default: return .object((0..<Int.random(in: 0..<4, using: &random)).map { .init("k\($0)", tree(depth + 1)) })
            }
        }
        func same(_ value: JSONValue, _ parsed: Any) -> Bool {
            switch value {
            case .null: return parsed is NSNull
            case let .bool(b): return (parsed as? Bool) == b
            case let .int(n): return (parsed as? NSNumber)?.intValue == n
            case let .number(d): return (parsed as? NSNumber).map { abs($0.doubleValue - d) < 1e-12 } ?? false
            case let .string(s): return (parsed as? String) == s
            case let .array(items):
                guard let list = parsed as? [Any], list.count == items.count else { return false }
                return zip(items, list).allSatisfy { same($0, $1) }
            case let .object(members):
                guard let dict = parsed as? [String: Any], dict.count == members.count else { return false }
                return members.allSatisfy { m in dict[m.key].map { same(m.value, $0) } ?? false }
            }
        }
        for _ in 0..<500 {
            let value = JSONValue.array([tree(0)])
            let parsed = try JSONSerialization.jsonObject(with: Data(value.text.utf8), options: [.fragmentsAllowed])
            #expect(same(value, parsed), "\(value.text)")
        }
    }
}
