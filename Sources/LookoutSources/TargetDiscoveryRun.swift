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

/// Asks Prometheus for its targets again every `interval` while a context with `discover:` is open, and tells
/// `deliver` how the services it would discover now differ from those it found when the context opened (nil when
/// they match again) — only when that changes. A reading that fails says nothing (the last word stands).
public final class TargetDiscoveryWatcher: Sendable {
    private let thread: PeriodicThread

    /// - Parameters:
    ///   - listed: the context as the configuration lists it (its `discover:` not yet expanded).
    ///   - opened: the names of the services discovered when it opened.
    public init(listed: ContextConfig, opened: Set<String>, secrets: [String: SecretSource], mappings: [MetricMapping],
                interval: Duration = .seconds(60), deliver: @escaping @Sendable (TargetsChange?) -> Void) {
        let said = Mutex<TargetsChange??>(.none)
        let listedNames = Set(listed.services.map(\.name))
        thread = PeriodicThread(name: "lookout-discovery", interval: interval, firstAtOnce: false) {
            let (expanded, problem) = TargetDiscoveryRun.expand(listed, secrets: secrets) { name in
                mappings.first { $0.name == name } ?? MetricMapping.preset(named: name)
            }
            guard problem == nil || problem?.hasPrefix("discover: no target") == true else { return }
            let change = TargetsChange(opened: opened, now: Set(expanded.services.map(\.name)).subtracting(listedNames))
            let news = said.withLock { said -> Bool in
                if case let .some(last) = said, last == change { return false }
                said = .some(change)
                return true
            }
            if news { deliver(change) }
        }
    }

    public func start() { thread.start() }

    /// Stops the thread (a reading under way ends within its 5 s timeout).
    public func stop() { thread.stop() }
}
