import Foundation

/// A spending limit the engineer set for a context (`budgets:`): what it covers, over which period, how much, and at
/// which fractions it warns.
public struct BudgetConfig: Sendable, Equatable {
    /// What a budget counts.
    public enum Scope: Sendable, Hashable, CustomStringConvertible {
        case all
        case provider(String)
        case model(provider: String, model: String)
        case service(String)

        /// The key spend is kept under in the ledger and the store (`all`, `provider:openai`, …).
        public var key: String {
            switch self {
            case .all: "all"
            case let .provider(name): "provider:\(name)"
            case let .model(provider, model): "model:\(provider)/\(model)"
            case let .service(name): "service:\(name)"
            }
        }

        public var description: String {
            switch self {
            case .all: "all"
            case let .provider(name): name
            case let .model(provider, model): "\(provider)/\(model)"
            case let .service(name): "service \(name)"
            }
        }

        /// Reads `all`, `provider:NAME`, `model:PROVIDER/MODEL` or `service:NAME`.
        public init?(key: String) {
            if key == "all" { self = .all; return }
            guard let colon = key.firstIndex(of: ":") else { return nil }
            let kind = key[..<colon], value = String(key[key.index(after: colon)...])
            guard !value.isEmpty else { return nil }
            switch kind {
            case "provider": self = .provider(value)
            case "service": self = .service(value)
            case "model":
                guard let slash = value.firstIndex(of: "/"), slash != value.startIndex, value.index(after: slash) != value.endIndex
                else { return nil }
                self = .model(provider: String(value[..<slash]), model: String(value[value.index(after: slash)...]))
            default: return nil
            }
        }
    }

    /// The period a budget's spend is summed over: a calendar hour, day, week (from Monday) or month in the context's
    /// time zone, or a rolling window ending now.
    public enum Period: Sendable, Equatable, CustomStringConvertible {
        case hour, day, week, month
        case rolling(Duration)

        public var description: String {
            switch self {
            case .hour: "hour"
            case .day: "day"
            case .week: "week"
            case .month: "month"
            case let .rolling(span): "rolling \(DurationText.format(span))"
            }
        }

        /// Reads `hour`, `day`, `week`, `month` or `rolling D` (D from 1m to 31d).
        public init?(text: String) {
            switch text {
            case "hour": self = .hour
            case "day": self = .day
            case "week": self = .week
            case "month": self = .month
            default:
                guard text.hasPrefix("rolling "), let span = DurationText.parse(String(text.dropFirst(8))),
                      span >= .seconds(60), span <= .seconds(31 * 86_400) else { return nil }
                self = .rolling(span)
            }
        }
    }

    /// How much a budget allows: dollars, or tokens (input and output together).
    public enum Limit: Sendable, Equatable {
        case usd(Double)
        case tokens(Int)

        public var amount: Double {
            switch self {
            case let .usd(value): value
            case let .tokens(value): Double(value)
            }
        }
    }

    public var name: String
    public var scope: Scope
    public var period: Period
    public var limit: Limit
    /// Fractions of the limit that warn, ascending (default 0.5, 0.8, 1.0); reaching 1.0 is critical.
    public var warnAt: [Double]

    public init(name: String? = nil, scope: Scope, period: Period, limit: Limit, warnAt: [Double] = [0.5, 0.8, 1.0]) {
        self.name = name ?? "\(scope) \(period)"
        self.scope = scope
        self.period = period
        self.limit = limit
        self.warnAt = warnAt.sorted()
    }
}
