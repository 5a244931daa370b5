import LookoutCore

/// The start screen: one row per service with health, readiness, latency, age and the reason when not ready.
public struct OverviewView {
    let state: AppState
    /// The firing alerts, criticals first (`AlertRules.evaluate(state)`).
    let alerts: [Alert]

    public init(state: AppState, alerts: [Alert]) {
        self.state = state
        self.alerts = alerts
    }

    static let columns = [
        TableColumn("SERVICE", width: 12, flex: 1),
        TableColumn("PLATFORM", width: 9, flex: 1, dropPriority: 3),
        TableColumn("STATE", width: 9),
        TableColumn("HEALTH", width: 6, dropPriority: 4),
        TableColumn("READY", width: 9),
        TableColumn("VERSION", width: 9, flex: 2, dropPriority: 2),
        TableColumn("LATENCY", width: 7, alignRight: true),
        TableColumn("CHECKED", width: 7, alignRight: true, dropPriority: 1),
        TableColumn("LLM ERR", width: 7, alignRight: true, dropPriority: 5),
        TableColumn("REASON", width: 18, flex: 4),
    ]

    /// Draws the screen; returns the service rows the table showed.
    @discardableResult
    public func render(in whole: Rect, canvas: inout Canvas) -> Int {
        let area = Rect(x: whole.x, y: whole.y, width: whole.width, height: whole.height - 1)
        renderAlertStrip(in: whole.rows(whole.height - 1, 1), canvas: &canvas)
        let listed = state.listedServices
        let titleEnd = area.x + canvas.write(" Services", x: area.x, y: area.y, style: .title)
        drawFilter(listed: listed.count, x: titleEnd, y: area.y, area: area, canvas: &canvas)
        // Services first; the providers table, then the context's queries, take what is left, when there is room and
        // something to show.
        let servicesNeed = min(listed.count + 1, area.height / 2)
        let providerRows = state.providers.providers.count
        let providersHeight = providerRows == 0 ? 0 : min(providerRows + 2, max(0, area.height - 1 - servicesNeed))
        let queries = QueriesTable(rows: state.queries.rows, now: state.now)
        let queriesRoom = area.height - 1 - servicesNeed - (providersHeight > 2 ? providersHeight + 1 : 0) - 1
        let queriesHeight = state.queries.isEmpty ? 0 : min(queries.height + 1, max(0, queriesRoom))
        let bottom = (providersHeight > 2 ? providersHeight + 1 : 0) + (queriesHeight > 2 ? queriesHeight + 1 : 0)
        let servicesHeight = area.height - 1 - bottom
        // The view owns the viewport: the state's offset is a hint, moved so the selected service is on screen
        // however much room the providers table took. Only the rows on screen are made (a fleet of thousands).
        let scroll = Table.scroll(keeping: listed.isEmpty ? nil : state.selection, from: state.scroll,
                                  rows: listed.count, height: servicesHeight)
        let window = listed.dropFirst(scroll).prefix(max(0, servicesHeight - 1))
        let table = Table(columns: Self.columns, rows: window.map { row(state.services[$0]) },
                          selected: state.selection - scroll, scroll: 0)
        table.render(in: Rect(x: area.x + 1, y: area.y + 1, width: area.width - 2, height: servicesHeight), canvas: &canvas)
        let shown = max(1, servicesHeight - 1)
        if let hint = Table.positionHint(first: scroll, visible: shown, total: listed.count) {
            canvas.write(hint, x: area.maxX - DisplayWidth.of(hint), y: area.y, style: .key)
        }
        if queriesHeight > 2 {
            let top = area.maxY - queriesHeight
            var x = area.x + canvas.write(" Queries", x: area.x, y: top, style: .title)
            // Rows past the room left: said, and `lookout snapshot` lists them all.
            let (total, shown) = (queries.height - 1, queriesHeight - 2)
            if shown < total { x += canvas.write("  \(shown) of \(total) rows", x: x, y: top, style: .key) }
            canvas.write("  from Prometheus · " + SafeText.escape(state.queries.rows.first?.query.server.url ?? ""), x: x, y: top, style: .dim,
                         maxWidth: max(0, area.maxX - x))
            queries.render(in: Rect(x: area.x + 1, y: top + 1, width: area.width - 2, height: queriesHeight - 1), canvas: &canvas)
        }
        if providersHeight > 2 {
            let top = area.maxY - providersHeight - (queriesHeight > 2 ? queriesHeight + 1 : 0)
            canvas.write(" Providers", x: area.x, y: top, style: .title)
            var x = area.x + 10
            x += canvas.write("  \(state.window) window", x: x, y: top, style: .dim)
            if state.providers.pricedCalls > 0 {
                x += canvas.write("  · $ partly from \(state.providers.prices.origin)", x: x, y: top, style: .dim, maxWidth: max(0, area.maxX - x))
            }
            // Which sources feed it, as the Providers screen says, when there is room after the rest.
            let sources = "  · " + ProvidersView.sources(of: state)
            if DisplayWidth.of(sources) <= area.maxX - x { canvas.write(sources, x: x, y: top, style: .dim) }
            ProvidersTable(state: state, withModels: false)
                .render(in: Rect(x: area.x + 1, y: top + 1, width: area.width - 2, height: providersHeight - 1), canvas: &canvas)
        }
        if state.services.isEmpty {
            canvas.write("No services in context \(SafeText.escape(state.contextName)).", x: area.x + 2, y: area.y + 3, style: .dim)
        } else if listed.isEmpty {
            canvas.write("No service matches the filter (Esc clears it).", x: area.x + 2, y: area.y + 3, style: .dim)
        }
        return shown
    }

    /// The most severe firing alert, and how many more.
    func renderAlertStrip(in area: Rect, canvas: inout Canvas) {
        guard let first = alerts.first else {
            canvas.write(" no alerts firing", x: area.x, y: area.y, style: .dim)
            return
        }
        var x = area.x
        x += canvas.write(first.severity == .critical ? " ▲ CRIT " : " △ WARN ", x: x, y: area.y, style: first.severity == .critical ? .bad : .warn)
        x += canvas.write(SafeText.escape(first.subject) + ": ", x: x, y: area.y, style: .title)
        let more = alerts.count > 1 ? "  (+\(alerts.count - 1) more)" : ""
        // A firing alert whose condition went away stays until its rule's clearing time: said, so the strip does not
        // contradict the table above it ("down" while the row says healthy).
        var clearing = state.alertBook.listed(at: state.now).first { $0.key == first.key && $0.phase == .firing }?.clearSince
            .map { "  · recovered \(Format.age($0, now: state.now)) ago" } ?? ""
        // On a narrow terminal the alert's own words come first.
        if area.maxX - x - more.count - DisplayWidth.of(clearing) < 12 { clearing = "" }
        let room = max(0, area.maxX - x - more.count - DisplayWidth.of(clearing))
        x += canvas.write(SafeText.escape(first.message), x: x, y: area.y, style: .normal, maxWidth: room)
        x += canvas.write(clearing, x: x, y: area.y, style: .ok)
        canvas.write(more, x: x, y: area.y, style: .dim)
    }

    /// The error rate of the LLM calls the service made in the window (its logs or its metrics).
    func llmErrors(_ service: String) -> TableCell {
        guard let summary = state.providers.summary(service: service, window: state.window, now: state.now, percentiles: false),
              summary.requests > 0 else {
            return TableCell("–", .dim)
        }
        let rate = summary.errorRate
        return TableCell(NumberText.fixed(rate * 100, 1) + "%", rate >= AlertRules.errorRateWarning ? .bad : rate > 0 ? .warn : .dim)
    }

    /// How long the Services title says how discovery's targets last moved (the timeline keeps it).
    static let targetsChangeShown: Double = 600

    /// `  12 of 1,000 · filter: gw- !healthy`, or the filter's line while it is typed.
    private func drawFilter(listed: Int, x: Int, y: Int, area: Rect, canvas: inout Canvas) {
        if state.serviceFilterEditor == nil, state.serviceFilter == nil, let change = state.targetsChange,
           state.now.timeIntervalSince(change.at) < Self.targetsChangeShown {
            canvas.write("  Prometheus targets: \(change.text) · \(Format.age(change.at, now: state.now)) ago", x: x, y: y, style: .warn,
                         maxWidth: max(0, area.maxX - x - 12))
        } else if let editor = state.serviceFilterEditor {
            let start = x + canvas.write("  filter (Enter keeps, Esc clears): ", x: x, y: y, style: .key, maxWidth: max(0, area.maxX - x - 12))
            PromptLine(editor).draw(x: start, y: y, maxWidth: max(0, area.maxX - start - 12), canvas: &canvas)
        } else if let filter = state.serviceFilter {
            canvas.write("  \(listed) of \(state.services.count) · filter: " + SafeText.escape(filter.text) + "  (/ edits, Esc clears)",
                         x: x, y: y, style: .dim, maxWidth: max(0, area.maxX - x - 12))
        }
    }

    /// `1.4.2`; during a rollout `1.4.1→1.4.2 mixed 3:2`, highlighted (amber once stalled); `–` when not reported.
    func version(_ tracker: RolloutTracker) -> TableCell {
        guard let shown = tracker.display else { return TableCell("–", .dim) }
        guard let rollout = tracker.rollout else { return TableCell(shown) }
        let mix = tracker.mix(rollout)
        return TableCell(shown, rollout.stalled ? .warn : .title,
                         shorter: ["\(rollout.from.name)→\(rollout.to.name) \(mix)", "→\(rollout.to.name) \(mix)", "mixed \(mix)"])
    }

    func row(_ service: ServiceState) -> [TableCell] {
        // Health read from Prometheus has no latency of the service's own: the query's is Prometheus'.
        let latency = service.config.healthQuery != nil ? nil
            : service.lastLiveness.flatMap { $0.transportError == nil ? $0.timings.totalMillis : nil }
        return [
            service.config.insecure ? TableCell(SafeText.escape(service.name) + " !tls", .warn) : TableCell(SafeText.escape(service.name)),
            TableCell(SafeText.escape(service.config.platform), .dim),
            Format.state(service.health, now: state.now),
            Format.liveness(service.liveness.state),
            service.config.readinessPath == nil && service.readiness == nil ? TableCell("–", .dim) : Format.readiness(service.readiness),
            version(service.rollout),
            latency.map { TableCell(Format.millis($0)) } ?? TableCell("–", .dim),
            TableCell(Format.age(service.lastCheckedAt, now: state.now), .dim),
            llmErrors(service.name),
            service.reason.map { TableCell($0, .bad) } ?? TableCell(""),
        ]
    }
}
