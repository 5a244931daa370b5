import Foundation
import LookoutCore

/// The headless modes as steps of the one loop: what `lookout check` and `lookout snapshot` do with a runtime that
/// has no backend. Their judgement is the dashboard's: the same reducer folds the same probe results into the same
/// `ServiceState`s, and the reports are read from that state.
extension Runtime {
    /// `lookout check`: waits for a first probe round of every service (and an answer to each query); with `wait`, probes again a second later
    /// until the report is OK or `wait` has passed. At least `passes` rounds run whatever `wait` says (a version gate
    /// needs `success-threshold` probes in a row). A session that ends early (a signal) returns what it had.
    public func checkPasses(of names: [String], waitingUpTo wait: Duration?, atLeast passes: Int = 1,
                            expecting version: String? = nil) -> CheckReport {
        let start = clock.elapsed
        var passStarted = Date.distantPast
        var done = 0
        while true {
            let ending = run { state in state.services.allSatisfy { $0.probed(since: passStarted) } && state.queries.allTried(since: passStarted) }
            done += 1
            let report = CheckReport(services: state.services, expectedVersion: version, queries: state.queries.rows)
            if ending != .done { return report }
            if done >= passes, report.status == .ok || clock.elapsed - start >= (wait ?? .zero) { return report }
            run(for: .seconds(1))
            passStarted = clock.now
            perform(.probeNow(services: names))
        }
    }

    /// `lookout snapshot`: reads for `duration`, then until every service has answered once (a probe always ends, at
    /// its timeout at worst; 30 s more at most). Returns the state the report is made of.
    public func snapshotCollect(for duration: Duration) -> AppState {
        run(for: duration)
        run(for: .seconds(30)) { state in state.services.allSatisfy { $0.probed(since: .distantPast) } && state.queries.allTried(since: .distantPast) }
        return state
    }
}
