import Foundation

extension BudgetStatus {
    /// An amount in the limit's unit: `$3.12`, `$1,240`, `1.2M tokens`.
    public func amount(_ value: Double) -> String {
        switch budget.limit {
        case .usd: return value < 100 ? "$" + NumberText.fixed(value, 2) : "$" + Self.grouped(Int(value.rounded()))
        case .tokens:
            if value >= 1_000_000 { return NumberText.fixed(value / 1_000_000, 1) + "M tokens" }
            if value >= 10_000 { return NumberText.fixed(value / 1000, 0) + "k tokens" }
            return "\(Int(value)) tokens"
        }
    }

    /// A moment to come, as the header's clock shows time (UTC): `17:40Z` today, `Dec 19 17:40Z` on another day.
    public static func moment(_ date: Date, now: Date) -> String { UTCClock.moment(date, now: now) }

    /// "71% of $3.00", the heart of every line about a budget.
    public var usage: String { NumberText.fixed(fraction * 100, 0) + "% of " + amount(budget.limit.amount) }

    /// What the header shows of the most urgent budget: `chat-day 71% of $200 · out ~17:40Z`.
    public func headline(now: Date) -> String {
        var text = "\(budget.name) \(usage)"
        if isExhausted { text += " · exhausted" } else if let exhaustion { text += " · out ~" + Self.moment(exhaustion, now: now) }
        return text
    }

    /// The pace behind a forecast: `$12.40/h over 1h, $9.10/h over 6h`.
    public var pace: String {
        "\(amount(burnPerHourLastHour))/h over 1h, \(amount(burnPerHourLastSixHours))/h over 6h"
    }

    private static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }
}
