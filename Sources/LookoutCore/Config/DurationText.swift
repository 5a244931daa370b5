/// Parses and prints durations as written in configuration files: `250ms`, `5s`, `2m`, `1h`, `1m30s`.
public enum DurationText {
    /// The duration `text` denotes, or nil when it is not of the form `<number><unit>…`.
    public static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        var seconds = 0.0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            seconds += value * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// A short human form: `850ms`, `5s`, `2m`, `1m30s`, `3h`.
    public static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        if ms < 1000 { return "\(ms)ms" }
        let s = ms / 1000
        if s < 60 { return ms % 1000 == 0 ? "\(s)s" : NumberText.fixed(Double(ms) / 1000, 1) + "s" }
        if s < 3600 { return s % 60 == 0 ? "\(s / 60)m" : "\(s / 60)m\(s % 60)s" }
        return s % 3600 == 0 ? "\(s / 3600)h" : "\(s / 3600)h\((s % 3600) / 60)m"
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    public var milliseconds: Int64 {
        let (s, atto) = components
        return s * 1000 + atto / 1_000_000_000_000_000
    }

    /// The duration in seconds, fractions included.
    public var inSeconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

import Foundation
