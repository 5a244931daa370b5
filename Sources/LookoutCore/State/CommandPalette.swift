/// fzf-style fuzzy matching: the query's characters in order, anywhere in the candidate, case-insensitive; a match
/// scores higher when its characters run together, start words, or start the candidate.
public enum FuzzyMatch {
    /// The score of `query` in `candidate`, or nil when it does not match; an empty query matches everything with 0.
    public static func score(_ query: String, _ candidate: String) -> Int? {
        let q = Array(query.lowercased().filter { $0 != " " })
        let c = Array(candidate.lowercased())
        guard !q.isEmpty else { return 0 }
        var score = 0
        var qi = 0
        var previous = -2
        for (index, character) in c.enumerated() where qi < q.count && character == q[qi] {
            var points = 1
            if index == previous + 1 { points += 5 }                         // runs together
            if index == 0 { points += 8 }                                    // starts the candidate
            else if " -_/:.".contains(c[index - 1]) { points += 6 }          // starts a word
            score += points
            previous = index
            qi += 1
        }
        guard qi == q.count else { return nil }
        return score * 100 - c.count   // the shorter of two equal matches first
    }
}

/// One thing the `:` palette can do, as it is listed: `svc chat-api`, `redeploy chat-api`, `screen logs`.
public struct PaletteEntry: Sendable, Equatable {
    public enum Target: Sendable, Equatable {
        case screen(Command)
        case service(String)
        case provider(String)
        case action(name: String, service: String)
        case theme(String)
        case window(StatsWindow)
        case context(String)
    }

    public var label: String
    /// What it is, shown dim beside the label.
    public var kind: String
    public var target: Target

    public init(_ label: String, kind: String, _ target: Target) {
        self.label = label
        self.kind = kind
        self.target = target
    }
}

/// The `:` command palette (k9s's prompt, fuzzy like fzf): type part of a screen, service, provider, theme or action,
/// ↑/↓ choose among the matches, Tab completes, Enter runs, Esc closes; readline keys edit, Ctrl-P/Ctrl-N recall.
public struct CommandPalette: Sendable, Equatable {
    public var editor: LineEditor
    /// The highlighted match.
    public var selection = 0

    public init(history: [String]) { editor = LineEditor(limit: 120, history: history) }

    /// The entries the state offers, in a stable order.
    public static func entries(for state: AppState) -> [PaletteEntry] {
        var entries: [PaletteEntry] = [
            PaletteEntry("screen overview", kind: "screen", .screen(.showOverview)),
            PaletteEntry("screen providers", kind: "screen", .screen(.showProviders)),
            PaletteEntry("screen logs", kind: "screen", .screen(.showLogs)),
            PaletteEntry("screen alerts", kind: "screen", .screen(.showAlerts)),
            PaletteEntry("screen actions", kind: "screen", .screen(.showActions)),
            PaletteEntry("screen timeline", kind: "screen", .screen(.showTimeline)),
            PaletteEntry("help", kind: "screen", .screen(.help)),
        ]
        entries += state.services.map { PaletteEntry("svc \(SafeText.escape($0.name))", kind: "service", .service($0.name)) }
        entries += state.providers.providers.map { PaletteEntry("provider \(SafeText.escape($0))", kind: "provider", .provider($0)) }
        entries += StatsWindow.allCases.map { PaletteEntry("window \($0)", kind: "window", .window($0)) }
        entries += state.themeNames.map { PaletteEntry("theme \(SafeText.escape($0))", kind: "theme", .theme($0)) }
        entries += state.contextNames.filter { $0 != state.contextName }
            .map { PaletteEntry("ctx \(SafeText.escape($0))", kind: "context", .context($0)) }
        if !state.readOnly {
            for service in state.services {
                for action in service.config.actions where !action.takesProvider {
                    entries.append(PaletteEntry("\(SafeText.escape(action.name)) \(SafeText.escape(service.name))", kind: "action",
                                                .action(name: action.name, service: service.name)))
                }
            }
        }
        return entries
    }

    /// The entries matching what is typed, best first.
    public func matches(in state: AppState) -> [PaletteEntry] {
        let query = editor.text.trimmingCharacters(in: .whitespaces)
        let scored = Self.entries(for: state).enumerated().compactMap { index, entry -> (Int, Int, PaletteEntry)? in
            FuzzyMatch.score(query, entry.label).map { ($0, index, entry) }
        }
        return scored.sorted { ($0.0, -$0.1) > ($1.0, -$1.1) }.map(\.2)
    }
}
