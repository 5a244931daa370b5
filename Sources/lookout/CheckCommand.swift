import ArgumentParser
import Foundation
import LookoutCore
import LookoutSources

/// `lookout check`: one probe pass (or passes until everything is ready) for deploy pipelines and scripts.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Probe once (or until ready) and exit 0 OK, 1 WARNING (degraded), 2 CRITICAL (down or not ready), 3 UNKNOWN.",
        discussion: """
        Examples:
          lookout check --wait-ready 2m
          lookout check --service chat-api --expect-version 1.4.2 --wait-ready 5m
          lookout check --format json | jq .status
        """)

    @Option(name: .long, help: "Configuration file (see the lookup order).")
    var config: String?

    @Option(name: .long, help: "Context (default: current-context, else the first).")
    var context: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Only these services.")
    var service: [String] = []

    @Option(name: .long, help: "Probe again until every service is ready, for at most this long (e.g. 2m).")
    var waitReady: String?

    @Option(name: .long, help: ArgumentHelp("Exit 0 only when every service serves this version on each of its last success-threshold probes (a version, a commit — a prefix of 7+ hex digits matches — or an image).", valueName: "version"))
    var expectVersion: String?

    @Option(name: .long, help: "text or json.")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument { case text, json }

    func run() throws {
        // Anything wrong before probing is UNKNOWN (3), never a usage error: CI must tell it from CRITICAL.
        let services: [ServiceConfig]
        let chosen: ContextConfig
        let secrets: [String: SecretSource]
        let wait: Duration?
        do {
            wait = try waitReady.map { text in
                guard let value = DurationText.parse(text) else { throw LookoutError("--wait-ready: expected a duration such as 90s or 5m") }
                return value
            }
            (chosen, services, secrets) = try select()
        } catch {
            printError("lookout check: \(error)")
            if format == .json { print("{\"status\":\"UNKNOWN\",\"services\":[]}") }
            throw ExitCode(CheckStatus.unknown.exitCode)
        }
        // The queries about the services asked for, or all of them.
        let queries = service.isEmpty ? chosen.queries : chosen.queries.filter { $0.service.map(service.contains) ?? false }
        let report = Self.probe(services, of: chosen, until: wait, expecting: expectVersion, queries: queries, secrets: secrets)
        print(format == .json ? report.json() : report.text(), terminator: format == .json ? "\n" : "")
        throw ExitCode(report.status.exitCode)
    }

    private func select() throws -> (ContextConfig, [ServiceConfig], [String: SecretSource]) {
        let (loaded, listed) = try ContextSelection.load(config: config, context: context)
        let (chosen, problem) = ContextSelection.discovered(listed, in: loaded)
        if let problem { printError("lookout check: \(problem)") }
        let unknown = service.filter { name in !chosen.services.contains { $0.name == name } }
        guard unknown.isEmpty else { throw LookoutError("no service named \(unknown.joined(separator: ", ")) in context \(chosen.name)") }
        let selected = service.isEmpty ? chosen.services : chosen.services.filter { service.contains($0.name) }
        guard !selected.isEmpty else { throw LookoutError("context \(chosen.name) has no services") }
        return (chosen, try SecretResolver.apply(try SecretResolver.resolveWaiting(loaded.secrets, for: selected), to: selected), loaded.secrets)
    }

    /// Probe passes on the headless runtime (`Runtime.checkPasses`), judged from its state as the dashboard judges.
    static func probe(_ services: [ServiceConfig], of context: ContextConfig, until wait: Duration?,
                      expecting version: String? = nil, queries: [CustomQuery] = [], secrets: [String: SecretSource] = [:]) -> CheckReport {
        // A deploy gate runs the cheap probes only: costly deep checks stay on their own schedule in the dashboard.
        let plan = FleetLink.Plan(services: services.map { s in
            var s = s
            s.interval = .seconds(3600); s.deep = nil; s.metrics = nil; s.routing = nil
            return s
        }, logs: false, queries: (queries, secrets, false))
        var report = CheckReport(services: [])
        var checked = ContextConfig(name: context.name, services: services)
        checked.queries = queries
        _ = HeadlessRun(plan: plan, state: AppState(context: checked, now: Date()))
            .collect { runtime in
                // A version gate judges a run of success-threshold probes, so it takes that many rounds at least.
                let passes = version == nil ? 1 : services.map(\.successThreshold).max() ?? 1
                report = runtime.checkPasses(of: services.map(\.name), waitingUpTo: wait, atLeast: passes, expecting: version)
            }
        return report
    }
}
