import Foundation

/// The whole configuration: named contexts (prod, staging, demo…), each listing its services.
public struct LookoutConfig: Sendable, Equatable {
    /// Contexts in file order.
    public var contexts: [ContextConfig]
    /// The context opened when `--context` is not given; the first one when absent.
    public var currentContext: String?
    /// Records kept for the Logs screen (a ring: the oldest go first).
    public var logBuffer = 50_000
    /// Bytes the Logs screen's records may take (`log-buffer-mb:`), whatever their count.
    public var logBufferBytes = 64 << 20
    /// Keys of the engineer's own (`keys: { redeploy: D, open-palette: [":", ";"] }`), replacing a command's keys.
    public var keys: [Command: [Key]] = [:]

    /// The standard key map with the configuration's keys.
    public var keyMap: KeyMap { KeyMap.standard.overriding(keys).map }
    /// Mappings defined in the file, in addition to the presets.
    public var mappings: [LogMapping] = []
    /// Metric mappings defined in the file (`metric-mappings:`), in addition to the presets.
    public var metricMappings: [MetricMapping] = []
    /// Prices per provider and model, for calls whose log lines carry no cost.
    /// The configuration's `prices:`, else the built-in dated list prices.
    public var prices = PriceTable.builtIn
    /// Where each `${secret:NAME}` comes from.
    public var secrets: [String: SecretSource] = [:]

    /// A mapping by name: one defined in the file, else a preset.
    public func mapping(named name: String) -> LogMapping? {
        mappings.first { $0.name == name } ?? LogMapping.preset(named: name)
    }

    public init(contexts: [ContextConfig], currentContext: String? = nil) {
        self.contexts = contexts
        self.currentContext = currentContext
    }

    /// The context called `name`, or the current/first one when `name` is nil.
    public func context(named name: String?) -> ContextConfig? {
        if let name { return contexts.first { $0.name == name } }
        if let current = currentContext, let match = contexts.first(where: { $0.name == current }) { return match }
        return contexts.first
    }
}

/// One environment lookout can watch, such as `prod` or `staging`.
public struct ContextConfig: Sendable, Equatable {
    public var name: String
    public var services: [ServiceConfig]
    /// No dangerous action runs in this context (as with `--readonly`).
    public var readonly = false
    /// Dangerous actions need the service's name typed to confirm, whatever the action says.
    public var protected = false
    /// Spending limits (`budgets:`), judged in `timeZone` (`time-zone:`, default UTC) for calendar periods.
    public var budgets: [BudgetConfig] = []
    public var timeZone = TimeZone(identifier: "UTC")!
    /// The providers' availability objective (`slo: { availability: 99.5 }`, as a fraction), whose error budget the
    /// burn-rate alerts watch; nil: none.
    public var availabilityObjective: Double?
    /// The providers' p95 latency objective over 5 minutes (`slo: { latency-p95: 2s }`); nil: none.
    public var latencyObjective: Duration?
    /// Rules' own pending and clearing times (`alert-rules: { error-rate: { for: 2m, clear: 1m } }`).
    public var alertTimings: [Alert.Rule: AlertTiming] = [:]
    /// Where alerts are sent (`notify:`).
    public var notify: [NotifyTarget] = []
    /// The theme this context opens with (`theme: light`; red accents for prod…); `--theme` overrides it.
    public var theme: String?
    /// What is masked in every log line of the context's services (`log-hygiene:`).
    public var logHygiene = LogHygiene.standard
    /// The Prometheus the services' `metrics: { prometheus: … }` are read from (`prometheus:`).
    public var prometheus: APIServer?
    /// The Alertmanager whose alerts and silences `lookout alertmanager` lists, creates and expires (`alertmanager:`).
    public var alertmanager: APIServer?
    /// `discover:` — services taken from the targets the context's Prometheus scrapes, added to `services` when the
    /// context is opened (`TargetDiscovery`).
    public var discover: [TargetDiscovery] = []
    /// Queries of the context's own, sent to its Prometheus (`queries:`), in file order.
    public var queries: [CustomQuery] = []

    public init(name: String, services: [ServiceConfig]) {
        self.name = name
        self.services = services
    }
}

/// One HTTP service with a liveness and a readiness endpoint.
public struct ServiceConfig: Sendable, Equatable {
    public var name: String
    /// Free-form label of where it runs: "Cloud Run", "ECS", "Lambda", "Kubernetes"…
    public var platform: String
    /// Base URL, `http` or `https`, without a trailing slash.
    public var baseURL: String
    public var healthPath: String
    /// Liveness read from Prometheus instead of `healthPath`: an instant query whose series say up when not 0
    /// (`up{job="…",instance="…"}`, a blackbox exporter's `probe_success{…}`) — `PrometheusHealth`.
    public var healthQuery: PromQLSource?
    public var readinessPath: String?
    /// Time between two probes of the same endpoint.
    public var interval: Duration
    /// Time allowed for one probe, connection included.
    public var timeout: Duration
    /// Extra request headers, in file order.
    public var headers: [HTTPHeader]
    /// Where the service's logs come from.
    public var logs: [LogSourceConfig] = []
    /// Observations in a row before the judged state gets worse (default 3) or better (default 2).
    public var failureThreshold = 3
    public var successThreshold = 2
    /// Conditions on the readiness result (the liveness result when there is no readiness endpoint).
    public var conditions: [Condition] = []
    /// A CA bundle to verify the server's certificate with (a private CA, a self-signed certificate).
    public var caFile: String?
    /// Skips TLS verification; explicit in the configuration and badged on screen.
    public var insecure = false
    /// Which redirects a probe follows (at most 5 hops).
    public var redirects = RedirectPolicy.sameHost
    /// A costly deep check, probed on its own (longer) interval.
    public var deep: DeepProbe?
    /// A Prometheus endpoint whose LLM metrics feed the provider statistics (instead of the service's log lines).
    public var metrics: SideEndpoint?
    /// A JSON endpoint reporting which provider the service routes to: its failover state.
    public var routing: SideEndpoint?
    /// What the engineer can do to it (failover, redeploy…), in file order.
    public var actions: [ActionConfig] = []
    /// Where its deployed version is read (by default: the liveness and readiness bodies).
    public var version = VersionConfig()

    /// The action called `name`, if the service has one.
    public func action(named name: String) -> ActionConfig? { actions.first { $0.name == name } }

    public init(name: String, platform: String = "", baseURL: String, healthPath: String = "/health",
                readinessPath: String? = "/health/ready", interval: Duration = .seconds(10),
                timeout: Duration = .seconds(3), headers: [HTTPHeader] = []) {
        self.name = name
        self.platform = platform
        self.baseURL = baseURL
        self.healthPath = healthPath
        self.readinessPath = readinessPath
        self.interval = interval
        self.timeout = timeout
        self.headers = headers
    }

    /// The full URL probed for `kind`, or nil when the service has no such endpoint.
    public func url(for kind: ProbeKind) -> String? {
        switch kind {
        case .liveness:
            if let query = healthQuery { return PromQL.instantQueryURL(server: query.server.url, query: query.query) }
            return baseURL + healthPath
        case .readiness: return readinessPath.map { baseURL + $0 }
        case .deep: return deep.map { baseURL + $0.path }
        case .metrics:
            guard let metrics else { return nil }
            if let query = metrics.promQL { return PromQL.instantQueryURL(server: query.server.url, query: query.query) }
            return baseURL + metrics.path
        case .routing: return routing.map { baseURL + $0.path }
        case .version: return version.endpoint.map { baseURL + $0.path }
        }
    }

    /// Time between two probes of `kind`.
    public func interval(for kind: ProbeKind) -> Duration {
        switch kind {
        case .deep: return deep?.interval ?? interval
        case .metrics: return metrics?.interval ?? interval
        case .routing: return routing?.interval ?? interval
        case .version: return version.endpoint?.interval ?? interval
        case .liveness, .readiness: return interval
        }
    }

    /// Time allowed for one probe of `kind`.
    public func timeout(for kind: ProbeKind) -> Duration { kind == .deep ? (deep?.timeout ?? timeout) : timeout }

    /// The headers sent with a probe of `kind`: the service's, then the endpoint's own (which win on a name clash).
    public func headers(for kind: ProbeKind) -> [HTTPHeader] {
        let own: [HTTPHeader]
        switch kind {
        case .metrics:
            // Prometheus gets its own headers only: the service's (its API key…) are not for another server.
            if let query = metrics?.promQL { return query.server.headers }
            own = metrics?.headers ?? []
        case .routing: own = routing?.headers ?? []
        case .version: own = version.endpoint?.headers ?? []
        case .liveness:
            if let query = healthQuery { return query.server.headers }
            own = []
        case .readiness, .deep: own = []
        }
        let names = Set(own.map { $0.name.lowercased() })
        return headers.filter { !names.contains($0.name.lowercased()) } + own
    }

    /// Every header value, the endpoints' included (for secret resolution). Actions resolve theirs when they run.
    public var allHeaders: [HTTPHeader] {
        headers + (metrics?.headers ?? []) + (metrics?.promQL?.server.headers ?? []) + (routing?.headers ?? []) + (version.endpoint?.headers ?? [])
    }

    /// The response headers a probe of `kind` must capture (lower-cased names).
    public func capturedHeaders(for kind: ProbeKind) -> [String] {
        guard let header = version.header, kind == .liveness || kind == .readiness else { return [] }
        return [header.lowercased()]
    }
}

/// A secondary endpoint of a service (metrics, routing): its path, interval and own headers.
public struct SideEndpoint: Sendable, Equatable {
    public var path: String
    /// nil: the service's interval.
    public var interval: Duration?
    public var headers: [HTTPHeader]
    /// For metrics: the metric mapping (`litellm`, `otel-genai`, or one from the file); nil detects it.
    public var mapping: String?
    /// For routing: how the body names the roles, when it is not `{"providers":{…}}`.
    public var roles: RoutingMapping?
    /// For metrics read from the context's Prometheus (`prometheus: 'job="chat-api"'`): the label matchers written.
    public var matchers: String?
    /// …and, once the context is read, the server and the query sent to it.
    public var promQL: PromQLSource?

    public init(path: String, interval: Duration? = nil, headers: [HTTPHeader] = [], mapping: String? = nil,
                roles: RoutingMapping? = nil) {
        self.path = path
        self.interval = interval
        self.headers = headers
        self.mapping = mapping
        self.roles = roles
    }
}

/// A request header as written in the configuration.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One log source of a service: a file (path or glob, followed across rotation) or a command's output.
public struct LogSourceConfig: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case file(path: String)
        /// Run as argv, never through a shell.
        case command(argv: [String])
        /// A streaming HTTP endpoint: NDJSON, or server-sent events.
        case http(url: String)
    }

    public var kind: Kind
    /// A preset name; nil detects the shape from the first JSON line.
    public var mapping: String?
    /// Read files from the beginning instead of the end.
    public var fromStart: Bool

    public init(kind: Kind, mapping: String? = nil, fromStart: Bool = false) {
        self.kind = kind
        self.mapping = mapping
        self.fromStart = fromStart
    }

    /// A short label for status lines: the file path or the command.
    public var label: String {
        switch kind {
        case let .file(path): return path
        case let .command(argv): return argv.joined(separator: " ")
        case let .http(url): return url
        }
    }
}

/// Which redirects probes follow. Configured headers (credentials) only ever go to the configured host.
public enum RedirectPolicy: String, Sendable, Equatable {
    /// Follow redirects within the same scheme, host and port (the default).
    case sameHost = "same-host"
    /// Follow any redirect, without the configured headers once the host changes.
    case any
    /// Report the redirect as the response.
    case none
}

/// A costly probe — one that makes the service call its LLM providers (LiteLLM's `/health`, say) — so it runs
/// on its own, longer interval and monitoring does not burn money.
public struct DeepProbe: Sendable, Equatable {
    public var path: String
    public var interval: Duration
    public var timeout: Duration

    public init(path: String, interval: Duration = .seconds(600), timeout: Duration = .seconds(60)) {
        self.path = path
        self.interval = interval
        self.timeout = timeout
    }
}

/// An HTTP API a context talks to — its Prometheus (or Thanos, Mimir…), its Alertmanager: where, and what to send.
public struct APIServer: Sendable, Equatable {
    /// `http(s)://host:port`, with a path prefix when it is served under one.
    public var url: String
    /// Sent with every request (`Authorization: Bearer ${secret:PROM_TOKEN}`, a tenant header for Mimir).
    public var headers: [HTTPHeader]

    public init(url: String, headers: [HTTPHeader] = []) {
        self.url = url
        self.headers = headers
    }
}

/// Where a service's metrics come from when Prometheus holds them: the server and the series query.
public struct PromQLSource: Sendable, Equatable {
    public var server: APIServer
    public var query: String

    public init(server: APIServer, query: String) {
        self.server = server
        self.query = query
    }
}
