import Foundation

/// Where alerts are sent (`notify:` of a context): a Slack-compatible incoming webhook, a generic JSON webhook, or an
/// Alertmanager (its API v2), with the least severity and the rules it takes. The URL and header values may refer to
/// `${secret:NAME}`; they are resolved when a notification is sent, never kept in the state.
public struct NotifyTarget: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// `POST url` with `{"text": …}` (Slack, Mattermost, Discord's `/slack` endpoint, Teams' legacy connectors).
        case slack
        /// `POST url` with one JSON object per change (below).
        case json
        /// `POST url/api/v2/alerts` with Alertmanager's postable alerts; firing alerts are sent again every minute so that
        /// Alertmanager (whose `resolve_timeout` is 5 minutes by default) keeps them.
        case alertmanager
    }

    public var name: String
    public var kind: Kind
    public var url: String
    public var headers: [HTTPHeader]
    public var minimumSeverity: Alert.Severity
    /// The rules it takes; nil: all.
    public var rules: [Alert.Rule]?

    public init(name: String, kind: Kind, url: String, headers: [HTTPHeader] = [], minimumSeverity: Alert.Severity = .warning,
                rules: [Alert.Rule]? = nil) {
        self.name = name
        self.kind = kind
        self.url = url
        self.headers = headers
        self.minimumSeverity = minimumSeverity
        self.rules = rules
    }

    public func takes(_ alert: Alert) -> Bool {
        alert.severity >= minimumSeverity && (rules?.contains(alert.rule) ?? true)
    }

    /// Where the POST goes (Alertmanager: its API path under the base URL given).
    public var endpoint: String {
        guard kind == .alertmanager else { return url }
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        return base.hasSuffix("/api/v2/alerts") ? base : base + "/api/v2/alerts"
    }
}

/// One POST to make: to a target, about alerts, with its body. Data, so the reducer's decisions can be compared.
public struct AlertNotification: Sendable, Equatable {
    public var target: String
    public var endpoint: String
    public var headers: [HTTPHeader]
    /// `firing`/`resolved` and the alert keys, for the record of the send.
    public var summary: String
    public var body: String
}

/// Builds the notifications for what changed: one per change and target that takes it (a silenced alert is not sent),
/// and for Alertmanager targets, every firing alert again once a minute. Pure.
public enum Notifications {
    public static let alertmanagerResend: TimeInterval = 60

    public static func make(for changes: [AlertChange], book: AlertBook, targets: [NotifyTarget], context: String, now: Date,
                            resendFiring: Bool) -> [AlertNotification] {
        var out: [AlertNotification] = []
        for target in targets {
            var sent = Set<String>()
            for change in changes {
                let (tracked, status) = switch change {
                case let .fired(alert): (alert, "firing")
                case let .resolved(alert): (alert, "resolved")
                }
                guard target.takes(tracked.alert), book.silence(of: tracked, at: now) == nil else { continue }
                sent.insert(tracked.key)
                out.append(notification(target, [tracked], status: status, context: context, now: now))
            }
            if target.kind == .alertmanager, resendFiring {
                let again = book.alerts.filter {
                    $0.phase == .firing && !sent.contains($0.key) && target.takes($0.alert) && book.silence(of: $0, at: now) == nil
                }
                if !again.isEmpty { out.append(notification(target, again, status: "firing", context: context, now: now)) }
            }
        }
        return out
    }

    static func notification(_ target: NotifyTarget, _ alerts: [TrackedAlert], status: String, context: String, now: Date) -> AlertNotification {
        let body: JSONValue
        switch target.kind {
        case .slack:
            let lines = alerts.map { alert in
                let mark = status == "resolved" ? "RESOLVED" : (alert.alert.severity == .critical ? "CRITICAL" : "WARNING")
                return "[lookout \(context)] \(mark) \(alert.alert.subject): \(alert.alert.message)"
            }
            body = .object(["text": .string(lines.joined(separator: "\n"))])
        case .json:
            let alert = alerts[0]
            body = .object([
                "source": .string("lookout"), "context": .string(context), "status": .string(status), "key": .string(alert.key),
                "rule": .string(alert.alert.rule.rawValue), "subject": .string(alert.alert.subject),
                "severity": .string(alert.alert.severity.rawValue), "message": .string(alert.alert.message),
                "since": .string(AuditRecord.format(alert.since)),
                "firing_since": .string(alert.firingSince.map(AuditRecord.format)),
                "resolved_at": .string(alert.resolvedAt.map(AuditRecord.format)),
            ])
        case .alertmanager:
            body = .array(alerts.map { alert in
                var members: [JSONValue.Member] = [
                    .init("labels", .object([
                        "alertname": .string("lookout_" + alert.alert.rule.rawValue.replacingOccurrences(of: "-", with: "_")),
                        "subject": .string(alert.alert.subject), "severity": .string(alert.alert.severity.rawValue),
                        "context": .string(context), "source": .string("lookout"),
                    ])),
                    .init("annotations", .object(["summary": .string(alert.alert.message)])),
                    .init("startsAt", .string(AuditRecord.format(alert.firingSince ?? alert.since))),
                ]
                // A resolved alert is sent with its end; a firing one without, which Alertmanager reads as "still firing".
                if let resolved = alert.resolvedAt { members.append(.init("endsAt", .string(AuditRecord.format(resolved)))) }
                return .object(members)
            })
        }
        return AlertNotification(target: target.name, endpoint: target.endpoint, headers: target.headers,
                            summary: "\(status) \(alerts.map(\.key).joined(separator: ", "))", body: body.text)
    }
}
