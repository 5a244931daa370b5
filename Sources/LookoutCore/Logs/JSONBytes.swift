/// Byte-level helpers for the log hot path: number parsing and string unescaping without Foundation.
public enum JSONBytes {
    /// Parses a JSON number (or a number inside a string) from `bytes[range]`; nil when it is not one.
    @inline(__always)
    public static func double(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        var i = start
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        while i < end, bytes[i] &- 48 < 10, digits < 18 {
            mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 48)
            i += 1
            digits += 1
        }
        var scale = 0
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, bytes[i] &- 48 < 10, digits < 18 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 48)
                i += 1
                digits += 1
                scale += 1
            }
        }
        guard digits > 0 else { return nil }
        if i == end, scale < powersOfTen.count {
            let value = Double(mantissa) / powersOfTen[scale]
            return negative ? -value : value
        }
        // Exponents, long mantissas: the exact, slower route.
        return slowDouble(bytes, start, end)
    }

    /// Parses an integer (also `"143"`-style strings and `143.0`); nil when it is not one.
    @inline(__always)
    public static func int(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var i = start
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var value = 0
        var digits = 0
        while i < end, bytes[i] &- 48 < 10, digits < 18 {
            value = value &* 10 &+ Int(bytes[i] &- 48)
            i += 1
            digits += 1
        }
        guard digits > 0 else { return nil }
        if i < end {
            guard let d = double(bytes, start, end), d.rounded() == d, abs(d) < 1e17 else { return nil }
            return Int(d)
        }
        return negative ? -value : value
    }

    static let powersOfTen: [Double] = (0...18).map { (0..<$0).reduce(1.0) { acc, _ in acc * 10 } }

    static func slowDouble(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
        guard end - start < 64 else { return nil }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The JSON string body `bytes[start..<end]` (between the quotes) decoded, escapes resolved.
    public static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        guard escaped else { return String(decoding: slice, as: UTF8.self) }
        var out = [UInt8]()
        unescape(bytes, start, end, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the UTF-8 of the JSON string body `bytes[start..<end]`, escapes resolved, to `out`.
    public static func unescape(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + end - start)
        var i = start
        while i < end {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\"), i + 1 < end else { out.append(byte); i += 1; continue }
            let next = bytes[i + 1]
            i += 2
            switch next {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard i + 4 <= end, var scalar = hex4(bytes, i) else { out.append(contentsOf: [0x5C, next]); continue }
                i += 4
                // A surrogate pair: \uD83D\uDE00.
                if (0xD800..<0xDC00).contains(scalar), i + 6 <= end, bytes[i] == UInt8(ascii: "\\"),
                   bytes[i + 1] == UInt8(ascii: "u"), let low = hex4(bytes, i + 2), (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(character).utf8))
            default: out.append(next)
            }
        }
    }

    static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = bytes[at + k]
            let digit: UInt8
            switch c {
            case 48...57: digit = c - 48
            case 65...70: digit = c - 55
            case 97...102: digit = c - 87
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
