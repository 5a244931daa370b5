import LookoutCore
import LookoutHTTP
import LookoutRuntime
import Foundation
import LookoutSources
import LookoutStore
import Synchronization

/// The edges one mode connects to a fleet — the libcurl poller, the log collectors and the action runner — all
/// posting into one inbox, and the runner of the reducer's effects. The dashboard, `snapshot` and `check` differ
/// only in the `Plan` they pass.
final class FleetLink: EffectRunner {
    /// What a mode polls and reads.
    struct Plan {
        /// Services with their secrets resolved.
        var services: [ServiceConfig]
        var metricMappings: [MetricMapping] = []
        /// Log sources at all, and whether files are read from their start (a snapshot).
        var logs = true
        var filesFromStart = false
        /// What is masked in every log line.
        var hygiene = LogHygiene.standard
        /// Resolves a source's mapping name.
        var mapping: (String?) -> LogMapping? = { _ in nil }
        /// Actions, with where they are audited and from where they started.
        var actions: (audit: AuditLog, secrets: [String: SecretSource], origin: String)?
        /// Where budget spend, acknowledgements and silences are kept across runs (the dashboard's).
        var store: LocalStore?
        /// The context's Alertmanager, whose alerts are read beside lookout's own, and where its header secrets come from.
        var alertmanager: (server: APIServer, secrets: [String: SecretSource])?
        /// Read back the last hour of the services whose metrics come from Prometheus (the dashboard's).
        var backfill = false
        /// A context with `discover:` as the configuration lists it, and the services discovered when it opened: its
        /// targets are read again every minute and a change is said (the dashboard's).
        var discovery: Discovery?
        typealias Discovery = (listed: ContextConfig, opened: Set<String>, secrets: [String: SecretSource])
        /// The context's own Prometheus queries, where their header secrets come from, and whether their recent past is
        /// read first (the dashboard's: their trends start full).
        var queries: (list: [CustomQuery], secrets: [String: SecretSource], backfill: Bool)?
    }

    private let poller: CurlPoller
    private let forwarder: ProbeForwarder
    private let collectors: LogCollectors?
    private let runner: ActionRunner?
    private let notifier: Notifier?
    private let alertmanager: AlertmanagerWatcher?
    private let discovery: TargetDiscoveryWatcher?
    private let queries: PromQLQueryWatcher?
    private let log: DiagnosticLog?
    private let store: LocalStore?
    private let audit: AuditLog?
    private let inbox: EventInbox
    /// The store and the audit log are written off the loop's thread, in order.
    private let writes = DispatchQueue(label: "lookout-store-writes")
    /// Store writes waiting for the next flush on `writes`.
    private let pendingWrites = PendingStoreWrites()

    /// The services and mappings of the last hour read back from Prometheus at `start`, when the plan asks for it.
    private let backfill: (services: [ServiceConfig], mappings: [MetricMapping])?

    init(_ plan: Plan, inbox: EventInbox, log: DiagnosticLog? = nil) {
        self.log = log
        backfill = plan.backfill ? (plan.services, plan.metricMappings) : nil
        store = plan.store
        audit = plan.actions?.audit
        self.inbox = inbox
        forwarder = ProbeForwarder(services: plan.services, mappings: plan.metricMappings, inbox: inbox)
        poller = CurlPoller(services: plan.services) { [forwarder] in forwarder.deliver($0) }
        collectors = plan.logs
            ? LogCollectors(services: plan.services, mapping: plan.mapping, filesFromStart: plan.filesFromStart,
                            hygiene: plan.hygiene) { inbox.post(.logs($0)) }
            : nil
        alertmanager = plan.alertmanager.map { am in AlertmanagerWatcher(server: am.server, secrets: am.secrets) { inbox.post(.remoteAlerts($0)) } }
        discovery = plan.discovery.map { d in
            TargetDiscoveryWatcher(listed: d.listed, opened: d.opened, secrets: d.secrets, mappings: plan.metricMappings,
                                   interval: d.listed.discover.map(\.refresh).min() ?? .seconds(30)) { inbox.post(.targetsDiscovered($0)) }
        }
        queries = plan.queries.flatMap { q in
            q.list.isEmpty ? nil : PromQLQueryWatcher(queries: q.list, secrets: q.secrets, backfill: q.backfill) { name, answer, at, backfill in
                inbox.post(.queryAnswered(name: name, answer: answer, at: at, backfill: backfill))
            }
        }
        notifier = plan.actions.map { actions in Notifier(secrets: actions.secrets, audit: actions.audit) { inbox.post($0) } }
        runner = plan.actions.map { actions in
            ActionRunner(audit: actions.audit, secrets: actions.secrets, origin: actions.origin, supervisor: SuperviseCommand.prefix) {
                inbox.post($0)
            }
        }
    }

    func start() {
        if let backfill {
            PromQLBackfillRun.start(services: backfill.services, mappings: backfill.mappings, deliver: { [inbox] in inbox.post(.scraped($0)) },
                                    problem: { [log] in log?.write($0) })
        }
        poller.start()
        collectors?.start()
        alertmanager?.start()
        discovery?.start()
        queries?.start()
    }

    func stop() {
        poller.stop()
        collectors?.stop()
        alertmanager?.stop()
        discovery?.stop()
        queries?.stop()
        // A notification still being retried is given up (and recorded so); what was queued for the store is written.
        if let notifier { waitFor { await notifier.stop() } }
        writes.sync {}
    }

    /// Queues a write for the store, off the loop's thread: the writes one second's effects ask for (spend, counter
    /// totals, timeline) go in one transaction; a failure is logged (the dashboard goes on).
    func save(_ write: StoreWrite, context: String) {
        guard let store, !write.isEmpty else { return }
        guard pendingWrites.add(write, context: context) else { return }   // a queued flush will take this one too
        writes.async { [pendingWrites, log] in
            let batch = pendingWrites.take()
            for context in Set(batch.map(\.context)) {
                let items = batch.filter { $0.context == context }.map(\.write)
                do { try store.save(items, context: context) } catch {
                    log?.write("\(items.map(\.what).joined(separator: ", ")) not kept: \(error)")
                }
            }
        }
    }

    /// Audits an acknowledgement, a silence or its end (the record also reaches the Actions screen) and keeps it in
    /// the store, off the loop's thread; a failure of either is logged, and does not keep the other from happening.
    func keep(_ note: AlertNote, context: String) {
        let by: (user: String, from: String?) = switch note {
        case let .acknowledged(_, ack): (ack.by, ack.from)
        case let .silenced(silence): (silence.by, silence.from)
        case let .unsilenced(_, user, from, _): (user, from)
        }
        let record = AuditRecord(note: note, context: context, user: by.user, sshClient: by.from, origin: "dashboard",
                                 id: UUID().uuidString.lowercased())
        writes.async { [store, audit, inbox, log] in
            do {
                try audit?.append(record)
                inbox.post(.audited([record]))
            } catch {
                log?.write("alert note not audited: \(error)")
            }
            do {
                switch note {
                case let .acknowledged(key, ack): try store?.save(ack: ack, key: key, context: context)
                case let .silenced(silence): try store?.save(silence: silence, context: context)
                case let .unsilenced(silence, _, _, _): try store?.delete(silence: silence.id, context: context)
                }
            } catch {
                log?.write("alert note not kept: \(error)")
            }
        }
    }

    /// Sends a change asked from the Alerts screen, audited; its records reach the Actions screen and the notice line
    /// (a change that could not even be audited comes back as a failed result that is shown, not written).
    private func sendToAlertmanager(_ change: AlertmanagerChange, context: String) {
        guard let alertmanager else { return }
        let user = Operator.user(), sshClient = Operator.sshClient()
        alertmanager.send(change, context: context, origin: "dashboard", user: user, sshClient: sshClient, refusal: nil, log: audit) {
            [inbox, log] records, failure in
            if let failure { log?.write("alertmanager \(change.action): \(failure)") }
            guard records.isEmpty else { inbox.post(.audited(records)); return }
            var shown = AuditRecord(phase: .result, id: UUID().uuidString.lowercased(), context: context, system: "alertmanager",
                                    action: change.action, request: "", origin: "dashboard", user: user, sshClient: sshClient)
            shown.result = ActionOutcome.Status.failed.rawValue
            shown.detail = failure
            inbox.post(.audited([shown]))
        }
    }

    /// Discovered services joined or left: the poller probes the ones that joined and forgets the others, their metrics
    /// are read (the last hour of those read from Prometheus first, as at start).
    private func changeFleet(adding added: [ServiceConfig], removing removed: Set<String>) {
        log?.write("fleet changed: \(added.count) joined, \(removed.count) left")
        forwarder.update(adding: added, removing: removed)
        poller.update(adding: added, removing: removed)
        if let backfill, added.contains(where: { $0.metrics?.promQL != nil }) {
            PromQLBackfillRun.start(services: added, mappings: backfill.mappings, deliver: { [inbox] in inbox.post(.scraped($0)) },
                                    problem: { [log] in log?.write($0) })
        }
    }

    func pace(_ interval: Duration) { collectors?.pace(interval) }

    func run(_ effect: Effect) {
        switch effect {
        case let .probeNow(names):
            poller.probeNow(names)
            queries?.askNow()
        case let .fleetChanged(added, removed): changeFleet(adding: added, removing: removed)
        case let .runAction(plan):
            log?.write("action \(plan.action) on \(plan.service)\(plan.dryRun ? " (dry run)" : ""): \(plan.maskedSummary)")
            runner?.start(plan)
        case let .cancelAction(id): runner?.cancel(id: id)
        case let .saveSpend(context, entries): save(.spend(entries), context: context)
        case let .noteAlert(context, note): keep(note, context: context)
        case let .saveCounterTotals(context, totals, at): save(.counterTotals(totals, at: at), context: context)
        case let .saveTimeline(context, entries): save(.timeline(entries), context: context)
        case let .notify(context, notifications): notifier?.send(notifications, context: context)
        case let .alertmanager(context, change): sendToAlertmanager(change, context: context)
        case .quit, .bell, .switchContext: break   // the runtime's own (the loop ends; the terminal rings)
        }
    }
}

/// Hands the poller's results to the loop: `/metrics` results are read here, on the poller thread (parsing a large
/// exposition must not stall the screen), and arrive as `.scraped`; everything else as `.probe`.
final class ProbeForwarder: Sendable {
    private let reader: Mutex<MetricsReader>
    private let inbox: EventInbox

    private let mappings: [MetricMapping]

    init(services: [ServiceConfig], mappings: [MetricMapping], inbox: EventInbox) {
        reader = Mutex(MetricsReader(services: services, mappings: mappings))
        self.mappings = mappings
        self.inbox = inbox
    }

    /// Services joined (their metrics read from now on) or left (their trackers dropped).
    func update(adding added: [ServiceConfig], removing removed: Set<String>) {
        reader.withLock { $0.update(adding: added, removing: removed, mappings: mappings) }
    }

    func deliver(_ result: ProbeResult) {
        guard result.kind == .metrics else {
            inbox.post(.probe(result))
            return
        }
        let scrape = reader.withLock { $0.read(result) }
        inbox.post(.scraped(scrape))
    }
}

/// Store writes waiting for the next flush: the first one added queues the flush, which takes them all.
final class PendingStoreWrites: Sendable {
    private let pending = Mutex<[(context: String, write: StoreWrite)]>([])

    /// Adds a write; true when it is the first since the last `take` (so the caller queues a flush).
    func add(_ write: StoreWrite, context: String) -> Bool {
        pending.withLock { pending in
            pending.append((context, write))
            return pending.count == 1
        }
    }

    func take() -> [(context: String, write: StoreWrite)] {
        pending.withLock { pending in
            defer { pending = [] }
            return pending
        }
    }
}
