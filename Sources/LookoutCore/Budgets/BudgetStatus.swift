import Foundation

/// Where a budget stands now: its period, what was spent, how fast it burns, and when it runs out at that pace.
public struct BudgetStatus: Sendable, Equatable {
    public var budget: BudgetConfig
    /// The period's bounds (a rolling window: `now - span` to `now`).
    public var start: Date
    public var end: Date
    public var spent: Double
    /// Spent / limit (0 when the limit is 0 and nothing was spent).
    public var fraction: Double
    /// The pace of the last hour and of the last six hours, per hour, in the limit's unit.
    public var burnPerHourLastHour: Double
    public var burnPerHourLastSixHours: Double
    /// When the limit is reached at the last hour's pace, if before the period ends (a rolling window: within one span);
    /// `now` once it is reached.
    public var exhaustion: Date?
    /// Spend at the period's end at the last hour's pace, as a fraction of the limit (calendar periods only).
    public var projectedFraction: Double?

    /// Sums of many small costs carry rounding: a line counts as reached within a billionth of it.
    private static let tolerance = 1e-9

    public var isExhausted: Bool { fraction + Self.tolerance >= 1 }

    /// The highest warn line reached (nil below the first).
    public var crossed: Double? { budget.warnAt.last { fraction + Self.tolerance >= $0 } }

    /// Judges `budget` at `now` from `ledger`; calendar periods in `calendar`'s time zone.
    public init(_ budget: BudgetConfig, ledger: SpendLedger, now: Date, calendar: Calendar) {
        self.budget = budget
        (start, end) = Self.bounds(of: budget.period, at: now, calendar: calendar)
        let key = budget.scope.key
        // `end` of the ledger's sums is exclusive: the minute under way counts through `now + 1 minute`.
        let through = Date(timeIntervalSince1970: (Double(SpendLedger.minute(of: now)) + 1) * 60)
        // A rolling window ends now: through the minute under way (its `end` is `now`, which would leave that minute out).
        let rolling = if case .rolling = budget.period { true } else { false }
        spent = ledger.total(key, from: start, to: rolling ? through : min(end, through)).amount(for: budget.limit)
        let limit = budget.limit.amount
        fraction = limit > 0 ? spent / limit : (spent > 0 ? 1 : 0)
        // A pace per hour over the last `span` seconds, or over what was observed when that is less (a minute at least).
        // The sum runs from the start of the minute `span` ago to now, and is divided by exactly that time.
        func pace(over span: Double) -> Double {
            let observed = min(span, max(60, now.timeIntervalSince(ledger.coveredSince)))
            let from = Date(timeIntervalSince1970: Double(SpendLedger.minute(of: now.addingTimeInterval(-observed))) * 60)
            let seconds = max(60, now.timeIntervalSince(from))
            return ledger.total(key, from: from, to: through).amount(for: budget.limit) / seconds * 3600
        }
        burnPerHourLastHour = pace(over: 3600)
        burnPerHourLastSixHours = pace(over: 6 * 3600)
        let remaining = limit - spent
        if remaining <= limit * Self.tolerance {
            exhaustion = now
        } else if burnPerHourLastHour > 0 {
            let at = now.addingTimeInterval(remaining / burnPerHourLastHour * 3600)
            // A calendar period: before it ends. A rolling window: within one span from now (further out, the
            // window will have let go of today's spend long before).
            let horizon: Date
            if case let .rolling(span) = budget.period { horizon = now.addingTimeInterval(span.inSeconds) } else { horizon = end }
            exhaustion = at < horizon ? at : nil
        }
        if case .rolling = budget.period {} else if limit > 0 {
            projectedFraction = (spent + burnPerHourLastHour * max(0, end.timeIntervalSince(now)) / 3600) / limit
        }
    }

    /// A calendar period's start and end around `now`, or a rolling window ending now.
    public static func bounds(of period: BudgetConfig.Period, at now: Date, calendar: Calendar) -> (Date, Date) {
        let component: Calendar.Component
        switch period {
        case let .rolling(span): return (now.addingTimeInterval(-span.inSeconds), now)
        case .hour: component = .hour
        case .day: component = .day
        case .week: component = .weekOfYear
        case .month: component = .month
        }
        guard let interval = calendar.dateInterval(of: component, for: now) else { return (now, now) }
        return (interval.start, interval.end)
    }

    /// The budgets of a context, most urgent first: exhausted, then by the earliest exhaustion, then by fraction.
    public static func urgentFirst(_ statuses: [BudgetStatus]) -> [BudgetStatus] {
        statuses.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.isExhausted != y.isExhausted { return x.isExhausted }
            switch (x.exhaustion, y.exhaustion) {
            case let (p?, q?) where p != q: return p < q
            case (.some, nil): return true
            case (nil, .some): return false
            default: break
            }
            if x.fraction != y.fraction { return x.fraction > y.fraction }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The calendar budgets are judged in: ISO weeks (from Monday) in `timeZone`.
    public static func calendar(in timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        return calendar
    }
}
