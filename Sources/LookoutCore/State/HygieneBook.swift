import Foundation

/// What log hygiene masked, per service, source and kind — counts and when last seen, never a value. The alert
/// rules raise one alert per service while anything was masked in its logs within `window`.
public struct HygieneBook: Sendable, Equatable {
    /// One service's source and one kind.
    public struct Key: Hashable, Sendable {
        public var service: String
        public var source: String
        public var kind: LogHygiene.Kind
    }

    public struct Tally: Sendable, Equatable {
        public var count = 0
        public var last: Date
    }

    /// How long a finding keeps its service's alert up.
    public static let window: TimeInterval = 600

    public private(set) var tallies: [Key: Tally] = [:]

    public init() {}

    /// Counts what the batch's records say was masked.
    public mutating func record(_ batch: LogBatch, at now: Date) {
        for record in batch.records where !record.sensitive.isEmpty {
            for kind in record.sensitive {
                let key = Key(service: batch.service, source: batch.source, kind: kind)
                tallies[key] = Tally(count: (tallies[key]?.count ?? 0) + 1, last: now)
            }
        }
    }

    /// Everything masked since lookout started, all services.
    public var total: Int { tallies.values.reduce(0) { $0 + $1.count } }

    /// The services with something masked within `window` of `now`, each with its findings, most first.
    public func recent(now: Date) -> [(service: String, findings: [(key: Key, tally: Tally)])] {
        let recent = tallies.filter { now.timeIntervalSince($0.value.last) <= Self.window }
        return Dictionary(grouping: recent, by: \.key.service).sorted { $0.key < $1.key }.map { service, entries in
            (service, entries.map { ($0.key, $0.value) }.sorted { ($1.tally.count, $0.key.kind) < ($0.tally.count, $1.key.kind) })
        }
    }

    /// `2 OpenAI keys, 5 e-mail addresses in /var/log/chat-api.log`: one service's findings, by source.
    public static func describe(_ findings: [(key: Key, tally: Tally)]) -> String {
        let bySource = Dictionary(grouping: findings, by: \.key.source)
        return bySource.keys.sorted().map { source in
            let kinds = bySource[source]!.map { $0.key.kind.counted($0.tally.count) }.joined(separator: ", ")
            return "\(kinds) in \(SafeText.escape(source))"
        }.joined(separator: "; ")
    }
}
