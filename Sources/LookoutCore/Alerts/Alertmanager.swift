import Foundation

/// The Alertmanager API v2 as lookout uses it: the alerts it holds (`GET /api/v2/alerts`), its silences
/// (`GET /api/v2/silences`), a new silence (`POST /api/v2/silences`) and expiring one (`DELETE /api/v2/silence/{id}`).
/// Pure: requests are built and answers read here; `lookout alertmanager` sends them. Shapes checked against bodies
/// captured from Debian's Alertmanager 0.25 (`Tests/LookoutCoreTests/Fixtures/alertmanager-0.25/`).
public enum Alertmanager {
    /// A silence matcher as written on the command line: `alertname=LLMErrorRateHigh`, `provider!=azure`,
    /// `service=~"chat-.*"`, `severity!~info|debug` (quotes around the value are optional).
    public struct Matcher: Sendable, Equatable {
        public var name: String
        public var value: String
        public var isRegex: Bool
        public var isEqual: Bool

        public init(name: String, value: String, isRegex: Bool = false, isEqual: Bool = true) {
            self.name = name
            self.value = value
            self.isRegex = isRegex
            self.isEqual = isEqual
        }

        /// Reads `name=value`, `name!=value`, `name=~regex`, `name!~regex`; nil when it is none of them.
        public init?(parsing text: String) {
            let name = text.prefix { $0 != "=" && $0 != "!" }
            guard PromQLResponse.isLabelName(name) else { return nil }
            let rest = text[name.endIndex...]
            guard let op = ["!=", "=~", "!~", "="].first(where: { rest.hasPrefix($0) }) else { return nil }
            let value = rest.dropFirst(op.count)
            self.name = String(name)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                guard let unquoted = Self.unquote(value.dropFirst().dropLast()) else { return nil }
                self.value = unquoted
            } else {
                self.value = String(value)
            }
            isRegex = op.hasSuffix("~")
            isEqual = !op.hasPrefix("!")
        }

        /// As Alertmanager's own tools write it: `provider=~"open.*"` (a `"` or `\\` in the value escaped).
        public var text: String {
            let quoted = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return name + (isEqual ? "" : "!") + (isRegex ? "=~" : "=") + "\"" + quoted + "\""
        }

        /// A quoted value's text with `\"`, `\\` and `\n` undone, any other backslash kept (as Alertmanager's own
        /// matcher parser reads it, so `"a\.b"` stays a regex for a dot); nil when a quote inside is not escaped.
        static func unquote(_ text: Substring) -> String? {
            var out = "", escaped = false
            for character in text {
                if escaped {
                    switch character {
                    case "n": out.append("\n")
                    case "\"", "\\": out.append(character)
                    default: out.append("\\"); out.append(character)
                    }
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    return nil
                } else {
                    out.append(character)
                }
            }
            return escaped ? nil : out
        }

        var json: [String: Any] { ["name": name, "value": value, "isRegex": isRegex, "isEqual": isEqual] }
    }

    /// A silence as Alertmanager keeps it.
    public struct Silence: Sendable, Equatable {
        public var id: String
        /// `active`, `pending` (starts later) or `expired`.
        public var state: String
        public var matchers: [Matcher]
        public var startsAt: String
        public var endsAt: String
        public var createdBy: String
        public var comment: String
    }

    /// An alert as Alertmanager holds it: from Prometheus' rules, lookout's own notifications, anything that posts.
    public struct RemoteAlert: Sendable, Equatable {
        public var labels: [String: String]
        public var annotations: [String: String]
        /// `active`, `suppressed` (silenced or inhibited) or `unprocessed`.
        public var state: String
        public var silencedBy: [String]
        public var startsAt: String
        public var fingerprint: String

        public init(labels: [String: String], annotations: [String: String], state: String, silencedBy: [String], startsAt: String,
                    fingerprint: String) {
            self.labels = labels
            self.annotations = annotations
            self.state = state
            self.silencedBy = silencedBy
            self.startsAt = startsAt
            self.fingerprint = fingerprint
        }

        /// `alertname` and the other labels, sorted, as one line.
        public var title: String {
            let name = labels["alertname"] ?? "(no alertname)"
            let rest = labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return ([name] + rest).joined(separator: " ")
        }
    }

    /// Whether `text` can be a silence's id (Alertmanager's are UUIDs): nothing else is put in a request's path.
    public static func isSilenceID(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && text.allSatisfy { $0.isASCII && ($0.isHexDigit || $0 == "-") }
    }

    /// The id of a created silence.
    public static func silenceID(_ body: [UInt8]) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any])?["silenceID"] as? String
    }

    /// The silences of `GET /api/v2/silences`; nil when the body is not that list.
    public static func silences(_ body: [UInt8]) -> [Silence]? {
        guard let list = (try? JSONSerialization.jsonObject(with: Data(body))) as? [[String: Any]] else { return nil }
        return list.compactMap { entry in
            guard let id = entry["id"] as? String else { return nil }
            let matchers = (entry["matchers"] as? [[String: Any]] ?? []).compactMap { m -> Matcher? in
                guard let name = m["name"] as? String, let value = m["value"] as? String else { return nil }
                return Matcher(name: name, value: value, isRegex: m["isRegex"] as? Bool ?? false, isEqual: m["isEqual"] as? Bool ?? true)
            }
            return Silence(id: id, state: (entry["status"] as? [String: Any])?["state"] as? String ?? "?", matchers: matchers,
                           startsAt: entry["startsAt"] as? String ?? "", endsAt: entry["endsAt"] as? String ?? "",
                           createdBy: entry["createdBy"] as? String ?? "", comment: entry["comment"] as? String ?? "")
        }
    }

    /// The alerts of `GET /api/v2/alerts`; nil when the body is not that list.
    public static func alerts(_ body: [UInt8]) -> [RemoteAlert]? {
        guard let list = (try? JSONSerialization.jsonObject(with: Data(body))) as? [[String: Any]] else { return nil }
        return list.map { entry in
            let status = entry["status"] as? [String: Any] ?? [:]
            return RemoteAlert(labels: entry["labels"] as? [String: String] ?? [:], annotations: entry["annotations"] as? [String: String] ?? [:],
                               state: status["state"] as? String ?? "?", silencedBy: status["silencedBy"] as? [String] ?? [],
                               startsAt: entry["startsAt"] as? String ?? "", fingerprint: entry["fingerprint"] as? String ?? "")
        }
    }

    /// Why a request failed, in Alertmanager's words: its `{"code","message"}`, a bare JSON string
    /// (`"silence not found"`), else the status.
    public static func failure(httpStatus: Int?, body: [UInt8]) -> String {
        let status = httpStatus.map { "HTTP \($0)" } ?? "no answer"
        guard let json = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else { return status }
        if let text = json as? String { return "\(status): \(SafeText.escape(text))" }
        if let message = (json as? [String: Any])?["message"] as? String { return "\(status): \(SafeText.escape(message))" }
        return status
    }
}
