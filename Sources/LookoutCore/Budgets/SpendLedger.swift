import Foundation

/// Dollars and tokens spent.
public struct Spend: Sendable, Equatable {
    public var usd: Double
    public var tokens: Int

    public init(usd: Double = 0, tokens: Int = 0) {
        self.usd = usd
        self.tokens = tokens
    }

    public static func + (a: Spend, b: Spend) -> Spend { Spend(usd: a.usd + b.usd, tokens: a.tokens + b.tokens) }
    public static func += (a: inout Spend, b: Spend) { a = a + b }

    /// The amount a limit of this kind counts.
    public func amount(for limit: BudgetConfig.Limit) -> Double {
        switch limit {
        case .usd: usd
        case .tokens: Double(tokens)
        }
    }
}

/// Spend of one scope in one minute: the unit the ledger keeps and the store persists.
public struct SpendEntry: Sendable, Equatable {
    /// Minutes since 1970-01-01 UTC.
    public var minute: Int
    public var scope: String
    public var spend: Spend

    public init(minute: Int, scope: String, spend: Spend) {
        self.minute = minute
        self.scope = scope
        self.spend = spend
    }
}

/// Spend per minute for the scopes the context's budgets name, over `retention` (default 40 days: a calendar
/// month and the days before it that a rolling window may reach). Calls recorded since the last `takeUnsaved` are
/// also kept apart, as the deltas the store adds. Pure.
public struct SpendLedger: Sendable, Equatable {
    public static let defaultRetentionMinutes = 40 * 24 * 60

    /// The scope keys kept (others are ignored: no budget counts them).
    public let scopes: Set<String>
    public let retentionMinutes: Int
    /// Per scope: minutes ascending, and the spend of each.
    private var minutes: [String: [Int]] = [:]
    private var spends: [String: [Spend]] = [:]
    private var unsaved: [String: [Int: Spend]] = [:]

    /// Since when spend was being counted: the run's start, or the oldest minute the store kept. A pace is measured
    /// over no more than this (ten minutes of data are ten minutes' pace, not a sixth of an hour's).
    public private(set) var coveredSince: Date

    public init(scopes: Set<String>, since: Date, retentionMinutes: Int = SpendLedger.defaultRetentionMinutes) {
        self.scopes = scopes
        self.retentionMinutes = retentionMinutes
        coveredSince = since
    }

    public static func minute(of time: Date) -> Int { Int((time.timeIntervalSince1970 / 60).rounded(.down)) }

    /// Counts one call's (or one scrape's) spend at `time` under every kept scope it belongs to.
    public mutating func record(_ spend: Spend, provider: String, model: String?, service: String?, at time: Date) {
        guard spend.usd > 0 || spend.tokens > 0 else { return }
        var keys = [BudgetConfig.Scope.all.key, BudgetConfig.Scope.provider(provider).key]
        if let model { keys.append(BudgetConfig.Scope.model(provider: provider, model: model).key) }
        if let service { keys.append(BudgetConfig.Scope.service(service).key) }
        let minute = Self.minute(of: time)
        for key in keys where scopes.contains(key) {
            add(spend, scope: key, minute: minute)
            unsaved[key, default: [:]][minute, default: Spend()] += spend
        }
    }

    /// Merges what the store kept (at start): added to anything already counted, not marked unsaved.
    public mutating func load(_ entries: [SpendEntry]) {
        for entry in entries where scopes.contains(entry.scope) {
            add(entry.spend, scope: entry.scope, minute: entry.minute)
            coveredSince = min(coveredSince, Date(timeIntervalSince1970: Double(entry.minute) * 60))
        }
    }

    /// The deltas recorded since the last call, for the store to add; the ledger forgets them as unsaved.
    public mutating func takeUnsaved() -> [SpendEntry] {
        defer { unsaved = [:] }
        return unsaved.keys.sorted().flatMap { key in
            unsaved[key]!.keys.sorted().map { SpendEntry(minute: $0, scope: key, spend: unsaved[key]![$0]!) }
        }
    }

    public var hasUnsaved: Bool { !unsaved.isEmpty }

    /// Spend of `scope` from `start` (inclusive) to `end` (exclusive), to the minute.
    public func total(_ scope: String, from start: Date, to end: Date) -> Spend {
        guard let keys = minutes[scope], let values = spends[scope] else { return Spend() }
        let first = Self.lowerBound(keys, Self.minute(of: start)), last = Self.lowerBound(keys, Self.minute(of: end))
        guard first < last else { return Spend() }
        return values[first..<last].reduce(Spend(), +)
    }

    /// Forgets minutes older than the retention before `now`.
    public mutating func prune(now: Date) {
        let oldest = Self.minute(of: now) - retentionMinutes
        for key in minutes.keys {
            let cut = Self.lowerBound(minutes[key]!, oldest)
            guard cut > 0 else { continue }
            minutes[key]!.removeFirst(cut)
            spends[key]!.removeFirst(cut)
        }
    }

    private mutating func add(_ spend: Spend, scope: String, minute: Int) {
        // Taken out of the dictionaries while changed, so the arrays are not copied on every call.
        var keys = minutes.removeValue(forKey: scope) ?? [], values = spends.removeValue(forKey: scope) ?? []
        // Calls arrive almost always in the current minute: an append; a late record is inserted in order.
        if let last = keys.last, last == minute {
            values[values.count - 1] = values[values.count - 1] + spend
        } else if keys.last.map({ $0 < minute }) ?? true {
            keys.append(minute)
            values.append(spend)
        } else {
            let index = Self.lowerBound(keys, minute)
            if index < keys.count, keys[index] == minute {
                values[index] = values[index] + spend
            } else {
                keys.insert(minute, at: index)
                values.insert(spend, at: index)
            }
        }
        minutes[scope] = keys
        spends[scope] = values
    }

    /// The first index whose minute is not below `minute`.
    private static func lowerBound(_ keys: [Int], _ minute: Int) -> Int {
        var low = 0, high = keys.count
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < minute { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
