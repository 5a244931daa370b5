import Foundation
import LookoutCore

/// The Providers screen: every provider and its models over the chosen window (`w` cycles 1m / 5m / 1h), and
/// below, the selected provider: roles per service, LiteLLM state, sparklines and the what-if cost of moving it.
public struct ProvidersView {
    let state: AppState
    /// Rows of the selected provider's panel.
    static let panelRows = 8

    public init(state: AppState) { self.state = state }

    /// Draws the screen; returns the rows the providers table showed.
    @discardableResult
    public func render(in area: Rect, canvas: inout Canvas) -> Int {
        var x = area.x
        x += canvas.write(" Providers", x: x, y: area.y, style: .title)
        x += canvas.write("  window \(state.window)", x: x, y: area.y, style: .key)
        x += canvas.write("  " + sources, x: x, y: area.y, style: .dim, maxWidth: max(0, area.maxX - x))
        if state.providers.pricedCalls > 0 {
            x += canvas.write("  · \(state.providers.pricedCalls) calls priced from \(state.providers.prices.origin)", x: x, y: area.y,
                              style: .dim, maxWidth: max(0, area.maxX - x))
        }
        if state.providers.folded > 0 {
            canvas.write("  \(state.providers.folded) calls folded into \"other\" (label cap)", x: x, y: area.y, style: .warn,
                         maxWidth: area.maxX - x)
        }
        let rows = state.providers.rows
        // The selected provider's panel sits at the bottom when the screen has room for it and the table.
        let panel = rows.isEmpty || area.height < 14 ? 0 : Self.panelRows
        let tableArea = Rect(x: area.x + 1, y: area.y + 1, width: area.width - 2, height: area.height - 1 - (panel > 0 ? panel + 1 : 0))
        let selected = rows.isEmpty ? nil : state.providerSelection
        ProvidersTable(state: state, withModels: true).render(in: tableArea, canvas: &canvas, selected: selected)
        let visible = max(1, tableArea.height - 1)
        // Where the visible rows sit in the whole list, at the title line's right end.
        let first = ProvidersTable.scroll(selected: selected, rows: rows.count, height: tableArea.height)
        if let hint = Table.positionHint(first: first, visible: visible, total: rows.count) {
            canvas.write(hint, x: area.maxX - DisplayWidth.of(hint), y: area.y, style: .key)
        }
        guard panel > 0, rows.indices.contains(state.providerSelection) else { return visible }
        renderPanel(provider: rows[state.providerSelection].provider,
                    in: Rect(x: area.x + 1, y: area.maxY - panel, width: area.width - 2, height: panel), canvas: &canvas)
        return visible
    }

    /// Which sources feed the table: the logs, and the services counted from their metrics — scraped, or read from
    /// Prometheus (`support-bot via Prometheus`); past three such services, how many of each.
    var sources: String { Self.sources(of: state) }

    static func sources(of state: AppState) -> String {
        let counted = state.services.filter { $0.config.metrics != nil }
        guard !counted.isEmpty else { return "from the LLM calls in the logs" }
        let viaPrometheus = counted.filter { $0.config.metrics?.promQL != nil }.count
        if counted.count > 3 {
            return "from the logs, and the metrics of \(counted.count) services"
                + (viaPrometheus == 0 ? "" : " (\(viaPrometheus) via Prometheus)")
        }
        let names = counted.map { SafeText.escape($0.name) + ($0.config.metrics?.promQL == nil ? "" : " via Prometheus") }
        return "from the logs, and the metrics of \(names.joined(separator: ", "))"
    }

    func renderPanel(provider: String, in area: Rect, canvas: inout Canvas) {
        var y = area.y
        var x = area.x
        x += canvas.write(SafeText.escape(provider), x: x, y: y, style: .title)
        if let roles = state.roles(of: provider) {
            let text = roles.byService.map { "\($0.role.rawValue) for \(SafeText.escape($0.service))" }.joined(separator: " · ")
            x += canvas.write("  " + text, x: x, y: y, style: roles.strongest == .primary ? .ok : .warn, maxWidth: area.maxX - x)
        } else {
            x += canvas.write("  role unknown (no service reports routing)", x: x, y: y, style: .dim, maxWidth: area.maxX - x)
        }
        y += 1
        let summary = state.providers.summary(provider: provider, window: .fiveMinutes, now: state.now)
        var facts: [(String, StyleSlot)] = []
        if let gauges = state.providers.gauges[provider] {
            if let alert = AlertRules.deploymentAlerts(provider, gauges).first {
                facts.append((alert.message, alert.severity == .critical ? .bad : .warn))
            } else if gauges.deploymentState != nil {
                let count = gauges.deployments.count
                facts.append(("LiteLLM healthy" + (count > 1 ? " (\(count) deployments)" : ""), .ok))
            }
            if let remaining = gauges.remainingRequests { facts.append(("headroom " + NumberText.fixed(remaining, 0) + " requests", remaining < AlertRules.headroomWarning ? .bad : .normal)) }
            if let remaining = gauges.remainingTokens { facts.append((NumberText.fixed(remaining, 0) + " tokens", .normal)) }
            if let budget = state.gatewayBudgets.statuses(now: state.now).first(where: { $0.provider == provider }) {
                var text = "LiteLLM budget $" + NumberText.fixed(budget.remaining, 2) + " left"
                if let at = budget.exhaustion, budget.remaining > 0 { text += " · out ~" + BudgetStatus.moment(at, now: state.now) }
                facts.append((text, budget.remaining <= 0 ? .bad : (budget.exhaustion != nil ? .warn : .normal)))
            }
        }
        if let cooldowns = summary?.cooldowns, cooldowns > 0 { facts.append(("\(cooldowns) cooldowns in 5m", .warn)) }
        x = area.x
        for (text, style) in facts { x += canvas.write(text + "   ", x: x, y: y, style: style, maxWidth: max(0, area.maxX - x)) }
        if facts.isEmpty { canvas.write("no gauges (LiteLLM metrics give deployment state and rate-limit headroom)", x: x, y: y, style: .dim) }
        y += 1
        let width = max(8, min(30, (area.width - 48) / 3))
        x = area.x
        for (label, metric, latest) in [("p95", SeriesMetric.p95Latency, summary?.p95Ms.map(Format.millis) ?? "–"),
                                        ("errors", .errorRate, summary.map { NumberText.fixed($0.errorRate * 100, 0) + "%" } ?? "–"),
                                        ("$/h", .cost, summary.map { NumberText.fixed($0.costPerHour, 2) } ?? "–")] {
            x += canvas.write(label + " ", x: x, y: y, style: .dim)
            x += canvas.write(Sparkline.text(state.providers.series(metric, provider: provider, now: state.now), width: width),
                              x: x, y: y, style: metric == .errorRate && (summary?.errorRate ?? 0) >= 0.05 ? .bad : .normal)
            x += canvas.write(" \(latest)   ", x: x, y: y, style: .normal)
        }
        canvas.write("(5m, 10 s per bar)", x: x, y: y, style: .dim, maxWidth: max(0, area.maxX - x))
        y += 1
        let estimates = WhatIf.estimates(board: state.providers, provider: provider, window: state.window, now: state.now)
        if estimates.isEmpty {
            canvas.write("what-if: needs traffic in the window, and another provider with a list price or calls that carried costs",
                         x: area.x, y: y, style: .dim, maxWidth: area.width)
        }
        for estimate in estimates.prefix(area.maxY - y) {
            let change = estimate.movedPerHour - estimate.currentPerHour
            var x = area.x
            x += canvas.write("what-if → ", x: x, y: y, style: .key)
            let priced = estimate.model.map { " " + SafeText.escape($0) } ?? " at its observed $/token"
            x += canvas.write(String(format: "%@%@: $%.2f/h ", SafeText.escape(estimate.to), priced, estimate.movedPerHour),
                              x: x, y: y, style: .normal, maxWidth: area.maxX - x)
            x += canvas.write(String(format: "(%@$%.2f/h", change <= 0 ? "−" : "+", abs(change)), x: x, y: y, style: change <= 0 ? .ok : .warn,
                              maxWidth: max(0, area.maxX - x))
            let basis: String
            switch estimate.basis {
            case let .listPrice(asOf): basis = asOf.map { ", list prices of \($0)" } ?? ""
            case .observed: basis = ""
            }
            canvas.write(String(format: " vs $%.2f/h now on %@%@)", estimate.currentPerHour, SafeText.escape(provider), basis), x: x, y: y,
                         style: .dim, maxWidth: max(0, area.maxX - x))
            y += 1
        }
    }
}
