import Foundation
import LookoutCore
import LookoutHTTP
import Synchronization

/// Reads the context's Alertmanager alerts (`GET /api/v2/alerts`) on its own thread every `interval`, and hands each
/// reading — the alerts, or why there are none — to `deliver`. Secrets in the headers are resolved when each request
/// is sent, so a rotated token is picked up; a failed request is a problem said on the Alerts screen, tried again at
/// the next interval.
public final class AlertmanagerWatcher: Sendable {
    private let server: APIServer
    private let secrets: [String: SecretSource]
    private let interval: Duration
    private let deliver: @Sendable (RemoteAlerts) -> Void
    private let stopping = Mutex(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    public init(server: APIServer, secrets: [String: SecretSource], interval: Duration = .seconds(15),
                deliver: @escaping @Sendable (RemoteAlerts) -> Void) {
        self.server = server
        self.secrets = secrets
        self.interval = interval
        self.deliver = deliver
    }

    public func start() {
        let thread = Thread { [self] in
            while !stopping.withLock({ $0 }) {
                deliver(read())
                _ = wake.wait(timeout: .now() + .milliseconds(Int(interval.milliseconds)))
            }
            finished.signal()
        }
        thread.name = "lookout-alertmanager"
        thread.start()
    }

    /// Stops the thread (a request under way ends within its 5 s timeout).
    public func stop() {
        let was = stopping.withLock { value in defer { value = true }; return value }
        guard !was else { return }
        wake.signal()
        finished.wait()
    }

    /// One reading of the alerts.
    public func read() -> RemoteAlerts {
        var reading = RemoteAlerts(source: server.url, at: Date())
        let names = server.headers.flatMap { SecretReference.names(in: $0.value) }
        let values: [String: String]
        do { values = try SecretResolver.resolveBlocking(names: names, sources: secrets) } catch {
            reading.problem = "not asked: \(error.description)"
            return reading
        }
        let headers = server.headers.map { HTTPHeader(name: $0.name, value: (try? SecretReference.substitute($0.value, values: values).get()) ?? $0.value) }
        let response = CurlRequest.perform(method: "GET", url: server.url + "/api/v2/alerts", headers: headers, body: nil,
                                           timeout: .seconds(5), bodyLimit: 16 << 20) { [self] in stopping.withLock { $0 } }
        if let error = response.error {
            reading.problem = SecretReference.redact(SafeText.escape(error.message), secrets: values.values)
        } else if response.httpStatus.map({ (200..<300).contains($0) }) != true {
            reading.problem = Alertmanager.failure(httpStatus: response.httpStatus, body: response.body)
        } else if let alerts = Alertmanager.alerts(response.body) {
            reading.alerts = alerts
        } else {
            reading.problem = "the answer is not a list of alerts"
        }
        return reading
    }
}
