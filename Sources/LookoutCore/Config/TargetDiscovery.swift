import Foundation

/// A label matcher as Prometheus and Alertmanager write one: `job="chat-api"`, `team!="batch"`, `pod=~"gw-.*"`.
public typealias LabelMatcher = Alertmanager.Matcher

extension Alertmanager.Matcher {
    /// Whether `labels` satisfy it: a missing label is the empty string; a regex must match the whole value, as in
    /// Prometheus.
    public func matches(_ labels: [String: String]) -> Bool {
        let actual = labels[name] ?? ""
        guard isRegex else { return (actual == value) == isEqual }
        let whole = (try? NSRegularExpression(pattern: "^(?:" + value + ")$"))
            .map { $0.firstMatch(in: actual, range: NSRange(actual.startIndex..., in: actual)) != nil } ?? false
        return whole == isEqual
    }

    /// Matchers separated by commas outside quotes (`job="a",team=~"x,y"`); nil with the first that is not one.
    public static func list(_ text: String) -> Result<[Alertmanager.Matcher], ReadProblem> {
        var matchers: [Alertmanager.Matcher] = []
        for raw in Alertmanager.split(text, at: ",").map({ $0.trimmingWhitespace() }) where !raw.isEmpty {
            guard let matcher = Alertmanager.Matcher(parsing: raw) else { return .failure(ReadProblem("\(SafeText.escape(raw)): not a label matcher")) }
            if matcher.isRegex, (try? NSRegularExpression(pattern: matcher.value)) == nil {
                return .failure(ReadProblem("\(SafeText.escape(raw)): not a regular expression"))
            }
            matchers.append(matcher)
        }
        return matchers.isEmpty ? .failure(ReadProblem("expected label matchers such as job=\"chat-api\"")) : .success(matchers)
    }
}

/// A target Prometheus scrapes, as `GET /api/v1/targets` describes it (checked against Prometheus 2.42's answer,
/// `Tests/LookoutCoreTests/Fixtures/prometheus-2.42/targets.json`).
public struct PrometheusTarget: Sendable, Equatable {
    /// After relabelling: `job`, `instance`, and whatever the scrape configuration adds.
    public var labels: [String: String]
    public var scrapeURL: String
    /// `up`, `down` or `unknown`, with Prometheus' reason for the last failed scrape.
    public var health: String
    public var lastError: String
    /// How often Prometheus scrapes it (`15s`).
    public var scrapeInterval: Duration?

    public init(labels: [String: String], scrapeURL: String, health: String, lastError: String = "", scrapeInterval: Duration? = nil) {
        self.labels = labels
        self.scrapeURL = scrapeURL
        self.health = health
        self.lastError = lastError
        self.scrapeInterval = scrapeInterval
    }

    /// The active targets of a `/api/v1/targets` answer, or why it is not one (in Prometheus' words when it says).
    public static func decode(_ body: [UInt8], httpStatus: Int) -> Result<[PrometheusTarget], ReadProblem> {
        var warnings: [String] = []
        let data: [String: Any]
        switch PromQLResponse.envelope(body, httpStatus: httpStatus, warnings: &warnings) {
        case let .failure(problem): return .failure(problem)
        case let .success(found): data = found
        }
        guard let active = data["activeTargets"] as? [[String: Any]] else {
            return .failure(ReadProblem("the answer has no activeTargets"))
        }
        return .success(active.compactMap { entry in
            guard let labels = entry["labels"] as? [String: String], let url = entry["scrapeUrl"] as? String else { return nil }
            return PrometheusTarget(labels: labels, scrapeURL: url, health: entry["health"] as? String ?? "unknown",
                                    lastError: entry["lastError"] as? String ?? "",
                                    scrapeInterval: (entry["scrapeInterval"] as? String).flatMap(DurationText.parse))
        })
    }
}

/// `discover:` — a context's services taken from the targets its Prometheus scrapes, selected by label matchers, each
/// named from its labels. Health is probed at `health` (and `readiness`) on the target's own host when given, else
/// read from Prometheus (`up{job,instance}`, at the target's scrape interval); metrics, with `metrics: { mapping }`,
/// are the target's series in Prometheus. Expanded when the context is opened (`services(from:)`), and again every
/// `refresh` while it is open: targets that appear join the fleet, those gone leave it.
public struct TargetDiscovery: Sendable, Equatable {
    public var matchers: [LabelMatcher]
    /// `{{label}}` replaced by each target's label (spaces become dashes).
    public var name = "{{job}}/{{instance}}"
    public var platform = ""
    public var healthPath: String?
    public var readinessPath: String?
    /// Between two probes; default: the target's scrape interval (Prometheus' `up` changes no faster).
    public var interval: Duration?
    public var timeout = Duration.seconds(5)
    public var metricsMapping: String?
    /// How often Prometheus' targets are read again while the context is open (the shortest of a context's entries).
    public var refresh = Duration.seconds(30)

    public init(matchers: [LabelMatcher]) { self.matchers = matchers }

    /// The targets it selects, as services, in Prometheus' order; a name taken already gets `#2`, `#3`….
    public func services(from targets: [PrometheusTarget], server: APIServer, taken: Set<String> = [],
                         mapping: (String) -> MetricMapping?) -> [ServiceConfig] {
        var names = taken
        return targets.filter { target in matchers.allSatisfy { $0.matches(target.labels) } }.compactMap { target in
            guard let components = URLComponents(string: target.scrapeURL), let scheme = components.scheme, let host = components.host else { return nil }
            let base = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host)" + (components.port.map { ":\($0)" } ?? "")
            var service = ServiceConfig(name: unique(render(target.labels), in: &names), platform: platform, baseURL: base,
                                        healthPath: healthPath ?? "/", readinessPath: readinessPath,
                                        interval: max(.seconds(1), interval ?? target.scrapeInterval ?? .seconds(15)))
            service.timeout = min(timeout, service.interval)
            let identity = ["job", "instance"].compactMap { name in target.labels[name].map { LabelMatcher(name: name, value: $0).text } }
                .joined(separator: ",")
            if healthPath == nil { service.healthQuery = PromQLSource(server: server, query: "up{\(identity)}") }
            if let metricsMapping {
                var metrics = SideEndpoint(path: "", mapping: metricsMapping)
                metrics.matchers = identity
                metrics.promQL = PromQLSource(server: server, query: PromQL.seriesQuery(matchers: identity, mapping: mapping(metricsMapping)))
                service.metrics = metrics
            }
            return service
        }
    }

    func render(_ labels: [String: String]) -> String {
        var text = name
        while let open = text.range(of: "{{"), let close = text.range(of: "}}", range: open.upperBound..<text.endIndex) {
            let label = text[open.upperBound..<close.lowerBound].trimmingWhitespace()
            text.replaceSubrange(open.lowerBound..<close.upperBound, with: labels[label] ?? "")
        }
        let name = String(text.map { $0.isWhitespace || $0.isNewline ? "-" : $0 })
        return name.isEmpty ? (labels["instance"] ?? "target") : name
    }

    private func unique(_ name: String, in names: inout Set<String>) -> String {
        var candidate = name, n = 1
        while names.contains(candidate) { n += 1; candidate = "\(name)#\(n)" }
        names.insert(candidate)
        return candidate
    }
}

/// How the services `discover:` finds moved: those that joined, and those that left (their targets gone from Prometheus);
/// said on the Services title and the timeline.
public struct TargetsChange: Sendable, Equatable {
    public var added: [String]
    public var gone: [String]
    /// When the dashboard took it in.
    public var at = Date.distantPast

    /// Nil when the names match.
    public init?(opened: Set<String>, now: Set<String>) {
        added = now.subtracting(opened).sorted()
        gone = opened.subtracting(now).sorted()
        if added.isEmpty && gone.isEmpty { return nil }
    }

    /// `2 new targets (gw-7, gw-8), 1 gone (gw-3)`.
    public var text: String {
        func list(_ names: [String]) -> String {
            names.prefix(3).map(SafeText.escape).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
        }
        var parts: [String] = []
        if !added.isEmpty { parts.append("\(added.count) new target\(added.count == 1 ? "" : "s") (\(list(added)))") }
        if !gone.isEmpty { parts.append("\(gone.count) gone (\(list(gone)))") }
        return parts.joined(separator: ", ")
    }
}
