import Foundation
import LookoutCore
import LookoutRuntime
import LookoutSources
import LookoutTerminal
import LookoutUI

/// One full-screen run: the runtime's loop on the curses terminal, connected to the fleet.
struct DashboardSession {
    /// The whole configuration (mappings, prices, secrets, log buffer) and the context to open.
    let config: LookoutConfig
    let context: ContextConfig
    let display: DisplayOptions

    /// Runs until `q`, a termination signal or a lost terminal; returns the exit code.
    func run() throws -> Int32 {
        let refresh = try display.refreshInterval()
        let log = try DiagnosticLog.open(path: display.logFile)
        let theme = ThemeLoader.load(name: display.theme, log: log)
        let inbox = EventInbox()
        SignalTrap.install(inbox: inbox)
        let services = try SecretResolver.apply(try SecretResolver.resolveWaiting(config.secrets, for: context.services), to: context.services)
        let audit = display.audit.log
        let fleet = FleetLink(.init(services: services, metricMappings: config.metricMappings,
                                    mapping: { $0.flatMap(config.mapping(named:)) },
                                    actions: (audit, config.secrets, "dashboard")),
                              inbox: inbox, log: log)
        log.write("dashboard started: context \(context.name), \(context.services.count) services")

        log.redirectStandardError()
        let terminal = CursesTerminal(theme: theme)
        var state = AppState(context: context, now: Date(), readOnly: display.readonly, logCapacity: config.logBuffer)
        state.providers.prices = config.prices
        // The fleet's events are drained four times a second at most: keys still show within a frame.
        let input = PollingInput(device: terminal, inbox: inbox, drainInterval: .milliseconds(250))
        let runtime = Runtime(state: state, backend: terminal, input: input,
                              clock: SystemClock(), effects: fleet, dataInterval: refresh)
        if let history = try? audit.read() { runtime.apply(.audited(Array(history.records.suffix(500)))) }
        // The end-to-end suite proves that a crash restores the terminal and leaves a report in the log.
        if ProcessInfo.processInfo.environment["LOOKOUT_CRASH_TEST"] == "1" {
            runtime.afterFrame = { _ in fatalError("crash requested by LOOKOUT_CRASH_TEST=1") }
        }
        fleet.start()
        let ending = runtime.run()
        terminal.restore()
        log.restoreStandardError()
        fleet.stop()
        log.write("dashboard stopped: \(ending)")
        return 0
    }
}
