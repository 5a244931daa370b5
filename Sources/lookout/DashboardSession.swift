import Foundation
import LookoutCore
import LookoutRuntime
import LookoutSources
import LookoutStore
import LookoutTerminal
import LookoutUI

/// One full-screen run: the runtime's loop on the curses terminal, connected to the fleet.
struct DashboardSession {
    /// The whole configuration (mappings, prices, secrets, log buffer) and the context to open.
    let config: LookoutConfig
    let context: ContextConfig
    let display: DisplayOptions

    /// Runs until `q`, a termination signal or a lost terminal; returns the exit code. `:ctx NAME` reopens the dashboard
    /// on another context in the same terminal: the fleet of the one left is stopped (and what it recorded saved) first.
    func run() throws -> Int32 {
        let refresh = try display.refreshInterval()
        let log = try DiagnosticLog.open(path: display.logFile)
        let (themes, themeProblems) = ThemeLoader.all()
        for problem in themeProblems { log.write(problem) }
        let inbox = EventInbox(wake: .urgentOnly)
        SignalTrap.install(inbox: inbox)
        // The first context's targets are discovered and its secrets resolved before the screen takes the terminal (a
        // secret command may ask).
        var (current, notice) = ContextSelection.discovered(context, in: config)
        var services = try SecretResolver.apply(try SecretResolver.resolveWaiting(config.secrets, for: current.services), to: current.services)
        log.redirectStandardError()
        let terminal = CursesTerminal(theme: theme(named: chosenTheme(for: context, in: themes, log: log), in: themes),
                                      ascii: display.ascii ? true : nil, mouse: display.mouse)
        if terminal.ascii { log.write("drawing ASCII only (\(display.ascii ? "--ascii" : "the locale is not UTF-8"))") }
        while true {
            let ending = runContext(current, services: services, notice: notice, terminal: terminal, inbox: inbox, themes: themes,
                                    refresh: refresh, log: log)
            guard case let .switchContext(name) = ending, let listed = config.contexts.first(where: { $0.name == name }) else { break }
            // What the old fleet posted after its last frame belongs to it: dropped, not shown in the new context. A
            // signal or a resize that came with it is not.
            let leftover = inbox.drain()
            if !leftover.signals.isEmpty { break }
            if leftover.resized { terminal.adoptWindowSize() }
            do {
                let (next, problem) = ContextSelection.discovered(listed, in: config)
                services = try SecretResolver.apply(try SecretResolver.resolveWaiting(config.secrets, for: next.services), to: next.services)
                current = next
                notice = problem
            } catch {
                log.write("context \(name): \(error)")
                notice = "cannot open context \(name): \(error)"
            }
        }
        terminal.restore()
        log.restoreStandardError()
        return 0
    }

    /// For a context with `discover:`: the context as listed, and the services discovered when it opened.
    private func discoveryPlan(_ opened: ContextConfig) -> FleetLink.Plan.Discovery? {
        guard !opened.discover.isEmpty, let listed = config.contexts.first(where: { $0.name == opened.name }) else { return nil }
        let listedNames = Set(listed.services.map(\.name))
        return (listed, Set(opened.services.map(\.name)).subtracting(listedNames), config.secrets)
    }

    /// The theme a context opens with, among those found.
    private func chosenTheme(for context: ContextConfig, in themes: [ThemeLoader.Found], log: DiagnosticLog) -> String {
        let name = ThemeLoader.chosen(option: display.theme, context: context)
        guard themes.contains(where: { $0.theme.name == name }) else {
            log.write("theme \(name) not found in \(ThemeLoader.directories()); using default")
            return "default"
        }
        return name
    }

    private func theme(named name: String, in themes: [ThemeLoader.Found]) -> Theme {
        themes.first { $0.theme.name == name }?.theme ?? .builtIn
    }

    /// One context on the terminal: its fleet, its state (with what the store kept for it), the loop; returns how the
    /// loop ended, after stopping the fleet and saving what the last second recorded.
    private func runContext(_ context: ContextConfig, services: [ServiceConfig], notice: String?, terminal: CursesTerminal,
                            inbox: EventInbox, themes: [ThemeLoader.Found], refresh: Duration, log: DiagnosticLog) -> Runtime.Ending {
        let audit = display.audit.log
        let kept = openLocalStore(for: context, log: log)
        let discovery = discoveryPlan(context)
        let fleet = FleetLink(.init(services: services, metricMappings: config.metricMappings, hygiene: context.logHygiene,
                                    mapping: { $0.flatMap(config.mapping(named:)) },
                                    actions: (audit, config.secrets, "dashboard"), store: kept.store,
                                    alertmanager: context.alertmanager.map { ($0, config.secrets) }, backfill: true,
                                    discovery: discovery, queries: (context.queries, config.secrets, true)),
                              inbox: inbox, log: log)
        log.write("dashboard started: context \(context.name), \(context.services.count) services")
        var state = AppState(context: context, keyMap: config.keyMap, now: Date(), readOnly: display.readonly, logCapacity: config.logBuffer,
                             logByteCapacity: config.logBufferBytes)
        state.providers.prices = config.prices
        state.discovered = discovery?.opened ?? []
        state.savesSpend = kept.store != nil
        state.savesTimeline = kept.store != nil
        state.bellOnCritical = display.bell
        state.notice = notice ?? kept.problem
        state.operatorName = Operator.user()
        state.operatorFrom = Operator.sshClient()
        state.themeNames = themes.map(\.theme.name)
        state.themeName = chosenTheme(for: context, in: themes, log: log)
        state.contextNames = config.contexts.map(\.name)
        // The fleet's events are taken once a second (four times on the Logs screen, `Runtime` paces it); keys, signals
        // and an action's progress at once.
        let input = PollingInput(device: terminal, inbox: inbox, drainInterval: .seconds(1))
        let runtime = Runtime(state: state, backend: terminal, input: input,
                              clock: SystemClock(), effects: fleet, dataInterval: refresh)
        runtime.themes = Dictionary(themes.map { ($0.theme.name, $0.theme) }, uniquingKeysWith: { first, _ in first })
        // An action whose lookout died mid-run (kill -9, a crash) is closed as interrupted, then the history is shown.
        do {
            let history = try audit.readClosingInterrupted()
            runtime.apply(.audited(Array(history.records.suffix(500))))
        } catch {
            log.write("\(error)")
        }
        if !kept.spend.isEmpty { runtime.apply(.spendLoaded(kept.spend)) }
        if let notes = kept.notes { runtime.apply(.alertNotesLoaded(acks: notes.acks, silences: notes.silences)) }
        if !kept.timeline.isEmpty { runtime.apply(.timelineLoaded(kept.timeline)) }
        if let totals = kept.totals { runtime.apply(.countersLoaded(totals.totals, at: totals.at)) }
        // The end-to-end suite proves that a crash restores the terminal and leaves a report in the log.
        if ProcessInfo.processInfo.environment["LOOKOUT_CRASH_TEST"] == "1" {
            runtime.afterFrame = { _ in fatalError("crash requested by LOOKOUT_CRASH_TEST=1") }
        } else {
            // How long a start takes to show something (`scripts/bench.sh` reads this line).
            var first = true
            runtime.afterFrame = { _ in
                guard first else { return }
                first = false
                if let ms = ProcessAge.milliseconds() { log.write("first frame drawn \(ms) ms after the process started") }
            }
        }
        fleet.start()
        let ending = runtime.run()
        // What the last seconds recorded, not yet handed to the store, and the counters' totals as of now.
        var ledger = runtime.state.ledger, timeline = runtime.state.timeline
        fleet.save(.spend(ledger.takeUnsaved()), context: context.name)
        if runtime.state.savesTimeline { fleet.run(.saveTimeline(context: context.name, timeline.takeUnsaved())) }
        if runtime.state.savesTimeline, !runtime.state.counterTotals.totals.isEmpty {
            fleet.run(.saveCounterTotals(context: context.name, runtime.state.counterTotals, at: runtime.state.now))
        }
        fleet.stop()
        log.write("dashboard stopped: \(ending)")
        return ending
    }

    /// The local store (spend, acknowledgements, silences): opened, pruned, and what it kept for this context. A store
    /// that cannot be used is a notice on screen and a line in the log, not a failed start.
    private func openLocalStore(for context: ContextConfig, log: DiagnosticLog)
        -> (store: LocalStore?, spend: [SpendEntry], notes: (acks: [String: AlertAck], silences: [AlertSilence])?, timeline: [TimelineEntry],
            totals: KeptCounterTotals?, problem: String?) {
        do {
            let store = try LocalStore(path: LocalStore.defaultPath())
            let now = Date()
            var spend: [SpendEntry] = []
            if !context.budgets.isEmpty {
                let oldest = SpendLedger.minute(of: now) - SpendLedger.defaultRetentionMinutes
                try store.prune(before: oldest)
                spend = try store.load(context: context.name, since: oldest)
            }
            let notes = try store.alertNotes(context: context.name, now: now)
            let timeline = try store.timeline(context: context.name, since: now.addingTimeInterval(-86_400))
            let totals = context.budgets.isEmpty ? nil : try store.counterTotals(context: context.name)
            log.write("local store \(store.path): \(spend.count) spend rows, \(notes.acks.count) acks, \(notes.silences.count) silences, "
                      + "\(timeline.count) timeline entries kept for context \(context.name)")
            return (store, spend, notes, timeline, totals, nil)
        } catch {
            log.write("\(error)")
            return (nil, [], nil, [], nil, "spend, acks, silences and the timeline are kept for this run only: \(error)")
        }
    }
}
