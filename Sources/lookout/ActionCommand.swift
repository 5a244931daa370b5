import ArgumentParser
import Foundation
import Glibc
import LookoutCore
import LookoutSources

/// `lookout [--readonly] action NAME --service S [--provider P] [--role R] [--dry-run] [--yes]`: a configured action,
/// headless, with the dashboard's guard rails and audit records.
struct ActionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "action",
        abstract: "Run a configured action (failover, redeploy…) headless: guarded, audited.",
        discussion: """
        Prints the exact request or argv (secrets masked) first. A dangerous action needs --yes, or the
        confirmation typed on a terminal; in a protected context (or for confirm: type-name) the service's name
        must be typed, and without a terminal it is refused unless --yes. --readonly and read-only contexts refuse
        dangerous actions. Exit: 0 succeeded (or dry run), 1 failed, 2 refused, 3 configuration error.

        Examples:
          lookout action redeploy --service chat-api --dry-run
          lookout action failover --service chat-api --provider openai --role disabled --yes
        """)

    @Argument(help: "The action's name, as configured under the service's `actions:`.")
    var name: String

    @Option(name: .long, help: "The service to act on.")
    var service: String

    @Option(name: .long, help: "The provider, for an action that takes one ({{provider}}).")
    var provider: String?

    @Option(name: .long, help: "The role for a failover ({{role}}): primary, standby or disabled.")
    var role: String?

    @Option(name: .long, help: "Configuration file (see the lookup order).")
    var config: String?

    @Option(name: .long, help: "Context (default: current-context, else the first).")
    var context: String?

    @Flag(name: .long, help: "Show and audit the request without sending it.")
    var dryRun = false

    @Flag(name: .long, help: "Confirm without asking (scripts).")
    var yes = false

    @Flag(name: .long, help: "Refuse any dangerous action.")
    var readonly = false

    @OptionGroup var audit: AuditLogOption

    func run() throws {
        let loaded: LookoutConfig, chosen: ContextConfig
        do { (loaded, chosen) = try ContextSelection.load(config: config, context: context) } catch {
            printError("lookout: \(error)")
            throw ExitCode(3)
        }
        guard let target = chosen.services.first(where: { $0.name == service }) else {
            printError("lookout: no service \"\(SafeText.escape(service))\" in context \(chosen.name)")
            throw ExitCode(3)
        }
        guard let action = target.action(named: name) else {
            let known = target.actions.map(\.name).joined(separator: ", ")
            printError("lookout: \(service) has no action \"\(SafeText.escape(name))\" (actions: \(known.isEmpty ? "none" : known))")
            throw ExitCode(3)
        }
        var parsedRole: ProviderRole?
        if let role {
            guard let value = ProviderRole(rawValue: role) else {
                printError("lookout: --role: expected primary, standby or disabled")
                throw ExitCode(3)
            }
            parsedRole = value
        }
        // Name the choices instead of letting a template say "{{role}} has no value here".
        if action.takesProvider, provider == nil {
            let known = Set(chosen.services.flatMap { $0.routing?.roles?.providers ?? [] }).sorted()
            printError("lookout: \(name) takes --provider NAME: the provider it acts on" + (known.isEmpty ? "" : " (\(known.joined(separator: ", ")))")
                       + ", e.g. lookout action \(name) --service \(service) --provider openai" + (action.takesRole ? " --role disabled" : ""))
            throw ExitCode(3)
        }
        if action.takesRole, parsedRole == nil {
            printError("lookout: \(name) takes --role ROLE: one of \(action.supportedRoles.map(\.rawValue).joined(separator: ", "))")
            throw ExitCode(3)
        }
        var plan: ActionPlan
        do { plan = try ActionPlan(action, service: target, context: chosen.name, provider: provider, role: parsedRole) } catch {
            printError("lookout: cannot plan \(name): \(error.description)")
            throw ExitCode(3)
        }
        plan.dryRun = dryRun
        print("\(plan.title)\(dryRun ? " (dry run)" : ""):")
        for line in plan.maskedLines { print("  " + line) }
        if plan.dangerous && (readonly || chosen.readonly) {
            printError("lookout: refused: \(readonly ? "--readonly" : "context \(chosen.name) is read-only") and \(name) is dangerous")
            throw ExitCode(2)
        }
        if plan.dangerous && !dryRun && !yes {
            guard isatty(STDIN_FILENO) == 1 else {
                printError("lookout: refused: \(name) is dangerous; confirm with --yes (no terminal to ask on)")
                throw ExitCode(2)
            }
            let typed = chosen.protected || plan.confirm == .typeName
            print(typed ? "Type \(plan.confirmationWord) to confirm: " : "Run it? [y/N] ", terminator: "")
            fflush(nil)
            let answer = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
            guard typed ? answer == plan.confirmationWord : ["y", "yes"].contains(answer.lowercased()) else {
                printError("lookout: not confirmed: nothing was sent")
                throw ExitCode(2)
            }
        }
        // An earlier run killed mid-action is closed as interrupted before this one starts.
        _ = try? audit.log.closeInterrupted()
        let runner = ActionRunner(audit: audit.log, secrets: loaded.secrets, origin: "headless", supervisor: SuperviseCommand.prefix) { event in
            if case let .actionOutput(_, line) = event { print("  | " + SafeText.escape(line)); fflush(nil) }
        }
        let outcome = waitFor { [plan] in await runner.run(plan) }
        print("\(outcome.status.rawValue): \(outcome.detail) (\(outcome.durationMs) ms)")
        switch outcome.status {
        case .succeeded, .dryRun: return
        case .refused: throw ExitCode(2)
        default: throw ExitCode(1)
        }
    }
}

/// `lookout audit [--since D]`: the audit log, oldest first.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Print the audit log of actions.",
        discussion: """
        Examples:
          lookout audit --since 24h
          lookout audit --json | jq -r .action
        """)

    @Option(name: .long, help: "Only records of the last D (e.g. 24h, 30m).")
    var since: String?

    @OptionGroup var audit: AuditLogOption

    @Flag(name: .long, help: "Print the JSON lines as stored.")
    var json = false

    func run() throws {
        var cutoff: Date?
        if let since {
            guard let duration = DurationText.parse(since) else { throw ValidationError("--since: expected a duration such as 24h") }
            cutoff = Date().addingTimeInterval(-Double(duration.milliseconds) / 1000)
        }
        let log = audit.log
        // An intent whose lookout is gone (kill -9, a crash) is closed as interrupted, here as at any start.
        let (records, bad, _) = try log.readClosingInterrupted(since: cutoff)
        for record in records {
            if json { print(record.jsonLine); continue }
            var what = record.action
            if let provider = record.provider { what += " \(provider)" }
            if let role = record.role { what += " → \(role)" }
            let result = record.result.map { "\($0) \(record.detail ?? "") \(record.durationMs.map { "\($0) ms" } ?? "")" } ?? "started"
            print([record.time, record.phase.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0),
                   "\(record.user)\(record.sshClient.map { "@\($0)" } ?? "")", record.context, record.service, what + (record.dryRun ? " (dry run)" : ""),
                   result, record.request].map(SafeText.escape).joined(separator: "  "))
        }
        if bad > 0 { printError("lookout: \(bad) lines of \(log.path) are not audit records (skipped)") }
        if records.isEmpty && !json { printError("lookout: no audit records in \(log.path)\(since.map { " for the last \($0)" } ?? "")") }
    }
}
