/// Where one field's value lies in the line: a byte range and what kind of JSON value it is.
public struct FieldSpan: Sendable, Equatable {
    public enum Kind: UInt8, Sendable { case none, string, escapedString, number, literal }
    public var start = 0
    public var end = 0
    public var kind = Kind.none
    /// Position of the key among the field's candidates; lower wins.
    public var rank = 0
    public var unit = FieldUnit.plain

    public init() {}
}

/// The verdict of a scan.
public enum ScanOutcome: Sendable, Equatable {
    /// Every wanted top-level field found is in the spans.
    case fields
    /// Valid so far, but the line needs the full parser (non-ASCII text or escapes it cannot judge, an
    /// exponent, a repeated key, a literal inside a nested value): nothing is lost, it is just slower.
    case needsFullParse
    /// Not a JSON object.
    case malformed
}

/// A byte-level scanner for one JSON object per line: picks the mapping's keys (descending into the objects
/// of nested paths) and skips the rest without building any value. It validates as it goes so that it never accepts what the full parser rejects;
/// anything it is unsure of goes to the full parser (`needsFullParse`). Differential-tested against it.
public enum FlatJSONScanner {
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    private static let colon = UInt8(ascii: ":"), comma = UInt8(ascii: ",")

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// Scans `bytes[start..<end]`; `spans` must have one slot per `LogField` and is overwritten.
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, table: ScanTable,
                            spans: inout [FieldSpan]) -> ScanOutcome {
        spans.withUnsafeMutableBufferPointer { scan(bytes, start, end, table: table, spans: $0) }
    }

    /// The scan proper, on a buffer (no copy-on-write checks on the hot path).
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, table: ScanTable,
                            spans: UnsafeMutableBufferPointer<FieldSpan>) -> ScanOutcome {
        for index in spans.indices { spans[index].kind = .none }
        var i = start
        while i < end, isSpace(bytes[i]) { i += 1 }
        guard i < end, bytes[i] == openBrace else { return .malformed }
        var needsFull = false
        guard let after = scanObject(bytes, i, end, table: table, spans: spans, needsFull: &needsFull) else { return .malformed }
        i = after
        while i < end, isSpace(bytes[i]) { i += 1 }
        guard i == end else { return .malformed }
        return needsFull ? .needsFullParse : .fields
    }

    /// Scans the object starting at `start` (its `{`), recording the table's keys; returns the index after its `}`.
    static func scanObject(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, table: ScanTable,
                           spans: UnsafeMutableBufferPointer<FieldSpan>, needsFull: inout Bool) -> Int? {
        var i = start + 1
        // Candidate keys and nested roots seen so far: a repeated one makes the line take the full parser,
        // whose "last one wins" cannot be reproduced when the values differ in kind.
        var seenEntries: UInt64 = 0
        var seenChildren: UInt64 = 0
        while true {
            if i < end, bytes[i] <= 0x20 { while i < end, isSpace(bytes[i]) { i += 1 } }
            guard i < end else { return nil }
            if bytes[i] == closeBrace {
                // `{"a":1,}`: Foundation's parser accepts a trailing comma, and the two routes must agree.
                return i + 1
            }
            // Key.
            guard bytes[i] == quote else { return nil }
            let keyStart = i + 1
            guard let (keyEnd, keyEscaped, keyHigh) = stringEnd(bytes, keyStart, end) else { return nil }
            if keyEscaped || keyHigh { needsFull = true }
            i = keyEnd + 1
            if i < end, bytes[i] <= 0x20 { while i < end, isSpace(bytes[i]) { i += 1 } }
            guard i < end, bytes[i] == colon else { return nil }
            i += 1
            if i < end, bytes[i] <= 0x20 { while i < end, isSpace(bytes[i]) { i += 1 } }
            guard i < end else { return nil }
            // Value.
            let found = keyEscaped ? nil : lookup(bytes, keyStart, keyEnd, table)
            let valueStart = i
            let byte = bytes[i]
            var kind = FieldSpan.Kind.none
            var valueEnd = i
            if byte == quote {
                guard let (e, escaped, high) = stringEnd(bytes, i + 1, end) else { return nil }
                if high { needsFull = true }
                kind = escaped ? .escapedString : .string
                valueEnd = e
                i = e + 1
            } else if byte == openBrace, !table.children.isEmpty, !keyEscaped,
                      let child = childIndex(bytes, keyStart, keyEnd, table) {
                if seenChildren & (1 << UInt64(child)) != 0 { needsFull = true }
                seenChildren |= 1 << UInt64(child)
                guard let e = scanObject(bytes, i, end, table: table.children[child].table, spans: spans,
                                         needsFull: &needsFull) else { return nil }
                i = e
            } else if byte == openBrace || byte == openBracket {
                guard let e = skipContainer(bytes, i, end, needsFull: &needsFull) else { return nil }
                i = e
            } else if byte == UInt8(ascii: "-") || byte &- 48 < 10 {
                // Exponents can overflow (`1e400`), which the full parser rejects: let it judge them.
                guard let e = numberEnd(bytes, i, end, exponent: &needsFull) else { return nil }
                kind = .number
                valueEnd = e
                i = e
            } else if let e = literalEnd(bytes, i, end) {
                // null is no value: the next candidate path may hold one, as in the full route.
                kind = bytes[i] == UInt8(ascii: "n") ? .none : .literal
                valueEnd = e
                i = e
            } else {
                return nil
            }
            if let (index, entry) = found {
                if seenEntries & (1 << UInt64(index)) != 0 { needsFull = true }
                seenEntries |= 1 << UInt64(index)
                let slot = entry.field.rawValue
                if kind != .none && (spans[slot].kind == .none || entry.rank <= spans[slot].rank) {
                    let contentStart = kind == .string || kind == .escapedString ? valueStart + 1 : valueStart
                    spans[slot].start = contentStart
                    spans[slot].end = valueEnd
                    spans[slot].kind = kind
                    spans[slot].rank = entry.rank
                    spans[slot].unit = entry.unit
                }
            }
            if i < end, bytes[i] <= 0x20 { while i < end, isSpace(bytes[i]) { i += 1 } }
            guard i < end else { return nil }
            if bytes[i] == comma { i += 1; continue }
            if bytes[i] == closeBrace { return i + 1 }
            return nil
        }
    }

    /// The index of the closing quote of a string starting at `i` (after the opening quote),
    /// whether it holds escapes, and whether it holds non-ASCII bytes; nil when unterminated or invalid.
    @inline(__always)
    static func stringEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Bool, Bool)? {
        var i = start
        var escaped = false
        var high = false
        let base = UnsafeRawPointer(bytes.baseAddress!)
        while i < end {
            // Eight bytes at a time while none is a quote, a backslash, a control byte or non-ASCII (SWAR).
            while i + 8 <= end {
                let w = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let quotes = w ^ 0x2222_2222_2222_2222, slashes = w ^ 0x5C5C_5C5C_5C5C_5C5C
                let zeroInQuotes = (quotes &- 0x0101_0101_0101_0101) & ~quotes
                let zeroInSlashes = (slashes &- 0x0101_0101_0101_0101) & ~slashes
                let controls = (w &- 0x2020_2020_2020_2020) & ~w
                let hits = (zeroInQuotes | zeroInSlashes | controls | w) & 0x8080_8080_8080_8080
                if hits != 0 {
                    // The lowest flagged byte is a true hit (borrows only reach the bytes above one): go to it.
                    i += hits.trailingZeroBitCount >> 3
                    break
                }
                i += 8
            }
            guard i < end else { break }
            let b = bytes[i]
            if b == quote { return (i, escaped, high) }
            if b == backslash {
                escaped = true
                guard i + 1 < end else { return nil }
                let next = bytes[i + 1]
                switch next {
                case quote, backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard i + 6 <= end, JSONBytes.hex4(bytes, i + 2) != nil else { return nil }
                    // Surrogates need pairing rules the full parser enforces: let it decide.
                    high = true
                    i += 6
                default:
                    return nil
                }
                continue
            }
            if b < 0x20 { return nil }
            if b >= 0x80 { high = true }
            i += 1
        }
        return nil
    }

    @inline(__always)
    static func isNumberByte(_ b: UInt8) -> Bool {
        b &- 48 < 10 || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
            || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
    }

    /// The end of a JSON number starting at `start`, or nil when the bytes there are not one
    /// (the byte after it must not continue it: `01`, `1.`, `1e` and `1x` are not numbers).
    /// Sets `exponent` when the number has one.
    @inline(__always)
    static func numberEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, exponent: inout Bool) -> Int? {
        var i = start
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end, bytes[i] &- 48 < 10 else { return nil }
        if bytes[i] == UInt8(ascii: "0") { i += 1 } else { while i < end, bytes[i] &- 48 < 10 { i += 1 } }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, bytes[i] &- 48 < 10 else { return nil }
            while i < end, bytes[i] &- 48 < 10 { i += 1 }
        }
        if i < end, bytes[i] | 0x20 == UInt8(ascii: "e") {
            exponent = true
            i += 1
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, bytes[i] &- 48 < 10 else { return nil }
            while i < end, bytes[i] &- 48 < 10 { i += 1 }
        }
        if i < end, isNumberByte(bytes[i]) { return nil }
        return i
    }

    @inline(__always)
    static func literalEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int? {
        func matches(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= end else { return false }
            let p = word.utf8Start
            for k in 0..<n where bytes[i + k] != p[k] { return false }
            return true
        }
        if matches("true") { return i + 4 }
        if matches("false") { return i + 5 }
        if matches("null") { return i + 4 }
        return nil
    }

    /// Skips a nested object or array, validating its structure; returns the index after it.
    static func skipContainer(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, needsFull: inout Bool) -> Int? {
        // Nested values are validated loosely (balanced brackets, terminated strings); anything the
        // full parser might reject inside them makes the line take the full parser.
        var depth = 0
        var i = start
        var previousSignificant: UInt8 = 0
        while i < end {
            let b = bytes[i]
            if b == quote {
                guard let (e, _, high) = stringEnd(bytes, i + 1, end) else { return nil }
                if high { needsFull = true }
                i = e + 1
                previousSignificant = quote
                continue
            }
            if b == openBrace || b == openBracket {
                depth += 1
            } else if b == closeBrace || b == closeBracket {
                if previousSignificant == comma { needsFull = true }
                depth -= 1
                if depth == 0 { return i + 1 }
                if depth < 0 { return nil }
            } else if !isSpace(b) && b != colon && b != comma && !isNumberByte(b) && !(b >= 97 && b <= 122) {
                return nil
            }
            if b >= 97 && b <= 122 && b != UInt8(ascii: "e") { needsFull = true }   // literals inside: let the parser judge
            if !isSpace(b) { previousSignificant = b }
            i += 1
        }
        return nil
    }

    /// The table entry (and its index) whose key is `bytes[start..<end]`.
    @inline(__always)
    static func lookup(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ table: ScanTable) -> (Int, ScanTable.Entry)? {
        let length = end - start
        guard length <= ScanTable.maxKeyLength else { return nil }
        let w = ScanTable.pack(bytes, start, end, limit: bytes.count)
        var slot = ScanTable.slot(length, w.0)
        let mask = table.slots.count - 1
        while true {
            let found = Int(table.slots[slot])
            if found == 0 { return nil }
            let entry = table.entries[found - 1]
            if entry.length == length && entry.words.0 == w.0 && entry.words.1 == w.1 && entry.words.2 == w.2
                && entry.words.3 == w.3 {
                return (found - 1, entry)
            }
            slot = (slot + 1) & mask
        }
    }

    /// The child table whose root key is `bytes[start..<end]`.
    static func childIndex(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ table: ScanTable) -> Int? {
        let length = end - start
        guard length <= ScanTable.maxKeyLength else { return nil }
        let w = ScanTable.pack(bytes, start, end, limit: bytes.count)
        for (index, child) in table.children.enumerated() where child.length == length && child.words.0 == w.0
            && child.words.1 == w.1 && child.words.2 == w.2 && child.words.3 == w.3 {
            return index
        }
        return nil
    }
}
