import Foundation

/// Actions as reducer steps: opening a confirmation, keys inside the dialog, the run's events, follow-ups.
/// Every step that would change something outside lookout is an `Effect`, so tests read what would happen.
extension Reducer {
    /// The failover and redeploy keys: a confirmation dialog, or a notice saying why not.
    /// Which action to open the dialog for: a failover or redeploy key's, or one named from the `:` palette.
    public enum ActionRequest: Sendable, Equatable {
        case failoverDisable, failoverStandby, failoverPrimary, redeploy
        case named(String, service: String)

        /// The request of an action key's command; nil for other commands.
        public init?(_ command: Command) {
            switch command {
            case .failoverDisable: self = .failoverDisable
            case .failoverStandby: self = .failoverStandby
            case .failoverPrimary: self = .failoverPrimary
            case .redeploy: self = .redeploy
            default: return nil
            }
        }
    }

    public static func startAction(_ command: ActionRequest, _ state: inout AppState) -> [Effect] {
        guard !state.readOnly else {
            state.notice = "read-only: actions are disabled"
            return []
        }
        if let pane = state.action, pane.phase == .running {
            state.notice = "an action is running: wait for it, or Esc to cancel it"
            return []
        }
        var plans: [ActionPlan] = []
        do {
            switch command {
            case .failoverDisable, .failoverStandby, .failoverPrimary:
                if let service = state.detailService {
                    return try startServiceFailover(command, of: service, &state)
                }
                let rows = state.providers.rows
                guard state.screen == .providers, rows.indices.contains(state.providerSelection) else { return [] }
                let provider = rows[state.providerSelection].provider
                let role: ProviderRole = command == .failoverDisable ? .disabled : command == .failoverStandby ? .standby : .primary
                // Every service routing to the provider (all with a failover action when none reports routing).
                let candidates = state.services.filter { $0.config.action(named: "failover")?.takesProvider == true }
                let routed = candidates.filter { $0.routes.contains { $0.provider == provider } }
                // Only the services whose admin API can set this role (`roles:` of their failover action).
                let able = (routed.isEmpty ? candidates : routed).filter { $0.config.action(named: "failover")!.supports(role) }
                for service in able {
                    plans.append(try ActionPlan(service.config.action(named: "failover")!, service: service.config,
                                                context: state.contextName, provider: provider, role: role))
                }
                if plans.isEmpty {
                    state.notice = candidates.isEmpty ? "no service has a `failover` action taking {{provider}}"
                        : "no failover action here can make a provider \(role.rawValue) (see its `roles:`)"
                }
            case .redeploy:
                guard let service = state.detailService ?? (state.screen == .overview ? state.selectedService : nil) else { return [] }
                guard let action = service.config.action(named: "redeploy") else {
                    state.notice = "\(service.name) has no `redeploy` action"
                    return []
                }
                plans.append(try ActionPlan(action, service: service.config, context: state.contextName))
            case let .named(name, serviceName):
                guard let service = state.services.first(where: { $0.name == serviceName }),
                      let action = service.config.action(named: name), !action.takesProvider else { return [] }
                plans.append(try ActionPlan(action, service: service.config, context: state.contextName))
            }
        } catch {
            state.notice = "cannot plan the action: \(error.description)"
            return []
        }
        guard !plans.isEmpty else { return [] }
        open(plans, &state)
        return []
    }

    /// Opens the confirmation dialog for `plans`, each with its id.
    static func open(_ plans: [ActionPlan], _ state: inout AppState) {
        var plans = plans
        for index in plans.indices {
            plans[index].id = state.nextActionID
            state.nextActionID += 1
        }
        let typed = state.protectedContext || plans.contains { $0.confirm == .typeName }
        state.action = ActionState(plans: plans, requiresTypedName: typed)
    }

    /// x/s/p on a service's own screen: this service only, on the provider chosen (Tab) among those it routes to.
    static func startServiceFailover(_ command: ActionRequest, of service: ServiceState, _ state: inout AppState) throws(ActionTemplateError) -> [Effect] {
        let role: ProviderRole = command == .failoverDisable ? .disabled : command == .failoverStandby ? .standby : .primary
        guard let action = service.config.action(named: "failover"), action.takesProvider else {
            state.notice = "\(service.name) has no `failover` action taking {{provider}}"
            return []
        }
        guard service.routes.indices.contains(state.detailProvider) else {
            state.notice = "\(service.name) reports no providers (its routing endpoint) to fail over"
            return []
        }
        guard action.supports(role) else {
            state.notice = "\(service.name)'s failover cannot make a provider \(role.rawValue) (see its `roles:`)"
            return []
        }
        let plan = try ActionPlan(action, service: service.config, context: state.contextName,
                                  provider: service.routes[state.detailProvider].provider, role: role)
        open([plan], &state)
        return []
    }

    /// Keys while the action pane is up. Returns nil to let the key through (the pane is finished and the key is
    /// not one that closes it).
    static func actionKey(_ key: Key, _ state: inout AppState) -> [Effect]? {
        guard var pane = state.action else { return nil }
        var close = false
        defer { state.action = close ? nil : pane }
        switch pane.phase {
        case .confirming:
            switch key {
            case .escape:
                state.notice = "cancelled: nothing was sent"
                close = true
                return []
            case .tab:
                pane.dryRun.toggle()
            case .enter:
                guard pane.canConfirm else {
                    state.notice = "type \(pane.confirmationWord) to confirm"
                    return []
                }
                pane.phase = .running
                pane.current = 0
                var plan = pane.plans[0]
                plan.dryRun = pane.dryRun
                return [.runAction(plan)]
            default:
                if pane.requiresTypedName { pane.typing.handle(key) }
            }
            return []
        case .running:
            // No double fire: Enter and the action keys do nothing while it runs; Esc asks the runner to stop.
            if key == .escape { return [.cancelAction(id: pane.plans[pane.current].id)] }
            return []
        case .finished:
            if key == .escape || key == .enter {
                close = true
                return []
            }
            return nil
        }
    }

    static func actionEvent(_ event: Event, _ state: inout AppState) -> [Effect] {
        switch event {
        case let .actionOutput(id, line):
            guard var pane = state.action, pane.plans.indices.contains(pane.current), pane.plans[pane.current].id == id else { return [] }
            pane.appendOutput(line)
            state.action = pane
            return []
        case let .actionFinished(id, outcome):
            guard var pane = state.action, pane.phase == .running, pane.plans[pane.current].id == id else { return [] }
            pane.outcomes.append(outcome)
            let plan = pane.plans[pane.current]
            let good = outcome.status == .succeeded || outcome.status == .dryRun
            state.timeline.add(TimelineEntry(time: state.now, kind: .action, subject: plan.service,
                                             text: "\(plan.title): \(outcome.status.rawValue), \(outcome.detail)", severity: good ? nil : .warning))
            var effects: [Effect] = []
            if outcome.status == .succeeded {
                effects.append(.probeNow(services: [plan.service]))
                if let followUp = plan.followUp {
                    state.followUps.removeAll { $0.service == plan.service }
                    let running = state.services.first { $0.name == plan.service }?.rollout
                    state.followUps.append(FollowUpWatch(service: plan.service, action: plan.action, started: state.now,
                                                         deadline: state.now.addingTimeInterval(Double(followUp.timeout.milliseconds) / 1000),
                                                         fromVersion: (running?.settled ?? running?.latest)?.name))
                }
            }
            let goOn = outcome.status == .succeeded || outcome.status == .dryRun
            if goOn && pane.current + 1 < pane.plans.count {
                pane.current += 1
                var next = pane.plans[pane.current]
                next.dryRun = pane.dryRun
                effects.append(.runAction(next))
            } else {
                pane.phase = .finished
            }
            state.action = pane
            return effects
        case let .audited(records):
            state.audit.append(contentsOf: records)
            if state.audit.count > 500 { state.audit.removeFirst(state.audit.count - 500) }
            // A record read back stays selected when newer ones arrive above it; the newest row follows the newest.
            if state.auditSelection > 0 { state.auditSelection += records.count }
            state.auditSelection = min(state.auditSelection, max(0, state.audit.count - 1))
            // What Alertmanager made of a change asked from the Alerts screen.
            if let done = records.last(where: { $0.service == "alertmanager" && $0.phase == .result && $0.origin == "dashboard" }) {
                let what = done.action == "silence" ? "silence" : "expiry"
                state.notice = done.result == ActionOutcome.Status.succeeded.rawValue
                    ? "Alertmanager: \(what) done (\(done.detail ?? ""))"
                    : "Alertmanager: \(what) \(done.result ?? "failed"): \(done.detail ?? "")"
            }
            return []
        default:
            return []
        }
    }

    /// Moves the readiness watches on: a probe of a watched service, or the clock passing a deadline. A watch ends
    /// when the service is ready on one version after it went not ready or its version moved; a rolling deploy that
    /// keeps it ready throughout ends when the new version holds.
    static func updateFollowUps(_ state: inout AppState) {
        for index in state.followUps.indices where state.followUps[index].verdict == nil {
            let watch = state.followUps[index]
            guard let service = state.services.first(where: { $0.name == watch.service }) else { continue }
            let seconds = Int(state.now.timeIntervalSince(watch.started).rounded())
            let ready = service.readiness?.state == .ready && service.liveness.state == .up
            if !ready, service.lastReadiness.map({ $0.startedAt >= watch.started }) ?? false {
                state.followUps[index].sawNotReady = true
            }
            let tracker = service.rollout
            let current = tracker.settled?.name
            let moved = tracker.rollout != nil || (current != nil && watch.fromVersion != nil && current != watch.fromVersion)
            let settledNow = tracker.rollout == nil
            var verdict: FollowUpWatch.Verdict?
            if ready && settledNow && (state.followUps[index].sawNotReady || moved) {
                verdict = .readyAgain(seconds: seconds)
            } else if state.now >= watch.deadline {
                if let rollout = tracker.rollout, ready {
                    verdict = .stillMixed(seconds: seconds, mix: tracker.display ?? "\(rollout.from.name)→\(rollout.to.name)")
                } else {
                    verdict = ready ? .readyThroughout(seconds: seconds) : .timedOut(seconds: seconds)
                }
            }
            if let verdict {
                state.followUps[index].verdict = verdict
                state.followUps[index].toVersion = current ?? tracker.latest?.name
            }
        }
    }
}
