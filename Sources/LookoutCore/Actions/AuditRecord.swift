import Foundation

/// One line of the audit log (`audit.jsonl`): an *intent* written and flushed before an action starts, and a
/// *result* after. Requests are masked (`••••`); no secret value is ever in a record.
public struct AuditRecord: Sendable, Equatable, Codable {
    public enum Phase: String, Sendable, Codable { case intent, result }

    public var phase: Phase
    /// ISO 8601, UTC, milliseconds.
    public var time: String
    /// Shared by an action's intent and result.
    public var id: String
    public var user: String
    /// The SSH client's address when lookout runs in an SSH session.
    public var sshClient: String?
    public var context: String
    public var service: String
    public var provider: String?
    public var role: String?
    public var action: String
    public var dryRun: Bool
    /// The exact request or argv, secrets masked.
    public var request: String
    /// Result records only: succeeded, failed, cancelled, timed_out, dry_run, refused; and the detail (HTTP 200, exit 1…).
    public var result: String?
    public var detail: String?
    public var durationMs: Int?
    /// Where it ran from: `dashboard` or `headless`.
    public var origin: String
    /// Intent records: the process that runs the action, so a later start can tell an action whose lookout died.
    public var pid: Int32?

    enum CodingKeys: String, CodingKey {
        case phase, time, id, user, sshClient = "ssh_client", context, service, provider, role, action
        case dryRun = "dry_run", request, result, detail, durationMs = "duration_ms", origin, pid
    }

    /// The result record that closes this intent as interrupted, at `time`.
    public func interrupted(at time: Date) -> AuditRecord {
        var record = self
        record.phase = .result
        record.time = Self.format(time)
        record.result = ActionOutcome.Status.interrupted.rawValue
        record.detail = "lookout\(pid.map { " (pid \($0))" } ?? "") ended before the action did; no result was recorded"
        record.durationMs = date.map { Int(time.timeIntervalSince($0) * 1000) }
        record.pid = nil
        return record
    }

    /// The intents of actions (not alert notes) that no result closes, oldest first.
    public static func unclosedIntents(_ records: [AuditRecord]) -> [AuditRecord] {
        let closed = Set(records.filter { $0.phase == .result }.map(\.id))
        return records.filter { $0.phase == .intent && !closed.contains($0.id) }
    }

    public init(phase: Phase, time: Date, id: String, user: String, sshClient: String?, plan: ActionPlan, origin: String,
                outcome: ActionOutcome? = nil) {
        self.phase = phase
        self.time = Self.format(time)
        self.id = id
        self.user = user
        self.sshClient = sshClient
        context = plan.context
        service = plan.service
        provider = plan.provider
        role = plan.role?.rawValue
        action = plan.action
        dryRun = plan.dryRun
        request = plan.maskedSummary
        result = outcome?.status.rawValue
        detail = outcome?.detail
        durationMs = outcome?.durationMs
        self.origin = origin
    }

    /// What the engineer did to an alert (ack, silence, unsilence), as one result record: `service` holds the alert's
    /// key or the silence's matcher, `request` what was done.
    public init(note: AlertNote, context: String, user: String, sshClient: String?, origin: String, id: String) {
        phase = .result
        self.id = id
        self.user = user
        self.sshClient = sshClient
        self.context = context
        dryRun = false
        result = ActionOutcome.Status.succeeded.rawValue
        self.origin = origin
        switch note {
        case let .acknowledged(key, ack):
            time = Self.format(ack.at)
            service = key
            action = "ack"
            request = "acknowledge \(key)"
        case let .silenced(silence):
            time = Self.format(silence.created)
            service = silence.matcher
            action = "silence"
            request = "silence \(silence.matcher) until \(Self.format(silence.until))"
        case let .unsilenced(silence, _, _, at):
            time = Self.format(at)
            service = silence.matcher
            action = "unsilence"
            request = "end silence \(silence.id) of \(silence.matcher)"
        }
    }

    /// How a notification ended: `service` holds the target's name, `request` the masked endpoint and what was sent.
    public init(notification: AlertNotification, endpoint: String, context: String, user: String, sshClient: String?, succeeded: Bool,
                detail: String, id: String) {
        phase = .result
        time = Self.format(Date())
        self.id = id
        self.user = user
        self.sshClient = sshClient
        self.context = context
        service = notification.target
        action = "notify"
        dryRun = false
        request = "POST \(endpoint): \(notification.summary)"
        result = (succeeded ? ActionOutcome.Status.succeeded : .failed).rawValue
        self.detail = detail
        origin = "dashboard"
    }

    /// A change lookout makes on another system (a silence in Alertmanager): `service` names the system, `request`
    /// what was sent; the result record carries `result`, `detail` and `durationMs` besides.
    public init(phase: Phase, id: String, context: String, system: String, action: String, request: String, origin: String,
                user: String, sshClient: String?) {
        self.phase = phase
        time = Self.format(Date())
        self.id = id
        self.user = user
        self.sshClient = sshClient
        self.context = context
        service = system
        self.action = action
        dryRun = false
        self.request = request
        self.origin = origin
        pid = phase == .intent ? getpid() : nil
    }

    /// One JSON line, keys sorted (stable for `grep` and diffs).
    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    /// Reads one line; nil for anything that is not a record.
    public static func parse(_ line: some StringProtocol) -> AuditRecord? {
        try? JSONDecoder().decode(AuditRecord.self, from: Data(line.utf8))
    }

    public var date: Date? { Self.formatter.date(from: time) }

    nonisolated(unsafe) static let formatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()

    static func format(_ date: Date) -> String { formatter.string(from: date) }

    /// An RFC 3339 time as Alertmanager and Prometheus write it, with or without fractional seconds.
    public static func parseTime(_ text: String) -> Date? {
        formatter.date(from: text) ?? wholeSeconds.date(from: text)
    }

    nonisolated(unsafe) static let wholeSeconds: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()
}
