import Foundation

/// Which screen is showing.
public enum Screen: Sendable, Equatable {
    case overview
    case serviceDetail(name: String)
    case providers
    case logs

    public var kind: ScreenKind {
        switch self {
        case .overview: return .overview
        case .serviceDetail: return .serviceDetail
        case .providers: return .providers
        case .logs: return .logs
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
    /// Rows the services table can show; set by resize events so paging moves by a screenful.
    public var visibleRows = 10
    public var readOnly: Bool
    /// The Logs screen: every service's records in one bounded ring.
    public var logs: LogViewState
    /// Provider statistics from the LLM calls in the logs.
    public var providers = ProviderBoard()
    /// The window the provider tables show.
    public var window = StatsWindow.fiveMinutes
    /// The selected row of the Providers screen.
    public var providerSelection = 0

    public init(context: ContextConfig, keyMap: KeyMap = .standard, now: Date, readOnly: Bool = false,
                logCapacity: Int = 50_000) {
        self.logs = LogViewState(capacity: logCapacity)
        self.contextName = context.name
        self.services = context.services.map { ServiceState(config: $0) }
        self.keyMap = readOnly ? keyMap.readOnly() : keyMap
        self.now = now
        self.readOnly = readOnly
    }

    /// The service highlighted on the overview, if any.
    public var selectedService: ServiceState? {
        services.indices.contains(selection) ? services[selection] : nil
    }

    /// A provider's role across the services that report routing: its strongest role, and each service's.
    public func roles(of provider: String) -> (strongest: ProviderRole, byService: [(service: String, role: ProviderRole)])? {
        let found = services.compactMap { service in
            service.routes.first { $0.provider == provider }.map { (service: service.name, role: $0.role) }
        }
        guard let strongest = found.map(\.role).min() else { return nil }
        return (strongest, found)
    }

    /// The service whose detail screen is open, if any.
    public var detailService: ServiceState? {
        guard case let .serviceDetail(name) = screen else { return nil }
        return services.first { $0.name == name }
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
    /// The terminal now has this many rows for the services table.
    case resize(tableRows: Int)
    case signal(TerminationSignal)
}

/// Why the process is asked to end from outside.
public enum TerminationSignal: String, Sendable, Equatable {
    case interrupt = "SIGINT"
    case terminate = "SIGTERM"
    case hangup = "SIGHUP"
}

/// What the reducer asks the edges to do; data, so tests can compare it.
public enum Effect: Sendable, Equatable {
    /// Probe these services now instead of waiting for their interval.
    case probeNow(services: [String])
    /// Restore the terminal and exit.
    case quit
}
