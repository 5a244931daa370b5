import LookoutCore

/// Renders the whole dashboard for a state: header, the current screen, the hint bar, and help on top.
public enum DashboardView {
    public static func render(_ state: AppState, width: Int, height: Int) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        render(state, into: &canvas)
        return canvas
    }

    /// Draws `state` and reports what it laid out: the rows the current screen's list showed, which the reducer
    /// pages by (the view owns the viewport; the reducer never guesses a page height).
    @discardableResult
    public static func render(_ state: AppState, into canvas: inout Canvas) -> ViewLayout {
        let bounds = canvas.bounds
        guard bounds.width >= 20, bounds.height >= 5 else {
            canvas.write("lookout: terminal too small", x: 0, y: 0, style: .warn)
            return ViewLayout(listRows: 1)
        }
        // Firing and not silenced (the alert book moves once a second): the header counts them, the overview shows the worst.
        let alerts = state.alertBook.active(at: state.now)
        HeaderBar(state: state, alerts: alerts).render(in: bounds.rows(0, 1), canvas: &canvas)
        let body = Rect(x: 0, y: 1, width: bounds.width, height: bounds.height - 2)
        let listRows: Int
        switch state.screen {
        case .overview: listRows = OverviewView(state: state, alerts: alerts).render(in: body, canvas: &canvas)
        case .serviceDetail:
            listRows = body.height
            if let service = state.detailService {
                ServiceDetailView(service: service, now: state.now, chosenProvider: state.detailProvider,
                                  queries: state.queries.rows(about: service.name)).render(in: body, canvas: &canvas)
            }
        case .logs:
            listRows = LogsView(logs: state.logs).render(in: body, canvas: &canvas)
        case .providers:
            listRows = ProvidersView(state: state).render(in: body, canvas: &canvas)
        case .actions:
            listRows = ActionsView(state: state).render(in: body, canvas: &canvas)
        case .alerts:
            listRows = AlertsView(state: state).render(in: body, canvas: &canvas)
        case .timeline:
            listRows = TimelineView(state: state).render(in: body, canvas: &canvas)
        }
        // Where the list drew its selection: a click moves it relative to this line.
        let selectedRowY = (body.y..<body.maxY).first { y in (0..<bounds.width).contains { canvas[$0, y].highlighted } }
        HintBar(keyMap: state.keyMap, screen: state.screen.kind)
            .render(in: bounds.rows(bounds.height - 1, 1), canvas: &canvas)
        if let notice = state.notice {
            let line = bounds.rows(bounds.height - 1, 1)
            canvas.fill(line, with: Cell(" ", .hintBar))
            canvas.write(" " + notice, x: 0, y: line.y, style: .warn, maxWidth: bounds.width)
        }
        if let pane = state.action {
            ActionPaneView(pane: pane, followUps: state.followUps).render(in: body, canvas: &canvas)
        }
        if state.showingHelp {
            HelpView(keyMap: state.keyMap, screen: state.screen.kind).render(in: body, canvas: &canvas)
        }
        if let palette = state.palette {
            PaletteView(palette: palette, matches: palette.matches(in: state)).render(in: body, canvas: &canvas)
        }
        return ViewLayout(listRows: listRows, selectedRowY: selectedRowY)
    }
}

/// The top line: product, context, a fleet summary and the clock.
struct HeaderBar {
    let state: AppState
    let alerts: [Alert]

    func render(in area: Rect, canvas: inout Canvas) {
        var x = area.x
        x += canvas.write(" lookout ", x: x, y: area.y, style: .title)
        x += canvas.write("│ ", x: x, y: area.y, style: .border)
        x += canvas.write("context ", x: x, y: area.y, style: .dim)
        x += canvas.write(SafeText.escape(state.contextName) + " ", x: x, y: area.y, style: .normal)
        x += canvas.write("│ ", x: x, y: area.y, style: .border)
        let down = state.services.filter { $0.liveness.state == .down }.count
        let notReady = state.services.filter { $0.liveness.state != .down && $0.readiness?.state == .notReady }.count
        let ok = state.services.filter { $0.liveness.state == .up && $0.readiness?.state != .notReady }.count
        x += canvas.write("\(ok)/\(state.services.count) ok", x: x, y: area.y, style: .ok)
        if notReady > 0 { x += canvas.write(" · \(notReady) not ready", x: x, y: area.y, style: .bad) }
        if down > 0 { x += canvas.write(" · \(down) down", x: x, y: area.y, style: .bad) }
        if !alerts.isEmpty {
            let critical = alerts.contains { $0.severity == .critical }
            x += canvas.write(" │ \(alerts.count) alert\(alerts.count == 1 ? "" : "s")", x: x, y: area.y, style: critical ? .bad : .warn)
        }
        if state.readOnly { x += canvas.write(" │ read-only", x: x, y: area.y, style: .warn) }
        let clock = Format.clock(state.now) + " "
        let clockX = area.maxX - DisplayWidth.of(clock)
        if let budget = state.budgetStatuses.first {
            // The most urgent budget, on every screen; cut (never wrapped) before the clock.
            let style: StyleSlot = budget.isExhausted ? .bad : (budget.exhaustion != nil || budget.crossed != nil ? .warn : .dim)
            // The whole headline, else name and percentage, else the percentage alone: whatever fits before the clock.
            let room = clockX - x - 1
            let percent = NumberText.fixed(budget.fraction * 100, 0) + "%"
            let forms = [budget.headline(now: state.now), "\(budget.budget.name) \(percent)"].map { " │ $ " + SafeText.escape($0) } + [" │ $" + percent]
            if let text = forms.first(where: { DisplayWidth.of($0) <= room }) {
                x += canvas.write(text, x: x, y: area.y, style: style)
            }
        }
        if clockX > x { canvas.write(clock, x: clockX, y: area.y, style: .dim) }
    }
}
