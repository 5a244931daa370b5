import ArgumentParser
import Foundation
import LookoutCore
import LookoutHTTP
import LookoutSources

/// `lookout alertmanager alerts|silences|silence|expire`: the context's Alertmanager (`alertmanager:`) — the alerts it
/// holds beside lookout's own, and its silences, created and expired with an audit record before and after.
struct AlertmanagerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alertmanager",
        abstract: "List the context's Alertmanager alerts and silences; create and expire silences (audited).",
        discussion: """
        The context names its Alertmanager: `alertmanager: http://alertmanager:9093` (or { url, headers }).

        Examples:
          lookout alertmanager alerts
          lookout alertmanager silence alertname=LLMErrorRateHigh 'provider=~open.*' --for 2h --comment "failing over"
          lookout alertmanager silences
          lookout alertmanager expire 9f757680-ec0a-4f3e-bdb7-57d086acee44
        """,
        subcommands: [Alerts.self, Silences.self, Silence.self, Expire.self])

    /// The options every subcommand takes, and the server they lead to.
    struct Target: ParsableArguments {
        @Option(name: .long, help: "Configuration file (see the lookup order).")
        var config: String?

        @Option(name: .long, help: "Context (default: current-context, else the first).")
        var context: String?

        /// The context and its Alertmanager, its header secrets resolved; exits 3 when there is none.
        func server() throws -> (context: ContextConfig, server: APIServer, secrets: [String]) {
            do {
                let (loaded, chosen) = try ContextSelection.load(config: config, context: context)
                guard var server = chosen.alertmanager else {
                    throw LookoutError("context \(chosen.name) has no `alertmanager:` (e.g. alertmanager: http://alertmanager:9093)")
                }
                let names = server.headers.flatMap { SecretReference.names(in: $0.value) }
                let values = try SecretResolver.resolveBlocking(names: names, sources: loaded.secrets)
                server.headers = try server.headers.map { HTTPHeader(name: $0.name, value: try SecretReference.substitute($0.value, values: values).get()) }
                return (chosen, server, Array(values.values))
            } catch let exit as ExitCode {
                throw exit
            } catch {
                printError("lookout alertmanager: \(error)")
                throw ExitCode(3)
            }
        }
    }

    static func request(_ method: String, _ url: String, _ server: APIServer, body: String? = nil) -> CurlRequest.Response {
        CurlRequest.perform(method: method, url: url, headers: server.headers, body: body, timeout: .seconds(10), bodyLimit: 16 << 20) { false }
    }

    /// A request Alertmanager did not grant, with its reason (secrets redacted).
    struct Refusal: Error { let reason: String }

    /// Prints Alertmanager's reason and throws `Refusal` unless the answer is a 2xx.
    static func requireSuccess(_ response: CurlRequest.Response, _ what: String, secrets: [String]) throws(Refusal) {
        guard let status = response.httpStatus, (200..<300).contains(status), response.error == nil else {
            let reason = response.error.map { SecretReference.redact(SafeText.escape($0.message), secrets: secrets) }
                ?? Alertmanager.failure(httpStatus: response.httpStatus, body: response.body)
            printError("lookout alertmanager: \(what): \(reason)")
            throw Refusal(reason: reason)
        }
    }

    /// The body of a GET that must succeed (exit 1 otherwise).
    static func fetch(_ path: String, _ server: APIServer, secrets: [String]) throws -> [UInt8] {
        let response = request("GET", server.url + path, server)
        do { try requireSuccess(response, "GET " + path, secrets: secrets) } catch { throw ExitCode(1) }
        return response.body
    }

    struct Alerts: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The alerts Alertmanager holds: state, labels, summary.")
        @OptionGroup var target: Target

        func run() throws {
            let (_, server, secrets) = try target.server()
            let body = try AlertmanagerCommand.fetch("/api/v2/alerts", server, secrets: secrets)
            guard let alerts = Alertmanager.alerts(body) else { printError("lookout alertmanager: not a list of alerts"); throw ExitCode(1) }
            if alerts.isEmpty { print("no alerts"); return }
            for alert in alerts.sorted(by: { $0.startsAt < $1.startsAt }) {
                let silenced = alert.silencedBy.isEmpty ? "" : " (silenced by \(alert.silencedBy.joined(separator: ", ")))"
                print(SafeText.escape("\(alert.state.uppercased())  \(alert.title)  since \(alert.startsAt)\(silenced)"))
                if let summary = alert.annotations["summary"] ?? alert.annotations["description"] { print("    " + SafeText.escape(summary)) }
            }
        }
    }

    struct Silences: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Alertmanager's silences: active and pending, --all for expired too.")
        @OptionGroup var target: Target
        @Flag(name: .long, help: "Expired silences too.") var all = false

        func run() throws {
            let (_, server, secrets) = try target.server()
            let body = try AlertmanagerCommand.fetch("/api/v2/silences", server, secrets: secrets)
            guard let silences = Alertmanager.silences(body) else { printError("lookout alertmanager: not a list of silences"); throw ExitCode(1) }
            let shown = silences.filter { all || $0.state != "expired" }.sorted { $0.endsAt < $1.endsAt }
            if shown.isEmpty { print("no silences"); return }
            for silence in shown {
                print(SafeText.escape("\(silence.state.uppercased())  \(silence.id)  \(silence.matchers.map(\.text).joined(separator: " "))  until \(silence.endsAt)  by \(silence.createdBy): \(silence.comment)"))
            }
        }
    }

    struct Silence: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a silence in Alertmanager (audited); prints its id.")
        @OptionGroup var target: Target
        @Argument(help: "Matchers: name=value, name!=value, name=~regex, name!~regex.") var matchers: [String]
        @Option(name: .customLong("for"), help: "How long it lasts (e.g. 30m, 2h).") var duration: String = "1h"
        @Option(name: .long, help: "Why (Alertmanager requires one).") var comment: String
        @Option(name: .long, help: "Who (default: the user lookout runs as).") var by: String?
        @Flag(name: .long, help: "Refuse (as in a read-only context).") var readonly = false
        @OptionGroup var audit: AuditLogOption

        func run() throws {
            let parsed = matchers.map { (text: $0, matcher: Alertmanager.Matcher(parsing: $0)) }
            if let bad = parsed.first(where: { $0.matcher == nil }) {
                printError("lookout alertmanager: \(SafeText.escape(bad.text)): expected name=value, name!=value, name=~regex or name!~regex")
                throw ExitCode(3)
            }
            guard !parsed.isEmpty else { printError("lookout alertmanager: give at least one matcher, e.g. alertname=LLMErrorRateHigh"); throw ExitCode(3) }
            guard let length = DurationText.parse(duration), length.milliseconds > 0 else {
                printError("lookout alertmanager: --for: expected a duration such as 2h"); throw ExitCode(3)
            }
            let (context, server, secrets) = try target.server()
            let start = Date(), end = start.addingTimeInterval(Double(length.milliseconds) / 1000)
            let who = by ?? Operator.user()
            let body = Alertmanager.silenceBody(parsed.compactMap(\.matcher), startsAt: start, endsAt: end, createdBy: who, comment: comment)
            let summary = "POST \(server.url)/api/v2/silences: \(parsed.compactMap(\.matcher).map(\.text).joined(separator: " ")) for \(duration) — \(comment)"
            try AlertmanagerCommand.audited(context: context, action: "silence", request: summary, refuse: readonly || context.readonly,
                                            log: audit.log) { () throws(Refusal) -> String in
                let response = AlertmanagerCommand.request("POST", server.url + "/api/v2/silences", server, body: body)
                try AlertmanagerCommand.requireSuccess(response, "POST /api/v2/silences", secrets: secrets)
                let id = Alertmanager.silenceID(response.body) ?? "?"
                print(id)
                return "silence \(id), HTTP \(response.httpStatus ?? 0)"
            }
        }
    }

    struct Expire: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Expire a silence now (audited).")
        @OptionGroup var target: Target
        @Argument(help: "The silence's id (lookout alertmanager silences).") var id: String
        @Flag(name: .long, help: "Refuse (as in a read-only context).") var readonly = false
        @OptionGroup var audit: AuditLogOption

        func run() throws {
            guard !id.isEmpty, id.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
                printError("lookout alertmanager: \(SafeText.escape(id)): not a silence id"); throw ExitCode(3)
            }
            let (context, server, secrets) = try target.server()
            let url = "\(server.url)/api/v2/silence/\(id)"
            try AlertmanagerCommand.audited(context: context, action: "expire-silence", request: "DELETE \(url)", refuse: readonly || context.readonly,
                                            log: audit.log) { () throws(Refusal) -> String in
                let response = AlertmanagerCommand.request("DELETE", url, server)
                try AlertmanagerCommand.requireSuccess(response, "DELETE /api/v2/silence/\(id)", secrets: secrets)
                print("expired \(id)")
                return "HTTP \(response.httpStatus ?? 0)"
            }
        }
    }

    /// Writes the intent, runs `body`, writes the result (succeeded with its detail, or failed with the error); a
    /// read-only context refuses before anything is sent, and says so in the log too.
    static func audited(context: ContextConfig, action: String, request: String, refuse: Bool, log: AuditLog,
                        _ body: () throws(Refusal) -> String) throws {
        let id = UUID().uuidString.lowercased()
        func record(_ phase: AuditRecord.Phase) -> AuditRecord {
            AuditRecord(phase: phase, id: id, context: context.name, system: "alertmanager", action: action, request: request,
                        origin: "headless", user: Operator.user(), sshClient: Operator.sshClient())
        }
        let started = ContinuousClock.now
        if refuse {
            var refused = record(.result)
            refused.result = ActionOutcome.Status.refused.rawValue
            refused.detail = context.readonly ? "context \(context.name) is read-only" : "--readonly"
            try? log.append(refused)
            printError("lookout alertmanager: refused: \(refused.detail!); nothing was sent")
            throw ExitCode(2)
        }
        do { try log.append(record(.intent)) } catch {
            printError("lookout alertmanager: not sent: \(error)")
            throw ExitCode(1)
        }
        var result = record(.result)
        do {
            result.detail = try body()
            result.result = ActionOutcome.Status.succeeded.rawValue
        } catch {
            result.result = ActionOutcome.Status.failed.rawValue
            result.detail = error.reason
            result.durationMs = Int((ContinuousClock.now - started).milliseconds)
            try? log.append(result)
            throw ExitCode(1)
        }
        result.durationMs = Int((ContinuousClock.now - started).milliseconds)
        try? log.append(result)
    }
}
