import Foundation
import Glibc
import LookoutCore
import LookoutHTTP
import Synchronization

/// Runs action plans, one task each: writes the intent to the audit log (flushed) before anything starts —
/// and refuses to start when it cannot —, resolves the plan's secrets at the last moment, sends the request or
/// runs the argv (never a shell) with a timeout and cancel, reports output lines and the outcome, and writes
/// the result record. Output is escaped and any secret value in it is masked.
public final class ActionRunner: Sendable {
    private let audit: AuditLog
    private let secrets: [String: SecretSource]
    private let origin: String
    private let deliver: @Sendable (Event) -> Void
    private let cancelled = Mutex<Set<Int>>([])
    /// The task of each plan started by `start`, by plan id.
    private let running = Mutex<[Int: Task<Void, Never>]>([:])

    /// The argv a command runs behind (`lookout supervise --`), so that it dies with this process; nil: run it directly.
    private let supervisor: [String]?

    /// - Parameters:
    ///   - origin: `dashboard` or `headless`, recorded in the audit log.
    ///   - supervisor: `[path of lookout, "supervise", "--"]`: each command runs behind it, its lifeline a pipe this
    ///     process holds open while the action runs — a `kill -9` of lookout stops the command too.
    public init(audit: AuditLog, secrets: [String: SecretSource], origin: String, supervisor: [String]? = nil,
                deliver: @escaping @Sendable (Event) -> Void) {
        self.audit = audit
        self.secrets = secrets
        self.origin = origin
        self.supervisor = supervisor
        self.deliver = deliver
    }

    /// Starts `plan` as a task of its own; events arrive through `deliver`.
    public func start(_ plan: ActionPlan) {
        let task = Task(executorPreference: SourceExecutor.shared) { [self] in
            await self.run(plan)
            _ = running.withLock { $0.removeValue(forKey: plan.id) }
        }
        running.withLock { $0[plan.id] = task }
        if cancelled.withLock({ $0.contains(plan.id) }) { task.cancel() }
    }

    /// Asks the run of plan `id` to stop: SIGTERM to a command's process group (SIGKILL 2 s later), or an aborted
    /// request. The outcome (`cancelled`) is still audited.
    public func cancel(id: Int) {
        cancelled.withLock { _ = $0.insert(id) }
        running.withLock { $0[id] }?.cancel()
    }

    /// Runs `plan` and returns its outcome (headless use; the dashboard calls `start`). Cancelling the calling task
    /// cancels the action.
    @discardableResult
    public func run(_ plan: ActionPlan) async -> ActionOutcome {
        let id = UUID().uuidString.lowercased()
        let user = Operator.user(), ssh = Operator.sshClient()
        let started = ContinuousClock.now
        var intent = AuditRecord(phase: .intent, time: Date(), id: id, user: user, sshClient: ssh, plan: plan, origin: origin)
        intent.pid = getpid()
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
                let values = try await SecretResolver.resolve(names: plan.secretNames, sources: secrets)
                outcome = await execute(plan, values: values)
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

    private func execute(_ plan: ActionPlan, values: [String: String]) async -> ActionOutcome {
        @Sendable func reveal(_ text: String) -> String { (try? SecretReference.substitute(text, values: values).get()) ?? text }
        let output: @Sendable (String) -> Void = { [deliver] line in
            deliver(.actionOutput(id: plan.id, line: SecretReference.redact(line, secrets: values.values)))
        }
        switch plan.kind {
        case let .http(method, url, headers, body):
            let response = await onOwnThread(name: "lookout-action") { [self] stopped in
                CurlRequest.perform(method: method, url: reveal(url),
                                    headers: headers.map { HTTPHeader(name: $0.name, value: reveal($0.value)) },
                                    body: body.map(reveal), timeout: plan.timeout) { stopped() || self.isCancelled(plan.id) }
            }
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
            return await runCommand(argv.map(reveal), plan: plan, output: output)
        }
    }

    /// Runs the command until it ends, the plan's timeout passes or the action is cancelled (then SIGTERM to its
    /// process group, SIGKILL 2 s later), and says how it went.
    private func runCommand(_ argv: [String], plan: ActionPlan, output: @escaping @Sendable (String) -> Void) async -> ActionOutcome {
        let (end, timedOut) = await withTaskGroup(of: CommandEnd?.self) { group -> (CommandEnd, Bool) in
            group.addTask {
                var lines = LineAssembler()
                // The supervisor's lifeline: its read end is the command's input; the write end stays open here (and
                // out of every other child: close-on-exec) until the command has ended.
                var lifeline: [Int32] = [-1, -1]
                let supervised = self.supervisor != nil && pipe(&lifeline) == 0
                if supervised { for fd in lifeline { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) } }
                defer { if supervised { close(lifeline[1]) } }
                let end = await CommandProcess.run(supervised ? self.supervisor! + argv : argv, grace: .seconds(2),
                                                   lifeline: supervised ? lifeline[0] : nil,
                                                   stdout: { chunk in lines.feed(chunk, line: output) }, stderr: output)
                lines.finish(line: output)
                return end
            }
            group.addTask {
                try? await Task.sleep(for: plan.timeout)
                return nil
            }
            var timedOut = false
            while let next = await group.next() {
                guard let end = next else {
                    // The deadline's task ended: the timeout passed, or the action was cancelled (its sleep cut short).
                    timedOut = !Task.isCancelled
                    group.cancelAll()
                    continue
                }
                group.cancelAll()
                return (end, timedOut)
            }
            return (.cannotStart("no outcome"), timedOut)
        }
        if Task.isCancelled || isCancelled(plan.id) {
            return ActionOutcome(status: .cancelled, detail: "cancelled: process group signalled", durationMs: 0)
        }
        if timedOut {
            return ActionOutcome(status: .timedOut, detail: "timed out after \(DurationText.format(plan.timeout))", durationMs: 0)
        }
        switch end {
        case let .cannotStart(reason):
            return ActionOutcome(status: .failed, detail: "cannot start \(SafeText.escape(argv[0])): \(reason)", durationMs: 0)
        case let .signalled(signal):
            return ActionOutcome(status: .failed, detail: "killed by signal \(signal)", durationMs: 0)
        case let .exited(code):
            let ok = Int(code) == (plan.expect ?? 0)
            return ActionOutcome(status: ok ? .succeeded : .failed, detail: "exit \(code)", durationMs: 0)
        }
    }
}
