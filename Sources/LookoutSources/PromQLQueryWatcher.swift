import Foundation
import LookoutCore
import LookoutHTTP
import Synchronization

/// Sends the context's own queries (`queries:`) to its Prometheus on a thread of its own, each at its interval, and
/// hands every answer — or why there is none — to `deliver`. With `backfill`, each query's recent past (a range query
/// over `CustomQuery.historyKept` of its intervals) is read first, so its trend starts full. Header secrets are
/// resolved for every request (a rotated token is picked up) and never reach a message.
public final class PromQLQueryWatcher: Sendable {
    private let queries: [CustomQuery]
    private let secrets: [String: SecretSource]
    private let backfill: Bool
    private let deliver: @Sendable (_ name: String, _ answer: QueryAnswer, _ at: Date, _ backfill: Bool) -> Void
    private let thread = Mutex<PeriodicThread?>(nil)
    /// When each query is next due (the thread's own).
    private let due: Mutex<[Date]>

    public init(queries: [CustomQuery], secrets: [String: SecretSource], backfill: Bool,
                deliver: @escaping @Sendable (_ name: String, _ answer: QueryAnswer, _ at: Date, _ backfill: Bool) -> Void) {
        self.queries = queries
        self.secrets = secrets
        self.backfill = backfill
        self.deliver = deliver
        due = Mutex(Array(repeating: .distantPast, count: queries.count))
    }

    /// Starts the thread: the backfill (when asked), then every query at once, then each at its interval.
    public func start() {
        guard !queries.isEmpty else { return }
        let tick = min(queries.map(\.interval).min() ?? .seconds(15), .seconds(1))
        let backfill = Mutex(self.backfill)
        let reader = PeriodicThread(name: "lookout-queries", interval: tick, firstAtOnce: true) { [weak self] in
            guard let self else { return }
            if backfill.withLock({ value in defer { value = false }; return value }) { readPast() }
            readDue()
        }
        thread.withLock { $0 = reader }
        reader.start()
    }

    /// Asks every query again at once (`r`, refresh now).
    public func askNow() {
        due.withLock { $0 = Array(repeating: .distantPast, count: $0.count) }
        thread.withLock { $0 }?.wakeNow()
    }

    /// Stops the thread; a request under way ends within its timeout.
    public func stop() { thread.withLock { $0 }?.stop() }

    private var isStopping: Bool { thread.withLock { $0 }?.isStopping ?? false }

    private func readDue() {
        let now = Date()
        for (index, query) in queries.enumerated() where !isStopping {
            guard due.withLock({ $0[index] }) <= now else { continue }
            due.withLock { $0[index] = now.addingTimeInterval(Double(query.interval.milliseconds) / 1000) }
            let at = Date()
            deliver(query.name, ask(query, url: PromQL.instantQueryURL(server: query.server.url, query: query.query)), at, false)
        }
    }

    /// Each query's last `historyKept` intervals, one range query each.
    private func readPast() {
        let end = Date().timeIntervalSince1970
        for query in queries where !isStopping {
            let step = max(1, Double(query.interval.milliseconds) / 1000)
            let start = end - step * Double(CustomQuery.historyKept - 1)
            let url = PromQLBackfill.url(server: query.server.url, query: query.query, start: start - start.truncatingRemainder(dividingBy: step),
                                         end: end, step: step)
            let answer = ask(query, url: url)
            // A failed look back says nothing the live reading will not say better.
            if answer.problem == nil { deliver(query.name, answer, Date(), true) }
        }
    }

    /// One request: Prometheus' answer, or why there is none, secrets kept out of it.
    func ask(_ query: CustomQuery, url: String) -> QueryAnswer {
        let resolved: (headers: [HTTPHeader], secrets: [String])
        do { resolved = try SecretResolver.resolvedHeaders(query.server.headers, sources: secrets) } catch {
            return QueryAnswer(problem: "not sent: \(error)")
        }
        let timeout = min(max(query.interval, .seconds(2)), .seconds(10))
        let response = CurlRequest.perform(method: "GET", url: url, headers: resolved.headers, body: nil, timeout: timeout,
                                           bodyLimit: 8 << 20) { [weak self] in self?.isStopping ?? true }
        if let error = response.error {
            return QueryAnswer(problem: "Prometheus not read: " + SecretReference.redact(SafeText.escape(error.message), secrets: resolved.secrets))
        }
        var answer = QueryAnswer.decode(response.body, httpStatus: response.httpStatus ?? 0)
        answer.problem = answer.problem.map { SecretReference.redact($0, secrets: resolved.secrets) }
        return answer
    }
}
