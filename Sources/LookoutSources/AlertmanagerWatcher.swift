import Foundation
import LookoutCore
import LookoutHTTP
import Synchronization

/// Reads the context's Alertmanager alerts (`GET /api/v2/alerts`) on its own thread every `interval`, and hands each
/// reading — the alerts, or why there are none — to `deliver`. Secrets in the headers are resolved for each reading,
/// so a rotated token is picked up; a failed request is a problem said on the Alerts screen, tried again at the next
/// interval. Changes asked from the Alerts screen are sent in order on a queue of their own, and the alerts read again
/// at once after each, so the screen shows what Alertmanager made of it.
public final class AlertmanagerWatcher: Sendable {
    private let client: AlertmanagerClient
    private let interval: Duration
    private let deliver: @Sendable (RemoteAlerts) -> Void
    private let changes = DispatchQueue(label: "lookout-alertmanager-changes")
    private let thread = Mutex<PeriodicThread?>(nil)

    public init(server: APIServer, secrets: [String: SecretSource], interval: Duration = .seconds(15),
                deliver: @escaping @Sendable (RemoteAlerts) -> Void) {
        client = AlertmanagerClient(server: server, secrets: secrets)
        self.interval = interval
        self.deliver = deliver
    }

    public func start() {
        let reader = PeriodicThread(name: "lookout-alertmanager", interval: interval, firstAtOnce: true) { [weak self] in
            guard let self else { return }
            deliver(read())
        }
        thread.withLock { $0 = reader }
        reader.start()
    }

    /// Stops the thread (a request under way ends within its timeout); a change being sent is finished first.
    public func stop() {
        thread.withLock { $0 }?.stop()
        changes.sync {}
    }

    /// Sends a change, audited (`AlertmanagerClient.audited`), off the caller's thread; `done` gets the records
    /// written, then the alerts are read again.
    public func send(_ change: AlertmanagerChange, context: String, origin: String, user: String, sshClient: String?,
                     refusal: String?, log: AuditLog?, done: @escaping @Sendable ([AuditRecord], String?) -> Void) {
        changes.async { [self] in
            let audited = client.audited(change, context: context, origin: origin, user: user, sshClient: sshClient, refusal: refusal, log: log)
            let failure: String? = if case let .failure(failure) = audited.outcome { failure.reason } else { nil }
            done(audited.records, failure)
            thread.withLock { $0 }?.wakeNow()
        }
    }

    /// One reading of the alerts.
    public func read() -> RemoteAlerts {
        var reading = RemoteAlerts(source: client.server.url, at: Date())
        let reader = thread.withLock { $0 }
        switch client.connect().flatMap({ $0.alerts(timeout: .seconds(5)) { reader?.isStopping ?? false } }) {
        case let .success(alerts): reading.alerts = alerts
        case let .failure(failure): reading.problem = failure.reason
        }
        return reading
    }
}
