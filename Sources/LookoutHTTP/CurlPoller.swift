import CCurl
import Foundation
import LookoutCore
import Synchronization

/// Polls every service's liveness and readiness endpoints on one thread with one libcurl multi handle,
/// each endpoint at its own interval, and hands every result to `deliver` (on the poller thread).
public final class CurlPoller: Sendable {
    /// Requests from other threads, read by the poller thread on each turn.
    private struct Control {
        var stopping = false
        var probeNow: Set<String> = []
    }

    private let services: [ServiceConfig]
    private let deliver: @Sendable (ProbeResult) -> Void
    private let bodyLimit: Int
    private let control = Mutex(Control())
    private let multi: MultiHandle
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - bodyLimit: responses larger than this are abandoned and reported as an error.
    ///   - deliver: called on the poller thread for each finished probe.
    public init(services: [ServiceConfig], bodyLimit: Int = 1 << 20,
                deliver: @escaping @Sendable (ProbeResult) -> Void) {
        CurlGlobal.ensureInitialized()
        self.services = services
        self.bodyLimit = bodyLimit
        self.deliver = deliver
        self.multi = MultiHandle(keepAlive: services.reduce(0) { count, service in
            count + ProbeKind.allCases.filter { service.url(for: $0) != nil }.count
        })
    }

    /// Starts the poller thread; every endpoint is probed at once, then at its interval.
    public func start() {
        let thread = Thread { [self] in
            self.run()
            self.finished.signal()
        }
        thread.name = "lookout-poller"
        thread.start()
    }

    /// Asks for an immediate probe of the named services.
    public func probeNow(_ names: [String]) {
        control.withLock { $0.probeNow.formUnion(names) }
        curl_multi_wakeup(multi.handle)
    }

    /// Stops the thread, abandoning transfers in flight, and waits for it to finish.
    public func stop() {
        let wasStopping = control.withLock { state in
            defer { state.stopping = true }
            return state.stopping
        }
        guard !wasStopping else { return }
        curl_multi_wakeup(multi.handle)
        finished.wait()
    }

    /// A `/metrics` exposition with many label sets runs to megabytes: it gets 32 MiB at least.
    private func limit(for kind: ProbeKind) -> Int { kind == .metrics ? max(bodyLimit, 32 << 20) : bodyLimit }

    private struct Endpoint: Hashable {
        let service: Int
        let kind: ProbeKind
    }

    private func run() {
        let clock = ContinuousClock()
        var due: [Endpoint: ContinuousClock.Instant] = [:]
        for index in services.indices {
            for kind in ProbeKind.allCases where services[index].url(for: kind) != nil {
                due[Endpoint(service: index, kind: kind)] = clock.now
            }
        }
        var inFlight: [UnsafeMutableRawPointer: (Endpoint, CurlTransfer)] = [:]
        /// Each endpoint's finished transfer, run again at its next probe.
        var idle: [Endpoint: CurlTransfer] = [:]
        defer {
            for (easy, _) in inFlight { curl_multi_remove_handle(multi.handle, easy) }
        }
        while true {
            let (stopping, asked) = control.withLock { state -> (Bool, Set<String>) in
                defer { state.probeNow = [] }
                return (state.stopping, state.probeNow)
            }
            if stopping { return }
            let now = clock.now
            for (endpoint, _) in due where asked.contains(services[endpoint.service].name) {
                due[endpoint] = now
            }
            let busy = Set(inFlight.values.map(\.0))
            for (endpoint, when) in due where when <= now && !busy.contains(endpoint) {
                let service = services[endpoint.service]
                due[endpoint] = now + service.interval(for: endpoint.kind)
                let transfer: CurlTransfer
                if let kept = idle.removeValue(forKey: endpoint) {
                    kept.rearm(startedAt: Date())
                    transfer = kept
                } else {
                    guard let url = service.url(for: endpoint.kind),
                          let made = CurlTransfer(service: service, kind: endpoint.kind, url: url,
                                                  startedAt: Date(), bodyLimit: limit(for: endpoint.kind)) else { continue }
                    transfer = made
                }
                if let refused = transfer.setupError { deliver(transfer.refusedResult(refused)); continue }
                curl_multi_add_handle(multi.handle, transfer.easy)
                inFlight[transfer.easy] = (endpoint, transfer)
            }
            var running: Int32 = 0
            curl_multi_perform(multi.handle, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi.handle, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                      let (endpoint, transfer) = inFlight.removeValue(forKey: easy) else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi.handle, easy)
                let service = services[endpoint.service]
                defer { if transfer.hops == 0 { idle[endpoint] = transfer } }
                switch Redirects.next(after: transfer, code: code, service: service) {
                case let .follow(url, sendHeaders):
                    if let hop = CurlTransfer(service: service, kind: transfer.kind, url: url, startedAt: transfer.startedAt,
                                              bodyLimit: limit(for: endpoint.kind), sendHeaders: sendHeaders) {
                        if let refused = hop.setupError { deliver(hop.refusedResult(refused)); continue }
                        hop.hops = transfer.hops + 1
                        curl_multi_add_handle(multi.handle, hop.easy)
                        inFlight[hop.easy] = (endpoint, hop)
                    }
                case let .report(error):
                    var result = transfer.result(code: code)
                    if let error { result.transportError = error }
                    deliver(result)
                }
            }
            let next = due.values.min() ?? now + .seconds(1)
            let waitMs = max(0, min(1000, (next - clock.now).milliseconds))
            curl_multi_poll(multi.handle, nil, 0, Int32(waitMs), nil)
        }
    }
}

/// The multi handle, shared so other threads can call `curl_multi_wakeup`.
/// `@unchecked Sendable` is safe here: only the poller thread uses the handle, except
/// `curl_multi_wakeup`, which libcurl documents as callable from any thread.
private final class MultiHandle: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// - Parameter keepAlive: connections kept open between probes. libcurl's default (four per transfer in flight)
    ///   shrinks between rounds and closes the connections the next round needs: each probe then pays a new TCP
    ///   connection. One per endpoint is kept instead, within a bound that leaves file descriptors for the rest.
    init(keepAlive: Int) {
        guard let handle = curl_multi_init() else { fatalError("libcurl: curl_multi_init failed (out of memory)") }
        self.handle = handle
        _ = lo_multi_setopt_long(handle, CURLMOPT_MAX_HOST_CONNECTIONS, 8)
        _ = lo_multi_setopt_long(handle, CURLMOPT_MAXCONNECTS, min(512, max(16, keepAlive)))
    }

    deinit { curl_multi_cleanup(handle) }
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
