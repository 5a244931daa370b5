/// logfmt lines (`time=… level=info provider=openai latency_ms=412`), mapped with the app vocabulary.
enum Logfmt {
    /// The key/value pairs, or nil when the line has fewer than two `key=value` pairs.
    static func parse(_ line: String) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        var i = line.startIndex
        while i < line.endIndex {
            while i < line.endIndex, line[i] == " " { i = line.index(after: i) }
            guard i < line.endIndex else { break }
            let keyStart = i
            while i < line.endIndex, line[i] != "=", line[i] != " " { i = line.index(after: i) }
            let key = String(line[keyStart..<i])
            guard i < line.endIndex, line[i] == "=", !key.isEmpty else {
                // A bare word: logfmt allows it, but a line of mostly words is prose. A lone `=` (`x == y`) is one too,
                // and is stepped over: the loop stood on it forever before (found by the fuzzer — one such log line
                // hung the source that read it).
                if i < line.endIndex, line[i] == "=" { i = line.index(after: i) }
                continue
            }
            i = line.index(after: i)
            var value = ""
            if i < line.endIndex, line[i] == "\"" {
                i = line.index(after: i)
                while i < line.endIndex, line[i] != "\"" {
                    if line[i] == "\\", line.index(after: i) < line.endIndex { i = line.index(after: i) }
                    value.append(line[i])
                    i = line.index(after: i)
                }
                if i < line.endIndex { i = line.index(after: i) }
            } else {
                let valueStart = i
                while i < line.endIndex, line[i] != " " { i = line.index(after: i) }
                value = String(line[valueStart..<i])
            }
            pairs.append((key, value))
        }
        return pairs.count >= 2 ? pairs : nil
    }

    static func record(_ pairs: [(String, String)], raw: String) -> LogRecord {
        var object: [String: Any] = [:]
        for (key, value) in pairs where object[key] == nil {
            object[key] = Double(value).map { $0 as Any } ?? value
        }
        var record = LogDecoder.record(from: object, mapping: .app, raw: raw)
        record.mapping = "logfmt"
        return record
    }
}

/// Lines that are neither JSON nor logfmt: kept whole, with a level guessed from the first words.
enum PlainText {
    static func record(_ line: String) -> LogRecord {
        var record = LogRecord(raw: line, mapping: "plain")
        record.message = line
        for word in line.prefix(80).split(whereSeparator: { !$0.isLetter }).prefix(6) {
            let level = LogLevel.parse(word)
            if level != .unknown, word.count >= 3 { record.level = level; break }
        }
        return record
    }
}
