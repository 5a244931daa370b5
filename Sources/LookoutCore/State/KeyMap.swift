/// What a key asks the dashboard to do.
public enum Command: String, Sendable, Equatable, CaseIterable {
    case moveUp, moveDown, pageUp, pageDown, top, bottom
    case open, back, refresh, help, quit
    case showOverview, showLogs, showProviders, cycleWindow
    case togglePause, startFilter, nextError, previousError
    case showActions, failoverDisable, failoverStandby, failoverPrimary, redeploy
    case showAlerts, acknowledge, silence, unsilence, showTimeline
    case openPalette, cycleTheme, chooseContext, nextProvider

    /// The failover command that sets `role`.
    public static func failover(_ role: ProviderRole) -> Command {
        switch role {
        case .primary: return .failoverPrimary
        case .standby: return .failoverStandby
        case .disabled: return .failoverDisable
        }
    }
}

/// The screens a binding applies to.
public enum ScreenKind: String, Sendable, Equatable, CaseIterable {
    case overview
    case serviceDetail
    case providers
    case logs
    case actions
    case alerts
    case timeline
}

/// One binding: keys, the command they run, where, and how help describes it.
public struct KeyBinding: Sendable, Equatable {
    public var keys: [Key]
    public var command: Command
    public var description: String
    /// Screens where the binding is active; all when empty.
    public var screens: [ScreenKind]
    /// Short label for the hint bar at the bottom of the screen; nil keeps the binding out of it.
    public var hint: String?
    /// Changes something outside lookout; removed in read-only mode.
    public var dangerous: Bool

    public init(_ keys: [Key], _ command: Command, _ description: String, screens: [ScreenKind] = [],
                hint: String? = nil, dangerous: Bool = false) {
        self.keys = keys
        self.command = command
        self.description = description
        self.screens = screens
        self.hint = hint
        self.dangerous = dangerous
    }

    public func applies(to screen: ScreenKind) -> Bool { screens.isEmpty || screens.contains(screen) }
}

/// Key bindings as data: the same table dispatches keys and generates the help screen and hint bar.
public struct KeyMap: Sendable, Equatable {
    public var bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) { self.bindings = bindings }

    /// The command `key` runs on `screen`, if any.
    public func command(for key: Key, on screen: ScreenKind) -> Command? {
        bindings.first { $0.applies(to: screen) && $0.keys.contains(key) }?.command
    }

    /// The bindings active on `screen`, in table order.
    public func bindings(on screen: ScreenKind) -> [KeyBinding] { bindings.filter { $0.applies(to: screen) } }

    /// The same map without the bindings of `commands` (keys for what this configuration cannot do).
    public func removing(_ commands: [Command]) -> KeyMap { KeyMap(bindings: bindings.filter { !commands.contains($0.command) }) }

    /// The same map without dangerous bindings, for `--readonly`.
    public func readOnly() -> KeyMap { KeyMap(bindings: bindings.filter { !$0.dangerous }) }

    /// lookout's default bindings (vim-like, arrows too).
    public static let standard = KeyMap(bindings: [
        KeyBinding([.char("j"), .down], .moveDown, "move down (next service on a detail screen)"),
        KeyBinding([.char("k"), .up], .moveUp, "move up"),
        KeyBinding([.pageDown, .ctrl("f")], .pageDown, "page down"),
        KeyBinding([.pageUp, .ctrl("b")], .pageUp, "page up"),
        KeyBinding([.char("g"), .home], .top, "go to top"),
        KeyBinding([.char("G"), .end], .bottom, "go to bottom"),
        KeyBinding([.enter, .char("l"), .right], .open, "open the selected service", screens: [.overview], hint: "open"),
        KeyBinding([.escape, .char("h"), .left, .backspace], .back, "back to the overview", screens: [.serviceDetail], hint: "back"),
        KeyBinding([.enter], .open, "show the record as JSON", screens: [.logs], hint: "detail"),
        KeyBinding([.escape], .back, "close the record, or back to the overview", screens: [.logs], hint: "back"),
        KeyBinding([.char(" ")], .togglePause, "pause or follow", screens: [.logs], hint: "pause"),
        KeyBinding([.char("/")], .startFilter, "filter: text, field:value, level>=warn, /regex/", screens: [.logs], hint: "filter"),
        KeyBinding([.char("n")], .nextError, "next error", screens: [.logs], hint: "next error"),
        KeyBinding([.char("N")], .previousError, "previous error", screens: [.logs]),
        KeyBinding([.char("1")], .showOverview, "overview screen"),
        KeyBinding([.char("3"), .char("P")], .showProviders, "providers screen", hint: "providers"),
        KeyBinding([.char("4"), .char("L")], .showLogs, "logs screen", hint: "logs"),
        KeyBinding([.char("w")], .cycleWindow, "window: 1m, 5m, 1h", screens: [.overview, .providers], hint: "window"),
        KeyBinding([.enter], .open, "its log lines (the Logs screen, filtered)", screens: [.providers], hint: "logs of it"),
        KeyBinding([.escape], .back, "back to the overview", screens: [.providers, .actions, .alerts, .timeline]),
        KeyBinding([.escape], .back, "clear the services filter", screens: [.overview]),
        KeyBinding([.char("a")], .acknowledge, "acknowledge the selected alert", screens: [.alerts], hint: "ack"),
        KeyBinding([.char("S")], .silence, "silence the selected alert: lookout's here, Alertmanager's there (audited)", screens: [.alerts], hint: "silence"),
        KeyBinding([.char("u")], .unsilence, "end the silence over the selected alert (in Alertmanager for its alerts)", screens: [.alerts], hint: "unsilence"),
        KeyBinding([.char("x")], .failoverDisable, "fail over: disable the provider on the services routing to it",
                   screens: [.providers], hint: "disable", dangerous: true),
        KeyBinding([.char("s")], .failoverStandby, "fail over: make the provider standby", screens: [.providers], dangerous: true),
        KeyBinding([.char("p")], .failoverPrimary, "make the provider primary again", screens: [.providers], hint: "primary", dangerous: true),
        // On a service's screen the Actions line says which provider x/s/p act on: no hints of their own.
        KeyBinding([.tab], .nextProvider, "choose the next provider this service routes to", screens: [.serviceDetail]),
        KeyBinding([.char("x")], .failoverDisable, "fail over this service only: disable the chosen provider",
                   screens: [.serviceDetail], dangerous: true),
        KeyBinding([.char("s")], .failoverStandby, "this service only: make the chosen provider standby", screens: [.serviceDetail], dangerous: true),
        KeyBinding([.char("p")], .failoverPrimary, "this service only: make the chosen provider primary", screens: [.serviceDetail],
                   dangerous: true),
        KeyBinding([.char("R")], .redeploy, "redeploy the service (its `redeploy` action)", screens: [.overview, .serviceDetail],
                   hint: "redeploy", dangerous: true),
        KeyBinding([.char("/")], .startFilter, "filter the services: words in name, platform, state, health, readiness or reason; !word excludes",
                   screens: [.overview], hint: "filter"),
        KeyBinding([.char("6"), .char("A")], .showActions, "actions screen: the last action and the audit log"),
        KeyBinding([.char("5"), .char("!")], .showAlerts, "alerts screen: firing, pending, resolved; ack and silence", hint: "alerts"),
        KeyBinding([.char("7"), .char("T")], .showTimeline, "timeline screen: every change, newest first", hint: "timeline"),
        KeyBinding([.char(":")], .openPalette, "command palette: a screen, service, provider, theme or action by part of its name",
                   hint: "command"),
        KeyBinding([.char("t")], .cycleTheme, "next theme"),
        KeyBinding([.char("c")], .chooseContext, "switch context (the palette, on `ctx `)"),
        KeyBinding([.char("r")], .refresh, "probe now", hint: "probe now"),
        KeyBinding([.char("?")], .help, "show or hide this help", hint: "help"),
        KeyBinding([.char("q"), .ctrl("c")], .quit, "quit lookout", hint: "quit"),
    ])
}
