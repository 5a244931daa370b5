import CCurl
import Foundation
import LookoutCore
import Synchronization

/// Polls every service's endpoints — liveness, readiness and the rest — each at its own interval, and hands every
/// result to `deliver` (on a poller thread). A fleet of up to `shardSize` endpoints is one thread with one libcurl
/// multi handle; a larger one is split by host and port into shards of about that size, each a thread and a multi
/// handle of its own: libcurl 7.88 walks every connection a multi handle keeps at each transfer it removes, so one
/// handle for 5,000 endpoints spent most of its core on that walk. A host's endpoints share one shard, so its limit
/// of 8 connections holds.
public final class CurlPoller: Sendable {
    private let shards: [PollerShard]

    /// Endpoints per shard, about.
    public static let shardSize = 1000

    /// - Parameters:
    ///   - bodyLimit: responses larger than this are abandoned and reported as an error.
    ///   - shardSize: endpoints per shard (`CurlPoller.shardSize`; tests shard small fleets).
    ///   - deliver: called on a poller thread for each finished probe.
    public init(services: [ServiceConfig], bodyLimit: Int = 1 << 20, shardSize: Int = CurlPoller.shardSize,
                deliver: @escaping @Sendable (ProbeResult) -> Void) {
        CurlGlobal.ensureInitialized()
        let count = Self.shardCount(for: services, size: shardSize)
        var parts = Array(repeating: [ServiceConfig](), count: count)
        for service in services { parts[Self.shard(of: service, among: count)].append(service) }
        let dnsCacheSeconds = Self.dnsCacheSeconds(for: services)
        let budget = max(16, MultiHandle.openFileLimit() - 256) / count
        shards = parts.map { part in
            PollerShard(services: part, bodyLimit: bodyLimit, dnsCacheSeconds: dnsCacheSeconds, connectionBudget: budget, deliver: deliver)
        }
    }

    /// How many shards a fleet is polled by: one per `size` endpoints.
    public static func shardCount(for services: [ServiceConfig], size: Int = shardSize) -> Int {
        max(1, (endpointCount(services) + size - 1) / max(1, size))
    }

    /// How many shards this poller runs.
    public var shardCount: Int { shards.count }

    /// The shard of a service: by the host and port of its base URL (FNV-1a, stable across runs and joins).
    public static func shard(of service: ServiceConfig, among count: Int) -> Int {
        guard count > 1 else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Redirects.origin(service.baseURL).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int(hash % UInt64(count))
    }

    static func endpointCount(_ services: [ServiceConfig]) -> Int {
        services.reduce(0) { count, service in count + ProbeKind.allCases.filter { service.url(for: $0) != nil }.count }
    }

    /// How long libcurl keeps what it resolved. libcurl prunes its DNS cache — an entry per host and port — at every
    /// transfer by walking all of it: for 5,000 loopback endpoints that walk took three quarters of the poller's core
    /// (830 probes a second out of 5,000). Past `dnsCacheHosts` distinct hosts and ports, nothing is kept: a kept-alive
    /// connection needs no resolving, and a new one resolves afresh (as Go's and Python's HTTP clients always do).
    public static let dnsCacheHosts = 256

    public static func dnsCacheSeconds(for services: [ServiceConfig]) -> Int {
        var hosts = Set<String>()
        for service in services {
            for kind in ProbeKind.allCases {
                guard let url = service.url(for: kind), let parts = URLComponents(string: url) else { continue }
                hosts.insert("\(parts.host ?? ""):\(parts.port ?? 0)")
            }
        }
        return hosts.count > dnsCacheHosts ? 0 : 60
    }

    /// Starts the poller threads; every endpoint is probed at once (a large fleet's first probes spread over a
    /// second), then at its interval.
    public func start() { shards.forEach { $0.start() } }

    /// Asks for an immediate probe of the named services.
    public func probeNow(_ names: [String]) { shards.forEach { $0.probeNow(names) } }

    /// Services join the fleet (probed at once) and leave it (not probed again; a probe of theirs in flight is
    /// abandoned unreported) — discovery's changes while the dashboard runs.
    public func update(adding added: [ServiceConfig], removing removed: Set<String>) {
        for (index, shard) in shards.enumerated() {
            shard.update(adding: added.filter { Self.shard(of: $0, among: shards.count) == index }, removing: removed)
        }
    }

    /// Stops the threads, abandoning transfers in flight, and waits for them to finish.
    public func stop() { shards.forEach { $0.stop() } }
}

/// `curl_global_init` exactly once per process, before any handle exists.
enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    static func ensureInitialized() { _ = initialized }
}

/// What to do with a finished transfer that may be a redirect.
enum Redirects {
    static let maxHops = 5

    enum Step {
        case follow(url: String, sendHeaders: Bool)
        /// Deliver the result, with this error when the redirect was refused.
        case report(TransportError?)
    }

    static func next(after transfer: CurlTransfer, code: CURLcode, service: ServiceConfig) -> Step {
        guard code == CURLE_OK, service.redirects != .none, let target = transfer.redirectTarget else { return .report(nil) }
        guard transfer.hops < maxHops else {
            return .report(TransportError(code: Int(CURLE_TOO_MANY_REDIRECTS.rawValue), message: "more than \(maxHops) redirects (last to \(SafeText.escape(target)))"))
        }
        let lower = target.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return .report(TransportError(code: Int(CURLE_UNSUPPORTED_PROTOCOL.rawValue), message: "redirect to a non-HTTP URL not followed"))
        }
        let sameHost = origin(target) == origin(service.baseURL)
        if !sameHost && service.redirects == .sameHost {
            return .report(TransportError(code: Int(CURLE_TOO_MANY_REDIRECTS.rawValue),
                                          message: "redirect to another host (\(SafeText.escape(origin(target)))) not followed; set redirects: any to allow"))
        }
        return .follow(url: target, sendHeaders: sameHost && transfer.sendsHeaders)
    }

    /// `scheme://host:port`, lower-cased, with the default port made explicit.
    static func origin(_ url: String) -> String {
        let lower = url.lowercased()
        guard let schemeEnd = lower.range(of: "://") else { return lower }
        let scheme = String(lower[..<schemeEnd.lowerBound])
        var authority = String(lower[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        let hasPort = authority.hasPrefix("[") ? authority.contains("]:") : authority.contains(":")
        if !hasPort { authority += scheme == "https" ? ":443" : ":80" }
        return "\(scheme)://\(authority)"
    }
}
