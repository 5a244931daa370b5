import Foundation
import LookoutCore
import LookoutDemo
import LookoutSources
import Synchronization
import Testing

/// Collects what an `ActionRunner` reports.
final class EventSink: Sendable {
    private let events = Mutex<[Event]>([])
    func add(_ event: Event) { events.withLock { $0.append(event) } }
    var all: [Event] { events.withLock { $0 } }
    var output: [String] { all.compactMap { if case let .actionOutput(_, line) = $0 { return line } else { return nil } } }
    var outcome: ActionOutcome? { all.lazy.compactMap { if case let .actionFinished(_, outcome) = $0 { return outcome } else { return nil } }.first }

    func wait(seconds: Double, until predicate: ([Event]) -> Bool) async {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !predicate(all) { try? await Task.sleep(for: .milliseconds(20)) }
    }
}

/// The action runner with real subprocesses, a real audit file and the demo fleet's real admin API.
@Suite("Action runner and audit log")
struct ActionRunnerTests {
    let directory = NSTemporaryDirectory() + "lookout-actions-\(UUID().uuidString.prefix(8))"

    func plan(_ argv: [String], timeout: Duration = .seconds(60)) throws -> ActionPlan {
        var service = ServiceConfig(name: "chat-api", baseURL: "http://127.0.0.1:9")
        service.actions = [ActionConfig(name: "redeploy", kind: .command(argv: argv), timeout: timeout)]
        var plan = try ActionPlan(service.actions[0], service: service, context: "test")
        plan.id = 7
        return plan
    }

    @Test func aCommandStreamsItsOutputWithSecretsMaskedAndIsAuditedBeforeAndAfter() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "s3cr3t-value-42\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        let audit = AuditLog(path: directory + "/state/audit.jsonl")
        let sink = EventSink()
        let runner = ActionRunner(audit: audit, secrets: ["T": .file(directory + "/token")], origin: "headless") { sink.add($0) }
        let outcome = await runner.run(try plan(["/bin/sh", "-c", "echo rolling out {{service}}; echo token=${secret:T} >&2; exit 3"]))
        #expect(outcome.status == .failed && outcome.detail == "exit 3")
        #expect(Set(sink.output) == ["rolling out chat-api", "token=••••"])
        let text = try String(contentsOfFile: audit.path, encoding: .utf8)
        #expect(!text.contains("s3cr3t"), "no secret value in the audit log")
        let (records, bad) = try audit.read()
        #expect(bad == 0 && records.map(\.phase) == [.intent, .result] && records[0].id == records[1].id)
        #expect(records[0].request == "/bin/sh -c 'echo rolling out chat-api; echo token=•••• >&2; exit 3'")
        #expect(records[1].result == "failed" && records[1].detail == "exit 3" && records[1].origin == "headless")
        let attributes = try FileManager.default.attributesOfItem(atPath: audit.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    /// An intent no result closes is closed as interrupted when its lookout is gone — its process not running, or,
    /// an intent from before the pid was kept, older than a day — and left alone while it may still run.
    /// The audit log is written only where nobody else can swap it: not in a directory every user may write (without
    /// the sticky bit), never through a symlink; a directory like /tmp (sticky) is fine for a file of one's own.
    @Test func anAuditLogOthersCouldReplaceIsRefused() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let record = AuditRecord(phase: .intent, time: Date(), id: "x", user: "ana", sshClient: nil, plan: try plan(["true"]), origin: "test")
        let open = directory + "/open"
        try FileManager.default.createDirectory(atPath: open, withIntermediateDirectories: true)
        chmod(open, 0o777)
        #expect { try AuditLog(path: open + "/audit.jsonl").append(record) } throws: { error in
            "\(error)".contains("is writable by every user (mode 0777)")
        }
        let sticky = directory + "/sticky"
        try FileManager.default.createDirectory(atPath: sticky, withIntermediateDirectories: true)
        chmod(sticky, 0o1777)
        try AuditLog(path: sticky + "/audit.jsonl").append(record)
        try FileManager.default.createSymbolicLink(atPath: sticky + "/planted.jsonl", withDestinationPath: directory + "/elsewhere.jsonl")
        #expect { try AuditLog(path: sticky + "/planted.jsonl").append(record) } throws: { error in
            "\(error)".contains("is a symbolic link")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/elsewhere.jsonl"), "nothing written through the link")
    }

    @Test func danglingIntentsAreClosedAsInterruptedOnlyWhenTheirLookoutIsGone() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let audit = AuditLog(path: directory + "/audit.jsonl")
        let now = Date()
        func intent(_ id: String, pid: Int32?, age: TimeInterval) throws -> AuditRecord {
            var record = AuditRecord(phase: .intent, time: now.addingTimeInterval(-age), id: id, user: "ana", sshClient: nil,
                                     plan: try plan(["sleep", "9"]), origin: "dashboard")
            record.pid = pid
            return record
        }
        try audit.append(try intent("dead", pid: 4_000_001, age: 30))
        try audit.append(try intent("alive", pid: 4_000_002, age: 30))
        try audit.append(try intent("old-format", pid: nil, age: 90_000))
        try audit.append(try intent("young-old-format", pid: nil, age: 60))
        try audit.append(try intent("finished", pid: 4_000_001, age: 40))
        try audit.append(try intent("finished", pid: 4_000_001, age: 40).interrupted(at: now.addingTimeInterval(-35)))
        let closed = try audit.closeInterrupted(now: now) { $0 == 4_000_002 }
        #expect(closed.map(\.id) == ["dead", "old-format"])
        #expect(closed.allSatisfy { $0.phase == .result && $0.result == "interrupted" && $0.pid == nil })
        #expect(closed.first?.detail == "lookout (pid 4000001) ended before the action did; no result was recorded")
        #expect(closed.first?.durationMs.map { (29_000...31_000).contains($0) } == true)
        #expect(try audit.closeInterrupted(now: now) { $0 == 4_000_002 }.isEmpty, "closed once")
        #expect(AuditLog.isLookoutRunning(getpid()) == false, "the test runner is not a lookout")
        #expect(AuditLog.isLookoutRunning(4_000_003) == false)
    }

    @Test func cancelAndTimeoutStopTheCommandsProcessGroup() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let audit = AuditLog(path: directory + "/audit.jsonl")
        let sink = EventSink()
        let runner = ActionRunner(audit: audit, secrets: [:], origin: "dashboard") { sink.add($0) }
        runner.start(try plan(["/bin/sh", "-c", "echo started; sleep 30"], timeout: .seconds(120)))
        await sink.wait(seconds: 20) { _ in sink.output.contains("started") }
        let started = Date()
        runner.cancel(id: 7)
        await sink.wait(seconds: 10) { _ in sink.outcome != nil }
        #expect(sink.outcome?.status == .cancelled)
        #expect(Date().timeIntervalSince(started) < 5)

        let timed = ActionRunner(audit: audit, secrets: [:], origin: "dashboard") { _ in }
        let outcome = await timed.run(try plan(["sleep", "30"], timeout: .milliseconds(500)))
        #expect(outcome.status == .timedOut && outcome.durationMs < 4000)
    }

    @Test func anUnwritableAuditLogRefusesToStart() async throws {
        let marker = NSTemporaryDirectory() + "lookout-never-\(UUID().uuidString.prefix(8))"
        let runner = ActionRunner(audit: AuditLog(path: "/dev/null/audit.jsonl"), secrets: [:], origin: "headless") { _ in }
        let outcome = await runner.run(try plan(["touch", marker]))
        #expect(outcome.status == .refused && outcome.detail.hasPrefix("not started: audit log /dev/null/audit.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: marker), "the command never ran")
    }

    @Test func aFailoverThroughTheDemoAdminAPIChangesItsRouting() async throws {
        let fleet = try await DemoFleet.start()
        defer { fleet.stop(); fleet.removeFiles() }
        let config = fleet.config
        let service = try #require(config.context(named: nil)?.services.first { $0.name == "rag-search" })
        let plan = try ActionPlan(try #require(service.action(named: "failover")), service: service, context: "demo",
                                  provider: "anthropic", role: .disabled)
        let audit = AuditLog(path: fleet.logDirectory + "/audit.jsonl")
        // The fleet serves from this process's concurrency pool: run off it (start, then wait without blocking).
        func run(_ plan: ActionPlan) async -> ActionOutcome? {
            let sink = EventSink()
            ActionRunner(audit: audit, secrets: config.secrets, origin: "headless") { sink.add($0) }.start(plan)
            await sink.wait(seconds: 20) { _ in sink.outcome != nil }
            return sink.outcome
        }
        let outcome = try #require(await run(plan))
        #expect(outcome.status == .succeeded && outcome.detail == "HTTP 200", "\(outcome)")
        #expect(fleet.control.routes(of: "rag-search").first { $0.provider == "anthropic" }?.role == .disabled)
        // Only openai (standby) is left: it takes the traffic.
        #expect(fleet.control.provider(for: "rag-search", roll: 0.3) == "openai")
        let text = try String(contentsOfFile: audit.path, encoding: .utf8)
        #expect(!text.contains(fleet.control.adminToken) && text.contains("Bearer ••••"))

        // Without the token the admin API refuses, and the outcome says so.
        var anonymous = plan
        anonymous.kind = .http(method: "POST", url: "\(service.baseURL)/admin/failover", headers: [],
                               body: #"{"provider":"anthropic","role":"primary"}"#)
        let refused = try #require(await run(anonymous))
        #expect(refused.status == .failed && refused.detail == "HTTP 401", "\(refused)")
    }
}
