import Foundation
import Glibc
import LookoutCore
import LookoutHTTP
import Synchronization

/// Runs action plans, one thread each: writes the intent to the audit log (flushed) before anything starts —
/// and refuses to start when it cannot —, resolves the plan's secrets at the last moment, sends the request or
/// runs the argv (never a shell) with a timeout and cancel, reports output lines and the outcome, and writes
/// the result record. Output is escaped and any secret value in it is masked.
public final class ActionRunner: Sendable {
    private let audit: AuditLog
    private let secrets: [String: SecretSource]
    private let origin: String
    private let deliver: @Sendable (Event) -> Void
    private let cancelled = Mutex<Set<Int>>([])
    private let running = Mutex<[Int: pid_t]>([:])

    /// - Parameter origin: `dashboard` or `headless`, recorded in the audit log.
    public init(audit: AuditLog, secrets: [String: SecretSource], origin: String, deliver: @escaping @Sendable (Event) -> Void) {
        self.audit = audit
        self.secrets = secrets
        self.origin = origin
        self.deliver = deliver
    }

    /// Starts `plan` on its own thread; events arrive through `deliver`.
    public func start(_ plan: ActionPlan) {
        let thread = Thread { [self] in self.run(plan) }
        thread.name = "lookout-action-\(plan.id)"
        thread.start()
    }

    /// Asks the run of plan `id` to stop: SIGTERM to a command's process group (SIGKILL 2 s later), or an aborted request.
    public func cancel(id: Int) {
        cancelled.withLock { _ = $0.insert(id) }
        if let pid = running.withLock({ $0[id] }) { kill(-pid, SIGTERM) }
    }

    /// Runs `plan` on the calling thread and returns its outcome (headless use; the dashboard calls `start`).
    @discardableResult
    public func run(_ plan: ActionPlan) -> ActionOutcome {
        let id = UUID().uuidString.lowercased()
        let user = Operator.user(), ssh = Operator.sshClient()
        let started = ContinuousClock.now
        let intent = AuditRecord(phase: .intent, time: Date(), id: id, user: user, sshClient: ssh, plan: plan, origin: origin)
        do {
            try audit.append(intent)
        } catch {
            let outcome = ActionOutcome(status: .refused, detail: "not started: \(error.description)", durationMs: 0)
            deliver(.actionFinished(id: plan.id, outcome: outcome))
            return outcome
        }
        deliver(.audited([intent]))
        var outcome: ActionOutcome
        if plan.dryRun {
            outcome = ActionOutcome(status: .dryRun, detail: "not sent (dry run)", durationMs: 0)
        } else {
            do {
                let values = try SecretResolver.resolve(names: plan.secretNames, sources: secrets)
                outcome = execute(plan, values: values)
            } catch {
                outcome = ActionOutcome(status: .refused, detail: "not started: \(error.description)", durationMs: 0)
            }
        }
        outcome.durationMs = Int((ContinuousClock.now - started).milliseconds)
        let result = AuditRecord(phase: .result, time: Date(), id: id, user: user, sshClient: ssh, plan: plan, origin: origin, outcome: outcome)
        do {
            try audit.append(result)
            deliver(.audited([result]))
        } catch {
            outcome.detail += " (audit result not written: \(error.description))"
        }
        deliver(.actionFinished(id: plan.id, outcome: outcome))
        return outcome
    }

    private func isCancelled(_ id: Int) -> Bool { cancelled.withLock { $0.contains(id) } }

    private func execute(_ plan: ActionPlan, values: [String: String]) -> ActionOutcome {
        func reveal(_ text: String) -> String { (try? SecretReference.substitute(text, values: values).get()) ?? text }
        func output(_ line: String) {
            deliver(.actionOutput(id: plan.id, line: SecretReference.redact(line, secrets: values.values)))
        }
        switch plan.kind {
        case let .http(method, url, headers, body):
            let response = CurlRequest.perform(method: method, url: reveal(url),
                                               headers: headers.map { HTTPHeader(name: $0.name, value: reveal($0.value)) },
                                               body: body.map(reveal), timeout: plan.timeout) { [self] in isCancelled(plan.id) }
            for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n").prefix(20) { output(String(line)) }
            if response.stopped { return ActionOutcome(status: .cancelled, detail: "request aborted", durationMs: 0) }
            if let error = response.error {
                let timedOut = error.code == 28
                return ActionOutcome(status: timedOut ? .timedOut : .failed,
                                     detail: SecretReference.redact(SafeText.escape(error.message), secrets: values.values), durationMs: 0)
            }
            let status = response.httpStatus ?? 0
            let ok = plan.expect.map { $0 == status } ?? (200..<300).contains(status)
            return ActionOutcome(status: ok ? .succeeded : .failed, detail: "HTTP \(status)", durationMs: 0)
        case let .command(argv):
            return runCommand(argv.map(reveal), plan: plan, output: output)
        }
    }

    private func runCommand(_ argv: [String], plan: ActionPlan, output: (String) -> Void) -> ActionOutcome {
        let child: ChildProcess
        do { child = try ChildProcess.start(argv, captureStderr: true) } catch {
            return ActionOutcome(status: .failed, detail: "cannot start \(SafeText.escape(argv[0])): \(error.message)", durationMs: 0)
        }
        running.withLock { $0[plan.id] = child.pid }
        defer { running.withLock { $0[plan.id] = nil } }
        let deadline = ContinuousClock.now + plan.timeout
        var buffers: [Int32: [UInt8]] = [child.stdout: [], child.stderr: []]
        var open = [child.stdout, child.stderr]
        var stopReason: ActionOutcome.Status?
        var killAt: ContinuousClock.Instant?
        while !open.isEmpty {
            if stopReason == nil {
                if isCancelled(plan.id) { stopReason = .cancelled } else if ContinuousClock.now >= deadline { stopReason = .timedOut }
                if stopReason != nil { kill(-child.pid, SIGTERM); killAt = ContinuousClock.now + .seconds(2) }
            } else if let at = killAt, ContinuousClock.now >= at {
                kill(-child.pid, SIGKILL)
                killAt = nil
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            _ = poll(&fds, nfds_t(fds.count), 200)
            for entry in fds where entry.revents != 0 {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = read(entry.fd, &chunk, chunk.count)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    if let rest = buffers[entry.fd], !rest.isEmpty { output(String(decoding: rest, as: UTF8.self)) }
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                    continue
                }
                buffers[entry.fd, default: []].append(contentsOf: chunk[..<n])
                while let newline = buffers[entry.fd]?.firstIndex(of: 10) {
                    let line = Array(buffers[entry.fd]![..<newline])
                    buffers[entry.fd]!.removeFirst(newline + 1)
                    output(String(decoding: line, as: UTF8.self))
                }
                if (buffers[entry.fd]?.count ?? 0) > 64 * 1024 {   // a very long line: shown in pieces
                    output(String(decoding: buffers[entry.fd]!, as: UTF8.self))
                    buffers[entry.fd] = []
                }
            }
        }
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0 && errno == EINTR {}
        // A cancel whose signal ended the child before the loop looked again is still a cancel.
        if stopReason == nil && isCancelled(plan.id) { stopReason = .cancelled }
        let exited = status & 0x7f == 0
        let code = Int((status >> 8) & 0xff)
        if let stopReason {
            return ActionOutcome(status: stopReason, detail: stopReason == .cancelled ? "cancelled: process group signalled" : "timed out after \(DurationText.format(plan.timeout))", durationMs: 0)
        }
        guard exited else { return ActionOutcome(status: .failed, detail: "killed by signal \(status & 0x7f)", durationMs: 0) }
        let ok = code == (plan.expect ?? 0)
        return ActionOutcome(status: ok ? .succeeded : .failed, detail: "exit \(code)", durationMs: 0)
    }
}
