import Foundation

/// Calls and failures per provider per minute over the last six hours: what error-budget burn rates are measured on.
/// Pure; bounded (360 minutes per provider, at most `ProviderBoard`'s label cap of providers).
public struct CallCounts: Sendable, Equatable {
    public static let keptMinutes = 360

    struct Minute: Sendable, Equatable {
        var minute: Int
        var requests: Int
        var errors: Int
    }

    private var minutes: [String: [Minute]] = [:]

    public init() {}

    public mutating func add(provider: String, requests: Int, errors: Int, at time: Date) {
        guard requests > 0 else { return }
        let minute = SpendLedger.minute(of: time)
        var list = minutes.removeValue(forKey: provider) ?? []
        if let index = list.lastIndex(where: { $0.minute <= minute }), list[index].minute == minute {
            list[index].requests += requests
            list[index].errors += errors
        } else {
            let index = (list.lastIndex { $0.minute < minute }).map { $0 + 1 } ?? 0
            list.insert(Minute(minute: minute, requests: requests, errors: errors), at: index)
        }
        if let first = list.first, first.minute < minute - Self.keptMinutes {
            list.removeAll { $0.minute < minute - Self.keptMinutes }
        }
        minutes[provider] = list
    }

    /// Requests and failures of `provider` in the `seconds` before `now` (to the minute, the current one included).
    public func window(_ provider: String, seconds: Double, now: Date) -> (requests: Int, errors: Int) {
        let from = SpendLedger.minute(of: now.addingTimeInterval(-seconds)) + 1, to = SpendLedger.minute(of: now)
        var requests = 0, errors = 0
        for entry in minutes[provider] ?? [] where entry.minute >= from && entry.minute <= to {
            requests += entry.requests
            errors += entry.errors
        }
        return (requests, errors)
    }
}

/// Multiwindow, multi-burn-rate alerts on a provider's error budget, as the Google SRE workbook ("Alerting on SLOs")
/// recommends: a budget of `1 - objective` errors; the rate it burns at over a window is the window's error ratio over
/// that budget. A pair fires when both its long and its short window burn faster than its factor — the long window
/// says it matters, the short one that it is still happening (so it resets within minutes of a fix).
public struct BurnRateRule: Sendable, Equatable {
    public var long: TimeInterval
    public var short: TimeInterval
    public var factor: Double
    public var severity: Alert.Severity

    /// The workbook's page-worthy pairs: 2% of a 30-day budget in an hour (14.4×), 5% in six hours (6×).
    public static let pairs = [
        BurnRateRule(long: 3600, short: 300, factor: 14.4, severity: .critical),
        BurnRateRule(long: 6 * 3600, short: 1800, factor: 6, severity: .warning),
    ]

    /// Calls the long window needs before a burn rate means anything.
    public static let minimumRequests = 10

    /// The burn-rate alert of `provider` against `objective` (0.995 for 99.5%), the most severe pair that fires.
    public static func alert(provider: String, counts: CallCounts, objective: Double, now: Date) -> Alert? {
        let budget = 1 - objective
        guard budget > 0 else { return nil }
        for pair in pairs {
            let long = counts.window(provider, seconds: pair.long, now: now)
            let short = counts.window(provider, seconds: pair.short, now: now)
            guard long.requests >= minimumRequests, short.requests > 0 else { continue }
            let longRate = Double(long.errors) / Double(long.requests) / budget
            let shortRate = Double(short.errors) / Double(short.requests) / budget
            // A rate exactly at the factor counts (the ratio of two counts carries rounding).
            guard longRate + 1e-9 >= pair.factor, shortRate + 1e-9 >= pair.factor else { continue }
            let message = String(format: "burning its error budget at %.1f× over %@ and %.1f× over %@ (≥ %g×): %.1f%% errors against an SLO of %g%%",
                                 longRate, Self.span(pair.long), shortRate, Self.span(pair.short), pair.factor,
                                 Double(long.errors) / Double(long.requests) * 100, objective * 100)
            return Alert(pair.severity, .burnRate, provider, message)
        }
        return nil
    }

    static func span(_ seconds: TimeInterval) -> String {
        seconds >= 3600 ? "\(Int(seconds / 3600))h" : "\(Int(seconds / 60))m"
    }
}
