import Foundation
import LookoutCore
import LookoutHTTP
import Synchronization

/// Asks the context's Prometheus for its targets (`GET /api/v1/targets?state=active`, headers' secrets resolved) and
/// adds the services its `discover:` entries select (`TargetDiscovery`) to the context's own — when the context is
/// opened, on the calling thread (at most 5 s).
public enum TargetDiscoveryRun {
    /// The context with its discovered services; and, when Prometheus could not be asked, why (the context then has
    /// its listed services only).
    public static func expand(_ context: ContextConfig, secrets: [String: SecretSource],
                              mapping: (String) -> MetricMapping?) -> (context: ContextConfig, problem: String?) {
        guard !context.discover.isEmpty, let server = context.prometheus else { return (context, nil) }
        let resolved: (headers: [HTTPHeader], secrets: [String])
        do { resolved = try SecretResolver.resolvedHeaders(server.headers, sources: secrets) } catch {
            return (context, "targets not discovered: \(error)")
        }
        let base = server.url.hasSuffix("/") ? String(server.url.dropLast()) : server.url
        let response = CurlRequest.perform(method: "GET", url: base + "/api/v1/targets?state=active", headers: resolved.headers, body: nil,
                                           timeout: .seconds(5), bodyLimit: 64 << 20) { false }
        if let error = response.error {
            return (context, "targets not discovered: Prometheus not read: " + SecretReference.redact(SafeText.escape(error.message), secrets: resolved.secrets))
        }
        switch PrometheusTarget.decode(response.body, httpStatus: response.httpStatus ?? 0) {
        case let .failure(problem):
            return (context, "targets not discovered: Prometheus: " + problem.message)
        case let .success(targets):
            var expanded = context
            for discovery in context.discover {
                let taken = Set(expanded.services.map(\.name))
                expanded.services += discovery.services(from: targets, server: server, taken: taken, mapping: mapping)
            }
            let found = expanded.services.count - context.services.count
            return (expanded, found == 0 ? "discover: no target of \(targets.count) in Prometheus matches" : nil)
        }
    }
}

/// Asks Prometheus for its targets again every `interval` while a context with `discover:` is open, and hands
/// `deliver` the services discovery finds now (their header secrets resolved) whenever they differ from those it last
/// handed over — at first, from those found when the context opened. A reading that fails says nothing (the last word
/// stands): a Prometheus that cannot be asked does not empty the fleet.
public final class TargetDiscoveryWatcher: Sendable {
    private let thread: PeriodicThread

    /// - Parameters:
    ///   - listed: the context as the configuration lists it (its `discover:` not yet expanded).
    ///   - opened: the names of the services discovered when it opened.
    public init(listed: ContextConfig, opened: Set<String>, secrets: [String: SecretSource], mappings: [MetricMapping],
                interval: Duration = .seconds(30), deliver: @escaping @Sendable ([ServiceConfig]) -> Void) {
        let last = Mutex(opened)
        let listedNames = Set(listed.services.map(\.name))
        thread = PeriodicThread(name: "lookout-discovery", interval: interval, firstAtOnce: false) {
            let (expanded, problem) = TargetDiscoveryRun.expand(listed, secrets: secrets) { name in
                mappings.first { $0.name == name } ?? MetricMapping.preset(named: name)
            }
            guard problem == nil || problem?.hasPrefix("discover: no target") == true else { return }
            let found = expanded.services.filter { !listedNames.contains($0.name) }
            let names = Set(found.map(\.name))
            guard last.withLock({ $0 }) != names else { return }
            guard let values = try? SecretResolver.resolveWaiting(secrets, for: found),
                  let resolved = try? SecretResolver.apply(values, to: found) else { return }
            last.withLock { $0 = names }
            deliver(resolved)
        }
    }

    public func start() { thread.start() }

    /// Stops the thread (a reading under way ends within its 5 s timeout).
    public func stop() { thread.stop() }
}
