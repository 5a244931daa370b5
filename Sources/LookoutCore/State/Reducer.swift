/// The one place state changes: `reduce(&state, event)` returns the effects for the edges to run.
public enum Reducer {
    public static func reduce(_ state: inout AppState, _ event: Event) -> [Effect] {
        switch event {
        case let .tick(now):
            state.now = max(state.now, now)
            updateFollowUps(&state)
            checkRolloutStalls(&state)
            let notify = updateAlerts(&state)
            recordBudgetCrossings(&state)
            state.ledger.prune(now: state.now)
            guard state.now.timeIntervalSince(state.storedAt) >= AppState.storeInterval else { return notify }
            state.storedAt = state.now
            return notify + spendEffects(&state) + timelineEffects(&state)
        case .probe, .scraped, .logs:
            ingest(event, &state)
            return []
        case let .resize(size):
            state.terminalSize = size
            return []
        case let .laidOut(layout):
            state.visibleRows = layout.listRows
            state.selectedRowY = layout.selectedRowY
            clampScroll(&state)
            return []
        case let .logsSkipped(count):
            state.logs.skip(count)
            return []
        case .spendLoaded, .timelineLoaded, .alertNotesLoaded, .countersLoaded:
            restore(event, &state)
            return []
        case .signal:
            return [.quit]
        case var .remoteAlerts(reading):
            // A failed reading keeps the alerts last read (and when), so one timeout hides nothing.
            if reading.problem != nil, let last = state.remoteAlerts, !last.alerts.isEmpty {
                reading.alerts = last.alerts
                reading.at = last.at
            }
            state.remoteAlerts = reading
            return []
        case let .targetsDiscovered(found):
            return takeDiscovered(found, &state)
        case let .queryAnswered(name, answer, at, backfill):
            state.queries.take(answer, name: name, at: at, backfill: backfill)
            return []
        case .actionOutput, .actionFinished, .audited:
            return actionEvent(event, &state)
        case let .key(key):
            // Alt-B/Alt-F edit a prompt's line. Anywhere else ESC and the key came in one read (a fast Esc then `:`):
            // they are two keys.
            if case let .alt(c) = key, !(isTyping(state) && LineEditor.altKeys.contains(c)) {
                return reduce(&state, .key(.escape)) + reduce(&state, .key(.char(c)))
            }
            if case let .mouse(event) = key { return mouse(event, &state) }
            state.notice = nil
            if let effects = actionKey(key, &state) { return effects }
            if state.palette != nil { return typePalette(key, &state) }
            if state.logs.filterInput != nil { return typeFilter(key, &state) }
            if state.silencePrompt != nil { return typeSilence(key, &state) }
            if state.serviceFilterEditor != nil { return typeServiceFilter(key, &state) }
            if state.showingHelp, key != .char("q") {
                state.showingHelp = false
                return []
            }
            guard let command = state.keyMap.command(for: key, on: state.screen.kind) else { return [] }
            return run(command, &state)
        }
    }

    /// Whether a prompt has the keyboard: the palette, the Logs filter, a silence, a typed confirmation.
    static func isTyping(_ state: AppState) -> Bool {
        state.palette != nil || state.logs.filterEditor != nil || state.silencePrompt != nil || state.serviceFilterEditor != nil
            || (state.action.map { $0.phase == .confirming && $0.requiresTypedName } ?? false)
    }

    /// What the fleet reports: a probe (health, with a timeline line when it changes), a scrape (calls, their cost and
    /// failures, gauges), log records (shown; counted when the service's metrics do not count them already).
    static func ingest(_ event: Event, _ state: inout AppState) {
        switch event {
        case let .probe(result):
            state.now = max(state.now, result.startedAt)
            guard let index = state.serviceIndex[result.service] else { return }
            let before = state.services[index].health.state
            let versionEvents = state.services[index].record(result)
            recordRollout(versionEvents, of: result.service, in: &state)
            recordHealth(of: result.service, from: before, to: state.services[index].health.state, reason: state.services[index].reason,
                         in: &state)
            updateFollowUps(&state)
        case let .scraped(scrape) where scrape.backfill:
            // The last hour read back from Prometheus: the providers' history, nothing else (see `PromQLBackfill`).
            guard state.serviceIndex[scrape.service] != nil else { return }
            for delta in scrape.deltas { _ = state.providers.add(delta, service: scrape.service, at: scrape.at ?? state.now) }
        case let .scraped(scrape):
            guard let index = state.serviceIndex[scrape.service] else { return }
            state.services[index].metricsStatus = scrape.status
            if scrape.baseline { startTotals(scrape, &state) }
            for delta in scrape.deltas {
                let cost = state.providers.add(delta, service: scrape.service, at: state.now)
                state.counterTotals.add(service: scrape.service, provider: delta.provider, model: delta.model,
                                        Spend(usd: cost ?? 0, tokens: delta.inputTokens + delta.outputTokens))
                state.callCounts.add(provider: delta.provider, requests: delta.requests, errors: delta.errors, at: state.now)
                state.ledger.record(Spend(usd: cost ?? 0, tokens: delta.inputTokens + delta.outputTokens), provider: delta.provider,
                                    model: delta.model, service: scrape.service, at: state.now)
            }
            for (provider, gauges) in scrape.gauges.sorted(by: { $0.key < $1.key }) {
                state.providers.setGauges(gauges, for: provider)
                if let remaining = gauges.remainingBudgetUSD { state.gatewayBudgets.record(provider, remaining: remaining, at: state.now) }
            }
            for (subject, remaining) in scrape.keyBudgets.sorted(by: { $0.key < $1.key }) {
                state.gatewayBudgets.record(subject, remaining: remaining, at: state.now)
            }
        case let .logs(batch):
            state.logs.append(batch, at: state.now)
            state.hygiene.record(batch, at: state.now)
            // A service whose metrics are scraped is counted from them; its log lines are still shown.
            let countedFromMetrics = state.serviceIndex[batch.service].map { state.services[$0].config.metrics != nil } ?? false
            guard !countedFromMetrics else { return }
            let service = state.services.contains { $0.name == batch.service } ? batch.service : nil
            for record in batch.records where record.isLLMCall {
                guard let at = ProviderBoard.bucketTime(of: record, now: state.now), let provider = record.provider else { continue }
                let cost = state.providers.add(record, service: service, at: at)
                state.callCounts.add(provider: provider, requests: 1, errors: record.isError ? 1 : 0, at: at)
                state.ledger.record(Spend(usd: cost ?? 0, tokens: (record.inputTokens ?? 0) + (record.outputTokens ?? 0)),
                                    provider: provider, model: record.model, service: service, at: at)
            }
        default:
            break
        }
    }

    /// What the local store kept from earlier runs: spend, the timeline, acknowledgements and silences.
    static func restore(_ event: Event, _ state: inout AppState) {
        switch event {
        case let .spendLoaded(entries): state.ledger.load(entries)
        case let .timelineLoaded(entries): state.timeline.load(entries)
        case let .countersLoaded(totals, at): state.keptTotals = KeptCounterTotals(totals: totals, at: at)
        case let .alertNotesLoaded(acks, silences): state.alertBook.restore(acks: acks, silences: silences, now: state.now)
        default: break
        }
    }

    /// Every `AppState.storeInterval`: what the ledger recorded since goes to the store (so a `kill -9` loses at most
    /// that much of it).
    static func spendEffects(_ state: inout AppState) -> [Effect] {
        guard !state.budgets.isEmpty else { return [] }
        guard state.savesSpend, state.ledger.hasUnsaved else { return [] }
        return [.saveSpend(context: state.contextName, state.ledger.takeUnsaved())]
    }

    /// Every `AppState.storeInterval`: the timeline's new entries go to the store, and the counters' totals when they
    /// moved — with the spend they stand for, so an estimate after a `kill -9` starts where the ledger stops.
    static func timelineEffects(_ state: inout AppState) -> [Effect] {
        guard state.savesTimeline else { _ = state.timeline.takeUnsaved(); return [] }
        let entries = state.timeline.takeUnsaved()
        var effects: [Effect] = entries.isEmpty ? [] : [.saveTimeline(context: state.contextName, entries)]
        if !state.counterTotals.totals.isEmpty, state.savedTotals != state.counterTotals {
            state.savedTotals = state.counterTotals
            effects.append(.saveCounterTotals(context: state.contextName, state.counterTotals, at: state.now))
        }
        return effects
    }

    static func run(_ command: Command, _ state: inout AppState) -> [Effect] {
        if let effects = runAnywhere(command, &state) { return effects }
        if state.screen == .logs { return runOnLogs(command, &state) }
        if state.screen == .providers, let effects = runOnProviders(command, &state) { return effects }
        if state.screen == .alerts, let effects = runOnAlerts(command, &state) { return effects }
        if state.screen == .timeline, let selection = moved(state.timelineSelection, by: command, count: state.timeline.entries.count,
                                                            page: state.visibleRows) {
            state.timelineSelection = selection
            return []
        }
        if state.screen == .actions, let selection = moved(state.auditSelection, by: command, count: state.audit.count,
                                                           page: state.visibleRows) {
            state.auditSelection = selection
            return []
        }
        let last = max(0, state.listedCount - 1)
        switch command {
        case .moveDown: state.selection = min(last, state.selection + 1)
        case .moveUp: state.selection = max(0, state.selection - 1)
        case .pageDown: state.selection = min(last, state.selection + state.visibleRows)
        case .pageUp: state.selection = max(0, state.selection - state.visibleRows)
        case .top: state.selection = 0
        case .bottom: state.selection = last
        case .open:
            if let service = state.selectedService {
                state.screen = .serviceDetail(name: service.name)
                state.detailProvider = 0
            }
        case .back:
            if state.screen == .overview, state.serviceFilter != nil { setServiceFilter(nil, &state) }
            state.screen = .overview
        case .help:
            state.showingHelp.toggle()
        case .refresh:
            if let detail = state.detailService { return [.probeNow(services: [detail.name])] }
            return [.probeNow(services: state.services.map(\.name))]
        case .quit:
            return [.quit]
        case .showOverview: state.screen = .overview
        case .showLogs: state.screen = .logs
        case .showProviders: state.screen = .providers
        case .showActions: state.screen = .actions
        case .showAlerts: state.screen = .alerts
        case .showTimeline: state.screen = .timeline
        case .cycleWindow:
            let all = StatsWindow.allCases
            state.window = all[(all.firstIndex(of: state.window)! + 1) % all.count]
        case .startFilter where state.screen == .overview:
            state.serviceFilterEditor = LineEditor(state.serviceFilter?.text ?? "")
        case .togglePause, .startFilter, .nextError, .previousError, .acknowledge, .silence, .unsilence:
            break   // the Logs' and Alerts' own
        case .openPalette, .cycleTheme, .chooseContext:
            break   // taken by `runAnywhere`
        case .nextProvider:
            let routes = state.detailService?.routes.count ?? 0
            state.detailProvider = routes == 0 ? 0 : (state.detailProvider + 1) % routes
        case .failoverDisable, .failoverStandby, .failoverPrimary, .redeploy:
            return ActionRequest(command).map { startAction($0, &state) } ?? []
        }
        if case .serviceDetail = state.screen, [.moveUp, .moveDown, .top, .bottom, .pageUp, .pageDown].contains(command),
           let service = state.selectedService {
            state.screen = .serviceDetail(name: service.name)
            state.detailProvider = 0
        }
        clampScroll(&state)
        return []
    }

    /// The commands that do the same on every screen (the palette, the theme, the context); nil for the others.
    static func runAnywhere(_ command: Command, _ state: inout AppState) -> [Effect]? {
        switch command {
        case .openPalette, .chooseContext:
            state.palette = CommandPalette(history: state.paletteHistory)
            if command == .chooseContext { state.palette?.editor.set("ctx ") }
            state.showingHelp = false
        case .cycleTheme:
            guard !state.themeNames.isEmpty else {
                state.notice = "no themes to cycle through"
                return []
            }
            let next = ((state.themeNames.firstIndex(of: state.themeName) ?? -1) + 1) % state.themeNames.count
            state.themeName = state.themeNames[next]
            state.notice = "theme \(state.themeName) (t: next · :theme NAME)"
        default:
            return nil
        }
        return []
    }

    /// Moves and Enter on the Providers screen; nil for the commands every screen shares.
    static func runOnProviders(_ command: Command, _ state: inout AppState) -> [Effect]? {
        let rows = state.providers.rows
        if let selection = moved(state.providerSelection, by: command, count: rows.count, page: state.visibleRows) {
            state.providerSelection = selection
            return []
        }
        switch command {
        case .open:
            guard rows.indices.contains(state.providerSelection) else { return [] }
            let row = rows[state.providerSelection]
            // Labels are single words in practice; one with a space cannot be a filter term and is skipped.
            // The window's start keeps the lines behind the numbers on screen.
            let labels = ["provider=\(row.provider)"] + (row.model.map { ["model=\($0)"] } ?? [])
            let since = LogFilter.afterTerm(state.now.addingTimeInterval(-Double(state.window.rawValue)))
            if !labels.joined().contains(" "), let filter = try? LogFilter((labels + [since]).joined(separator: " ")) {
                state.logs.setFilter(filter)
            }
            state.screen = .logs
        case .back: state.screen = .overview
        case .failoverDisable, .failoverStandby, .failoverPrimary: return ActionRequest(command).map { startAction($0, &state) } ?? []
        default: return nil
        }
        return []
    }

    /// Where a move command takes a selection in a list of `count` rows paged by `page`; nil for other commands.
    static func moved(_ selection: Int, by command: Command, count: Int, page: Int) -> Int? {
        let last = max(0, count - 1)
        switch command {
        case .moveDown: return min(last, selection + 1)
        case .moveUp: return max(0, selection - 1)
        case .pageDown: return min(last, selection + max(1, page))
        case .pageUp: return max(0, selection - max(1, page))
        case .top: return 0
        case .bottom: return last
        default: return nil
        }
    }

    static func runOnLogs(_ command: Command, _ state: inout AppState) -> [Effect] {
        switch command {
        case .moveDown: state.logs.move(by: 1)
        case .moveUp: state.logs.move(by: -1)
        case .pageDown: state.logs.move(by: state.visibleRows)
        case .pageUp: state.logs.move(by: -state.visibleRows)
        case .top: state.logs.jumpToTop()
        case .bottom: state.logs.jumpToBottom()
        case .open: state.logs.detail = state.logs.detail == nil ? state.logs.current : nil
        case .back:
            if state.logs.detail != nil { state.logs.detail = nil } else { state.screen = .overview }
        case .togglePause: state.logs.togglePause()
        case .startFilter:
            state.logs.filterEditor = LineEditor(state.logs.filter?.source ?? "", history: state.logs.filterHistory)
            state.logs.filterError = nil
        case .nextError: state.logs.jumpToError(forward: true)
        case .previousError: state.logs.jumpToError(forward: false)
        case .showOverview: state.screen = .overview
        case .showProviders: state.screen = .providers
        case .showActions: state.screen = .actions
        case .showAlerts: state.screen = .alerts
        case .showTimeline: state.screen = .timeline
        case .acknowledge, .silence, .unsilence: break
        case .showLogs, .cycleWindow, .failoverDisable, .failoverStandby, .failoverPrimary, .redeploy: break
        case .refresh: return [.probeNow(services: state.services.map(\.name))]
        case .help: state.showingHelp.toggle()
        case .quit: return [.quit]
        case .openPalette, .cycleTheme, .chooseContext, .nextProvider: break   // `run` takes the first three; the last is a service screen's
        }
        return []
    }

    /// Keys while typing a Logs filter: readline editing (`LineEditor`), Enter applies (and remembers it), Esc cancels.
    static func typeFilter(_ key: Key, _ state: inout AppState) -> [Effect] {
        guard var editor = state.logs.filterEditor else { return [] }
        switch key {
        case .enter:
            let text = editor.text.trimmingCharacters(in: .whitespaces)
            do {
                state.logs.setFilter(text.isEmpty ? nil : try LogFilter(text))
                state.logs.filterEditor = nil
                state.logs.filterError = nil
                state.logs.filterHistory = LineEditor.remember(text, in: state.logs.filterHistory)
            } catch {
                state.logs.filterError = error.description
            }
        case .escape:
            state.logs.filterEditor = nil
            state.logs.filterError = nil
        default:
            if editor.handle(key) == .edited { state.logs.filterEditor = editor }
        }
        return []
    }

    static func clampScroll(_ state: inout AppState) {
        if state.selection < state.scroll { state.scroll = state.selection }
        if state.selection >= state.scroll + state.visibleRows { state.scroll = state.selection - state.visibleRows + 1 }
        state.scroll = max(0, min(state.scroll, max(0, state.listedCount - state.visibleRows)))
    }

    /// Keys while typing the Overview's filter: the list follows each key; Enter keeps it, Esc drops it.
    static func typeServiceFilter(_ key: Key, _ state: inout AppState) -> [Effect] {
        guard var editor = state.serviceFilterEditor else { return [] }
        switch key {
        case .enter: state.serviceFilterEditor = nil
        case .escape:
            state.serviceFilterEditor = nil
            setServiceFilter(nil, &state)
        default:
            guard editor.handle(key) == .edited else { return [] }
            state.serviceFilterEditor = editor
            setServiceFilter(ServiceFilter(editor.text), &state)
        }
        return []
    }

    /// A new filter keeps the selected service selected when it is still listed, else the first row.
    static func setServiceFilter(_ filter: ServiceFilter?, _ state: inout AppState) {
        let selected = state.selectedService?.name
        state.serviceFilter = filter
        state.selection = state.listedServices.firstIndex { state.services[$0].name == selected } ?? 0
        clampScroll(&state)
    }
}
