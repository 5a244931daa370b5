extension Reducer {
    /// Keys while the `:` palette is open: ↑/↓ (and Tab to complete) choose among the matches, Enter runs the chosen
    /// one, Esc closes; every other key edits the line (Ctrl-P/Ctrl-N recall what was run before).
    static func typePalette(_ key: Key, _ state: inout AppState) -> [Effect] {
        guard var palette = state.palette else { return [] }
        let matches = palette.matches(in: state)
        switch key {
        case .escape:
            state.palette = nil
            return []
        case .down:
            palette.selection = min(max(0, matches.count - 1), palette.selection + 1)
        case .up:
            palette.selection = max(0, palette.selection - 1)
        case .tab:
            if matches.indices.contains(palette.selection) { palette.editor.set(matches[palette.selection].label) }
            palette.selection = 0
        case .enter:
            guard matches.indices.contains(palette.selection) else {
                state.notice = "nothing matches \"\(SafeText.escape(palette.editor.text))\""
                state.palette = nil
                return []
            }
            let entry = matches[palette.selection]
            state.paletteHistory = LineEditor.remember(entry.label, in: state.paletteHistory)
            state.palette = nil
            return runPaletteEntry(entry, &state)
        default:
            guard palette.editor.handle(key) == .edited else { return [] }
            palette.selection = 0
        }
        state.palette = palette
        return []
    }

    /// Does what an entry names, as its key would.
    static func runPaletteEntry(_ entry: PaletteEntry, _ state: inout AppState) -> [Effect] {
        switch entry.target {
        case let .screen(command):
            return run(command, &state)
        case let .service(name):
            guard let index = state.services.firstIndex(where: { $0.name == name }) else { return [] }
            state.selection = index
            state.screen = .serviceDetail(name: name)
            state.detailProvider = 0
            clampScroll(&state)
        case let .provider(name):
            state.screen = .providers
            if let row = state.providers.rows.firstIndex(where: { $0.provider == name && $0.model == nil }) {
                state.providerSelection = row
            }
        case let .action(name, service):
            return startAction(ActionRequest.named(name, service: service), &state)
        case let .theme(name):
            state.themeName = name
        case let .window(window):
            state.window = window
        case let .context(name):
            state.notice = "opening context \(SafeText.escape(name))…"
            return [.switchContext(name)]
        }
        return []
    }
}
