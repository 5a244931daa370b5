import Foundation

/// One change worth a line in the incident timeline.
public struct TimelineEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A service's judged health changed (healthy, degraded, down).
        case health
        /// An alert fired or resolved.
        case alert
        /// An acknowledgement, a silence or its end.
        case note
        /// An action ran (failover, redeploy…), and how it ended.
        case action
        /// A budget passed one of its warn lines.
        case budget
        /// A service's deployed version changed: a rollout started, completed, stalled or was reverted.
        case deploy
    }

    public var time: Date
    public var kind: Kind
    public var subject: String
    public var text: String
    /// How bad: drawn red for critical, amber for warning; nil for what is neither (a recovery, a note).
    public var severity: Alert.Severity?

    public init(time: Date, kind: Kind, subject: String, text: String, severity: Alert.Severity? = nil) {
        self.time = time
        self.kind = kind
        self.subject = subject
        self.text = text
        self.severity = severity
    }
}

/// The incident timeline: every change in one time-ordered list, bounded (the newest `capacity` entries); entries
/// added since the last `takeUnsaved` are kept apart for the store. Pure.
public struct Timeline: Sendable, Equatable {
    public let capacity: Int
    public private(set) var entries: [TimelineEntry] = []
    private var unsaved: [TimelineEntry] = []

    public init(capacity: Int = 2000) { self.capacity = capacity }

    public mutating func add(_ entry: TimelineEntry) {
        // Almost always the newest; an older one (loaded, or a late record) goes in its place.
        let index = entries.lastIndex { $0.time <= entry.time }.map { $0 + 1 } ?? 0
        entries.insert(entry, at: index)
        unsaved.append(entry)
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    /// Entries the store kept from earlier runs: merged in time order, not handed back as unsaved.
    public mutating func load(_ kept: [TimelineEntry]) {
        entries = (kept + entries).sorted { $0.time < $1.time }.suffix(capacity)
    }

    public mutating func takeUnsaved() -> [TimelineEntry] {
        defer { unsaved = [] }
        return unsaved
    }

    /// The entries since `start`, oldest first.
    public func since(_ start: Date) -> [TimelineEntry] { entries.filter { $0.time >= start } }
}

extension Reducer {
    /// Timeline entries for what the alert book changed.
    static func record(_ changes: [AlertChange], in state: inout AppState) {
        for change in changes {
            switch change {
            case let .fired(alert):
                state.timeline.add(TimelineEntry(time: state.now, kind: .alert, subject: alert.alert.subject,
                                                 text: "\(alert.alert.severity == .critical ? "CRITICAL" : "WARNING") \(alert.alert.rule.rawValue): \(alert.alert.message)",
                                                 severity: alert.alert.severity))
            case let .resolved(alert):
                state.timeline.add(TimelineEntry(time: state.now, kind: .alert, subject: alert.alert.subject,
                                                 text: "resolved \(alert.alert.rule.rawValue): \(alert.alert.message)"))
            }
        }
    }

    /// A line for a service whose judged health changed.
    static func recordHealth(of name: String, from before: HealthState?, to after: HealthState?, reason: String?, in state: inout AppState) {
        guard let after, before != after, before != nil || after != .healthy else { return }
        let severity: Alert.Severity? = after == .down ? .critical : (after == .degraded ? .warning : nil)
        let text = "\(before?.rawValue ?? "unknown") → \(after.rawValue)" + (after == .healthy ? "" : reason.map { ": \($0)" } ?? "")
        state.timeline.add(TimelineEntry(time: state.now, kind: .health, subject: name, text: text, severity: severity))
    }

    /// A line for each budget that passed a warn line since the last tick.
    static func recordBudgetCrossings(_ state: inout AppState) {
        for status in state.budgetStatuses {
            let line = status.crossed
            defer { state.budgetLines[status.budget.name] = line }
            guard let line, line > (state.budgetLines[status.budget.name] ?? nil) ?? 0 else { continue }
            state.timeline.add(TimelineEntry(time: state.now, kind: .budget, subject: status.budget.name,
                                             text: "passed " + NumberText.fixed(line * 100, 0) + "%: " + "\(status.usage) (\(status.budget.period))",
                                             severity: line >= 1 ? .critical : .warning))
        }
    }
}
