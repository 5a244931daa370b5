import Foundation
import LookoutCore
import Synchronization

/// The demo fleet's mutable side: each service's provider routing (changed by failover through the admin
/// endpoint), redeploys in progress, and the admin token that protects both.
public final class DemoControl: Sendable {
    /// The bearer token the admin endpoints require.
    public let adminToken: String
    /// How long a redeploy keeps a single-replica service not ready.
    public let redeployDuration: Duration
    /// Replicas behind each service's load balancer (1 when not listed).
    public let replicas: [String: Int]
    /// How long each replica of a rolling redeploy runs the new revision before the next one does.
    public let rollingStep: Duration
    private struct State {
        var routes: [String: [ProviderRoute]]
        var redeployingUntil: [String: ContinuousClock.Instant] = [:]
        var rolloutStarted: [String: ContinuousClock.Instant] = [:]
        var revisions: [String: Int] = [:]
        var events: [String: [String]] = [:]
        /// The load balancer's round-robin position per service and path.
        var nextReplica: [String: Int] = [:]
    }
    private let state: Mutex<State>

    public init(routes: [String: [ProviderRoute]], adminToken: String = DemoControl.randomToken(),
                redeployDuration: Duration = .seconds(6), replicas: [String: Int] = [:], rollingStep: Duration = .seconds(12)) {
        self.adminToken = adminToken
        self.redeployDuration = redeployDuration
        self.replicas = replicas
        self.rollingStep = rollingStep
        state = Mutex(State(routes: routes))
    }

    /// The demo's starting routes: chat-api spreads over openai and anthropic; rag-search (behind a LiteLLM-style
    /// gateway) uses anthropic with openai on standby; embed-worker uses azure-openai.
    public static let initialRoutes: [String: [ProviderRoute]] = [
        "chat-api": [.init(provider: "openai", role: .primary), .init(provider: "anthropic", role: .primary),
                     .init(provider: "azure-openai", role: .standby)],
        "rag-search": [.init(provider: "anthropic", role: .primary), .init(provider: "openai", role: .standby)],
        "embed-worker": [.init(provider: "azure-openai", role: .primary), .init(provider: "openai", role: .standby)],
        "support-bot": [.init(provider: "openai", role: .primary), .init(provider: "anthropic", role: .standby)],
    ]

    /// chat-api runs two replicas behind a round-robin load balancer, so its redeploys roll (mixed versions, then the
    /// new one everywhere); the other services run one each.
    public static let initialReplicas = ["chat-api": 2]

    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
    }

    public func routes(of service: String) -> [ProviderRoute] { state.withLock { $0.routes[service] ?? [] } }

    /// Sets `provider`'s role for `service`; false when the service does not know the provider.
    public func setRole(_ role: ProviderRole, provider: String, service: String) -> Bool {
        state.withLock { state in
            guard let index = state.routes[service]?.firstIndex(where: { $0.provider == provider }) else { return false }
            state.routes[service]?[index].role = role
            return true
        }
    }

    /// The provider the next call of `service` goes to: a primary (chosen by `roll` in 0..<1), else a standby;
    /// nil when every provider is disabled.
    public func provider(for service: String, roll: Double) -> String? {
        let routes = routes(of: service)
        let primaries = routes.filter { $0.role == .primary }
        let pool = primaries.isEmpty ? routes.filter { $0.role == .standby } : primaries
        guard !pool.isEmpty else { return nil }
        return pool[min(pool.count - 1, Int(roll * Double(pool.count)))].provider
    }

    /// Makes `provider` the primary of `service` (the previous primary stands by); returns the previous primary,
    /// or nil when the service does not know the provider.
    public func makePrimary(_ provider: String, service: String) -> String?? {
        state.withLock { state in
            guard var routes = state.routes[service], routes.contains(where: { $0.provider == provider }) else { return nil }
            let previous = routes.first { $0.role == .primary }?.provider
            for index in routes.indices {
                if routes[index].provider == provider { routes[index].role = .primary }
                else if routes[index].role == .primary { routes[index].role = .standby }
            }
            state.routes[service] = routes
            return .some(previous)
        }
    }

    /// Queues a JSON log line for `service` (its admin events); the log writer takes them.
    public func log(_ line: String, service: String) { state.withLock { $0.events[service, default: []].append(line) } }

    /// The queued log lines of `service`, emptied.
    public func takeLog(of service: String) -> [String] {
        state.withLock { state in
            defer { state.events[service] = [] }
            return state.events[service] ?? []
        }
    }

    /// Starts a redeploy. A single replica is not ready for `redeployDuration`, then ready on the new revision. Several
    /// replicas roll: replica 0 runs the new revision at once, replica i after i × `rollingStep`; the service stays
    /// ready throughout (its load balancer routes to ready replicas only), and answers with both revisions meanwhile.
    public func redeploy(_ service: String, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            if replicas[service, default: 1] > 1 {
                state.rolloutStarted[service] = now
            } else {
                state.redeployingUntil[service] = now + redeployDuration
            }
            state.revisions[service, default: 1] += 1
        }
    }

    /// Whether a single-replica redeploy of `service` is still starting its new revision.
    public func isRedeploying(_ service: String, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { ($0.redeployingUntil[service].map { now < $0 }) ?? false }
    }

    /// The version a revision reports: revision 1 is `1.4.1`, the next `1.4.2`.
    public static func version(_ revision: Int) -> String { "1.4.\(revision)" }

    /// The revision `service` is being deployed at (1 until its first redeploy).
    public func revision(of service: String) -> Int { state.withLock { $0.revisions[service] ?? 1 } }

    /// The revision the replica that answers this request runs: the load balancer takes the service's replicas in
    /// turn, per path (so each endpoint's probes alternate between them).
    public func answeringRevision(of service: String, path: String, now: ContinuousClock.Instant = .now) -> Int {
        let count = replicas[service, default: 1]
        return state.withLock { state in
            let target = state.revisions[service] ?? 1
            guard count > 1, let started = state.rolloutStarted[service] else { return target }
            let key = "\(service) \(path)"
            let replica = state.nextReplica[key, default: 0] % count
            state.nextReplica[key] = replica + 1
            return now >= started + rollingStep * replica ? target : target - 1
        }
    }
}
