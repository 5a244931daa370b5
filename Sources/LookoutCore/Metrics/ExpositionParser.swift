/// Reads the Prometheus text format (0.0.4) and OpenMetrics 1.0 text into an `Exposition`, chunk by chunk (a line
/// may be cut between two chunks), so a large scrape can be read without holding it whole. Samples are read as
/// bytes through pointers: names and labels are ASCII by the format's grammar, label values are interned as
/// written (unescaped first when they hold a backslash), plain decimal values are read without a `String`.
/// Comments (`# HELP`, `# TYPE`) are read as bytes too.
struct ExpositionParser {
    /// Metric names and label strings; kept by the reader across scrapes.
    var symbols: SymbolTable
    /// Series: a metric name and its sorted labels, as interned ids; kept by the reader across scrapes.
    var seriesTable: SymbolTable
    private(set) var exposition = Exposition()

    private var familyByName: [String: Int] = [:]
    /// By metric-name id: the family its samples join plus one (0: not worked out yet in this scrape), and the suffix.
    private var familyOfSymbol: [Int32] = []
    private var suffixOfSymbol: [Exposition.Suffix] = []
    private var lineNumber = 0
    private var stopped = false
    /// The start of a line cut at the end of the previous chunk; `overlong` once it passed `maxLineBytes`.
    private var carry: [UInt8] = []
    private var overlong = false
    // Scratch space, reused from sample to sample.
    private var pairs: [Exposition.Label] = []
    private var seriesKey: [Int32] = []
    private var unescaped: [UInt8] = []
    /// The previous sample's name and its labels by position: consecutive lines mostly repeat them, and comparing
    /// bytes with the string held is cheaper than hashing them again.
    private var lastName: Int32 = -1
    private var lastLabels: [Exposition.Label] = []

    /// Whether `# HELP` texts are kept (`lookout metrics` shows them; the tracker, which judges, does not need them).
    private let keepsHelp: Bool

    init(symbols: SymbolTable = SymbolTable(), seriesTable: SymbolTable = SymbolTable(), keepsHelp: Bool = true) {
        self.symbols = symbols
        self.seriesTable = seriesTable
        self.keepsHelp = keepsHelp
    }

    /// Reads the complete lines of `chunk`, keeping a cut last line for the next chunk or `finish`.
    mutating func feed(_ chunk: UnsafeRawBufferPointer) {
        guard let base = chunk.baseAddress.map({ UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }), !stopped else { return }
        let end = base + chunk.count
        var start = base
        if !carry.isEmpty || overlong {
            guard let newline = Self.newline(start, end) else { keep(start, end); return }
            keep(start, newline)
            endCarriedLine()
            start = newline + 1
        }
        while start < end, !stopped {
            guard let newline = Self.newline(start, end) else { keep(start, end); return }
            read(line: start, count: newline - start)
            start = newline + 1
        }
    }

    /// Reads a last line without a newline and hands over what was read.
    mutating func finish() -> Exposition {
        if (!carry.isEmpty || overlong) && !stopped { endCarriedLine() }
        return exposition
    }

    private static func newline(_ from: UnsafePointer<UInt8>, _ to: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        memchr(from, 10, to - from).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }
    }

    private mutating func keep(_ from: UnsafePointer<UInt8>, _ to: UnsafePointer<UInt8>) {
        guard !overlong else { return }
        carry.append(contentsOf: UnsafeBufferPointer(start: from, count: to - from))
        if carry.count > PrometheusText.maxLineBytes + 1 {
            overlong = true
            carry = []
        }
    }

    private mutating func endCarriedLine() {
        if overlong {
            lineNumber += 1
            exposition.issues.append(MetricParseIssue(line: lineNumber, message: "line longer than \(PrometheusText.maxLineBytes) bytes"))
        } else {
            let line = carry
            line.withUnsafeBufferPointer { read(line: $0.baseAddress!, count: $0.count) }
        }
        carry.removeAll(keepingCapacity: true)
        overlong = false
    }

    private mutating func read(line: UnsafePointer<UInt8>, count: Int) {
        lineNumber += 1
        var count = count
        if count > 0 && line[count - 1] == 13 { count -= 1 }
        guard count > 0 else { return }
        guard count <= PrometheusText.maxLineBytes else {
            return issue("line longer than \(PrometheusText.maxLineBytes) bytes")
        }
        if line[0] == UInt8(ascii: "#") { return comment(line, count) }
        guard exposition.sampleCount < PrometheusText.maxSamples else {
            stopped = true
            return issue("more than \(PrometheusText.maxSamples) samples: the rest is ignored")
        }
        guard exposition.labels.count < PrometheusText.maxLabels else {
            stopped = true
            return issue("more than \(PrometheusText.maxLabels) labels: the rest is ignored")
        }
        if let problem = sample(line, count) { issue(problem) }
    }

    private mutating func issue(_ message: String) {
        exposition.issues.append(MetricParseIssue(line: lineNumber, message: message))
    }

    private mutating func family(_ name: String) -> Int {
        if let index = familyByName[name] { return index }
        exposition.families.append(Exposition.Family(name: name, kind: .untyped))
        familyByName[name] = exposition.families.count - 1
        return exposition.families.count - 1
    }

    /// `# HELP name text`, `# TYPE name type`, `# EOF`; other comments are skipped. Read as bytes: a scrape of a
    /// small service is one comment line in four, and splitting each into strings was a third of its reading.
    private mutating func comment(_ p: UnsafePointer<UInt8>, _ n: Int) {
        guard n > 1, p[1] == 32 else { return }
        var i = 1
        func word() -> Range<Int> {
            while i < n && p[i] == 32 { i += 1 }
            let start = i
            while i < n && p[i] != 32 { i += 1 }
            return start..<i
        }
        func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: p + range.lowerBound, count: range.count) }
        let keyword = bytes(word())
        if keyword.elementsEqual("EOF".utf8) { stopped = true; return }
        let isType = keyword.elementsEqual("TYPE".utf8)
        guard isType || keyword.elementsEqual("HELP".utf8) else { return }
        let nameRange = word()
        guard !nameRange.isEmpty else { return }
        let name = String(decoding: bytes(nameRange), as: UTF8.self)
        while i < n && p[i] == 32 { i += 1 }
        let rest = bytes(i..<n)
        if isType {
            guard let kind = MetricFamily.Kind(rawValue: String(decoding: rest, as: UTF8.self)) else {
                return issue("unknown metric type for \(SafeText.escape(name))")
            }
            exposition.families[family(name)].kind = kind
        } else {
            let index = family(name)
            if keepsHelp { exposition.families[index].help = PrometheusText.unescape(Substring(String(decoding: rest, as: UTF8.self))) }
        }
    }

    /// Records `name{a="b",c="d"} value [timestamp] [# exemplar]`; returns what is wrong with it, if anything.
    private mutating func sample(_ p: UnsafePointer<UInt8>, _ n: Int) -> String? {
        var i = 0
        while i < n && Self.isNameByte(p[i]) { i += 1 }
        guard i > 0, !(p[0] >= 48 && p[0] <= 57) else { return "expected a metric name" }
        let nameEnd = i
        let name = Self.intern(p, 0, i, into: &symbols, like: &lastName)
        func text(_ from: Int, _ to: Int) -> String { SafeText.escape(String(decoding: UnsafeBufferPointer(start: p + from, count: to - from), as: UTF8.self)) }
        pairs.removeAll(keepingCapacity: true)
        if i < n && p[i] == UInt8(ascii: "{") {
            i += 1
            while true {
                while i < n && p[i] == 32 { i += 1 }
                if i < n && p[i] == UInt8(ascii: "}") { i += 1; break }
                let labelStart = i
                while i < n && Self.isNameByte(p[i]) && p[i] != 58 { i += 1 }
                guard i > labelStart else { return "expected a label name in \(text(0, nameEnd))" }
                guard i + 1 < n, p[i] == UInt8(ascii: "="), p[i + 1] == UInt8(ascii: "\"") else {
                    return "expected =\" after label \(text(labelStart, i))"
                }
                let position = pairs.count
                if position == lastLabels.count { lastLabels.append(Exposition.Label(name: -1, value: -1)) }
                let label = Self.intern(p, labelStart, i, into: &symbols, like: &lastLabels[position].name)
                i += 2
                let valueStart = i
                while i < n && p[i] != UInt8(ascii: "\"") && p[i] != UInt8(ascii: "\\") { i += 1 }
                let value: Int32
                if i < n && p[i] == UInt8(ascii: "\"") {
                    value = Self.intern(p, valueStart, i, into: &symbols, like: &lastLabels[position].value)
                    i += 1
                } else {
                    guard let escaped = unescapeValue(p, n, from: valueStart, at: &i) else { return "unterminated label value" }
                    value = escaped
                }
                guard !pairs.contains(where: { $0.name == label }) else { return "duplicate label \(text(labelStart, valueStart - 2))" }
                pairs.append(Exposition.Label(name: label, value: value))
                while i < n && p[i] == 32 { i += 1 }
                if i < n && p[i] == UInt8(ascii: ",") { i += 1; continue }
                guard i < n && p[i] == UInt8(ascii: "}") else { return "expected , or } in the labels" }
            }
        }
        // The value and an optional timestamp, up to an exemplar (`# …`).
        var fields: (Range<Int>?, Range<Int>?) = (nil, nil)
        while i < n && p[i] != UInt8(ascii: "#") {
            while i < n && p[i] == 32 { i += 1 }
            let fieldStart = i
            while i < n && p[i] != 32 && p[i] != UInt8(ascii: "#") { i += 1 }
            if i > fieldStart {
                if fields.0 == nil { fields.0 = fieldStart ..< i } else if fields.1 == nil { fields.1 = fieldStart ..< i }
            }
        }
        guard let valueRange = fields.0, let value = Self.number(p + valueRange.lowerBound, valueRange.count) else {
            return "expected a value after \(text(0, nameEnd))"
        }
        var timestamp = Double.nan
        if let stampRange = fields.1 {
            guard let stamp = Double(String(decoding: UnsafeBufferPointer(start: p + stampRange.lowerBound, count: stampRange.count), as: UTF8.self))
            else { return "bad timestamp" }
            timestamp = stamp
        }
        record(name: name, value: value, timestamp: timestamp)
        return nil
    }

    /// The id of `p[from ..< to]`: `last` when it holds those bytes, else interned (and remembered in `last`).
    @inline(__always)
    private static func intern(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, into symbols: inout SymbolTable,
                               like last: inout Int32) -> Int32 {
        let bytes = UnsafeRawBufferPointer(start: p + from, count: to - from)
        if symbols.holds(last, bytes) { return last }
        last = symbols.intern(bytes)
        return last
    }

    /// A label value holding backslashes, from `start` up to its closing quote (`i` is left after it); nil when
    /// the line ends first.
    private mutating func unescapeValue(_ p: UnsafePointer<UInt8>, _ n: Int, from start: Int, at i: inout Int) -> Int32? {
        unescaped.removeAll(keepingCapacity: true)
        unescaped.append(contentsOf: UnsafeBufferPointer(start: p + start, count: i - start))
        while i < n {
            let byte = p[i]
            i += 1
            if byte == UInt8(ascii: "\\") {
                guard i < n else { return nil }
                unescaped.append(p[i] == UInt8(ascii: "n") ? 10 : p[i])
                i += 1
            } else if byte == UInt8(ascii: "\"") {
                return unescaped.withUnsafeBytes { symbols.intern($0) }
            } else {
                unescaped.append(byte)
            }
        }
        return nil
    }

    /// Adds the sample to its family, with its labels sorted by name id and its series id.
    private mutating func record(name: Int32, value: Double, timestamp: Double) {
        // Insertion sort: a sample has a handful of labels.
        for j in pairs.indices.dropFirst() {
            let moving = pairs[j]
            var k = j
            while k > 0 && pairs[k - 1].name > moving.name { pairs[k] = pairs[k - 1]; k -= 1 }
            pairs[k] = moving
        }
        seriesKey.removeAll(keepingCapacity: true)
        seriesKey.append(name)
        for pair in pairs { seriesKey.append(pair.name); seriesKey.append(pair.value) }
        let series = seriesKey.withUnsafeBytes { seriesTable.intern($0) }
        let (familyIndex, suffix) = familyOf(name)
        let sample = Exposition.Sample(name: name, series: series, labelStart: Int32(exposition.labels.count),
                                       labelCount: UInt16(pairs.count), suffix: suffix, value: value, timestamp: timestamp)
        exposition.labels.append(contentsOf: pairs)
        exposition.families[familyIndex].samples.append(sample)
        exposition.sampleCount += 1
    }

    /// The family a metric name's samples join (worked out once per name in a scrape) and the name's suffix.
    private mutating func familyOf(_ name: Int32) -> (Int, Exposition.Suffix) {
        let id = Int(name)
        if id >= familyOfSymbol.count {
            familyOfSymbol.append(contentsOf: repeatElement(0, count: symbols.count - familyOfSymbol.count))
            suffixOfSymbol.append(contentsOf: repeatElement(.none, count: symbols.count - suffixOfSymbol.count))
        }
        if familyOfSymbol[id] > 0 { return (Int(familyOfSymbol[id]) - 1, suffixOfSymbol[id]) }
        let text = symbols.string(name)
        let index = family(PrometheusText.familyName(of: text, known: familyByName))
        familyOfSymbol[id] = Int32(index + 1)
        suffixOfSymbol[id] = Exposition.Suffix(of: text)
        return (index, suffixOfSymbol[id])
    }

    @inline(__always)
    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 95 || b == 58
    }

    /// A sample value: a plain decimal (`12`, `-0.25`, `1234.0`) read exactly without a `String` when it has at most
    /// 15 significant digits; anything else (`1e-3`, `NaN`, `+Inf`, long digit runs) through `PrometheusText.number`.
    static func number(_ p: UnsafePointer<UInt8>, _ n: Int) -> Double? {
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") { negative = true; i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0, fraction = 0
        var dot = false
        while i < n {
            let byte = p[i]
            if byte >= 48 && byte <= 57 {
                mantissa = mantissa &* 10 &+ UInt64(byte - 48)
                digits += 1
                if dot { fraction += 1 }
            } else if byte == UInt8(ascii: ".") && !dot {
                dot = true
            } else {
                digits = 99   // not a plain decimal
                break
            }
            i += 1
        }
        if digits > 0 && digits <= 15 {
            // Both operands are exact doubles, so the quotient is correctly rounded (Clinger's fast path).
            let magnitude = fraction == 0 ? Double(mantissa) : Double(mantissa) / powersOfTen[fraction]
            return negative ? -magnitude : magnitude
        }
        return PrometheusText.number(Substring(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)))
    }

    private static let powersOfTen: [Double] = (0...15).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
