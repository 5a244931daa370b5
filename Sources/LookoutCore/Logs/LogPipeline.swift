/// From raw bytes to records: splits lines (bounded), frames entries, decodes them.
/// Pure: the caller reads files, pipes or sockets and feeds the bytes in order.
public struct LogPipeline: Sendable {
    /// Lines longer than this are cut: the first `maxLineBytes` are kept (shown raw, counted malformed).
    public let maxLineBytes: Int
    public private(set) var decoder: LogDecoder
    private var framer = LogFramer()
    private var carry: [UInt8] = []
    private var discardingOverlong = false
    /// Keep each record's raw text (the dashboard shows it; `stats` does not need it).
    public var keepRaw = true
    /// What is masked in every line before it is decoded (`stats`, which shows no line, turns it off).
    public var hygiene = LogHygiene.standard
    /// Inside a private key block printed over several lines: every line is masked up to its `-----END`.
    private var inPrivateKey = false
    /// Kinds found in lines the framer holds (a multi-line entry): they go with the record it emits.
    private var pendingSensitive: [LogHygiene.Kind] = []

    public init(mapping: LogMapping? = nil, maxLineBytes: Int = 1 << 20) {
        decoder = LogDecoder(mapping: mapping)
        self.maxLineBytes = maxLineBytes
    }

    /// A consumer that may take a complete one-line JSON object straight from the bytes, with the decoder's
    /// compiled mapping; returning false hands the line to the decoder as usual.
    public typealias FastLane = (UnsafeBufferPointer<UInt8>, Int, Int, ScanTable) -> Bool

    /// Feeds a chunk; calls `emit` for every record it completes (blank lines come as `blank` records).
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, fastLane: FastLane? = nil, emit: (LogRecord) -> Void) {
        var lineStart = 0
        let count = chunk.count
        while lineStart < count {
            guard let newline = Self.findNewline(chunk, lineStart, count) else {
                appendCarry(chunk, lineStart, count)
                return
            }
            if carry.isEmpty && !discardingOverlong {
                line(chunk, lineStart, newline, fastLane: fastLane, emit: emit)
            } else {
                appendCarry(chunk, lineStart, newline)
                if discardingOverlong {
                    discardingOverlong = false
                } else {
                    let pending = carry
                    carry.removeAll(keepingCapacity: true)
                    pending.withUnsafeBufferPointer { line($0, 0, $0.count, emit: emit) }
                }
                carry.removeAll(keepingCapacity: true)
            }
            lineStart = newline + 1
        }
    }

    /// Flushes a last line without newline and anything the framer holds.
    public mutating func finish(emit: (LogRecord) -> Void) {
        if !carry.isEmpty {
            let pending = carry
            carry.removeAll()
            pending.withUnsafeBufferPointer { line($0, 0, $0.count, emit: emit) }
        }
        discardingOverlong = false
        for entry in framer.finish() { decodeEntry(entry, emit: emit) }
    }

    private mutating func appendCarry(_ chunk: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        guard !discardingOverlong else { return }
        let room = maxLineBytes - carry.count
        if end - start > room {
            carry.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<(start + max(0, room))]))
            // Emit the kept prefix now as an overlong (malformed) line; skip the rest up to the newline.
            var record = LogRecord.malformed(raw: SafeText.escape(bytes: carry))
            record.message = "line longer than \(maxLineBytes) bytes, cut"
            overlong.append(record)
            carry.removeAll(keepingCapacity: true)
            discardingOverlong = true
            return
        }
        carry.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[start..<end]))
    }

    private var overlong: [LogRecord] = []

    private mutating func line(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, fastLane: FastLane? = nil,
                               emit: (LogRecord) -> Void) {
        if !overlong.isEmpty {
            for record in overlong { emit(record) }
            overlong.removeAll()
        }
        var stop = end
        if stop > start, bytes[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
        if stop == start { return emit(LogRecord.blank) }
        guard !hygiene.kinds.isEmpty else { return decode(bytes, start, stop, fastLane: fastLane, emit: emit) }
        if inPrivateKey {
            // The body of a key block: nothing of it is kept.
            inPrivateKey = !LogHygiene.contains("-----END", bytes, start, stop)
            pendingSensitive.append(.privateKey)
            let masked = LogHygiene.marker(.privateKey)
            return masked.withUnsafeBufferPointer { decode($0, 0, $0.count, fastLane: nil, emit: emit) }
        }
        guard let masked = hygiene.mask(bytes, start, stop) else { return decode(bytes, start, stop, fastLane: fastLane, emit: emit) }
        pendingSensitive += masked.kinds
        if masked.kinds.contains(.privateKey), !LogHygiene.contains("-----END", bytes, start, stop) { inPrivateKey = true }
        masked.line.withUnsafeBufferPointer { decode($0, 0, $0.count, fastLane: nil, emit: emit) }
    }

    /// Decodes one line (masked already); the kinds hygiene found go with the next record emitted.
    private mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ stop: Int, fastLane: FastLane?,
                                 emit: (LogRecord) -> Void) {
        guard pendingSensitive.isEmpty else {
            var taken = false
            let kinds = pendingSensitive
            decodeLine(bytes, start, stop, fastLane: nil) { record in
                var record = record
                if !taken, !record.isBlank {
                    record.sensitive = kinds
                    taken = true
                }
                emit(record)
            }
            if taken { pendingSensitive.removeAll() }
            return
        }
        decodeLine(bytes, start, stop, fastLane: fastLane, emit: emit)
    }

    private mutating func decodeLine(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ stop: Int, fastLane: FastLane?,
                                     emit: (LogRecord) -> Void) {
        // Fast lane: a line that is one JSON object (or a broken one: it has a quote, so the framer would not
        // gather it), with no envelope, once the mapping is known: straight to the decoder, no String made.
        if bytes[start] == UInt8(ascii: "{"), framer.isIdle, let mapping = decoder.mapping, mapping.name != LogMapping.otlpName,
           bytes[stop - 1] == UInt8(ascii: "}") || memchr(bytes.baseAddress! + start, 0x22, stop - start) != nil,
           !Self.isDockerLine(bytes, start, stop) {
            if let fastLane, let table = decoder.table, fastLane(bytes, start, stop, table) { return }
            emit(decoder.decode(bytes, start, stop, keepRaw: keepRaw))
            return
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self)
        for entry in framer.feed(text) { decodeEntry(entry, emit: emit) }
    }

    private mutating func decodeEntry(_ entry: LogEntry, emit: (LogRecord) -> Void) {
        if let problem = entry.framingProblem {
            var record = LogRecord.malformed(raw: entry.text)
            record.message = problem
            return emit(record)
        }
        for var record in decoder.decodeEntry(entry.text) {
            if record.time == nil { record.time = entry.envelopeTime }
            emit(record)
        }
    }

    @inline(__always)
    static func findNewline(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        guard let base = bytes.baseAddress, start < end else { return nil }
        guard let found = memchr(base + start, 0x0A, end - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    static func isDockerLine(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let prefix: StaticString = "{\"log\":"
        guard end - start >= prefix.utf8CodeUnitCount else { return false }
        for k in 0..<prefix.utf8CodeUnitCount where bytes[start + k] != prefix.utf8Start[k] { return false }
        return true
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
