/// The mouse, when the dashboard runs with `--mouse` (off by default: a terminal that reports the mouse stops
/// selecting text with it): the wheel moves a list's selection three rows, a click moves it to the clicked row —
/// relative to where the last frame drew the selection (`AppState.selectedRowY`), so every list works the same way.
/// Nothing happens while a prompt, a dialog, help or the palette is open, nor on a service's screen, which has no list.
extension Reducer {
    static let wheelRows = 3

    static func mouse(_ event: MouseEvent, _ state: inout AppState) -> [Effect] {
        guard !isTyping(state), state.action == nil, !state.showingHelp, state.palette == nil,
              state.screen.kind != .serviceDetail else { return [] }
        let steps: Int
        switch event {
        case .wheelUp: steps = -wheelRows
        case .wheelDown: steps = wheelRows
        case let .click(_, y):
            guard let selected = state.selectedRowY else { return [] }
            steps = y - selected
        }
        var effects: [Effect] = []
        for _ in 0..<abs(steps) { effects += run(steps < 0 ? .moveUp : .moveDown, &state) }
        return effects
    }
}
