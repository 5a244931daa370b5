import ArgumentParser
import Dispatch
import Foundation
import LookoutCore
import LookoutHTTP
import LookoutSources
import Synchronization

/// `lookout check`: one probe pass (or passes until everything is ready) for deploy pipelines and scripts.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Probe once (or until ready) and exit 0 OK, 1 WARNING (degraded), 2 CRITICAL (down or not ready), 3 UNKNOWN.")

    @Option(name: .long, help: "Configuration file (see the lookup order).")
    var config: String?

    @Option(name: .long, help: "Context (default: current-context, else the first).")
    var context: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Only these services.")
    var service: [String] = []

    @Option(name: .long, help: "Probe again until every service is ready, for at most this long (e.g. 2m).")
    var waitReady: String?

    @Option(name: .long, help: "text or json.")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument { case text, json }

    func run() throws {
        // Anything wrong before probing is UNKNOWN (3), never a usage error: CI must tell it from CRITICAL.
        let services: [ServiceConfig]
        let wait: Duration?
        do {
            wait = try waitReady.map { text in
                guard let value = DurationText.parse(text) else { throw LookoutError("--wait-ready: expected a duration such as 90s or 5m") }
                return value
            }
            services = try select()
        } catch {
            printError("lookout check: \(error)")
            if format == .json { print("{\"status\":\"UNKNOWN\",\"services\":[]}") }
            throw ExitCode(CheckStatus.unknown.exitCode)
        }
        let report = probe(services, until: wait)
        print(format == .json ? report.json() : report.text(), terminator: format == .json ? "\n" : "")
        throw ExitCode(report.status.exitCode)
    }

    private func select() throws -> [ServiceConfig] {
        let (loaded, chosen) = try ContextSelection.load(config: config, context: context)
        let unknown = service.filter { name in !chosen.services.contains { $0.name == name } }
        guard unknown.isEmpty else { throw LookoutError("no service named \(unknown.joined(separator: ", ")) in context \(chosen.name)") }
        let selected = service.isEmpty ? chosen.services : chosen.services.filter { service.contains($0.name) }
        guard !selected.isEmpty else { throw LookoutError("context \(chosen.name) has no services") }
        return try SecretResolver.apply(try SecretResolver.resolve(loaded.secrets, for: selected), to: selected)
    }

    /// Polls every endpoint once per pass; with a deadline, passes repeat (1 s apart) until the report is OK.
    private func probe(_ services: [ServiceConfig], until wait: Duration?) -> CheckReport {
        let deadline = ContinuousClock.now + (wait ?? .zero)
        let results = Mutex<[ProbeResult]>([])
        // A deploy gate runs the cheap probes only: costly deep checks stay on their own schedule in the dashboard.
        let poller = CurlPoller(services: services.map { var s = $0; s.interval = .seconds(3600); s.deep = nil; s.metrics = nil; s.routing = nil; return s }) { result in
            results.withLock { $0.append(result) }
        }
        let expected = services.reduce(0) { $0 + ($1.readinessPath == nil ? 1 : 2) }
        poller.start()
        defer { poller.stop() }
        while true {
            while results.withLock({ $0.count }) < expected { usleep(10_000) }
            var states = services.map({ ServiceState(config: $0) })
            for result in results.withLock({ $0 }) {
                if let index = states.firstIndex(where: { $0.name == result.service }) { states[index].record(result) }
            }
            let report = CheckReport(services: states)
            if report.status == .ok || ContinuousClock.now >= deadline { return report }
            usleep(1_000_000)
            results.withLock { $0.removeAll() }
            poller.probeNow(services.map(\.name))
        }
    }
}
