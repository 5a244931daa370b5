import Foundation

/// Turns one line (already unwrapped from any envelope) into a `LogRecord`.
/// JSON takes the byte scanner, falling back to the full parser when a nested path or unusual text needs it;
/// other lines are tried as logfmt, then plain text with a guessed level. Never throws: a line that looks
/// like JSON but is not becomes a `malformed` record that keeps the raw text.
public struct LogDecoder: Sendable {
    /// The mapping in use; nil until auto-detection has seen a JSON line (or when none is configured).
    public private(set) var mapping: LogMapping?
    /// The compiled mapping, once known (the statistics fast lane scans with it too).
    public private(set) var table: ScanTable?
    private let fixed: Bool
    private var spans = [FieldSpan](repeating: FieldSpan(), count: LogField.allCases.count)

    /// - Parameter mapping: a fixed mapping, or nil to auto-detect from the first JSON line.
    public init(mapping: LogMapping? = nil) {
        self.mapping = mapping
        self.table = mapping.map(ScanTable.init)
        self.fixed = mapping != nil
    }

    /// The name shown for the source: the mapping in use, or `auto` before detection.
    public var mappingName: String { mapping?.name ?? "auto" }

    public mutating func decode(_ line: String) -> LogRecord {
        var bytes = line
        return bytes.withUTF8 { decode($0, 0, $0.count, text: line) }
    }

    /// Decodes one entry, which may hold several records (an OTLP/JSON document).
    public mutating func decodeEntry(_ text: String) -> [LogRecord] {
        if text.hasPrefix("{"), text.containsBytes("\"resourceLogs\""), let records = OTLPLogs.records(text) { return records }
        var bytes = text
        return [bytes.withUTF8 { decode($0, 0, $0.count, text: text) }]
    }

    /// Decodes `bytes[start..<end]`. `text` may pass the line when the caller already has it as a String;
    /// without `keepRaw` the record's raw text stays empty unless the line is malformed (statistics need no raw text).
    public mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, text: String? = nil,
                                keepRaw: Bool = true) -> LogRecord {
        var first = start
        while first < end, FlatJSONScanner.isSpace(bytes[first]) { first += 1 }
        let rawText = { text ?? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) }
        let raw = keepRaw ? rawText : { "" }
        guard first < end else { return LogRecord(raw: "", mapping: "plain") }
        if bytes[first] == UInt8(ascii: "{") {
            if table == nil {
                guard let object = LogDecoder.parseObject(bytes, start, end) else {
                    return LogRecord.malformed(raw: rawText())
                }
                let detected = MappingDetector.detect(keys: Set(object.keys))
                mapping = detected
                table = ScanTable(detected)
                return LogDecoder.record(from: object, mapping: detected, raw: raw())
            }
            return decodeJSON(bytes, start, end, raw: raw, malformedRaw: rawText)
        }
        let line = rawText()
        if let pairs = Logfmt.parse(line) { return Logfmt.record(pairs, raw: line) }
        return PlainText.record(line)
    }

    private mutating func decodeJSON(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                     raw: () -> String, malformedRaw: () -> String) -> LogRecord {
        guard let table, let mapping else { return LogRecord.malformed(raw: malformedRaw()) }
        switch FlatJSONScanner.scan(bytes, start, end, table: table, spans: &spans) {
        case .malformed:
            return LogRecord.malformed(raw: malformedRaw())
        case .needsFullParse:
            guard let object = LogDecoder.parseObject(bytes, start, end) else {
                return LogRecord.malformed(raw: malformedRaw())
            }
            return LogDecoder.record(from: object, mapping: mapping, raw: raw())
        case .fields:
            var record = LogRecord(raw: raw(), mapping: mapping.name)
            // Same order as the full route: fields in `LogField` order.
            for field in LogField.allCases {
                let span = spans[field.rawValue]
                guard span.kind != .none, let value = FieldValue(span: span, bytes: bytes) else { continue }
                record.set(field, value, unit: span.unit)
            }
            record.finish(gateway: mapping.gatewayProvider)
            return record
        }
    }

    /// The full parser: Foundation's JSONSerialization, on the line with invalid UTF-8 replaced by U+FFFD
    /// (as every String of the line is), so a stray byte costs one character, not the record.
    public static func parseObject(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [String: Any]? {
        let data = Data(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self).utf8)
        return (try? JSONSerialization.jsonObject(with: data, options: [])) as? [String: Any]
    }

    /// Applies `mapping` to a parsed object: for each field, the first candidate path that holds a value.
    public static func record(from object: [String: Any], mapping: LogMapping, raw: String) -> LogRecord {
        var record = LogRecord(raw: raw, mapping: mapping.name)
        for field in LogField.allCases {
            for path in mapping.paths[field] ?? [] {
                guard let found = resolve(path.components, in: object), let value = FieldValue(json: found) else { continue }
                record.set(field, value, unit: path.unit)
                break
            }
        }
        record.finish(gateway: mapping.gatewayProvider)
        return record
    }

    static func resolve(_ components: [String], in object: [String: Any]) -> Any? {
        var current: Any = object
        for component in components {
            guard let dictionary = current as? [String: Any], let next = dictionary[component] else { return nil }
            current = next
        }
        return current
    }
}

/// Picks the preset whose signature keys a JSON object has.
public enum MappingDetector {
    public static func detect(keys: Set<String>) -> LogMapping {
        if keys.contains("resourceLogs") { return LogMapping(name: LogMapping.otlpName, paths: LogMapping.otel.paths) }
        if keys.contains("custom_llm_provider") || keys.contains("litellm_call_id") { return .litellm }
        if keys.contains("jsonPayload") || keys.contains("textPayload") || (keys.contains("severity") && keys.contains("logName")) {
            return .gcp
        }
        if keys.contains(where: { $0.hasPrefix("gen_ai.") }) { return .otel }
        if keys.contains("usage") {
            // OpenAI's objects carry `choices`; Anthropic's carry `content` and `stop_reason`.
            return keys.contains("stop_reason") || keys.contains("content") ? .anthropic : .openai
        }
        if keys.contains("requestId") || (keys.contains("type") && keys.contains("record")) { return .lambda }
        return .app
    }
}
