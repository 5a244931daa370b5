import Foundation

/// One action made concrete for a service (and provider): templates filled, secrets still as references —
/// they are resolved only by the runner, at the last moment, so nothing shown, logged or audited holds them.
public struct ActionPlan: Sendable, Equatable {
    /// Numbered by the reducer, so a late event from an earlier run is never taken for this one.
    public var id = 0
    public var action: String
    public var context: String
    public var service: String
    public var provider: String?
    public var role: ProviderRole?
    public var kind: ActionConfig.Kind
    public var dangerous: Bool
    public var confirm: ActionConfig.Confirmation
    public var timeout: Duration
    public var expect: Int?
    public var followUp: ActionConfig.FollowUp?
    /// Shows and audits the request without sending it.
    public var dryRun = false

    /// Fills `action`'s templates for `service`; throws when a value is refused or missing.
    public init(_ action: ActionConfig, service: ServiceConfig, context: String, provider: String? = nil,
                role: ProviderRole? = nil) throws(ActionTemplateError) {
        var values = ["service": service.name, "context": context, "url": service.baseURL]
        if let provider { values["provider"] = provider }
        if let role { values["role"] = action.word(for: role) }
        switch action.kind {
        case let .http(method, url, headers, body):
            var rendered: [HTTPHeader] = []
            for header in headers { rendered.append(HTTPHeader(name: header.name, value: try ActionTemplate.render(header.value, values))) }
            kind = .http(method: try ActionTemplate.render(method, values), url: try ActionTemplate.render(url, values),
                         headers: rendered, body: try body.map { text throws(ActionTemplateError) in try ActionTemplate.render(text, values) })
        case let .command(argv):
            var rendered: [String] = []
            for argument in argv { rendered.append(try ActionTemplate.render(argument, values)) }
            kind = .command(argv: rendered)
        }
        self.action = action.name
        self.context = context
        self.service = service.name
        self.provider = provider
        self.role = role
        dangerous = action.dangerous
        confirm = action.confirm
        timeout = action.timeout
        expect = action.expect
        followUp = action.followUp
    }

    /// What it does, secrets masked (`••••`): `POST http://…/admin/failover` and its headers and body, or the argv
    /// with each argument quoted where it needs to be. The same lines go to the dialog, the audit log and `--dry-run`.
    public var maskedLines: [String] {
        switch kind {
        case let .http(method, url, headers, body):
            return ["\(method) \(SecretReference.mask(url))"] + headers.map { "\($0.name): \(SecretReference.mask($0.value))" }
                + (body.map { ["", SecretReference.mask($0)] } ?? [])
        case let .command(argv):
            return [argv.map { Self.quoted(SecretReference.mask($0)) }.joined(separator: " ")]
        }
    }

    /// The secrets the plan refers to.
    public var secretNames: [String] {
        switch kind {
        case let .http(method, url, headers, body):
            return ([method, url] + headers.map(\.value) + (body.map { [$0] } ?? [])).flatMap(SecretReference.names(in:))
        case let .command(argv): return argv.flatMap(SecretReference.names(in:))
        }
    }

    /// One line for the audit log and result lines.
    public var maskedSummary: String { maskedLines.filter { !$0.isEmpty }.joined(separator: " ") }

    /// Shell-style quoting for display only (the command runs as argv, never through a shell).
    static func quoted(_ argument: String) -> String {
        let plain = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=@%+,".contains($0) }
        return plain && !argument.isEmpty ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The name the engineer types to confirm in a protected context.
    public var confirmationWord: String { service }

    /// A short title: `failover anthropic → disabled on chat-api`.
    public var title: String {
        var text = action
        if let provider { text += " \(provider)" }
        if let role { text += " → \(role.rawValue)" }
        return text + " on \(service)"
    }
}

/// How an action ended.
public struct ActionOutcome: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case succeeded, failed, cancelled, timedOut = "timed_out", dryRun = "dry_run", refused
        /// The lookout that ran it ended first (`kill -9`, a crash): found at a later start, its command stopped.
        case interrupted
    }

    public var status: Status
    /// `HTTP 200`, `exit 0`, `killed by SIGTERM`, the transport error…; never a secret.
    public var detail: String
    public var durationMs: Int

    public init(status: Status, detail: String, durationMs: Int) {
        self.status = status
        self.detail = detail
        self.durationMs = durationMs
    }
}
