import ArgumentParser
import Foundation
import LookoutCore
import LookoutUI

/// `lookout themes [--preview NAME]`: the themes found and where, or one drawn on a sample Overview.
struct ThemesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "themes",
        abstract: "List the themes found (and where), or draw one on a sample screen.",
        discussion: """
            Examples:
              lookout themes
              lookout themes --preview light
              LOOKOUT_THEMES=~/my-themes lookout themes
            """)

    @Option(name: .long, help: "Draw this theme on a sample Overview (ANSI colours, 256 or 16 as the terminal has).")
    var preview: String?

    @Option(name: .long, help: "Columns of the preview.")
    var width = 100

    func run() throws {
        let (themes, problems) = ThemeLoader.all()
        for problem in problems { printError(problem) }
        guard let name = preview else {
            for found in themes { print("\(found.theme.name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(found.file ?? "(built in)")") }
            print("\nlookup: \(ThemeLoader.directories().joined(separator: ", ")), then the built-in default")
            return
        }
        guard let theme = themes.first(where: { $0.theme.name == name })?.theme else {
            printError("lookout themes: no theme named \(name) (found: \(themes.map(\.theme.name).joined(separator: ", ")))")
            throw ExitCode(2)
        }
        let colors = (ProcessInfo.processInfo.environment["TERM"] ?? "").contains("256") ? 256 : 16
        print(AnsiText.render(DashboardView.render(ThemePreview.state(), width: max(60, min(width, 200)), height: 14), theme: theme,
                              colors: colors), terminator: "")
    }
}

/// A sample fleet for previews: one service healthy on a version, one not ready, one down, one never probed.
enum ThemePreview {
    static func state() -> AppState {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let services = ["chat-api", "rag-search", "embed-worker", "batch"].map { ServiceConfig(name: $0, platform: "sample", baseURL: "http://x") }
        var state = AppState(context: ContextConfig(name: "preview", services: services), now: now)
        func probe(_ name: String, _ kind: ProbeKind, _ status: Int?, _ body: String, error: String? = nil) -> Event {
            .probe(ProbeResult(service: name, kind: kind, startedAt: now, httpStatus: status, body: Array(body.utf8),
                               transportError: error.map { TransportError(code: 7, message: $0) }, timings: ProbeTimings(totalMicros: 23_000)))
        }
        for event in [
            probe("chat-api", .liveness, 200, #"{"status":"healthy","version":"1.4.2"}"#),
            probe("chat-api", .readiness, 200, #"{"status":"ready","checks":{"database":"healthy"}}"#),
            probe("rag-search", .liveness, 200, #"{"status":"healthy","version":"2.0.3"}"#),
            probe("rag-search", .readiness, 503, #"{"status":"not_ready","checks":{"cache":"unhealthy: connection refused"}}"#),
            probe("embed-worker", .liveness, nil, "", error: "Connection refused"),
        ] { _ = Reducer.reduce(&state, event) }
        _ = Reducer.reduce(&state, .key(.char("j")))
        return state
    }
}
