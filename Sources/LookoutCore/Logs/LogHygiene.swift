#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Log hygiene: the secrets and personal data a log line must not carry — API keys (OpenAI, Anthropic, AWS, Google),
/// bearer and basic credentials, private key blocks, e-mail addresses, card numbers and, when asked, whole prompts —
/// found in each line as it is read and masked before anything decodes, shows or keeps it. What was found is told by
/// kind, never by value (`LogRecord.sensitive`), so the dashboard can count it per service and raise an alert.
///
/// It looks only where a finding can start — `s`, `A`, `B`/`b`, `-`, `@` (each found with memchr), every sixth byte for
/// digits, a quote for prompts —: a clean line costs a few vectorized passes and no allocation.
public struct LogHygiene: Sendable, Equatable {
    /// What is looked for; the raw values are the configuration's names.
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        case openAIKey = "openai-key", anthropicKey = "anthropic-key", awsKey = "aws-key", googleKey = "google-key"
        case bearerToken = "bearer-token", basicAuth = "basic-auth", privateKey = "private-key"
        case email, cardNumber = "card-number", prompt

        public static func < (a: Kind, b: Kind) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

        /// `2 OpenAI keys`, `1 e-mail address`.
        public func counted(_ count: Int) -> String {
            let (one, many): (String, String) = switch self {
            case .openAIKey: ("OpenAI key", "OpenAI keys")
            case .anthropicKey: ("Anthropic key", "Anthropic keys")
            case .awsKey: ("AWS access key", "AWS access keys")
            case .googleKey: ("Google API key", "Google API keys")
            case .bearerToken: ("bearer token", "bearer tokens")
            case .basicAuth: ("basic-auth credential", "basic-auth credentials")
            case .privateKey: ("private key", "private keys")
            case .email: ("e-mail address", "e-mail addresses")
            case .cardNumber: ("card number", "card numbers")
            case .prompt: ("prompt", "prompts")
            }
            return "\(count) \(count == 1 ? one : many)"
        }
    }

    /// The kinds looked for.
    public var kinds: Set<Kind>

    public init(kinds: Set<Kind>) { self.kinds = kinds }

    /// Everything but whole prompts (which a gateway's debug log may carry on purpose).
    public static let standard = LogHygiene(kinds: Set(Kind.allCases).subtracting([.prompt]))
    /// Nothing is looked for (`log-hygiene: off`).
    public static let off = LogHygiene(kinds: [])

    /// One finding: its kind and where it is in the line.
    public struct Finding: Sendable, Equatable {
        public var kind: Kind
        public var range: Range<Int>
    }

    /// The findings in `bytes[start..<end]`, in order and not overlapping; empty for a clean line.
    public func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [Finding] {
        guard !kinds.isEmpty, let base = bytes.baseAddress, start < end else { return [] }
        var findings: [Finding] = []
        // Where a finding can start, found with memchr(3) (vectorized): a clean line costs a few passes over its bytes.
        func each(_ byte: UInt8, _ detect: (Int) -> Finding?) {
            var from = start
            while from < end, let hit = memchr(base + from, Int32(byte), end - from) {
                let i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if let found = detect(i) { findings.append(found); from = max(i + 1, found.range.upperBound) } else { from = i + 1 }
            }
        }
        if kinds.contains(.openAIKey) || kinds.contains(.anthropicKey) { each(UInt8(ascii: "s")) { apiKey(at: $0, bytes, start, end) } }
        if kinds.contains(.awsKey) || kinds.contains(.googleKey) { each(UInt8(ascii: "A")) { cloudKey(at: $0, bytes, start, end) } }
        if kinds.contains(.bearerToken) || kinds.contains(.basicAuth) {
            each(UInt8(ascii: "B")) { credential(at: $0, bytes, start, end) }
            each(UInt8(ascii: "b")) { credential(at: $0, bytes, start, end) }
        }
        if kinds.contains(.privateKey) { each(UInt8(ascii: "-")) { privateKey(at: $0, bytes, end) } }
        if kinds.contains(.email) { each(UInt8(ascii: "@")) { email(at: $0, bytes, start, end) } }
        if kinds.contains(.prompt) { each(UInt8(ascii: "\"")) { prompt(at: $0, bytes, end) } }
        if kinds.contains(.cardNumber) { cardNumbers(bytes, start, end, into: &findings) }
        guard findings.count > 1 else { return findings }
        // In order; where two overlap (a key inside a prompt), the one that starts first wins.
        findings.sort { ($0.range.lowerBound, $1.range.upperBound) < ($1.range.lowerBound, $0.range.upperBound) }
        var kept: [Finding] = []
        for found in findings where kept.last.map({ found.range.lowerBound >= $0.range.upperBound }) ?? true { kept.append(found) }
        return kept
    }

    /// Card numbers: a run of 13 digits or more has a digit at every sixth byte, so only those bytes are looked at
    /// until one is a digit; the run is then read from its start.
    private func cardNumbers(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, into findings: inout [Finding]) {
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        var probe = start + 6
        var examined = start
        while probe < end {
            guard isDigit(bytes[probe]) else { probe += 6; continue }
            var runStart = probe
            while runStart > examined, isDigit(bytes[runStart - 1]) || ((bytes[runStart - 1] == 32 || bytes[runStart - 1] == 45)
                                                                        && runStart - 2 >= examined && isDigit(bytes[runStart - 2])) {
                runStart -= 1
            }
            var runEnd = probe
            while runEnd < end, isDigit(bytes[runEnd]) || ((bytes[runEnd] == 32 || bytes[runEnd] == 45) && runEnd + 1 < end && isDigit(bytes[runEnd + 1])) {
                runEnd += 1
            }
            if runEnd - runStart >= 13, let found = cardNumber(at: runStart, bytes, start, end) { findings.append(found) }
            examined = runEnd
            probe = runEnd + 6
        }
    }

    /// The line with every finding replaced by `[masked <kind>]`, and the kinds found; nil for a clean line.
    public func mask(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (line: [UInt8], kinds: [Kind])? {
        let findings = scan(bytes, start, end)
        guard !findings.isEmpty else { return nil }
        var line: [UInt8] = []
        line.reserveCapacity(end - start)
        var at = start
        for found in findings where found.range.lowerBound >= at {
            line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[at..<found.range.lowerBound]))
            line.append(contentsOf: Self.marker(found.kind))
            at = found.range.upperBound
        }
        line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[at..<end]))
        return (line, findings.map(\.kind))
    }

    /// `text` with every finding masked (a command's stderr line, a status).
    public func mask(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            guard let masked = mask(bytes, 0, bytes.count) else { return String(decoding: bytes, as: UTF8.self) }
            return String(decoding: masked.line, as: UTF8.self)
        }
    }

    /// `[masked openai-key]`: no quote or backslash, so a masked JSON string stays valid JSON.
    static func marker(_ kind: Kind) -> [UInt8] {
        kind == .prompt ? Array("\"[masked prompt]\"".utf8) : Array("[masked \(kind.rawValue)]".utf8)
    }

    // MARK: - Detectors

    @inline(__always) static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
    }

    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }

    @inline(__always) static func isTokenByte(_ b: UInt8) -> Bool { isAlnum(b) || b == 45 || b == 95 }   // - _

    /// `bytes[i...]` starts with `prefix`.
    @inline(__always) static func has(_ prefix: StaticString, at i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ end: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard end - i >= count else { return false }
        for k in 0..<count where bytes[i + k] != prefix.utf8Start[k] { return false }
        return true
    }

    /// How far a run of bytes matching `accept` goes from `i`.
    @inline(__always) static func run(from i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ end: Int, _ accept: (UInt8) -> Bool) -> Int {
        var j = i
        while j < end && accept(bytes[j]) { j += 1 }
        return j
    }

    /// A token that starts here, not in the middle of a word.
    @inline(__always) static func startsWord(_ i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        i == start || !isTokenByte(bytes[i - 1])
    }

    /// `sk-…` (OpenAI, including `sk-proj-…` and `sk-svcacct-…`) and `sk-ant-…` (Anthropic): 20 characters at least after the prefix.
    private func apiKey(at i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Finding? {
        guard Self.has("sk-", at: i, bytes, end), Self.startsWord(i, bytes, start) else { return nil }
        let stop = Self.run(from: i + 3, bytes, end, Self.isTokenByte)
        if Self.has("sk-ant-", at: i, bytes, end) {
            return kinds.contains(.anthropicKey) && stop - i >= 7 + 20 ? Finding(kind: .anthropicKey, range: i..<stop) : nil
        }
        return kinds.contains(.openAIKey) && stop - i >= 3 + 20 ? Finding(kind: .openAIKey, range: i..<stop) : nil
    }

    /// `AKIA`/`ASIA` + 16 upper-case letters or digits (AWS access key ids); `AIza` + 35 (Google API keys).
    private func cloudKey(at i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Finding? {
        guard Self.startsWord(i, bytes, start) else { return nil }
        if kinds.contains(.awsKey), Self.has("AKIA", at: i, bytes, end) || Self.has("ASIA", at: i, bytes, end) {
            let stop = Self.run(from: i + 4, bytes, end) { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) }
            if stop - i == 20, stop == end || !Self.isTokenByte(bytes[stop]) { return Finding(kind: .awsKey, range: i..<stop) }
        }
        if kinds.contains(.googleKey), Self.has("AIza", at: i, bytes, end) {
            let stop = Self.run(from: i + 4, bytes, end, Self.isTokenByte)
            if stop - i == 39 { return Finding(kind: .googleKey, range: i..<stop) }
        }
        return nil
    }

    /// `Bearer <token>` (16 characters at least) and `Basic <base64>`: the credential, not the scheme, is masked.
    private func credential(at i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Finding? {
        guard Self.startsWord(i, bytes, start) else { return nil }
        if kinds.contains(.bearerToken), Self.has("Bearer ", at: i, bytes, end) || Self.has("bearer ", at: i, bytes, end) {
            let from = i + 7
            let stop = Self.run(from: from, bytes, end) { Self.isTokenByte($0) || $0 == 46 || $0 == 126 || $0 == 43 || $0 == 47 || $0 == 61 }
            // A token (RFC 6750's example, `mF_9.B5f-4.1JqM`, has 15 characters), not a word ("Bearer authentication").
            if stop - from >= 8, (from..<stop).contains(where: { !Self.isLower(bytes[$0]) && !Self.isUpper(bytes[$0]) }) {
                return Finding(kind: .bearerToken, range: from..<stop)
            }
        }
        if kinds.contains(.basicAuth), Self.has("Basic ", at: i, bytes, end) || Self.has("basic ", at: i, bytes, end) {
            let from = i + 6
            let stop = Self.run(from: from, bytes, end) { Self.isAlnum($0) || $0 == 43 || $0 == 47 || $0 == 61 }
            // Base64 of `user:password`: a multiple of four characters, eight at least.
            // (RFC 7617's `QWxhZGRpbjpvcGVuIHNlc2FtZQ==`), not a word ("Basic settings").
            if stop - from >= 8, (stop - from) % 4 == 0, (from..<stop).contains(where: { !Self.isLower(bytes[$0]) }) {
                return Finding(kind: .basicAuth, range: from..<stop)
            }
        }
        return nil
    }

    /// `-----BEGIN … PRIVATE KEY-----` up to its `-----END … PRIVATE KEY-----` (or the end of the line).
    private func privateKey(at i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ end: Int) -> Finding? {
        guard Self.has("-----BEGIN ", at: i, bytes, end) else { return nil }
        let headerEnd = Self.find("-----", from: i + 11, bytes, end) ?? end
        guard Self.contains("PRIVATE KEY", bytes, i + 11, headerEnd) else { return nil }
        var stop = end
        if let footer = Self.find("-----END ", from: headerEnd, bytes, end) {
            stop = (Self.find("-----", from: footer + 9, bytes, end)).map { $0 + 5 } ?? end
        }
        return Finding(kind: .privateKey, range: i..<stop)
    }

    /// `local@domain.tld`, found at its `@`.
    private func email(at i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Finding? {
        func isLocal(_ b: UInt8) -> Bool { Self.isAlnum(b) || b == 46 || b == 95 || b == 37 || b == 43 || b == 45 }
        var from = i
        while from > start && isLocal(bytes[from - 1]) { from -= 1 }
        while from < i && bytes[from] == 46 { from += 1 }   // not a leading dot
        guard from < i else { return nil }
        var stop = Self.run(from: i + 1, bytes, end) { Self.isAlnum($0) || $0 == 46 || $0 == 45 }
        while stop > i + 1 && (bytes[stop - 1] == 46 || bytes[stop - 1] == 45) { stop -= 1 }   // a sentence's full stop
        // A domain with a dot and a top-level part of two letters at least.
        var dot = stop - 1
        while dot > i + 1 && bytes[dot] != 46 { dot -= 1 }
        guard bytes[dot] == 46, dot > i + 1, stop - dot - 1 >= 2,
              (dot + 1..<stop).allSatisfy({ (bytes[$0] | 0x20) >= 97 && (bytes[$0] | 0x20) <= 122 }) else { return nil }
        return Finding(kind: .email, range: from..<stop)
    }

    /// 13 to 19 digits, single spaces or dashes between groups allowed, with a card network's prefix and a valid Luhn
    /// check digit — not a millisecond timestamp (they start with 1), not part of a longer number or a decimal.
    private func cardNumber(at i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Finding? {
        if i > start, Self.isAlnum(bytes[i - 1]) || bytes[i - 1] == 46 { return nil }
        // Most numbers in a log line are short: they are turned away before anything is gathered.
        guard end - i >= 13, (bytes[i + 12] >= 48 && bytes[i + 12] <= 57) || bytes[i + 12] == 32 || bytes[i + 12] == 45,
              Self.isCardPrefixByte(bytes[i]) else { return nil }
        var digits: [UInt8] = []
        var j = i
        var last = i
        while j < end, digits.count < 20 {
            let b = bytes[j]
            if b >= 48 && b <= 57 {
                digits.append(b - 48)
                last = j
                j += 1
            } else if (b == 32 || b == 45), j + 1 < end, bytes[j + 1] >= 48 && bytes[j + 1] <= 57, j > i, bytes[j - 1] >= 48 && bytes[j - 1] <= 57 {
                j += 1
            } else {
                break
            }
        }
        let stop = last + 1
        guard (13...19).contains(digits.count), stop == end || !(Self.isAlnum(bytes[stop]) || (bytes[stop] == 46 && stop + 1 < end && bytes[stop + 1] >= 48 && bytes[stop + 1] <= 57)),
              Self.isCardPrefix(digits), Self.luhn(digits) else { return nil }
        return Finding(kind: .cardNumber, range: i..<stop)
    }

    @inline(__always) static func isCardPrefixByte(_ b: UInt8) -> Bool { b >= 50 && b <= 54 }   // 2, 3, 4, 5, 6

    /// Visa (4), Mastercard (51–55, 2221–2720), American Express (34, 37), Discover (6011, 65), JCB (35).
    static func isCardPrefix(_ d: [UInt8]) -> Bool {
        let two = Int(d[0]) * 10 + Int(d[1])
        let four = two * 100 + Int(d[2]) * 10 + Int(d[3])
        switch d[0] {
        case 4: return true
        case 5: return (51...55).contains(two)
        case 2: return (2221...2720).contains(four)
        case 3: return two == 34 || two == 37 || two == 35
        case 6: return four == 6011 || two == 65
        default: return false
        }
    }

    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (k, digit) in digits.reversed().enumerated() {
            var d = Int(digit)
            if k % 2 == 1 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return sum % 10 == 0
    }

    /// A JSON member that holds a prompt — `"prompt"`, `"messages"`, `"gen_ai.prompt"`, `"gen_ai.input.messages"` —
    /// found at its key's quote; its whole value (a string, an array or an object) is the finding.
    private func prompt(at i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ end: Int) -> Finding? {
        let keys: [StaticString] = ["\"prompt\"", "\"messages\"", "\"gen_ai.prompt\"", "\"gen_ai.input.messages\""]
        guard let key = keys.first(where: { Self.has($0, at: i, bytes, end) }) else { return nil }
        var j = i + key.utf8CodeUnitCount
        while j < end && bytes[j] == 32 { j += 1 }
        guard j < end, bytes[j] == UInt8(ascii: ":") else { return nil }
        j += 1
        while j < end && bytes[j] == 32 { j += 1 }
        guard j < end, let stop = Self.jsonValueEnd(from: j, bytes, end) else { return nil }
        return Finding(kind: .prompt, range: j..<stop)
    }

    /// Where the JSON string, array or object starting at `i` ends (just past it); nil for anything else.
    static func jsonValueEnd(from i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ end: Int) -> Int? {
        var depth = 0
        var inString = false
        var j = i
        let opener = bytes[i]
        guard opener == UInt8(ascii: "\"") || opener == UInt8(ascii: "[") || opener == UInt8(ascii: "{") else { return nil }
        while j < end {
            let b = bytes[j]
            if inString {
                if b == UInt8(ascii: "\\") { j += 2; continue }
                if b == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return j + 1 }
                }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return j + 1 }
            }
            j += 1
        }
        return end
    }

    static func find(_ needle: StaticString, from i: Int, _ bytes: UnsafeBufferPointer<UInt8>, _ end: Int) -> Int? {
        var j = i
        while j < end {
            if has(needle, at: j, bytes, end) { return j }
            j += 1
        }
        return nil
    }

    static func contains(_ needle: StaticString, _ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        find(needle, from: from, bytes, to) != nil
    }
}
