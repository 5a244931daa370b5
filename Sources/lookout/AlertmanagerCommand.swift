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

        /// The context and a client of its Alertmanager, connected (header secrets resolved); exits 3 when there is
        /// none or a secret cannot be resolved.
        func connect() throws -> (context: ContextConfig, client: AlertmanagerClient, connection: AlertmanagerClient.Connection) {
            do {
                let (loaded, chosen) = try ContextSelection.load(config: config, context: context)
                guard let server = chosen.alertmanager else {
                    throw LookoutError("context \(chosen.name) has no `alertmanager:` (e.g. alertmanager: http://alertmanager:9093)")
                }
                let client = AlertmanagerClient(server: server, secrets: loaded.secrets)
                return (chosen, client, try client.connect().get())
            } catch let exit as ExitCode {
                throw exit
            } catch let failure as AlertmanagerClient.Failure {
                printError("lookout alertmanager: \(failure.reason)")
                throw ExitCode(3)
            } catch {
                printError("lookout alertmanager: \(error)")
                throw ExitCode(3)
            }
        }
    }

    /// The value of a read that must succeed (exit 1 otherwise, with Alertmanager's reason).
    static func require<T>(_ result: Result<T, AlertmanagerClient.Failure>, _ what: String) throws -> T {
        switch result {
        case let .success(value): return value
        case let .failure(failure):
            printError("lookout alertmanager: \(what): \(failure.reason)")
            throw ExitCode(1)
        }
    }

    struct Alerts: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The alerts Alertmanager holds: state, labels, summary.")
        @OptionGroup var target: Target

        func run() throws {
            let alerts = try AlertmanagerCommand.require(try target.connect().connection.alerts(), "GET /api/v2/alerts")
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
            let silences = try AlertmanagerCommand.require(try target.connect().connection.silences(), "GET /api/v2/silences")
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
            let (context, client, _) = try target.connect()
            let start = Date()
            let silence = Alertmanager.NewSilence(matchers: parsed.compactMap(\.matcher), startsAt: start, endsAt: start.addingTimeInterval(length.inSeconds),
                                                  createdBy: by ?? Operator.user(), comment: comment)
            let sent = try AlertmanagerCommand.audited(.silence(silence), context: context, client: client, readonly: readonly, log: audit.log)
            print(sent.silenceID ?? "?")
        }
    }

    struct Expire: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Expire a silence now (audited).")
        @OptionGroup var target: Target
        @Argument(help: "The silence's id (lookout alertmanager silences).") var id: String
        @Flag(name: .long, help: "Refuse (as in a read-only context).") var readonly = false
        @OptionGroup var audit: AuditLogOption

        func run() throws {
            guard Alertmanager.isSilenceID(id) else {
                printError("lookout alertmanager: \(SafeText.escape(id)): not a silence id"); throw ExitCode(3)
            }
            let (context, client, _) = try target.connect()
            _ = try AlertmanagerCommand.audited(.expire(ids: [id]), context: context, client: client, readonly: readonly, log: audit.log)
            print("expired \(id)")
        }
    }

    /// Sends a change with its audit records (`AlertmanagerClient.audited`): exit 2 when refused (a read-only context
    /// or `--readonly`: nothing is sent), 1 when Alertmanager or the audit log says no.
    static func audited(_ change: AlertmanagerChange, context: ContextConfig, client: AlertmanagerClient, readonly: Bool,
                        log: AuditLog) throws -> (detail: String, silenceID: String?) {
        let refusal: String? = context.readonly ? "context \(context.name) is read-only" : readonly ? "--readonly" : nil
        let audited = client.audited(change, context: context.name, origin: "headless", user: Operator.user(), sshClient: Operator.sshClient(),
                                     refusal: refusal, log: log)
        switch audited.outcome {
        case let .success(sent): return sent
        case let .failure(failure):
            printError("lookout alertmanager: \(failure.reason)\(audited.refused ? "; nothing was sent" : "")")
            throw ExitCode(audited.refused ? 2 : 1)
        }
    }
}
