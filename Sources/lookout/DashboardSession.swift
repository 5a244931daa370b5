import Foundation
import Glibc
import LookoutCore
import LookoutHTTP
import LookoutSources
import LookoutTerminal
import LookoutUI

/// One full-screen run: wires the poller, the terminal and the reducer together on the main thread.
/// The loop sleeps in `poll()` on the keyboard and the inbox pipe, reduces what arrived, and redraws
/// only when the rendered frame differs (the terminal backend writes only changed rows).
struct DashboardSession {
    /// The whole configuration (mappings, prices, secrets, log buffer) and the context to open.
    let config: LookoutConfig
    let context: ContextConfig
    let display: DisplayOptions

    func mapping(_ name: String?) -> LogMapping? { name.flatMap(config.mapping(named:)) }

    /// Runs until `q`, a termination signal or a lost terminal; returns the exit code.
    func run() throws -> Int32 {
        let log = try DiagnosticLog.open(path: display.logFile)
        let theme = ThemeLoader.load(name: display.theme, log: log)
        let inbox = EventInbox()
        SignalTrap.install(inbox: inbox)
        let services = try SecretResolver.apply(try SecretResolver.resolve(config.secrets, for: context.services), to: context.services)
        let forwarder = ProbeForwarder(services: services, mappings: config.metricMappings, inbox: inbox)
        let poller = CurlPoller(services: services) { forwarder.deliver($0) }
        let collectors = LogCollectors(services: services, mapping: mapping) { inbox.post(.logs($0)) }
        let audit = display.audit.log
        let runner = ActionRunner(audit: audit, secrets: config.secrets, origin: "dashboard") { inbox.post($0) }
        log.write("dashboard started: context \(context.name), \(context.services.count) services")

        log.redirectStandardError()
        let terminal = CursesTerminal(theme: theme)
        var state = AppState(context: context, now: Date(), readOnly: display.readonly, logCapacity: config.logBuffer)
        state.providers.prices = config.prices
        var size = terminal.size
        _ = Reducer.reduce(&state, .resize(tableRows: DashboardView.tableRows(forHeight: size.height)))
        if let history = try? audit.read() { _ = Reducer.reduce(&state, .audited(Array(history.records.suffix(500)))) }
        poller.start()
        collectors.start()

        var exitReason = "quit"
        var lastTick = Date()
        // The end-to-end suite proves that a crash restores the terminal and leaves a report in the log.
        let crashAfterFirstFrame = ProcessInfo.processInfo.environment["LOOKOUT_CRASH_TEST"] == "1"
        // At most 30 frames a second, and only after something changed: a log flood is a few frames, not thousands.
        var pacer = FramePacer(framesPerSecond: 30)
        let clock = ContinuousClock()
        let started = clock.now
        func seconds() -> Double { Double((clock.now - started).milliseconds) / 1000 }
        loop: while true {
            if pacer.shouldDraw(at: seconds()) {
                terminal.draw(DashboardView.render(state, width: size.width, height: size.height))
                if crashAfterFirstFrame { fatalError("crash requested by LOOKOUT_CRASH_TEST=1") }
            }

            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inbox.readFD, events: Int16(POLLIN), revents: 0)]
            let msToNextSecond = Int32(1000 - (Int(Date().timeIntervalSince1970 * 1000) % 1000))
            let msToFrame = pacer.wait(at: seconds()).map { Int32(($0 * 1000).rounded(.up)) } ?? msToNextSecond
            if poll(&fds, 2, min(msToNextSecond, msToFrame)) < 0 && errno != EINTR { exitReason = "poll failed"; break }

            var events: [Event] = []
            let keyboard = fds[0].revents
            if keyboard & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                exitReason = "terminal closed"
                break
            }
            if keyboard & Int16(POLLIN) != 0 {
                let input = terminal.readInput()
                if input.closed { exitReason = "terminal closed"; break }
                events += input.keys.map(Event.key)
                if input.resized {
                    size = terminal.size
                    terminal.invalidate()
                    events.append(.resize(tableRows: DashboardView.tableRows(forHeight: size.height)))
                }
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                let drained = inbox.drain()
                if drained.resized {
                    terminal.adoptWindowSize()
                    size = terminal.size
                    events.append(.resize(tableRows: DashboardView.tableRows(forHeight: size.height)))
                }
                events += drained.events
                events += drained.signals.map(Event.signal)
                if let signal = drained.signals.first { exitReason = "signal \(signal.rawValue)" }
            }
            let now = Date()
            if now.timeIntervalSince(lastTick) >= 1 || events.isEmpty {
                events.append(.tick(now))
                lastTick = now
            }
            if !events.isEmpty { pacer.changed() }
            for event in events {
                for effect in Reducer.reduce(&state, event) {
                    switch effect {
                    case .quit: break loop
                    case let .probeNow(names): poller.probeNow(names)
                    case let .runAction(plan):
                        log.write("action \(plan.action) on \(plan.service)\(plan.dryRun ? " (dry run)" : ""): \(plan.maskedSummary)")
                        runner.start(plan)
                    case let .cancelAction(id): runner.cancel(id: id)
                    }
                }
            }
        }
        terminal.restore()
        log.restoreStandardError()
        poller.stop()
        collectors.stop()
        log.write("dashboard stopped: \(exitReason)")
        return 0
    }
}
