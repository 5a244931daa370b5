import Foundation
import LookoutCore
import LookoutHTTP

/// The context's Alertmanager as `lookout alertmanager`, the Alerts screen and `AlertmanagerWatcher` reach it: requests
/// with the server's headers, their `${secret:…}` resolved when asked (`connect()`), answers read by `Alertmanager`,
/// failures in Alertmanager's words with secrets redacted, and changes sent with an audit record before and after.
public struct AlertmanagerClient: Sendable {
    public let server: APIServer
    private let secrets: [String: SecretSource]

    public init(server: APIServer, secrets: [String: SecretSource]) {
        self.server = server
        self.secrets = secrets
    }

    /// Why a request came to nothing: a secret that could not be resolved, no answer, or an answer other than 2xx.
    public struct Failure: Error, Sendable, Equatable {
        public let reason: String
        public init(_ reason: String) { self.reason = reason }
    }

    /// The server with its header secrets resolved: requests go through it.
    public struct Connection: Sendable {
        public let url: String
        let headers: [HTTPHeader]
        /// Resolved secret values, redacted from every failure said.
        let secretValues: [String]

        /// One request; the body of a 2xx answer, else why not.
        public func request(_ method: String, _ path: String, body: String? = nil, timeout: Duration = .seconds(10),
                            stop: @escaping @Sendable () -> Bool = { false }) -> Result<[UInt8], Failure> {
            let response = CurlRequest.perform(method: method, url: url + path, headers: headers, body: body, timeout: timeout,
                                               bodyLimit: 16 << 20, shouldStop: stop)
            if let error = response.error { return .failure(Failure(SecretReference.redact(SafeText.escape(error.message), secrets: secretValues))) }
            guard let status = response.httpStatus, (200..<300).contains(status) else {
                return .failure(Failure(Alertmanager.failure(httpStatus: response.httpStatus, body: response.body)))
            }
            return .success(response.body)
        }

        /// The alerts Alertmanager holds.
        public func alerts(timeout: Duration = .seconds(10), stop: @escaping @Sendable () -> Bool = { false }) -> Result<[Alertmanager.RemoteAlert], Failure> {
            request("GET", "/api/v2/alerts", timeout: timeout, stop: stop).flatMap { body in
                Alertmanager.alerts(body).map { .success($0) } ?? .failure(Failure("the answer is not a list of alerts"))
            }
        }

        /// Its silences, expired ones included.
        public func silences() -> Result<[Alertmanager.Silence], Failure> {
            request("GET", "/api/v2/silences").flatMap { body in
                Alertmanager.silences(body).map { .success($0) } ?? .failure(Failure("the answer is not a list of silences"))
            }
        }

        /// Sends a change; what the result record says of it (`silence ID, HTTP 200`, `expired ID`) and the new
        /// silence's id. Several expiries stop at the first Alertmanager refuses.
        public func send(_ change: AlertmanagerChange) -> Result<(detail: String, silenceID: String?), Failure> {
            switch change {
            case let .silence(silence):
                return request("POST", "/api/v2/silences", body: silence.body).map { body in
                    let id = Alertmanager.silenceID(body) ?? "?"
                    return ("silence \(id), HTTP 200", id)
                }
            case let .expire(ids):
                for id in ids {
                    guard Alertmanager.isSilenceID(id) else { return .failure(Failure("\(SafeText.escape(id)): not a silence id")) }
                    if case let .failure(failure) = request("DELETE", "/api/v2/silence/\(id)") { return .failure(failure) }
                }
                return .success(("expired \(ids.joined(separator: ", "))", nil))
            }
        }
    }

    /// Resolves the header secrets now (a rotated token is picked up at the next `connect()`).
    public func connect() -> Result<Connection, Failure> {
        do {
            let resolved = try SecretResolver.resolvedHeaders(server.headers, sources: secrets)
            return .success(Connection(url: server.url, headers: resolved.headers, secretValues: resolved.secrets))
        } catch {
            return .failure(Failure("not asked: \(error)"))
        }
    }

    /// What a change came to, and the audit records written for it (intent and result, or one refused result).
    public struct Audited: Sendable {
        public var records: [AuditRecord]
        public var outcome: Result<(detail: String, silenceID: String?), Failure>
        public var refused: Bool
    }

    /// Sends a change with an audit record of the intent before and of the result after; with `refusal` (a read-only
    /// context) nothing is sent and the refusal alone is recorded. Not sent when the intent cannot be written.
    public func audited(_ change: AlertmanagerChange, context: String, origin: String, user: String, sshClient: String?,
                        refusal: String?, log: AuditLog?) -> Audited {
        let id = UUID().uuidString.lowercased()
        let request: String = switch change {
        case let .silence(silence): "POST \(server.url)/api/v2/silences: \(silence.summary)"
        case let .expire(ids): ids.map { "DELETE \(server.url)/api/v2/silence/\($0)" }.joined(separator: "; ")
        }
        func record(_ phase: AuditRecord.Phase) -> AuditRecord {
            AuditRecord(phase: phase, id: id, context: context, system: "alertmanager", action: change.action, request: request,
                        origin: origin, user: user, sshClient: sshClient)
        }
        if let refusal {
            var refused = record(.result)
            refused.result = ActionOutcome.Status.refused.rawValue
            refused.detail = refusal
            try? log?.append(refused)
            return Audited(records: [refused], outcome: .failure(Failure("refused: \(refusal)")), refused: true)
        }
        let intent = record(.intent)
        do { try log?.append(intent) } catch {
            return Audited(records: [], outcome: .failure(Failure("not sent: \(error)")), refused: false)
        }
        let started = ContinuousClock.now
        let outcome = connect().flatMap { $0.send(change) }
        var result = record(.result)
        switch outcome {
        case let .success(sent):
            result.result = ActionOutcome.Status.succeeded.rawValue
            result.detail = sent.detail
        case let .failure(failure):
            result.result = ActionOutcome.Status.failed.rawValue
            result.detail = failure.reason
        }
        result.durationMs = Int((ContinuousClock.now - started).milliseconds)
        try? log?.append(result)
        return Audited(records: [intent, result], outcome: outcome, refused: false)
    }
}
