/// The one place state changes: `reduce(&state, event)` returns the effects for the edges to run.
public enum Reducer {
    public static func reduce(_ state: inout AppState, _ event: Event) -> [Effect] {
        switch event {
        case let .tick(now):
            state.now = max(state.now, now)
            return []
        case let .probe(result):
            state.now = max(state.now, result.startedAt)
            if let index = state.services.firstIndex(where: { $0.name == result.service }) {
                state.services[index].record(result)
            }
            return []
        case let .resize(rows):
            state.visibleRows = max(1, rows)
            clampScroll(&state)
            return []
        case .signal:
            return [.quit]
        case let .key(key):
            if state.showingHelp, key != .char("q") {
                state.showingHelp = false
                return []
            }
            guard let command = state.keyMap.command(for: key, on: state.screen.kind) else { return [] }
            return run(command, &state)
        }
    }

    static func run(_ command: Command, _ state: inout AppState) -> [Effect] {
        let last = max(0, state.services.count - 1)
        switch command {
        case .moveDown: state.selection = min(last, state.selection + 1)
        case .moveUp: state.selection = max(0, state.selection - 1)
        case .pageDown: state.selection = min(last, state.selection + state.visibleRows)
        case .pageUp: state.selection = max(0, state.selection - state.visibleRows)
        case .top: state.selection = 0
        case .bottom: state.selection = last
        case .open:
            if let service = state.selectedService { state.screen = .serviceDetail(name: service.name) }
        case .back:
            state.screen = .overview
        case .help:
            state.showingHelp.toggle()
        case .refresh:
            if let detail = state.detailService { return [.probeNow(services: [detail.name])] }
            return [.probeNow(services: state.services.map(\.name))]
        case .quit:
            return [.quit]
        }
        if case .serviceDetail = state.screen, [.moveUp, .moveDown, .top, .bottom, .pageUp, .pageDown].contains(command),
           let service = state.selectedService {
            state.screen = .serviceDetail(name: service.name)
        }
        clampScroll(&state)
        return []
    }

    static func clampScroll(_ state: inout AppState) {
        if state.selection < state.scroll { state.scroll = state.selection }
        if state.selection >= state.scroll + state.visibleRows { state.scroll = state.selection - state.visibleRows + 1 }
        state.scroll = max(0, min(state.scroll, max(0, state.services.count - state.visibleRows)))
    }
}
