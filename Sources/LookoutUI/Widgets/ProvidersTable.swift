import Foundation
import LookoutCore

/// Providers (and, when expanded, their models) with rates, percentiles, errors by class, tokens and cost
/// over one window: the table the Overview and the Providers screen share.
public struct ProvidersTable {
    let board: ProviderBoard
    let window: StatsWindow
    let now: Date
    let withModels: Bool
    /// Each provider's strongest role across the services that report routing.
    let roles: [String: ProviderRole]

    public init(board: ProviderBoard, window: StatsWindow, now: Date, withModels: Bool, roles: [String: ProviderRole] = [:]) {
        self.board = board
        self.window = window
        self.now = now
        self.withModels = withModels
        self.roles = roles
    }

    /// The table for `state`: its board, window, clock and the roles its services report.
    public init(state: AppState, withModels: Bool) {
        var roles: [String: ProviderRole] = [:]
        for provider in state.providers.providers { roles[provider] = state.roles(of: provider)?.strongest }
        self.init(board: state.providers, window: state.window, now: state.now, withModels: withModels, roles: roles)
    }

    static let columns = [
        TableColumn("PROVIDER", width: 12, flex: 1),
        TableColumn("ROLE", width: 8, dropPriority: 6),
        TableColumn("REQ/MIN", width: 7, alignRight: true),
        TableColumn("P50", width: 6, alignRight: true, dropPriority: 2),
        TableColumn("P95", width: 6, alignRight: true),
        TableColumn("P99", width: 6, alignRight: true, dropPriority: 3),
        TableColumn("ERR%", width: 5, alignRight: true),
        TableColumn("429", width: 4, alignRight: true),
        TableColumn("5XX", width: 4, alignRight: true, dropPriority: 1),
        TableColumn("TMO", width: 4, alignRight: true, dropPriority: 1),
        TableColumn("MOSTLY", width: 7, dropPriority: 2),
        TableColumn("TOK/MIN", width: 7, alignRight: true, dropPriority: 4),
        TableColumn("$/HOUR", width: 7, alignRight: true),
        TableColumn("REQUESTS (5m)", width: 13, dropPriority: 5),
    ]

    /// Rows: each provider, then its models (indented) when `withModels`.
    public var rows: [[TableCell]] {
        board.providers.flatMap { provider -> [[TableCell]] in
            guard let summary = board.summary(provider: provider, window: window, now: now) else { return [] }
            var rows = [row(SafeText.escape(provider), summary, series: board.requestSeries(provider: provider, now: now),
                            role: roles[provider])]
            if withModels {
                for model in board.models[provider] ?? [] {
                    if let modelSummary = board.summary(provider: provider, model: model, window: window, now: now) {
                        rows.append(row("  " + SafeText.escape(model), modelSummary, series: nil, role: nil))
                    }
                }
            }
            return rows
        }
    }

    func row(_ name: String, _ s: WindowSummary, series: [Double]?, role: ProviderRole?) -> [TableCell] {
        func percent(_ value: Double, warnAt: Double) -> TableCell {
            TableCell(s.requests == 0 ? "–" : NumberText.fixed(value * 100, 1), value >= warnAt ? .bad : value > 0 ? .warn : .dim)
        }
        func ms(_ value: Double?) -> TableCell { value.map { TableCell(Format.millis($0)) } ?? TableCell("–", .dim) }
        return [
            TableCell(name, s.errorRate >= 0.05 ? .bad : .normal),
            TableCell(role?.rawValue ?? "", role == .primary ? .ok : role == .disabled ? .warn : .dim),
            TableCell(NumberText.fixed(s.requestsPerMinute, 1)),
            ms(s.p50Ms), ms(s.p95Ms), ms(s.p99Ms),
            percent(s.errorRate, warnAt: 0.05),
            percent(s.errorRate(.rateLimit), warnAt: 0.02),
            percent(s.errorRate(.server), warnAt: 0.02),
            percent(s.errorRate(.timeout), warnAt: 0.02),
            // The main class of the errors, whichever it is (connection, auth, 4xx… have no column of their own).
            s.mainErrorClass.map { TableCell($0.label, s.errorRate >= 0.05 ? .bad : .warn) } ?? TableCell("", .dim),
            TableCell(Self.compact(s.tokensPerMinute), .dim),
            TableCell(NumberText.fixed(s.costPerHour, 2)),
            TableCell(series.map { Sparkline.text($0, width: 13) } ?? "", .dim),
        ]
    }

    /// `950`, `12.3k`, `1.2M`.
    static func compact(_ value: Double) -> String {
        if value >= 1_000_000 { return NumberText.fixed(value / 1_000_000, 1) + "M" }
        if value >= 1000 { return NumberText.fixed(value / 1000, 1) + "k" }
        return NumberText.fixed(value, 0)
    }

    /// The first row shown so that `selected` is visible in `area` (the header takes one line).
    public static func scroll(selected: Int?, rows: Int, height: Int) -> Int {
        Table.scroll(keeping: selected, rows: rows, height: height)
    }

    /// Draws the table; with a selection, scrolled so the selected row is on screen.
    public func render(in area: Rect, canvas: inout Canvas, selected: Int? = nil) {
        let rows = self.rows
        let table = Table(columns: Self.columns, rows: rows, selected: selected,
                          scroll: Self.scroll(selected: selected, rows: rows.count, height: area.height))
        table.render(in: area, canvas: &canvas)
        if board.providers.isEmpty {
            canvas.write("no LLM calls in the logs yet", x: area.x + 1, y: area.y + 1, style: .dim)
        }
    }
}
