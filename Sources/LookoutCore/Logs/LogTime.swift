import Foundation

/// A record's time, whatever form the line wrote it in: ISO 8601 (`2026-12-04T03:31:41.382174`, with `Z` or an
/// offset, or none: then UTC), or epoch seconds, milliseconds, microseconds or nanoseconds (told apart by
/// magnitude, as a number or a numeric string — LiteLLM's `startTime` is `1796355162.300414`, OTLP's
/// `timeUnixNano` a string of nanoseconds). Pure, no formatter objects: it runs for every record shown.
public enum LogTime {
    /// Seconds since 1970 (UTC); nil when the text is no time lookout can read.
    public static func epochSeconds(_ text: String) -> Double? {
        let trimmed = text.trimmingWhitespace()
        guard let first = trimmed.utf8.first else { return nil }
        if first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"), !trimmed.contains("-"), !trimmed.contains(":"),
           let number = Double(trimmed), number.isFinite, number > 0 {
            return fromEpoch(number)
        }
        return iso8601(trimmed)
    }

    /// An epoch number in s, ms, µs or ns, by magnitude (seconds cover 1973–5138).
    public static func fromEpoch(_ number: Double) -> Double {
        switch number {
        case ..<1e11: return number
        case ..<1e14: return number / 1e3
        case ..<1e17: return number / 1e6
        default: return number / 1e9
        }
    }

    /// `HH:MM:SS.mmm` (UTC) for the Logs screen; the text itself, cut to 12 characters, when it is no time.
    public static func clock(_ text: String?) -> String {
        guard let text else { return "" }
        guard let seconds = epochSeconds(text) else { return String(text.prefix(12)) }
        return clock(seconds: seconds)
    }

    /// `HH:MM:SS.mmm` (UTC) of an epoch time.
    public static func clock(seconds: Double) -> String {
        let millis = Int64((seconds * 1000).rounded(.down))
        let day = ((millis % 86_400_000) + 86_400_000) % 86_400_000
        let h = day / 3_600_000, m = day / 60_000 % 60, s = day / 1000 % 60, ms = day % 1000
        return NumberText.padded(Int(h), 2) + ":" + NumberText.padded(Int(m), 2) + ":" + NumberText.padded(Int(s), 2) + "."
            + NumberText.padded(Int(ms), 3)
    }

    /// `YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|±HH[:]MM]`; nil for anything else.
    static func iso8601(_ text: String) -> Double? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var value = 0
            for k in 0..<n {
                let d = Int(b[i + k]) - 48
                guard d >= 0, d <= 9 else { return nil }
                value = value * 10 + d
            }
            i += n
            return value
        }
        func expect(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        guard i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "t") else { return nil }
        i += 1
        guard let hour = digits(2), expect(":"), let minute = digits(2), hour < 24, minute < 60 else { return nil }
        var second = 0.0
        if expect(":") {
            guard let whole = digits(2), whole <= 60 else { return nil }
            second = Double(whole)
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                var scale = 0.1
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    second += Double(b[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
            }
        }
        var offset = 0
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(":")
                let om = digits(2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == b.count else { return nil }
        return Double(daysFromCivil(year, month, day)) * 86_400 + Double(hour * 3600 + minute * 60) + second - Double(offset)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
