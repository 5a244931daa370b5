import ArgumentParser
import Foundation
import LookoutCore
import LookoutSources
import LookoutStore

/// `lookout alerts`: collect for a while, then list the alert conditions that hold, with monitoring-plugins exit codes.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Probe, scrape and read the logs for --wait, list the alerts that hold, and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
        discussion: """
        Budgets are judged on the dashboard's spend ledger and silences are those it keeps (the local store, \
        $LOOKOUT_STATE_DB), when there is one; a silenced alert is listed but does not count.

        Examples:
          lookout alerts --wait 30s
          lookout alerts --context prod --format json
        """)

    @Option(name: .long, help: "Configuration file (see the lookup order).")
    var config: String?

    @Option(name: .long, help: "Context (default: current-context, else the first).")
    var context: String?

    @Option(name: .long, help: "How long to collect (probes, two or more scrapes, log records of the last hour).")
    var wait: String = "10s"

    @Option(name: .long, help: "text or json.")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument { case text, json }

    func run() throws {
        let state: AppState
        do {
            guard let duration = DurationText.parse(wait) else { throw LookoutError("--wait: expected a duration such as 10s") }
            state = try collect(for: duration)
        } catch {
            printError("lookout alerts: \(error)")
            if format == .json { print(#"{"status":"UNKNOWN","alerts":[]}"#) }
            throw ExitCode(CheckStatus.unknown.exitCode)
        }
        let report = AlertsReport(state: state)
        print(format == .json ? report.json() : report.text(), terminator: format == .json ? "\n" : "")
        throw ExitCode(report.status.exitCode)
    }

    private func collect(for duration: Duration) throws -> AppState {
        var (reached, chosen) = try Snapshot.collect(config: config, context: context, for: duration)
        // The dashboard's ledger and silences, when it keeps them: this run's reading of the files would count their
        // last hour a second time, so the ledger is the store's alone.
        if let store = LocalStore.existing() {
            var ledger = SpendLedger(scopes: Set(chosen.budgets.map(\.scope.key)), since: Date())
            let oldest = SpendLedger.minute(of: Date()) - SpendLedger.defaultRetentionMinutes
            if !chosen.budgets.isEmpty, let kept = try? store.load(context: chosen.name, since: oldest) {
                ledger.load(kept)
                reached.ledger = ledger
            }
            if let notes = try? store.alertNotes(context: chosen.name, now: Date()) {
                reached.alertBook.restore(acks: [:], silences: notes.silences, now: Date())
            }
        }
        return reached
    }
}
