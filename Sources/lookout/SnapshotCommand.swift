import ArgumentParser
import Foundation
import LookoutCore
import LookoutHTTP
import LookoutSources
import LookoutRuntime
import LookoutStore

/// `lookout snapshot`: collect for a while, then print everything the dashboard would know, as JSON or Markdown.
struct Snapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Probe every service once, read the log sources for --wait, and print services and providers (JSON or Markdown).",
        discussion: """
        Examples:
          lookout snapshot --format markdown
          lookout snapshot --wait 10s --timeline 30m --format json
        """)

    @Option(name: .long, help: "Configuration file (see the lookup order).")
    var config: String?

    @Option(name: .long, help: "Context (default: current-context, else the first).")
    var context: String?

    @Option(name: .long, help: "How long to collect log records (files are read from their start).")
    var wait: String = "3s"

    @Option(name: .long, help: "json or markdown.")
    var format: Format = .json

    enum Format: String, ExpressibleByArgument { case json, markdown }

    @Option(name: .long, help: "How much of the dashboard's incident timeline (kept in the local store) to include.")
    var timeline: String = "30m"

    func run() throws {
        guard let duration = DurationText.parse(wait) else { throw ValidationError("--wait: expected a duration such as 5s") }
        guard let span = DurationText.parse(timeline) else { throw ValidationError("--timeline: expected a duration such as 30m") }
        var (reached, chosen) = try Self.collect(config: config, context: context, for: duration)
        // The dashboard's timeline, in place of the few seconds this run saw.
        if let store = LocalStore.existing(),
           let kept = try? store.timeline(context: chosen.name, since: Date().addingTimeInterval(-span.inSeconds)) {
            reached.timeline = Timeline()
            reached.timeline.load(kept)
        }
        let report = SnapshotReport(state: reached, generatedAt: Date(), timelineSpan: span)
        print(format == .json ? report.json() : report.markdown(), terminator: format == .json ? "\n" : "")
    }

    /// A headless collection of `duration` (probes once, metrics scraped twice or more, log files from their start) on
    /// the chosen context; `lookout alerts` collects the same way.
    static func collect(config: String?, context: String?, for duration: Duration) throws -> (AppState, ContextConfig) {
        let (loaded, listed) = try ContextSelection.load(config: config, context: context)
        let (chosen, problem) = ContextSelection.discovered(listed, in: loaded)
        if let problem { printError("lookout: \(problem)") }
        let services = try SecretResolver.apply(try SecretResolver.resolveWaiting(loaded.secrets, for: chosen.services), to: chosen.services)
        var state = AppState(context: chosen, now: Date(), logCapacity: loaded.logBuffer, logByteCapacity: loaded.logBufferBytes)
        state.providers.prices = loaded.prices
        let plan = FleetLink.Plan(services: probedOnce(services, scrapingWithin: duration), metricMappings: loaded.metricMappings,
                                  filesFromStart: true, hygiene: chosen.logHygiene, mapping: { $0.flatMap(loaded.mapping(named:)) },
                                  queries: (chosen.queries, loaded.secrets, false))
        return (HeadlessRun(plan: plan, state: state).collect { runtime in _ = runtime.snapshotCollect(for: duration) }, chosen)
    }

    /// Cheap probes once, no deep check; metrics twice or more within `duration`, since calls are counter increases
    /// between scrapes.
    static func probedOnce(_ services: [ServiceConfig], scrapingWithin duration: Duration) -> [ServiceConfig] {
        let scrapeEvery = Duration.milliseconds(max(1000, duration.milliseconds / 2))
        return services.map { service in
            var s = service
            s.interval = .seconds(3600)
            s.deep = nil
            let configured = s.metrics?.interval ?? scrapeEvery
            s.metrics?.interval = min(scrapeEvery, configured)
            s.routing?.interval = .seconds(3600)
            return s
        }
    }
}

/// Reads the configuration (lookup order) and picks the context; errors name the file and what is wrong.
enum ContextSelection {
    static func load(config: String?, context: String?) throws -> (LookoutConfig, ContextConfig) {
        let environment = ProcessInfo.processInfo.environment
        guard let path = ConfigLocator.locate(flag: config, environment: environment,
                                              fileExists: { FileManager.default.fileExists(atPath: $0) }) else {
            let tried = ConfigLocator.candidates(environment: environment).joined(separator: ", ")
            throw LookoutError("no configuration found (tried \(tried)). Try `lookout demo`, or pass --config.")
        }
        let loaded = try ConfigFile.load(path)
        guard let chosen = loaded.context(named: context) else {
            let names = loaded.contexts.map(\.name).joined(separator: ", ")
            throw LookoutError("\(path): no context named \"\(context ?? "")\" (contexts: \(names))")
        }
        return (loaded, chosen)
    }

    /// The context with the services its `discover:` takes from Prometheus' targets; why none could be taken, if so.
    static func discovered(_ context: ContextConfig, in config: LookoutConfig) -> (context: ContextConfig, problem: String?) {
        TargetDiscoveryRun.expand(context, secrets: config.secrets) { name in
            config.metricMappings.first { $0.name == name } ?? MetricMapping.preset(named: name)
        }
    }
}
