import Foundation

/// OTLP/JSON log documents (`resourceLogs[].scopeLogs[].logRecords[]`): each log record becomes one record,
/// its attributes flattened (`{"key":…,"value":{"stringValue"|"intValue"|"doubleValue"|"boolValue":…}}`)
/// and mapped with the OpenTelemetry GenAI preset.
enum OTLPLogs {
    static func records(_ text: String) -> [LogRecord]? {
        guard let data = text.data(using: .utf8),
              let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let resourceLogs = root["resourceLogs"] as? [[String: Any]] else { return nil }
        var out: [LogRecord] = []
        for resourceLog in resourceLogs {
            let resource = flatten((resourceLog["resource"] as? [String: Any])?["attributes"])
            for scopeLog in resourceLog["scopeLogs"] as? [[String: Any]] ?? [] {
                for logRecord in scopeLog["logRecords"] as? [[String: Any]] ?? [] {
                    var object = resource.merging(flatten(logRecord["attributes"])) { $1 }
                    for key in ["timeUnixNano", "severityText", "traceId", "spanId"] {
                        if let value = logRecord[key] { object[key] = value }
                    }
                    if let body = logRecord["body"] as? [String: Any], let value = anyValue(body) { object["body"] = value }
                    if object["severityText"] == nil, let number = logRecord["severityNumber"] as? Int {
                        object["severityText"] = severity(number)
                    }
                    let raw = (try? JSONSerialization.data(withJSONObject: logRecord, options: [.sortedKeys]))
                        .map { String(decoding: $0, as: UTF8.self) } ?? ""
                    out.append(LogDecoder.record(from: object, mapping: .otel, raw: raw))
                }
            }
        }
        return out
    }

    static func flatten(_ attributes: Any?) -> [String: Any] {
        var out: [String: Any] = [:]
        for attribute in attributes as? [[String: Any]] ?? [] {
            guard let key = attribute["key"] as? String, let value = attribute["value"] as? [String: Any],
                  let plain = anyValue(value) else { continue }
            out[key] = plain
        }
        return out
    }

    /// OTLP AnyValue: `intValue` is a string in OTLP/JSON (64-bit safety).
    static func anyValue(_ value: [String: Any]) -> Any? {
        if let s = value["stringValue"] as? String { return s }
        if let i = value["intValue"] { return (i as? String).flatMap(Double.init) ?? i }
        if let d = value["doubleValue"] { return d }
        if let b = value["boolValue"] { return b }
        return nil
    }

    /// OTel severity numbers: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL.
    static func severity(_ number: Int) -> String {
        switch number {
        case ..<5: return "TRACE"
        case ..<9: return "DEBUG"
        case ..<13: return "INFO"
        case ..<17: return "WARN"
        case ..<21: return "ERROR"
        default: return "FATAL"
        }
    }
}
