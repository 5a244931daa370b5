/// Reads log bytes into `CallStatistics` at memory speed: successful calls on one-line JSON objects are counted
/// straight from the byte scanner's spans; everything else (errors, which need their class; nested paths;
/// escapes; envelopes; other shapes) goes through the full decoder. Tests check both routes agree.
public struct StatsReader: Sendable {
    public private(set) var statistics: CallStatistics
    private var pipeline: LogPipeline
    private var lane: FastLane
    /// Off: every line takes the decoder (the reference the fast lane is tested against).
    public var useFastLane = true

    private let mapping: LogMapping?

    public init(mapping: LogMapping? = nil, grouping: StatsGrouping = .provider, maxGroups: Int = 1000,
                prices: PriceTable = PriceTable()) {
        statistics = CallStatistics(grouping: grouping, maxGroups: maxGroups, prices: prices)
        self.mapping = mapping
        pipeline = LogPipeline(mapping: mapping)
        pipeline.keepRaw = false
        pipeline.hygiene = .off   // it shows no line: nothing to mask (the scan would cost 0.2 µs a line)
        lane = FastLane(grouping: grouping)
    }

    /// The mapping detected (or given).
    public var mappingName: String { pipeline.decoder.mappingName }

    /// The mapping the first JSON line of `bytes` calls for (what the first part of a parallel read detects,
    /// handed to the other parts); nil when the start holds no JSON object line.
    public static func detectMapping(_ bytes: UnsafeBufferPointer<UInt8>) -> LogMapping? {
        var start = 0
        let limit = min(bytes.count, 1 << 20)
        while start < limit {
            var end = start
            while end < limit, bytes[end] != 0x0A { end += 1 }
            if end > start, bytes[start] == UInt8(ascii: "{") {
                guard let object = LogDecoder.parseObject(bytes, start, end) else { return nil }
                return MappingDetector.detect(keys: Set(object.keys))
            }
            if end > start { return nil }   // the first line is not JSON: envelopes, logfmt… read in one pass
            start = end + 1
        }
        return nil
    }

    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>) {
        // The closures work on locals swapped out of `self`, so the pipeline can be mutated at the same time
        // without copying the statistics (a copy would duplicate every histogram).
        var statistics = CallStatistics(grouping: self.statistics.grouping, maxGroups: 0, prices: PriceTable())
        var lane = FastLane(grouping: self.lane.grouping)
        swap(&statistics, &self.statistics)
        swap(&lane, &self.lane)
        defer {
            swap(&statistics, &self.statistics)
            swap(&lane, &self.lane)
        }
        if useFastLane {
            pipeline.feed(chunk, fastLane: { lane.take($0, $1, $2, $3, into: &statistics) }, emit: { statistics.add($0) })
        } else {
            pipeline.feed(chunk, emit: { statistics.add($0) })
        }
    }

    /// Ends one input (file or stream): flushes its last line and framing; the next input detects its own mapping.
    public mutating func finish() {
        var statistics = CallStatistics(grouping: self.statistics.grouping, maxGroups: 0)
        swap(&statistics, &self.statistics)
        pipeline.finish { statistics.add($0) }
        swap(&statistics, &self.statistics)
        pipeline = LogPipeline(mapping: mapping)
        pipeline.keepRaw = false
        pipeline.hygiene = .off
    }
}

/// The byte-level route of `StatsReader`.
struct FastLane: Sendable {
    let grouping: StatsGrouping
    private var spans = [FieldSpan](repeating: FieldSpan(), count: LogField.allCases.count)
    private var groupKeys: [(key: [UInt8], index: Int)] = []
    /// Where in `groupKeys` the last line's group was found.
    private var lastGroup = 0

    init(grouping: StatsGrouping) { self.grouping = grouping }

    /// Counts the line if it is a well-formed flat object that is either no LLM call (no provider, or no call
    /// evidence) or a successful call with plain values; returns false to hand it to the decoder.
    mutating func take(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ table: ScanTable,
                       into statistics: inout CallStatistics) -> Bool {
        let outcome = spans.withUnsafeMutableBufferPointer { FlatJSONScanner.scan(bytes, start, end, table: table, spans: $0) }
        if outcome == .malformed {
            // The decoder would say the same (the scanner is differential-tested to agree): count it here.
            statistics.addMalformed()
            return true
        }
        guard outcome == .fields else { return false }
        let provider = spans[LogField.provider.rawValue]
        if provider.kind == .none {
            // A mapping with a gateway row names calls without a provider: the decoder judges them.
            if table.mapping.gatewayProvider != nil { return false }
            statistics.addNonCall()
            return true
        }
        // "None" and "" are no provider (LiteLLM's gateway-level failures): the decoder's rule.
        guard provider.kind == .string, provider.end - provider.start > 0,
              !Self.equalsIgnoringCase(bytes, provider, "none") else { return false }
        let groupField: LogField = grouping == .provider ? .provider : grouping == .model ? .model : .service
        let group = spans[groupField.rawValue]
        guard group.kind == .string else { return false }
        // Fields that the decoder's finishing step reads (times, first token) or that make the model name change
        // (a `provider/` prefix) are left to it.
        guard spans[LogField.endTime.rawValue].kind == .none, spans[LogField.firstTokenTime.rawValue].kind == .none
        else { return false }

        // `LogRecord.isError`, on bytes: failed calls go to the decoder, which classes them (codes, class names,
        // message); so do unusual values.
        let status = spans[LogField.status.rawValue]
        switch status.kind {
        case .none: break
        case .string: if Self.isOneOf(bytes, status, Self.errorStatusWords) { return false }
        default: return false
        }
        let http = spans[LogField.httpStatus.rawValue]
        switch http.kind {
        case .none: break
        case .number:
            guard http.unit == .plain, let code = JSONBytes.double(bytes, http.start, http.end).flatMap(FieldValue.integral),
                  code > 0, code < 400 else { return false }
        default: return false
        }
        let level = spans[LogField.level.rawValue]
        switch level.kind {
        case .none: break
        case .string: if Self.isOneOf(bytes, level, Self.errorLevelWords) { return false }
        default: return false
        }
        // No call evidence (a model, a latency, tokens, an HTTP status, a status): an event, not a call.
        if spans[LogField.model.rawValue].kind == .none, spans[LogField.latency.rawValue].kind == .none,
           spans[LogField.inputTokens.rawValue].kind == .none, spans[LogField.outputTokens.rawValue].kind == .none,
           http.kind == .none, status.kind == .none {
            statistics.addNonCall()
            return true
        }
        let model = spans[LogField.model.rawValue]
        if model.kind != .none {
            guard model.kind == .string, !Self.hasPrefix(bytes, model, provider) else { return false }
        }

        guard let latency = number(.latency, bytes), let input = number(.inputTokens, bytes),
              let output = number(.outputTokens, bytes), let cost = number(.cost, bytes) else { return false }
        // A call to be costed from the price table: the decoder's route has the model name as text.
        if cost.value == nil && !statistics.prices.isEmpty { return false }
        var latencyMs = latency.value
        if let value = latencyMs {
            switch latency.unit {
            case .plain: break
            case .seconds: latencyMs = value * 1000
            default: return false
            }
        }
        let inputTokens = input.value.flatMap(FieldValue.integral)
        let outputTokens = output.value.flatMap(FieldValue.integral)
        if input.value != nil && inputTokens == nil { return false }
        if output.value != nil && outputTokens == nil { return false }

        statistics.addCall(group: index(of: group, bytes, &statistics), errorClass: nil, latencyMs: latencyMs,
                           inputTokens: inputTokens, outputTokens: outputTokens, costUSD: cost.value)
        return true
    }

    /// A numeric field: absent (value nil), a JSON number, or nil (the whole result) when the decoder must judge it.
    @inline(__always)
    private func number(_ field: LogField, _ bytes: UnsafeBufferPointer<UInt8>) -> (value: Double?, unit: FieldUnit)? {
        let span = spans[field.rawValue]
        switch span.kind {
        case .none: return (nil, span.unit)
        case .number:
            guard let value = JSONBytes.double(bytes, span.start, span.end) else { return nil }
            return (value, span.unit)
        default: return nil
        }
    }

    private mutating func index(of span: FieldSpan, _ bytes: UnsafeBufferPointer<UInt8>, _ statistics: inout CallStatistics) -> Int {
        let length = span.end - span.start
        // Lines of one group come in runs: the last group found is tried first.
        if lastGroup < groupKeys.count, Self.equals(groupKeys[lastGroup].key, bytes, span) { return groupKeys[lastGroup].index }
        for (position, entry) in groupKeys.enumerated() where entry.key.count == length {
            var equal = true
            entry.key.withUnsafeBufferPointer { key in
                for k in 0..<length where key[k] != bytes[span.start + k] { equal = false; break }
            }
            if equal {
                lastGroup = position
                return entry.index
            }
        }
        let key = Array(UnsafeBufferPointer(rebasing: bytes[span.start..<span.end]))
        let index = statistics.index(of: String(decoding: key, as: UTF8.self))
        if groupKeys.count < 64 { groupKeys.append((key, index)) }
        return index
    }

    @inline(__always)
    static func equals(_ key: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, _ span: FieldSpan) -> Bool {
        let length = span.end - span.start
        guard key.count == length else { return false }
        return key.withUnsafeBufferPointer { key in
            for k in 0..<length where key[k] != bytes[span.start + k] { return false }
            return true
        }
    }

    /// `ErrorClass.isErrorStatus`'s words.
    static let errorStatusWords: [StaticString] = ["error", "failure", "failed", "fail", "timeout", "exception"]
    /// The words `LogLevel.parse` maps to `.error` or `.fatal`.
    static let errorLevelWords: [StaticString] = ["error", "err", "eror", "severe", "fatal", "critical", "crit", "alert",
                                                  "emergency", "panic"]

    /// Whether the span `value` starts with the span `prefix` (a model written `openai/gpt-4o-mini`).
    static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ value: FieldSpan, _ prefix: FieldSpan) -> Bool {
        let n = prefix.end - prefix.start
        guard value.end - value.start > n else { return false }
        for k in 0..<n where bytes[value.start + k] != bytes[prefix.start + k] { return false }
        return true
    }

    static func isOneOf(_ bytes: UnsafeBufferPointer<UInt8>, _ span: FieldSpan, _ words: [StaticString]) -> Bool {
        for word in words where equalsIgnoringCase(bytes, span, word) { return true }
        return false
    }

    @inline(__always)
    static func equalsIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ span: FieldSpan, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard span.end - span.start == n else { return false }
        let p = word.utf8Start
        for k in 0..<n where bytes[span.start + k] | 0x20 != p[k] { return false }
        return true
    }
}
