import Foundation

/// Who acknowledged an alert, from where, and when: the alert stays firing (the condition holds), but the on-call has
/// taken it. An acknowledgement ends with the alert's episode (a new one after it resolved needs a new ack).
public struct AlertAck: Sendable, Equatable {
    public var by: String
    /// The SSH client's address, when acknowledged over SSH.
    public var from: String?
    public var at: Date

    public init(by: String, from: String?, at: Date) {
        self.by = by
        self.from = from
        self.at = at
    }
}

/// Keeps the alerts whose key matches out of the header's count (and, later, the bell and notifications) until it
/// expires. The matcher is an alert key (`error-rate:anthropic`) where `*` stands for any text (`*:anthropic`).
public struct AlertSilence: Sendable, Equatable {
    public var id: String
    public var matcher: String
    public var until: Date
    public var by: String
    public var from: String?
    public var created: Date

    public init(id: String, matcher: String, until: Date, by: String, from: String?, created: Date) {
        self.id = id
        self.matcher = matcher
        self.until = until
        self.by = by
        self.from = from
        self.created = created
    }

    public func isActive(at now: Date) -> Bool { until > now }

    /// Whether `key` matches the matcher (`*` for any text, possibly none).
    public func matches(_ key: String) -> Bool { Self.glob(Array(matcher.unicodeScalars), Array(key.unicodeScalars)) }

    private static func glob(_ pattern: [Unicode.Scalar], _ text: [Unicode.Scalar]) -> Bool {
        var p = 0, t = 0, star = -1, mark = 0
        while t < text.count {
            if p < pattern.count && pattern[p] != "*" && pattern[p] == text[t] {
                p += 1; t += 1
            } else if p < pattern.count && pattern[p] == "*" {
                star = p; mark = t; p += 1
            } else if star >= 0 {
                p = star + 1; mark += 1; t = mark
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}

/// One alert through its life: pending while its condition has held for less than its rule's `pendingFor`, firing,
/// and resolved once the condition has stayed away for the rule's `clearFor`.
public struct TrackedAlert: Sendable, Equatable {
    public enum Phase: String, Sendable { case pending, firing, resolved }

    /// The latest evaluation: severity and message follow the condition.
    public var alert: Alert
    public var phase: Phase
    /// When the condition was first seen in this episode.
    public var since: Date
    public var firingSince: Date?
    /// While firing: since when the condition has been away (it resolves after the rule's `clearFor`).
    public var clearSince: Date?
    public var resolvedAt: Date?
    public var ack: AlertAck?

    public var key: String { alert.key }
}

/// How long a rule's condition must hold before its alert fires, and stay away before it resolves.
public struct AlertTiming: Sendable, Equatable {
    public var pendingFor: Duration
    public var clearFor: Duration

    public init(pendingFor: Duration, clearFor: Duration) {
        self.pendingFor = pendingFor
        self.clearFor = clearFor
    }
}

/// What an update changed, for the timeline and notifications.
public enum AlertChange: Sendable, Equatable {
    case fired(TrackedAlert)
    case resolved(TrackedAlert)
}

/// Every alert lookout raised, with its lifecycle, acknowledgements and silences. Pure: `update` takes the conditions
/// `AlertRules` found and the time.
public struct AlertBook: Sendable, Equatable {
    /// How long a resolved alert stays listed.
    public static let historyKept: TimeInterval = 3600

    public private(set) var alerts: [TrackedAlert] = []
    public private(set) var silences: [AlertSilence] = []
    /// Each rule's pending and clearing times: the built-in ones (`Alert.Rule.timing`), or the context's `alert-rules:`.
    public var timings: [Alert.Rule: AlertTiming] = [:]

    public init(timings: [Alert.Rule: AlertTiming] = [:]) { self.timings = timings }

    public func timing(of rule: Alert.Rule) -> AlertTiming {
        timings[rule] ?? AlertTiming(pendingFor: rule.timing.pendingFor, clearFor: rule.timing.clearFor)
    }

    /// Moves every alert along its life by the conditions holding `now`; returns what fired and what resolved.
    @discardableResult
    public mutating func update(_ conditions: [Alert], now: Date) -> [AlertChange] {
        var changes: [AlertChange] = []
        var seen = Set<String>()
        for condition in conditions where seen.insert(condition.key).inserted {
            let timing = self.timing(of: condition.rule)
            if let index = alerts.firstIndex(where: { $0.key == condition.key && $0.phase != .resolved }) {
                alerts[index].alert = condition
                alerts[index].clearSince = nil
                if alerts[index].phase == .pending, now.timeIntervalSince(alerts[index].since) >= timing.pendingFor.inSeconds {
                    alerts[index].phase = .firing
                    alerts[index].firingSince = now
                    changes.append(.fired(alerts[index]))
                }
            } else {
                var tracked = TrackedAlert(alert: condition, phase: .pending, since: now)
                if timing.pendingFor <= .zero {
                    tracked.phase = .firing
                    tracked.firingSince = now
                    changes.append(.fired(tracked))
                }
                alerts.append(tracked)
            }
        }
        for index in alerts.indices.reversed() where !seen.contains(alerts[index].key) || alerts[index].phase == .resolved {
            switch alerts[index].phase {
            case .pending:
                alerts.remove(at: index)        // it never fired: a spike shorter than `pendingFor`
            case .firing:
                let away = alerts[index].clearSince ?? now
                alerts[index].clearSince = away
                if now.timeIntervalSince(away) >= timing(of: alerts[index].alert.rule).clearFor.inSeconds {
                    alerts[index].phase = .resolved
                    alerts[index].resolvedAt = now
                    alerts[index].ack = nil
                    changes.append(.resolved(alerts[index]))
                }
            case .resolved:
                if let at = alerts[index].resolvedAt, now.timeIntervalSince(at) > Self.historyKept { alerts.remove(at: index) }
            }
        }
        silences.removeAll { !$0.isActive(at: now) }
        applyRestoredAcks(now: now)
        return changes
    }

    /// The silence that holds `alert` quiet now, if any.
    public func silence(of alert: TrackedAlert, at now: Date) -> AlertSilence? {
        silences.first { $0.isActive(at: now) && $0.matches(alert.key) }
    }

    /// Firing alerts no silence holds: what the header counts and the Overview shows, criticals first.
    public func active(at now: Date) -> [Alert] {
        listed(at: now).filter { $0.phase == .firing && silence(of: $0, at: now) == nil }.map(\.alert)
    }

    /// The Alerts screen's rows: firing (criticals first, then oldest first), pending, then resolved (newest first).
    public func listed(at now: Date) -> [TrackedAlert] {
        func rank(_ alert: TrackedAlert) -> Int {
            switch alert.phase {
            case .firing: alert.alert.severity == .critical ? 0 : 1
            case .pending: 2
            case .resolved: 3
            }
        }
        return alerts.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if rank(x) != rank(y) { return rank(x) < rank(y) }
            if x.phase == .resolved { return (x.resolvedAt ?? now) > (y.resolvedAt ?? now) }
            return (x.firingSince ?? x.since, a.offset) < (y.firingSince ?? y.since, b.offset)
        }.map(\.element)
    }

    /// Acknowledges the unresolved alert with `key`; false when there is none.
    @discardableResult
    public mutating func acknowledge(_ key: String, _ ack: AlertAck) -> Bool {
        guard let index = alerts.firstIndex(where: { $0.key == key && $0.phase != .resolved }) else { return false }
        alerts[index].ack = ack
        return true
    }

    public mutating func add(_ silence: AlertSilence) {
        silences.removeAll { $0.id == silence.id }
        silences.append(silence)
    }

    /// Ends the silence `id` now; false when there is none.
    @discardableResult
    public mutating func expire(_ id: String) -> Bool {
        let before = silences.count
        silences.removeAll { $0.id == id }
        return silences.count != before
    }

    /// Acknowledgements and silences a store kept (at start). An ack is for an episode: it is applied to its alert if
    /// that alert is raised again within `restoredAckWindow` (the incident went on across the restart), else dropped.
    public mutating func restore(acks: [String: AlertAck], silences kept: [AlertSilence], now: Date) {
        for silence in kept where silence.isActive(at: now) { add(silence) }
        restoredAcks.merge(acks) { _, new in new }
        restoredAt = now
    }

    /// How long after a restart a kept ack still finds its alert: long enough for the slowest rule to fire again.
    public static let restoredAckWindow: TimeInterval = 120

    private var restoredAcks: [String: AlertAck] = [:]
    private var restoredAt: Date?

    private mutating func applyRestoredAcks(now: Date) {
        guard !restoredAcks.isEmpty else { return }
        for index in alerts.indices where alerts[index].phase != .resolved {
            if let ack = restoredAcks.removeValue(forKey: alerts[index].key) { alerts[index].ack = ack }
        }
        if let at = restoredAt, now.timeIntervalSince(at) > Self.restoredAckWindow { restoredAcks = [:] }
    }
}
