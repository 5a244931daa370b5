import CCurl
import Foundation
import LookoutCore
import HeapModule
import Synchronization

/// One shard of `CurlPoller`: its services' endpoints polled on one thread with one libcurl multi handle, each endpoint
/// at its own interval, every result handed to `deliver` (on this shard's thread).
final class PollerShard: Sendable {
    /// Requests from other threads, read by the poller thread on each turn.
    private struct Control {
        var stopping = false
        var probeNow: Set<String> = []
        /// Services that joined the fleet, and the names of those that left it (`update`), in the order asked.
        var changes: [(added: [ServiceConfig], removed: Set<String>)] = []
    }

    private let services: [ServiceConfig]
    private let deliver: @Sendable (ProbeResult) -> Void
    private let bodyLimit: Int
    private let control = Mutex(Control())
    private let multi: MultiHandle
    private let finished = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - dnsCacheSeconds: what libcurl keeps of what it resolved (`CurlPoller.dnsCacheSeconds(for:)`).
    ///   - connectionBudget: the most connections this shard may keep open.
    init(services: [ServiceConfig], bodyLimit: Int, dnsCacheSeconds: Int, connectionBudget: Int,
         deliver: @escaping @Sendable (ProbeResult) -> Void) {
        self.services = services
        self.bodyLimit = bodyLimit
        self.deliver = deliver
        self.dnsCacheSeconds = dnsCacheSeconds
        self.multi = MultiHandle(keepAlive: CurlPoller.endpointCount(services), budget: connectionBudget)
    }

    private let dnsCacheSeconds: Int

    /// Starts the poller thread; every endpoint is probed at once, then at its interval.
    func start() {
        let thread = Thread { [self] in
            self.run()
            self.finished.signal()
        }
        thread.name = "lookout-poller"
        thread.start()
    }

    /// Asks for an immediate probe of the named services.
    func probeNow(_ names: [String]) {
        control.withLock { $0.probeNow.formUnion(names) }
        curl_multi_wakeup(multi.handle)
    }

    /// Services join the fleet (probed at once, spread over a second when many) and leave it (not probed again; a
    /// probe of theirs in flight is abandoned unreported) — discovery's changes while the dashboard runs.
    func update(adding added: [ServiceConfig], removing removed: Set<String>) {
        guard !added.isEmpty || !removed.isEmpty else { return }
        control.withLock { $0.changes.append((added, removed)) }
        curl_multi_wakeup(multi.handle)
    }

    /// Stops the thread, abandoning transfers in flight, and waits for it to finish.
    func stop() {
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

    /// When an endpoint is next due. Entries of an endpoint rescheduled since (`probeNow`) are stale: their
    /// `generation` is behind the endpoint's, and they are dropped when they come up.
    private struct Due: Comparable {
        let at: ContinuousClock.Instant
        let endpoint: Int
        let generation: Int
        static func < (a: Due, b: Due) -> Bool { a.at < b.at }
    }

    /// Endpoints due this soon start with those due now: a fleet of thousands, spread over the second, then wakes the
    /// poller a hundred times a second at most instead of for each endpoint (it spun at 95% of a core for 1,000).
    static let slack = Duration.milliseconds(10)
    /// Transfers at once, whatever the fleet's size: past it, due endpoints wait for one to finish.
    static let maxInFlight = 256
    /// Up to this many endpoints are probed at once at start; a larger fleet's first probes are spread over a second
    /// (or the interval, when shorter), so they — and every round after — do not all fall in the same instant.
    static let startBurst = 64

    /// The poller thread's bookkeeping: each endpoint's next turn, and its transfer — in flight, or kept for its next
    /// turn.
    private struct Rounds {
        /// Every service polled since the start, in the order they joined; those that left stay, `retired`.
        var services: [ServiceConfig] = []
        var retired: [Bool] = []
        var endpoints: [Endpoint] = []
        var due = Heap<Due>()
        var generation: [Int] = []
        var busy: [Bool] = []
        var idle: [CurlTransfer?] = []
        var inFlight: [UnsafeMutableRawPointer: (endpoint: Int, transfer: CurlTransfer)] = [:]

        init(_ services: [ServiceConfig], start: ContinuousClock.Instant) {
            add(services, at: start)
        }

        /// Services that join: their endpoints are due at once — a batch of more than `startBurst` spread over their
        /// interval, at most a second (`check` and `snapshot` probe once, with an interval of an hour, and must not
        /// wait for it), so they do not all fall in the same instant in every round after.
        mutating func add(_ joining: [ServiceConfig], at start: ContinuousClock.Instant) {
            let first = endpoints.count
            for service in joining {
                services.append(service)
                retired.append(false)
                for kind in ProbeKind.allCases where service.url(for: kind) != nil { endpoints.append(Endpoint(service: services.count - 1, kind: kind)) }
            }
            let count = endpoints.count - first
            for i in first..<endpoints.count {
                let endpoint = endpoints[i]
                let window = min(services[endpoint.service].interval(for: endpoint.kind), .seconds(1))
                let spread = count <= PollerShard.startBurst ? Duration.zero : window * (Double(i - first) / Double(count))
                due.insert(Due(at: start + spread, endpoint: i, generation: 0))
            }
            generation += Array(repeating: 0, count: count)
            busy += Array(repeating: false, count: count)
            idle += Array(repeating: nil, count: count)
        }

        /// Services that leave: their turns are dropped, their kept transfers freed; one in flight finishes unreported.
        mutating func retire(_ names: Set<String>) {
            var leaving = Set<Int>()
            for index in services.indices where !retired[index] && names.contains(services[index].name) {
                retired[index] = true
                leaving.insert(index)
            }
            for (i, endpoint) in endpoints.enumerated() where leaving.contains(endpoint.service) {
                generation[i] += 1
                idle[i] = nil
            }
        }

        /// The named services' endpoints are due now (their pending turns are dropped when they come up).
        mutating func probeNow(_ names: Set<String>, at now: ContinuousClock.Instant) {
            for (i, endpoint) in endpoints.enumerated() where !retired[endpoint.service] && names.contains(services[endpoint.service].name) {
                generation[i] += 1
                due.insert(Due(at: now, endpoint: i, generation: generation[i]))
            }
        }

        /// The next endpoint to start by `deadline`, its following turn scheduled; nil when none is due. An endpoint
        /// still running from its last turn skips this one.
        mutating func nextDue(by deadline: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Int? {
            while let next = due.min, next.at <= deadline {
                _ = due.popMin()
                guard next.generation == generation[next.endpoint] else { continue }
                let endpoint = endpoints[next.endpoint]
                due.insert(Due(at: now + services[endpoint.service].interval(for: endpoint.kind), endpoint: next.endpoint,
                               generation: next.generation))
                if !busy[next.endpoint] { return next.endpoint }
            }
            return nil
        }

        /// How long the poller may sleep: until the next turn (rounded up to the millisecond), at most a second.
        func wait(now: ContinuousClock.Instant) -> Int32 {
            guard let next = due.min, inFlight.count < PollerShard.maxInFlight else { return 1000 }
            return Int32(max(0, min(1000, (next.at - now).milliseconds + 1)))
        }
    }

    private func run() {
        let clock = ContinuousClock()
        var rounds = Rounds(services, start: clock.now)
        defer {
            for (easy, _) in rounds.inFlight { curl_multi_remove_handle(multi.handle, easy) }
        }
        while true {
            let (stopping, asked, changes) = control.withLock { state in
                defer { state.probeNow = []; state.changes = [] }
                return (state.stopping, state.probeNow, state.changes)
            }
            if stopping { return }
            let now = clock.now
            for change in changes {
                rounds.retire(change.removed)
                rounds.add(change.added, at: now)
            }
            if !asked.isEmpty { rounds.probeNow(asked, at: now) }
            while rounds.inFlight.count < Self.maxInFlight, let index = rounds.nextDue(by: now + Self.slack, now: now) {
                start(index, &rounds)
            }
            var running: Int32 = 0
            curl_multi_perform(multi.handle, &running)
            finishDone(&rounds)
            curl_multi_poll(multi.handle, nil, 0, rounds.wait(now: clock.now), nil)
        }
    }

    /// Starts endpoint `index`'s probe: its kept transfer rearmed, or a new one.
    private func start(_ index: Int, _ rounds: inout Rounds) {
        let endpoint = rounds.endpoints[index]
        let service = rounds.services[endpoint.service]
        let transfer: CurlTransfer
        if let kept = rounds.idle[index] {
            kept.rearm(startedAt: Date())
            transfer = kept
        } else {
            guard let url = service.url(for: endpoint.kind),
                  let made = CurlTransfer(service: service, kind: endpoint.kind, url: url, startedAt: Date(),
                                          bodyLimit: limit(for: endpoint.kind), dnsCacheSeconds: dnsCacheSeconds) else { return }
            transfer = made
            rounds.idle[index] = made
        }
        if let refused = transfer.setupError {
            rounds.idle[index] = nil
            deliver(transfer.refusedResult(refused))
            return
        }
        curl_multi_add_handle(multi.handle, transfer.easy)
        rounds.inFlight[transfer.easy] = (index, transfer)
        rounds.busy[index] = true
    }

    /// Hands over every finished transfer's result, or follows its redirect.
    private func finishDone(_ rounds: inout Rounds) {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi.handle, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let (index, transfer) = rounds.inFlight.removeValue(forKey: easy) else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi.handle, easy)
            let serviceIndex = rounds.endpoints[index].service
            let service = rounds.services[serviceIndex]
            // A service that left the fleet while its probe ran: nobody is waiting for its result.
            if rounds.retired[serviceIndex] { rounds.busy[index] = false; continue }
            switch Redirects.next(after: transfer, code: code, service: service) {
            case let .follow(url, sendHeaders):
                guard let hop = CurlTransfer(service: service, kind: transfer.kind, url: url, startedAt: transfer.startedAt,
                                             bodyLimit: limit(for: transfer.kind), sendHeaders: sendHeaders,
                                             dnsCacheSeconds: dnsCacheSeconds) else {
                    rounds.busy[index] = false
                    continue
                }
                if let refused = hop.setupError { rounds.busy[index] = false; deliver(hop.refusedResult(refused)); continue }
                hop.hops = transfer.hops + 1
                curl_multi_add_handle(multi.handle, hop.easy)
                rounds.inFlight[hop.easy] = (index, hop)
            case let .report(error):
                rounds.busy[index] = false
                var result = transfer.result(code: code)
                if let error { result.transportError = error }
                deliver(result)
            }
        }
    }
}

/// The multi handle, shared so other threads can call `curl_multi_wakeup`.
/// `@unchecked Sendable` is safe here: only the poller thread uses the handle, except
/// `curl_multi_wakeup`, which libcurl documents as callable from any thread.
final class MultiHandle: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// - Parameter keepAlive: connections kept open between probes. libcurl's default (four per transfer in flight)
    ///   shrinks between rounds and closes the connections the next round needs: each probe then pays a new TCP
    ///   connection. One per endpoint is kept instead, within a bound that leaves file descriptors for the rest.
    ///   - budget: the most connections it may keep (its share of the file descriptors).
    init(keepAlive: Int, budget: Int) {
        guard let handle = curl_multi_init() else { fatalError("libcurl: curl_multi_init failed (out of memory)") }
        self.handle = handle
        _ = lo_multi_setopt_long(handle, CURLMOPT_MAX_HOST_CONNECTIONS, 8)
        _ = lo_multi_setopt_long(handle, CURLMOPT_MAXCONNECTS, min(max(16, keepAlive), max(16, budget)))
    }

    /// Raises the soft limit on open files to the hard one (at most 65,536) and returns it: Debian's default soft limit,
    /// 1,024, is below one connection per endpoint for a thousand endpoints. Returns three quarters of it: the rest is
    /// left for log files, pipes and the terminal.
    static func openFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        let wanted = min(limit.rlim_max, 65_536)
        if limit.rlim_cur < wanted {
            var raised = limit
            raised.rlim_cur = wanted
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(limit.rlim_cur) * 3 / 4
    }

    deinit { curl_multi_cleanup(handle) }
}

