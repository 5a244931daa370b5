/// One log entry cut out of a stream: the text to decode, and what its envelope said.
public struct LogEntry: Sendable, Equatable {
    public var text: String
    /// `stdout`/`stderr` from a CRI or docker envelope.
    public var stream: String?
    /// The envelope's timestamp (CRI, docker, `aws logs tail`), used when the entry has none.
    public var envelopeTime: String?
    /// Set when the entry could not be framed (an unterminated multi-line JSON, an overlong line).
    public var framingProblem: String?

    public init(text: String, stream: String? = nil, envelopeTime: String? = nil, framingProblem: String? = nil) {
        self.text = text
        self.stream = stream
        self.envelopeTime = envelopeTime
        self.framingProblem = framingProblem
    }
}

/// Cuts lines into entries: unwraps Kubernetes CRI lines (joining `P` partials), docker json-file lines
/// (`log` holds an escaped string) and `aws logs tail` prefixes, and gathers pretty-printed multi-line JSON
/// (`aws logs tail --format json`, OTLP/JSON files) into one entry. Stateful: feed lines in order.
public struct LogFramer: Sendable {
    /// Bounds on a gathered entry; past them it is emitted as is, marked with a framing problem.
    public var maxEntryBytes = 1 << 20
    public var maxEntryLines = 10_000

    private var partial: (text: String, stream: String?, time: String?)?
    private var gathering: (lines: [String], bytes: Int, depth: Int, time: String?)?

    public init() {}

    /// Nothing pending: the next line starts a new entry.
    public var isIdle: Bool { partial == nil && gathering == nil }

    /// Feeds one line (without its newline); returns the entries it completes (zero, one, or two).
    public mutating func feed(_ line: String) -> [LogEntry] {
        if gathering != nil { return gather(line) }
        if let cri = CRILine(line) { return join(cri) }
        if let docker = DockerJSONLine(line) {
            return [LogEntry(text: docker.message, stream: docker.stream, envelopeTime: docker.time)]
        }
        return start(line)
    }

    /// A line of a multi-line JSON entry being gathered: the entry when its brackets close or it grew past the bounds.
    private mutating func gather(_ line: String) -> [LogEntry] {
        guard var gather = gathering else { return [] }
        gather.lines.append(line)
        gather.bytes += line.utf8.count + 1
        gather.depth += LogFramer.depthChange(line)
        if gather.depth <= 0 {
            gathering = nil
            return [LogEntry(text: gather.lines.joined(separator: "\n"), envelopeTime: gather.time)]
        }
        if gather.bytes > maxEntryBytes || gather.lines.count > maxEntryLines {
            gathering = nil
            return [LogEntry(text: gather.lines.joined(separator: "\n"), envelopeTime: gather.time,
                             framingProblem: "multi-line entry longer than \(maxEntryLines) lines or \(maxEntryBytes) bytes")]
        }
        gathering = gather
        return []
    }

    /// A CRI line: a partial (`P`) is held until its final (`F`) part, bounded by `maxEntryBytes`.
    private mutating func join(_ cri: CRILine) -> [LogEntry] {
        guard cri.partial else {
            let entry = LogEntry(text: (partial?.text ?? "") + cri.message, stream: partial?.stream ?? cri.stream,
                                 envelopeTime: partial?.time ?? cri.time)
            partial = nil
            return [entry]
        }
        if var pending = partial { pending.text += cri.message; partial = pending }
        else { partial = (cri.message, cri.stream, cri.time) }
        if let pending = partial, pending.text.utf8.count > maxEntryBytes {
            partial = nil
            return [LogEntry(text: pending.text, stream: pending.stream, envelopeTime: pending.time,
                             framingProblem: "partial (P) lines longer than \(maxEntryBytes) bytes")]
        }
        return []
    }

    /// Any other line: an entry of its own (its `aws logs tail` prefix taken off), or the first line of a
    /// multi-line JSON entry, which starts gathering.
    private mutating func start(_ line: String) -> [LogEntry] {
        var text = line
        var time: String?
        if let aws = AWSTailLine(line) {
            text = aws.message
            time = aws.time
        }
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        if trimmed.isEmpty && time != nil {
            // `aws logs tail --format json`: the JSON follows on the next lines.
            gathering = ([], 0, 0, time)
            return []
        }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            let depth = LogFramer.depthChange(String(trimmed))
            if depth > 0 && !text.containsBytes("\"") || trimmed == "{" || trimmed == "[" {
                gathering = ([text], text.utf8.count, depth, time)
                return []
            }
        }
        return [LogEntry(text: text, envelopeTime: time)]
    }

    /// Whatever is pending at the end of the input.
    public mutating func finish() -> [LogEntry] {
        var out: [LogEntry] = []
        if let pending = partial {
            out.append(LogEntry(text: pending.text, stream: pending.stream, envelopeTime: pending.time))
            partial = nil
        }
        if let gather = gathering, !gather.lines.isEmpty {
            out.append(LogEntry(text: gather.lines.joined(separator: "\n"), envelopeTime: gather.time,
                                framingProblem: "unterminated multi-line JSON"))
        }
        gathering = nil
        return out
    }

    /// Net change of bracket depth across `line`, ignoring brackets inside strings.
    static func depthChange(_ line: String) -> Int {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in line.utf8 {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return depth
    }
}

/// `<RFC3339Nano> <stdout|stderr> <P|F> <message>` (Kubernetes CRI log format).
struct CRILine {
    let time: String, stream: String, partial: Bool, message: String

    init?(_ line: String) {
        guard line.utf8.count > 30, let first = line.utf8.first, first &- 48 < 10 else { return nil }
        let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].count >= 20, parts[0].containsBytes("T"),
              parts[1] == "stdout" || parts[1] == "stderr", parts[2] == "P" || parts[2] == "F" else { return nil }
        time = String(parts[0])
        stream = String(parts[1])
        partial = parts[2] == "P"
        message = parts.count == 4 ? String(parts[3]) : ""
    }
}

/// `{"log":"<escaped line>\n","stream":"stdout","time":"…"}` (docker's json-file driver).
struct DockerJSONLine {
    let message: String, stream: String?, time: String?

    init?(_ line: String) {
        guard line.hasPrefix("{\"log\":"), let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let log = object["log"] as? String else { return nil }
        message = log.hasSuffix("\n") ? String(log.dropLast()) : log
        stream = object["stream"] as? String
        time = object["time"] as? String
    }
}

/// `<ISO time> <log stream> <message>` as printed by `aws logs tail` (the stream name has a `/` or `[`).
struct AWSTailLine {
    let time: String, message: String

    init?(_ line: String) {
        guard let first = line.utf8.first, first &- 48 < 10 else { return nil }
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].count >= 19, parts[0].containsBytes("T"), parts[0].containsBytes(":"),
              parts[1].containsBytes("/") || parts[1].containsBytes("[") else { return nil }
        time = String(parts[0])
        message = parts.count == 3 ? String(parts[2]) : ""
    }
}

import Foundation
