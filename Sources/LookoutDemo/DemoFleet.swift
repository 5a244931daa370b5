import Foundation
import Hummingbird
import Logging
import LookoutCore
import NIOCore
import Synchronization

/// The embedded demo fleet: each simulated service is a real HTTP server (Hummingbird) on loopback.
public final class DemoFleet: Sendable {
    /// A running service and where it listens.
    public struct Endpoint: Sendable, Equatable {
        public var spec: DemoServiceSpec
        public var url: String
    }

    public let scenario: DemoScenario
    public let endpoints: [Endpoint]
    /// Where the services write their JSON logs (one file each) and the admin token file.
    public let logDirectory: String
    /// Routing, redeploys and the admin token.
    public let control: DemoControl
    private let task: Task<Void, any Error>
    /// Quiets the servers' log once they are being stopped (their cancellation is no error).
    private let stopping: DemoServerLog.Stopping

    /// The file holding the admin token (mode 0600), which the demo configuration reads as a secret.
    public var adminTokenFile: String { Self.adminTokenFile(in: logDirectory) }

    static func adminTokenFile(in directory: String) -> String { "\(directory)/admin-token" }

    private init(scenario: DemoScenario, endpoints: [Endpoint], logDirectory: String, control: DemoControl,
                 task: Task<Void, any Error>, stopping: DemoServerLog.Stopping) {
        self.stopping = stopping
        self.scenario = scenario
        self.endpoints = endpoints
        self.logDirectory = logDirectory
        self.control = control
        self.task = task
    }

    /// Binds one server per service on 127.0.0.1 (ephemeral ports) and returns once all listen.
    public static func start(scenario: DemoScenario = DemoScenario(), logDirectory: String? = nil) async throws -> DemoFleet {
        // One directory per fleet: two fleets in one process (tests) must not share log files or admin tokens.
        let directory = logDirectory ?? NSTemporaryDirectory() + "lookout-demo-\(getpid())-\(DemoControl.randomToken().prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let started = ContinuousClock.now
        let control = DemoControl(routes: DemoControl.initialRoutes, replicas: DemoControl.initialReplicas)
        let metrics = DemoMetrics()
        let tokenFile = adminTokenFile(in: directory)
        guard FileManager.default.createFile(atPath: tokenFile, contents: Data(control.adminToken.utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: tokenFile])
        }
        let writer = DemoLogWriter(directory: directory, scenario: scenario, started: started, control: control, metrics: metrics)
        let ports = Mutex<[String: Int]>([:])
        let stopping = DemoServerLog.Stopping()
        var logger = DemoServerLog.logger(stopping: stopping)
        logger.logLevel = .error
        let (readyStream, readyContinuation) = AsyncStream<Void>.makeStream()
        let apps = scenario.services.map { spec in
            Application(router: DemoRoutes.router(for: spec, scenario: scenario, started: started, control: control, metrics: metrics),
                        configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "lookout-demo"),
                        onServerRunning: { channel in
                            ports.withLock { $0[spec.name] = channel.localAddress?.port ?? 0 }
                            readyContinuation.yield()
                        },
                        logger: logger)
        }
        let task = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for app in apps { group.addTask { try await app.run() } }
                group.addTask { await writer.run(seed: UInt64(getpid())) }
                try await group.waitForAll()
            }
        }
        var remaining = apps.count
        for await _ in readyStream {
            remaining -= 1
            if remaining == 0 { break }
        }
        let bound = ports.withLock { $0 }
        let endpoints = scenario.services.map { Endpoint(spec: $0, url: "http://127.0.0.1:\(bound[$0.name] ?? 0)") }
        return DemoFleet(scenario: scenario, endpoints: endpoints, logDirectory: directory, control: control, task: task,
                         stopping: stopping)
    }

    /// Serves until the calling task is cancelled.
    public func wait() async {
        _ = try? await task.value
    }

    /// Stops every server.
    public func stop() {
        stopping.set()
        task.cancel()
    }

    /// Deletes the fleet's directory — its logs and the admin token — once it is stopped (nothing outlives a demo).
    public func removeFiles() {
        try? FileManager.default.removeItem(atPath: logDirectory)
    }

    /// A configuration whose `demo` context points at this fleet.
    public var config: LookoutConfig {
        var config = LookoutConfig(contexts: [ContextConfig(name: "demo", services: endpoints.map { endpoint in
            var service = ServiceConfig(name: endpoint.spec.name, platform: endpoint.spec.platform, baseURL: endpoint.url,
                                        interval: .seconds(2), timeout: .seconds(1))
            service.logs = [LogSourceConfig(kind: .file(path: "\(logDirectory)/\(endpoint.spec.name).log"), mapping: "app")]
            if endpoint.spec.name == "embed-worker" {
                // One stream too, to show an HTTP log source (server-sent events) next to the files.
                service.logs.append(LogSourceConfig(kind: .http(url: "\(endpoint.url)/logs/stream?format=sse")))
            }
            if let style = endpoint.spec.metrics { service.metrics = SideEndpoint(path: "/metrics", mapping: style.rawValue) }
            if endpoint.spec.ownAdminAPI {
                // Its own admin body, mapped to roles; its API can only make a provider primary.
                service.routing = SideEndpoint(path: "/admin/llm", headers: [Self.adminHeader], roles: Self.ownRoutingMapping)
                service.actions = Self.ownAPIActions
            } else {
                service.routing = SideEndpoint(path: "/admin/routing", headers: [Self.adminHeader])
                service.actions = Self.actions
            }
            return service
        })], currentContext: "demo")
        config.secrets = ["DEMO_ADMIN_TOKEN": .file(adminTokenFile)]
        config.prices = PriceTable.builtIn
        config.contexts[0].budgets = Self.budgets
        return config
    }

    /// `failover` (takes a provider and a role) and `redeploy` (followed until ready), through the admin API.
    static let actions = [
        ActionConfig(name: "failover", kind: .http(method: "POST", url: "{{url}}/admin/failover", headers: [adminHeader],
                                                   body: #"{"provider":"{{provider}}","role":"{{role}}"}"#),
                     confirm: .yes, timeout: .seconds(5), expect: 200),
        ActionConfig(name: "redeploy", kind: .http(method: "POST", url: "{{url}}/admin/redeploy", headers: [adminHeader], body: nil),
                     confirm: .typeName, timeout: .seconds(5), expect: 202, followUp: .init(timeout: .seconds(60))),
    ]

    /// How the ordinary app's `/admin/llm` body names the roles.
    static let ownRoutingMapping = RoutingMapping(primary: BodyPath("[BODY].primary"), disabled: BodyPath("[BODY].forced_down"),
                                                  enabled: BodyPath("[BODY].failover_enabled"), providers: ["openai", "anthropic"])

    /// The ordinary app's actions: its API only knows "make X primary".
    static var ownAPIActions: [ActionConfig] {
        var failover = ActionConfig(name: "failover", kind: .http(method: "POST", url: "{{url}}/admin/llm/primary", headers: [adminHeader],
                                                                  body: #"{"provider":"{{provider}}"}"#),
                                    confirm: .yes, timeout: .seconds(5), expect: 200)
        failover.roles = [.primary: "primary"]
        return [failover, actions[1]]
    }

    /// Budgets the demo's traffic (about $25 an hour on openai, $40 in all) shows at work: openai's rolling hour runs
    /// out within minutes, the fleet's day does not.
    static let budgets = [
        BudgetConfig(name: "openai-hour", scope: .provider("openai"), period: .rolling(.seconds(3600)), limit: .usd(2)),
        BudgetConfig(name: "fleet-day", scope: .all, period: .day, limit: .usd(500)),
    ]

    /// The admin endpoints' credential, as the configuration references it (never the value).
    static let adminHeader = HTTPHeader(name: "Authorization", value: "Bearer ${secret:DEMO_ADMIN_TOKEN}")

    /// The same configuration as YAML, for `--write-config`.
    public var configYAML: String { DemoConfigWriter.yaml(for: config) }
}
