import Foundation
import LookoutCore

/// The Providers screen: every provider and its models over the chosen window (`w` cycles 1m / 5m / 1h).
public struct ProvidersView {
    let state: AppState

    public init(state: AppState) { self.state = state }

    public func render(in area: Rect, canvas: inout Canvas) {
        var x = area.x
        x += canvas.write(" Providers", x: x, y: area.y, style: .title)
        x += canvas.write("  window \(state.window)", x: x, y: area.y, style: .key)
        x += canvas.write("  from the LLM calls in the logs", x: x, y: area.y, style: .dim)
        if state.providers.folded > 0 {
            canvas.write("  \(state.providers.folded) calls folded into \"other\" (label cap)", x: x, y: area.y, style: .warn,
                         maxWidth: area.maxX - x)
        }
        ProvidersTable(board: state.providers, window: state.window, now: state.now, withModels: true)
            .render(in: Rect(x: area.x + 1, y: area.y + 1, width: area.width - 2, height: area.height - 1), canvas: &canvas,
                    selected: state.providers.rows.isEmpty ? nil : state.providerSelection)
    }
}
