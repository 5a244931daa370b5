import Foundation

/// A change lookout asks of the context's Alertmanager — from `lookout alertmanager` or the Alerts screen — sent, and
/// audited before and after, by `AlertmanagerClient`.
public enum AlertmanagerChange: Sendable, Equatable {
    /// `POST /api/v2/silences`.
    case silence(Alertmanager.NewSilence)
    /// `DELETE /api/v2/silence/{id}` for each (the silences over one alert).
    case expire(ids: [String])

    /// The audit record's action.
    public var action: String {
        switch self {
        case .silence: "silence"
        case .expire: "expire-silence"
        }
    }
}

extension Alertmanager {
    /// A silence to create: its matchers, when it starts and ends, who made it and why (Alertmanager requires a comment).
    public struct NewSilence: Sendable, Equatable {
        public var matchers: [Matcher]
        public var startsAt: Date
        public var endsAt: Date
        public var createdBy: String
        public var comment: String

        public init(matchers: [Matcher], startsAt: Date, endsAt: Date, createdBy: String, comment: String) {
            self.matchers = matchers
            self.startsAt = startsAt
            self.endsAt = endsAt
            self.createdBy = createdBy
            self.comment = comment
        }

        /// The body of `POST /api/v2/silences`.
        public var body: String {
            let object: [String: Any] = ["matchers": matchers.map(\.json), "startsAt": AuditRecord.format(startsAt),
                                         "endsAt": AuditRecord.format(endsAt), "createdBy": createdBy, "comment": comment]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }

        /// What the audit record says was asked: `alertname="X" provider=~"open.*" for 2h — failing over`.
        public var summary: String {
            let span = Duration.milliseconds(Int64((endsAt.timeIntervalSince(startsAt) * 1000).rounded()))
            return "\(matchers.map(\.text).joined(separator: " ")) for \(DurationText.format(span)) — \(comment)"
        }
    }

    /// The silence prompt's first text for one of Alertmanager's alerts: each of its labels as an equality matcher
    /// (`alertname` first, the rest sorted — the silence Alertmanager's own UI proposes), an hour, and room for the comment.
    public static func silencePrefill(for alert: RemoteAlert) -> String {
        let names = alert.labels.keys.sorted { ($0 == "alertname" ? 0 : 1, $0) < ($1 == "alertname" ? 0 : 1, $1) }
        return names.map { Matcher(name: $0, value: alert.labels[$0] ?? "").text }.joined(separator: " ") + " 1h "
    }

    /// Reads the silence prompt, `MATCHER… DURATION COMMENT…` (a value with spaces in double quotes), into a silence
    /// starting `now`; the reason it cannot, in words for the prompt's line, otherwise.
    public static func newSilence(from text: String, now: Date, by user: String) -> Result<NewSilence, ReadProblem> {
        var words = tokens(text)[...]
        var matchers: [Matcher] = []
        while let word = words.first, word.contains("=") {
            guard let matcher = Matcher(parsing: word) else { return .failure(ReadProblem("\(SafeText.escape(word)): not a matcher (name=value, name!=value, name=~regex, name!~regex)")) }
            matchers.append(matcher)
            words = words.dropFirst()
        }
        guard !matchers.isEmpty else { return .failure(ReadProblem("start with a matcher, e.g. alertname=LLMErrorRateHigh")) }
        guard let word = words.first, let span = DurationText.parse(word), span >= .seconds(60), span <= .seconds(30 * 86_400) else {
            return .failure(ReadProblem("after the matchers, a duration from 1m to 30d (e.g. 2h), then why"))
        }
        let comment = words.dropFirst().joined(separator: " ")
        guard !comment.isEmpty else { return .failure(ReadProblem("after the duration, say why (Alertmanager keeps it with the silence)")) }
        return .success(NewSilence(matchers: matchers, startsAt: now, endsAt: now.addingTimeInterval(span.inSeconds), createdBy: user, comment: comment))
    }

    /// Words split at spaces outside double quotes (a `\"` inside stays in its word).
    static func tokens(_ text: String) -> [String] {
        split(text, at: " ").filter { !$0.isEmpty }
    }

    /// `text` cut at each `separator` outside double quotes (a `\"` inside a quote does not end it); the parts as
    /// written, empty ones included.
    static func split(_ text: String, at separator: Character) -> [String] {
        var parts: [String] = [], part = "", quoted = false, escaped = false
        for character in text {
            if escaped { part.append(character); escaped = false; continue }
            if character == "\\" && quoted { escaped = true }
            if character == "\"" { quoted.toggle() }
            if character == separator && !quoted { parts.append(part); part = ""; continue }
            part.append(character)
        }
        parts.append(part)
        return parts
    }
}

/// Why a text or an answer could not be read (the silence prompt's text, label matchers, a Prometheus answer), in
/// words for the screen.
public struct ReadProblem: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
