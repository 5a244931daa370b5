import Foundation

/// Times as the dashboard shows them: UTC, from the epoch seconds (no calendar or formatter per call).
public enum UTCClock {
    /// `14:03Z`.
    public static func minutes(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970) % 86400
        return NumberText.padded(seconds / 3600, 2) + ":" + NumberText.padded((seconds / 60) % 60, 2) + "Z"
    }

    /// `14:03:07`.
    public static func seconds(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970) % 86400
        return NumberText.padded(seconds / 3600, 2) + ":" + NumberText.padded((seconds / 60) % 60, 2) + ":" + NumberText.padded(seconds % 60, 2)
    }

    /// `14:03Z` on `now`'s day, `Dec 19 14:03Z` on another.
    public static func moment(_ date: Date, now: Date) -> String {
        if sameDay(date, now) { return minutes(date) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.month, .day], from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(months[(parts.month ?? 1) - 1]) \(parts.day ?? 1) \(minutes(date))"
    }

    /// `2026-12-05T14:03:07Z`, as a log line's time.
    public static func iso8601(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02dT", p.year ?? 1970, p.month ?? 1, p.day ?? 1) + seconds(date) + "Z"
    }

    public static func sameDay(_ a: Date, _ b: Date) -> Bool {
        Int(a.timeIntervalSince1970) / 86400 == Int(b.timeIntervalSince1970) / 86400
    }
}
