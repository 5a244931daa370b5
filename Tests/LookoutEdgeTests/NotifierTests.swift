import Foundation
import Glibc
import Hummingbird
import LookoutCore
import LookoutHTTP
import LookoutSources
import NIOCore
import Synchronization
import Testing

@Suite("Alert notifications to a real Alertmanager and a local webhook", .serialized)
struct NotifierTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A budget alert that fired two minutes ago and resolved one minute later, as the alert book reports them.
    static func changes() -> (fired: [AlertChange], resolved: [AlertChange], book: AlertBook) {
        var book = AlertBook()
        let alert = Alert(.critical, .budget, "openai-hour", "budget exhausted: $2.10 of $2.00 (rolling 1h)")
        let start = Date().addingTimeInterval(-120)
        let fired = book.update([alert], now: start)
        _ = book.update([], now: start.addingTimeInterval(1))
        let resolved = book.update([], now: start.addingTimeInterval(62))
        return (fired, resolved, book)
    }

    func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "lookout-notify-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func alertmanagerTakesTheFiringAlertWithItsLabelsAndTheResolvedOneEnds() async throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n".write(toFile: directory + "/am.yml", atomically: true, encoding: .utf8)
        let port = try SilentServer.closedPort()
        let pid = try PrometheusDifferentialTests.spawn(
            ["prometheus-alertmanager", "--config.file=\(directory)/am.yml", "--storage.path=\(directory)/data",
             "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address="], log: directory + "/alertmanager.log")
        defer { kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }
        let base = "http://127.0.0.1:\(port)"
        try await Self.waitUntilServing(base + "/-/ready")

        let audit = AuditLog(path: directory + "/audit.jsonl")
        let events = Mutex<[Event]>([])
        let notifier = Notifier(secrets: [:], audit: audit) { event in events.withLock { $0.append(event) } }
        let target = NotifyTarget(name: "am", kind: .alertmanager, url: base)
        let (fired, resolved, book) = Self.changes()
        notifier.send(Notifications.make(for: fired, book: book, targets: [target], context: "prod", now: Date(), resendFiring: false),
                      context: "prod")
        await notifier.finish()
        let active = try await Self.alerts(base)
        #expect(active.count == 1)
        let labels = active.first?["labels"] as? [String: String]
        #expect(labels == ["alertname": "lookout_budget", "subject": "openai-hour", "severity": "critical", "context": "prod", "source": "lookout"])
        #expect((active.first?["annotations"] as? [String: String])?["summary"] == "budget exhausted: $2.10 of $2.00 (rolling 1h)")
        #expect((active.first?["status"] as? [String: Any])?["state"] as? String == "active")

        notifier.send(Notifications.make(for: resolved, book: book, targets: [target], context: "prod", now: Date(), resendFiring: false),
                      context: "prod")
        await notifier.finish()
        // A resolved alert is sent with its end: Alertmanager no longer lists it as active.
        let after = try await Self.alerts(base)
        #expect(after.allSatisfy { ($0["status"] as? [String: Any])?["state"] as? String != "active" }, "\(after)")
        let records = try audit.read().records
        #expect(records.map(\.action) == ["notify", "notify"])
        #expect(records.map(\.result) == ["succeeded", "succeeded"])
        #expect(records[0].request == "POST \(base)/api/v2/alerts: firing budget:openai-hour" && records[0].detail == "HTTP 200")
        #expect(events.withLock { $0.count } == 2, "each send reaches the Actions screen")
    }

    @Test func aWebhookThatFailsIsRetriedWithBackoffAndTheSecretInItsURLIsNeverRecorded() async throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "s3cr3t-hook-path".write(toFile: directory + "/hook", atomically: true, encoding: .utf8)
        let received = Mutex<[String]>([])
        let calls = Mutex(0)
        let router = Router()
        router.post("/hooks/:token") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let call = calls.withLock { value -> Int in value += 1; return value }
            // The first try fails as a busy receiver would; the second is taken.
            guard call > 1 else { return Response(status: .serviceUnavailable) }
            received.withLock { $0.append((context.parameters.get("token") ?? "") + " " + String(buffer: body)) }
            return Response(status: .ok)
        }
        let server = await LocalTestServer.start(router)
        defer { server.stop() }
        let port = server.port

        let audit = AuditLog(path: directory + "/audit.jsonl")
        let notifier = Notifier(secrets: ["HOOK": .file(directory + "/hook")], audit: audit, initialBackoff: 0.2) { _ in }
        let target = NotifyTarget(name: "slack", kind: .slack, url: "http://127.0.0.1:\(port)/hooks/${secret:HOOK}")
        let (fired, _, book) = Self.changes()
        notifier.send(Notifications.make(for: fired, book: book, targets: [target], context: "prod", now: Date(), resendFiring: false),
                      context: "prod")
        await notifier.finish()
        #expect(received.withLock { $0 } == [#"s3cr3t-hook-path {"text":"[lookout prod] CRITICAL openai-hour: budget exhausted: $2.10 of $2.00 (rolling 1h)"}"#])
        let text = try String(contentsOfFile: directory + "/audit.jsonl", encoding: .utf8)
        #expect(!text.contains("s3cr3t"), "the URL's secret is masked in the record")
        let record = try #require(try audit.read().records.first)
        #expect(record.request == "POST http://127.0.0.1:\(port)/hooks/••••: firing budget:openai-hour")
        #expect(record.result == "succeeded" && record.detail == "HTTP 200 after 2 tries")
    }

    @Test func aReceiverThatNeverAnswersIsGivenUpAfterTheLastTry() async throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let audit = AuditLog(path: directory + "/audit.jsonl")
        let notifier = Notifier(secrets: [:], audit: audit, initialBackoff: 0.05, attempts: 3) { _ in }
        let port = try SilentServer.closedPort()
        let (fired, _, book) = Self.changes()
        let target = NotifyTarget(name: "hook", kind: .json, url: "http://127.0.0.1:\(port)/alerts")
        notifier.send(Notifications.make(for: fired, book: book, targets: [target], context: "prod", now: Date(), resendFiring: false),
                      context: "prod")
        await notifier.finish()
        let record = try #require(try audit.read().records.first)
        #expect(record.result == "failed")
        #expect(record.detail?.hasSuffix("after 3 tries") == true, "\(record.detail ?? "")")
    }

    static func get(_ url: String) -> CurlRequest.Response {
        CurlRequest.perform(method: "GET", url: url, headers: [], body: nil, timeout: .seconds(5)) { false }
    }

    static func waitUntilServing(_ url: String) async throws {
        for _ in 0..<100 {
            if get(url).httpStatus == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw POSIXError(.ETIMEDOUT)
    }

    static func alerts(_ base: String) async throws -> [[String: Any]] {
        let response = get(base + "/api/v2/alerts")
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]]) ?? []
    }
}
