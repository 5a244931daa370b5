import Foundation
import LookoutCore
import LookoutHTTP
import Synchronization

/// Sends alert notifications: each a task on `SourceExecutor` that resolves the secrets of its URL and headers at the
/// last moment, POSTs the body (JSON, 10 s timeout), and retries a failure — a transport error or a status other than
/// 2xx — with backoff (1 s doubling, at most `attempts` tries). How each notification ended is recorded in the audit
/// log (`"action":"notify"`, the URL masked), and reaches the Actions screen.
public final class Notifier: Sendable {
    private let secrets: [String: SecretSource]
    private let audit: AuditLog?
    private let deliver: @Sendable (Event) -> Void
    private let initialBackoff: Double
    private let attempts: Int
    private let running = Mutex<[Int: Task<Void, Never>]>([:])
    private let counter = Atomic<Int>(0)

    public init(secrets: [String: SecretSource], audit: AuditLog?, initialBackoff: Double = 1, attempts: Int = 5,
                deliver: @escaping @Sendable (Event) -> Void) {
        self.secrets = secrets
        self.audit = audit
        self.initialBackoff = initialBackoff
        self.attempts = max(1, attempts)
        self.deliver = deliver
    }

    /// Starts sending each notification, in its own task.
    public func send(_ notifications: [AlertNotification], context: String) {
        for notification in notifications {
            let id = counter.add(1, ordering: .relaxed).newValue
            let task = Task(executorPreference: SourceExecutor.shared) { [self] in
                await self.deliver(notification, context: context)
                _ = running.withLock { $0.removeValue(forKey: id) }
            }
            running.withLock { $0[id] = task }
        }
    }

    /// Waits for the notifications under way (each gives up after its last try); for a clean stop and for tests.
    public func finish() async {
        let tasks = running.withLock { Array($0.values) }
        for task in tasks { await task.value }
    }

    /// Cancels what is still being retried and waits for it.
    public func stop() async {
        let tasks = running.withLock { Array($0.values) }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    private func deliver(_ notification: AlertNotification, context: String) async {
        let started = ContinuousClock.now
        let texts = [notification.endpoint] + notification.headers.map(\.value)
        let names = texts.flatMap(SecretReference.names(in:))
        var outcome: (ok: Bool, detail: String)
        var masked = SecretReference.mask(notification.endpoint)
        do {
            let values = try await SecretResolver.resolve(names: names, sources: secrets)
            func reveal(_ text: String) -> String { (try? SecretReference.substitute(text, values: values).get()) ?? text }
            let url = reveal(notification.endpoint)
            masked = SecretReference.redact(url, secrets: values.values)
            let headers = notification.headers.map { HTTPHeader(name: $0.name, value: reveal($0.value)) }
            outcome = await post(url: url, headers: headers, body: notification.body, secrets: Array(values.values))
        } catch {
            outcome = (false, "not sent: \(error.description)")
        }
        var record = AuditRecord(notification: notification, endpoint: masked, context: context, user: Operator.user(),
                                 sshClient: Operator.sshClient(), succeeded: outcome.ok, detail: outcome.detail,
                                 id: UUID().uuidString.lowercased())
        record.durationMs = Int((ContinuousClock.now - started).milliseconds)
        try? audit?.append(record)
        deliver(.audited([record]))
    }

    /// POSTs until a 2xx, the last try, or cancellation; the outcome's detail says how it ended and after how many tries.
    private func post(url: String, headers: [HTTPHeader], body: String, secrets: [String]) async -> (ok: Bool, detail: String) {
        var backoff = Backoff(initial: initialBackoff, maximum: 30)
        var last = ""
        for attempt in 1...attempts {
            let response = await onOwnThread(name: "lookout-notify") { stopped in
                CurlRequest.perform(method: "POST", url: url, headers: headers + [HTTPHeader(name: "Content-Type", value: "application/json")],
                                    body: body, timeout: .seconds(10), shouldStop: stopped)
            }
            let tries = attempt == 1 ? "" : " after \(attempt) tries"
            if let status = response.httpStatus, (200..<300).contains(status), response.error == nil {
                return (true, "HTTP \(status)\(tries)")
            }
            last = response.error.map { SecretReference.redact(SafeText.escape($0.message), secrets: secrets) }
                ?? "HTTP \(response.httpStatus.map(String.init) ?? "?")"
            if Task.isCancelled || response.stopped { return (false, "\(last); stopped\(tries)") }
            if attempt < attempts { try? await Task.sleep(for: .milliseconds(Int64(backoff.next(afterRunOf: nil) * 1000))) }
            if Task.isCancelled { return (false, "\(last); stopped after \(attempt) tries") }
        }
        return (false, "\(last) after \(attempts) tries")
    }
}
