import Foundation
import LookoutCore
import LookoutUI

/// The one loop of every mode (bubbletea's Program): it waits on an `InputSource`, reduces what arrived, hands the
/// reducer's effects to an `EffectRunner`, ticks the clock once a second, and — when it has a `TerminalBackend` —
/// draws, only after something visible changed and at most `framesPerSecond` times a second (`FramePacer`).
/// The dashboard runs it on curses; `snapshot` and `check` run it headless; tests run it on `TestBackend` with a
/// `VirtualClock`. Single-threaded: only the thread that calls `run` touches it.
public final class Runtime {
    /// The state, as reduced so far.
    public private(set) var state: AppState
    private let backend: (any TerminalBackend)?
    private let input: any InputSource
    let clock: any RuntimeClock
    private let effects: any EffectRunner
    private var pacer: FramePacer
    private let dataInterval: Double
    private let logTailInterval: Double
    private var lastTick: Duration
    /// The pace the input and the sources were last given.
    private var sourcePace: Duration?
    private var ended: Ending?
    /// The alerts the last tick found, to tell whether time alone changed them.
    /// Frames handed to the backend so far.
    public private(set) var framesDrawn = 0
    /// Called after each frame with its canvas (the crash test hooks in here).
    public var afterFrame: ((Canvas) -> Void)?

    /// Why `run` returned.
    public enum Ending: Equatable, Sendable, CustomStringConvertible {
        /// The caller's condition held.
        case done
        /// The time limit passed.
        case timeLimit
        /// `q` (the reducer's `.quit`).
        case quit
        /// The engineer chose another context (`:ctx`): the caller reopens on it.
        case switchContext(String)
        case signal(TerminationSignal)
        /// The terminal went away.
        case terminalClosed

        /// `quit`, `signal SIGHUP`, `terminal closed`… (the diagnostics log's words).
        public var description: String {
            switch self {
            case .done: return "done"
            case .timeLimit: return "time limit"
            case .quit: return "quit"
            case let .switchContext(name): return "switch to context \(name)"
            case let .signal(signal): return "signal \(signal.rawValue)"
            case .terminalClosed: return "terminal closed"
            }
        }
    }

    /// - Parameters:
    ///   - framesPerSecond: the frame rate's cap, and how soon a key shows.
    ///   - dataInterval: how long what the fleet reports may wait for a frame (`--refresh`; the Logs screen waits at
    ///     most 0.25 s).
    public init(state: AppState, backend: (any TerminalBackend)?, input: any InputSource, clock: any RuntimeClock,
                effects: any EffectRunner, framesPerSecond: Double = 30, dataInterval: Duration = .seconds(2)) {
        self.dataInterval = dataInterval.inSeconds
        logTailInterval = min(0.25, dataInterval.inSeconds)
        self.state = state
        self.backend = backend
        self.input = input
        self.clock = clock
        self.effects = effects
        pacer = FramePacer(framesPerSecond: framesPerSecond, dataInterval: dataInterval.inSeconds)
        lastTick = clock.elapsed
        if let backend { _ = Reducer.reduce(&self.state, .resize(backend.size)) }
    }

    /// Runs until `done(state)` holds, `limit` passes, or the session ends (quit, signal, terminal gone); a session
    /// that ended stays ended (`run` then returns at once).
    @discardableResult
    public func run(for limit: Duration? = nil, until done: (AppState) -> Bool = { _ in false }) -> Ending {
        let start = clock.elapsed
        while true {
            if let ended { return ended }
            if done(state) { return .done }
            let remaining = limit.map { start + $0 - clock.elapsed }
            if let remaining, remaining <= .zero { return .timeLimit }
            drawIfDue()
            var timeout = lastTick + .seconds(1) - clock.elapsed
            if let frame = pacer.wait(at: clock.elapsed.inSeconds), backend != nil { timeout = min(timeout, .seconds(frame)) }
            if let remaining { timeout = min(timeout, remaining) }
            receive(input.wait(timeout: max(.zero, timeout)))
            tickIfDue()
        }
    }

    /// Runs an effect the caller decided on (a headless mode's next probe pass), as if the reducer had asked for it.
    public func perform(_ effect: Effect) {
        switch effect {
        case .quit: ended = .quit
        case let .switchContext(name): ended = .switchContext(name)
        case .bell: backend?.bell()            // the terminal's, not the fleet's
        default: effects.run(effect)
        }
    }

    /// Reduces one event as if it had arrived (tests, and modes that seed the state: the audit history).
    public func apply(_ event: Event, _ urgency: FramePacer.Urgency = .input) {
        for effect in Reducer.reduce(&state, event) { perform(effect) }
        pacer.changed(urgency)
    }

    private func receive(_ inputs: [RuntimeInput]) {
        for item in inputs {
            switch item {
            case let .key(key): apply(.key(key))
            case let .resized(size): apply(.resize(size))
            case let .event(event): apply(event, Self.urgency(of: event))
            case let .signal(signal):
                apply(.signal(signal))
                ended = .signal(signal)
            case .terminalClosed: ended = .terminalClosed
            }
        }
    }

    /// An action's progress shows at once; what the fleet reports waits for the data interval.
    static func urgency(of event: Event) -> FramePacer.Urgency {
        switch event {
        case .actionOutput, .actionFinished, .audited, .key, .resize, .signal: return .input
        case .probe, .scraped, .logs, .logsSkipped, .tick, .laidOut, .spendLoaded, .alertNotesLoaded, .timelineLoaded, .countersLoaded,
             .remoteAlerts, .targetsDiscovered, .queryAnswered:
            return .data
        }
    }

    /// The clock moves the state once a second. A tick alone redraws only what time visibly changed: the header's
    /// minute, a follow-up watch's verdict, an alert that started or stopped; ages and windows otherwise move with
    /// the next event (probes arrive every few seconds) — an idle dashboard writes nothing.
    private func tickIfDue() {
        guard clock.elapsed - lastTick >= .seconds(1) else { return }
        lastTick = clock.elapsed
        let before = (minute: Int(state.now.timeIntervalSince1970) / 60, followUps: state.followUps, alerts: state.alertBook,
                      timeline: (state.timeline.entries.count, state.timeline.entries.last))
        for effect in Reducer.reduce(&state, .tick(clock.now)) { perform(effect) }
        var changed = Int(state.now.timeIntervalSince1970) / 60 != before.minute || state.followUps != before.followUps
        // An alert that started, fired, resolved, was acknowledged or silenced shows.
        changed = changed || state.alertBook != before.alerts
            || (state.timeline.entries.count, state.timeline.entries.last) != before.timeline
        if changed { pacer.changed(.data) }
    }

    /// The themes `t` and `:theme` choose from, by name (the dashboard's; empty headless).
    public var themes: [String: Theme] = [:]
    /// The theme the backend draws with.
    private var appliedTheme: String?

    /// A theme chosen since the last frame goes to the backend, and the frame is drawn at once.
    private func applyThemeIfChosen() {
        guard let backend, state.themeName != appliedTheme, let theme = themes[state.themeName] else { return }
        appliedTheme = state.themeName
        backend.apply(theme)
        pacer.changed(.input)
    }

    private func drawIfDue() {
        applyThemeIfChosen()
        // A live log tail moves faster than a table of services: it is taken from the inbox and drawn more often.
        let logTail = state.screen == .logs
        pacer.dataInterval = logTail ? logTailInterval : dataInterval
        let pace = Duration.seconds(logTail ? logTailInterval : min(1, dataInterval))
        if pace != sourcePace {
            sourcePace = pace
            input.pace(pace)
            effects.pace(pace)
        }
        guard let backend, let size = state.terminalSize, pacer.shouldDraw(at: clock.elapsed.inSeconds) else { return }
        var canvas = Canvas(width: size.width, height: size.height)
        let layout = DashboardView.render(state, into: &canvas)
        backend.draw(canvas)
        framesDrawn += 1
        afterFrame?(canvas)
        // What the frame laid out is how the reducer pages; telling it is no change on screen.
        if layout.listRows != state.visibleRows || layout.selectedRowY != state.selectedRowY {
            let scroll = state.scroll
            _ = Reducer.reduce(&state, .laidOut(layout))
            if state.scroll != scroll { pacer.changed() }
        }
    }
}
