import Foundation

/// Which screen is showing.
public enum Screen: Sendable, Equatable {
    case overview
    case serviceDetail(name: String)
    case providers
    case logs
    case actions
    case alerts
    case timeline

    public var kind: ScreenKind {
        switch self {
        case .overview: return .overview
        case .serviceDetail: return .serviceDetail
        case .providers: return .providers
        case .logs: return .logs
        case .actions: return .actions
        case .alerts: return .alerts
        case .timeline: return .timeline
        }
    }
}

/// The whole state of the dashboard: a value the reducer changes and the views read.
public struct AppState: Sendable, Equatable {
    public var contextName: String
    public var services: [ServiceState]
    public var screen: Screen = .overview
    /// Index of the selected row on the overview.
    public var selection = 0
    /// First visible row on the overview (kept so the selection stays on screen).
    public var scroll = 0
    public var showingHelp = false
    public var keyMap: KeyMap
    /// The latest time an event carried; views compute ages from it, never from the clock.
    public var now: Date
    /// Rows the current screen's list showed in the last frame (`ViewLayout`): paging moves by a screenful.
    public var visibleRows = 10
    /// Where the selected row was drawn (the last frame's `ViewLayout`): a click moves the selection relative to it.
    public var selectedRowY: Int?
    /// The terminal's size, as the last resize event reported it (nil headless).
    public var terminalSize: TerminalSize?
    public var readOnly: Bool
    /// The Logs screen: every service's records in one bounded ring.
    public var logs: LogViewState
    /// What log hygiene masked, per service, source and kind.
    public var hygiene = HygieneBook()
    /// Provider statistics from the LLM calls in the logs.
    public var providers = ProviderBoard()
    /// The window the provider tables show.
    public var window = StatsWindow.fiveMinutes
    /// The context's spending limits, the spend per minute they are judged on, and their calendar (time zone).
    public var budgets: [BudgetConfig]
    public var ledger: SpendLedger
    /// What the services' metrics counters have counted (kept in the store), and what the last run kept with when.
    public var counterTotals = CounterTotals()
    public var keptTotals: KeptCounterTotals?
    /// The counter totals last handed to the store.
    public var savedTotals: CounterTotals?
    /// Budgets the gateway enforces itself (LiteLLM's provider budgets), from scraped gauges.
    public var gatewayBudgets = GatewayBudgets()
    public var budgetCalendar: Calendar
    /// Alerts with their lifecycle, acknowledgements and silences; the selected row of the Alerts screen; the silence
    /// being typed.
    public var alertBook = AlertBook()
    /// The context's Alertmanager, as last read (nil: none configured, or not read yet).
    public var remoteAlerts: RemoteAlerts?
    /// The services taken from Prometheus' targets (`discover:`) — they join and leave as the targets do —, and the
    /// last such change with when it came.
    public var discovered: Set<String> = []
    public var targetsChange: TargetsChange?
    /// The context's own Prometheus queries (`queries:`) and what they last answered.
    public var queries: QueryBoard
    /// Every change in one time-ordered list, and the warn line each budget last passed.
    public var timeline = Timeline()
    public var budgetLines: [String: Double?] = [:]
    /// The selected row of the Timeline screen, counted from the newest entry (0 = newest).
    public var timelineSelection = 0
    /// Whether new timeline entries go to the store (`.saveTimeline` effects): the dashboard's.
    public var savesTimeline = false
    /// Calls and failures per provider per minute (six hours), and the availability objective they burn against.
    public var callCounts = CallCounts()
    public var availabilityObjective: Double?
    /// The providers' p95 latency objective (`slo: { latency-p95: 2s }`).
    public var latencyObjective: Duration?
    /// Where alerts are sent, and when firing alerts were last sent again to Alertmanager targets.
    public var notifyTargets: [NotifyTarget]
    /// Ring the terminal's bell when a critical alert fires (`--bell`).
    public var bellOnCritical = false
    public var lastAlertmanagerResend: Date?
    public var alertSelection = 0
    public var silencePrompt: SilencePrompt?
    /// Who is at the keyboard, for acknowledgements and silences (the CLI sets them from the OS and SSH).
    public var operatorName = "unknown"
    public var operatorFrom: String?
    /// Where each service is in `services`, by name (rebuilt when discovered services join or leave): a probe of
    /// one of 5,000 services is no search through the others.
    public private(set) var serviceIndex: [String: Int]
    /// The Overview's filter, and its line while it is typed (the list follows each key).
    public var serviceFilter: ServiceFilter?
    public var serviceFilterEditor: LineEditor?
    /// Whether the ledger's new spend goes to the store (`.saveSpend` effects): the dashboard's, not a headless run's.
    public var savesSpend = false
    /// When spend, timeline entries and counter totals last went to the store: they go every `storeInterval`, and when
    /// the dashboard quits.
    public var storedAt: Date
    /// How often what was recorded goes to the store: a `kill -9` loses at most this much of it. One transaction each
    /// time — every second, the store's thread was a tenth of the dashboard's CPU.
    public static let storeInterval: TimeInterval = 5
    /// The selected row of the Providers screen, kept by identity (a provider, or one of its models): a provider or
    /// model that appears later shifts the rows, not the selection — an action key acts on the row the engineer chose.
    public var selectedProviderRow: ProviderRowKey?

    /// The selected row's index in `providers.rows` (0 when nothing, or something gone, was selected); setting it
    /// selects that row's identity.
    public var providerSelection: Int {
        get {
            guard let key = selectedProviderRow else { return 0 }
            return providers.rows.firstIndex { $0.provider == key.provider && $0.model == key.model } ?? 0
        }
        set {
            let rows = providers.rows
            guard !rows.isEmpty else { selectedProviderRow = nil; return }
            let row = rows[min(max(0, newValue), rows.count - 1)]
            selectedProviderRow = ProviderRowKey(provider: row.provider, model: row.model)
        }
    }
    /// The action dialog / pane, while one is being confirmed, runs, or shows its result.
    public var action: ActionState?
    /// Numbers the action plans, so late events of an earlier run are recognised.
    public var nextActionID = 1
    /// Readiness watches after actions (redeploys).
    public var followUps: [FollowUpWatch] = []
    /// The audit log's recent records (this session's and what the file held), oldest first, at most 500.
    public var audit: [AuditRecord] = []
    /// The selected row of the Actions screen, counted from the newest record (0 = newest).
    public var auditSelection = 0
    /// Dangerous actions need the service's name typed.
    public var protectedContext: Bool
    /// A one-line message for the engineer (why an action cannot start…); cleared by the next key.
    public var notice: String?
    /// The `:` command palette, while open; what was run from it before.
    public var palette: CommandPalette?
    public var paletteHistory: [String] = []
    /// The themes found (for `t` and `:theme`), and the one drawn; empty headless.
    public var themeNames: [String] = []
    /// Every context of the configuration (for `:ctx`); empty headless.
    public var contextNames: [String] = []
    /// The provider chosen (Tab) among those the open service routes to, for its own failover keys.
    public var detailProvider = 0
    public var themeName = "default"

    public init(context: ContextConfig, keyMap: KeyMap = .standard, now: Date, readOnly: Bool = false,
                logCapacity: Int = 50_000, logByteCapacity: Int = 64 << 20) {
        self.logs = LogViewState(capacity: logCapacity, byteCapacity: logByteCapacity)
        self.contextName = context.name
        self.services = context.services.map { ServiceState(config: $0) }
        serviceIndex = Dictionary(context.services.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
        // A read-only context is as read-only as the flag: dangerous keys are not even in the map.
        let readOnly = readOnly || context.readonly
        // The failover keys offer only the roles some failover action can set (`roles:` names what its API can do).
        let failovers = context.services.compactMap { $0.action(named: "failover") }
        let unsupported = ProviderRole.allCases.filter { role in !failovers.isEmpty && !failovers.contains { $0.supports(role) } }
        let fitted = keyMap.removing(unsupported.map(Command.failover))
        self.keyMap = readOnly ? fitted.readOnly() : fitted
        self.now = now
        storedAt = now
        self.readOnly = readOnly
        protectedContext = context.protected
        budgets = context.budgets
        notifyTargets = context.notify
        alertBook = AlertBook(timings: context.alertTimings)
        queries = QueryBoard(queries: context.queries)
        availabilityObjective = context.availabilityObjective
        latencyObjective = context.latencyObjective
        ledger = SpendLedger(scopes: Set(context.budgets.map(\.scope.key)), since: now)
        budgetCalendar = BudgetStatus.calendar(in: context.timeZone)
    }

    /// Where each budget stands now, most urgent first.
    public var budgetStatuses: [BudgetStatus] {
        BudgetStatus.urgentFirst(budgets.map { BudgetStatus($0, ledger: ledger, now: now, calendar: budgetCalendar) })
    }

    /// The service highlighted on the overview, if any (`selection` counts the listed services).
    public var selectedService: ServiceState? {
        guard serviceFilter != nil else { return services.indices.contains(selection) ? services[selection] : nil }
        let listed = listedServices
        return listed.indices.contains(selection) ? services[listed[selection]] : nil
    }

    /// A provider's role across the services that report routing: its strongest role, and each service's.
    public func roles(of provider: String) -> (strongest: ProviderRole, byService: [(service: String, role: ProviderRole)])? {
        let found = services.compactMap { service in
            service.routes.first { $0.provider == provider }.map { (service: service.name, role: $0.role) }
        }
        guard let strongest = found.map(\.role).min() else { return nil }
        return (strongest, found)
    }

    /// Services join and leave the fleet (discovery): the index follows.
    public mutating func replaceServices(removing leaving: Set<String>, adding joining: [ServiceConfig]) {
        services.removeAll { leaving.contains($0.name) }
        services += joining.map { ServiceState(config: $0) }
        serviceIndex = Dictionary(services.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    /// The service whose detail screen is open, if any.
    public var detailService: ServiceState? {
        guard case let .serviceDetail(name) = screen, let index = serviceIndex[name] else { return nil }
        return services[index]
    }
}

/// Something that happened: a key, a probe result, the clock, the terminal.
public enum Event: Sendable, Equatable {
    case key(Key)
    case probe(ProbeResult)
    /// What a service's `/metrics` scrape taught (read off the main thread by a `MetricsReader`).
    case scraped(MetricsScrape)
    /// Records (and a status change) from one log source.
    case logs(LogBatch)
    case tick(Date)
    /// The terminal now has this size.
    case resize(TerminalSize)
    /// What the last frame laid out (the view owns the viewport; the reducer pages by what it showed).
    case laidOut(ViewLayout)
    /// The inbox was over its bound: this many of the oldest pending log lines were dropped unread.
    case logsSkipped(Int)
    case signal(TerminationSignal)
    /// A line of a running action's output.
    case actionOutput(id: Int, line: String)
    /// How an action run ended.
    case actionFinished(id: Int, outcome: ActionOutcome)
    /// Records the audit log received (this session's, or the history read at start).
    case audited([AuditRecord])
    /// The spend the store kept from earlier runs (read at start).
    case spendLoaded([SpendEntry])
    /// The counter totals the store kept, and when they were taken.
    case countersLoaded(CounterTotals, at: Date)
    /// The timeline the store kept (read at start).
    case timelineLoaded([TimelineEntry])
    /// Acknowledgements and silences the store kept (read at start).
    case alertNotesLoaded(acks: [String: AlertAck], silences: [AlertSilence])
    /// A reading of the context's Alertmanager alerts.
    case remoteAlerts(RemoteAlerts)
    /// The services `discover:` finds in Prometheus' targets now (their secrets resolved): those new join the fleet,
    /// discovered ones no longer found leave it.
    case targetsDiscovered([ServiceConfig])
    /// What Prometheus answered to the context's query `name` (`queries:`), read at `at`; `backfill` for the range
    /// read when the dashboard opens, which fills the trend.
    case queryAnswered(name: String, answer: QueryAnswer, at: Date, backfill: Bool)
}

/// What the context's Alertmanager held at `at`: its alerts (from Prometheus' rules, other tools, lookout's own
/// notifications), or why they could not be read.
public struct RemoteAlerts: Sendable, Equatable {
    /// The Alertmanager's URL.
    public var source: String
    public var at: Date
    public var alerts: [Alertmanager.RemoteAlert] = []
    public var problem: String?

    public init(source: String, at: Date, alerts: [Alertmanager.RemoteAlert] = [], problem: String? = nil) {
        self.source = source
        self.at = at
        self.alerts = alerts
        self.problem = problem
    }
}

/// Why the process is asked to end from outside.
public enum TerminationSignal: String, Sendable, Equatable {
    case interrupt = "SIGINT"
    case terminate = "SIGTERM"
    case hangup = "SIGHUP"
    /// Ctrl-\ (its default would dump core and leave the terminal raw).
    case quit = "SIGQUIT"
}

/// What the reducer asks the edges to do; data, so tests can compare it.
public enum Effect: Sendable, Equatable {
    /// Probe these services now instead of waiting for their interval.
    case probeNow(services: [String])
    /// Restore the terminal and exit.
    case quit
    /// Run this plan (or show it, when a dry run): audit intent, run, audit result, report events.
    case runAction(ActionPlan)
    /// Stop the run of plan `id` (SIGTERM, then SIGKILL, to a command's process group; abort a request).
    case cancelAction(id: Int)
    /// Add this spend (deltas per scope and minute) to the store.
    case saveSpend(context: String, [SpendEntry])
    /// Audit and keep an acknowledgement, a silence or its end.
    case noteAlert(context: String, AlertNote)
    /// Send a silence, or the end of silences, to the context's Alertmanager (audited before and after).
    case alertmanager(context: String, AlertmanagerChange)
    /// Keep the services' counter totals (replacing the last ones).
    case saveCounterTotals(context: String, CounterTotals, at: Date)
    /// Keep these timeline entries in the store.
    case saveTimeline(context: String, [TimelineEntry])
    /// Ring the terminal's bell (a critical alert fired, and the engineer asked for bells).
    case bell
    /// Send these (with retries), and record each send.
    case notify(context: String, [AlertNotification])
    /// Leave this context for another (`:ctx NAME`): the dashboard reopens on its services.
    case switchContext(String)
    /// Services joined the fleet (probe them) and left it (forget them): discovery's changes.
    case fleetChanged(added: [ServiceConfig], removed: Set<String>)
}

/// A row of the Providers screen: a provider, or one of its models.
public struct ProviderRowKey: Sendable, Equatable {
    public var provider: String
    public var model: String?

    public init(provider: String, model: String? = nil) {
        self.provider = provider
        self.model = model
    }
}

/// Columns and rows of a terminal.
public struct TerminalSize: Sendable, Equatable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)x\(height)" }
}

/// What a frame laid out, reported by the view: the rows of the current screen's selectable list.
public struct ViewLayout: Sendable, Equatable {
    /// Data rows the list showed (its header excluded); paging moves by this many.
    public var listRows: Int
    /// The screen line the selected row was drawn on (its highlight), so a click can move the selection there.
    public var selectedRowY: Int?

    public init(listRows: Int, selectedRowY: Int? = nil) {
        self.listRows = max(1, listRows)
        self.selectedRowY = selectedRowY
    }
}
