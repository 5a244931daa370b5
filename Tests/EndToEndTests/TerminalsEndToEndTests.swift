import Foundation
import Glibc
import Testing

/// The habits of the hand in a real terminal: the `:` palette, `t` for the next theme, readline keys in the Logs filter;
/// and the themes found after `make install`.
@Suite("End to end: terminals and habits", .serialized)
struct TerminalsEndToEndTests {
    /// An SGR sequence that sets a foreground colour (8, bright or 256-colour).
    static let foregroundColour = "\u{1b}\\[([0-9]+;)*(3[0-7]|9[0-7]|38;5;[0-9]+)[;m]"

    @Test func thePaletteJumpsTTheThemeChangesAndCtrlUClearsTheFilter() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        // `swift test` sets NO_COLOR=1 for what it runs, and lookout respects it: unset here, tested below.
        let tmux = try TmuxSession(command: "exec env -u NO_COLOR TERM=xterm-256color \(binary) demo --log-file \(scratch.path("lookout.log"))",
                                   width: 120, height: 30)
        defer { tmux.kill() }
        try tmux.waitFor("the demo's services", seconds: 30) { ScreenTable.row("support-bot", in: $0).contains("ready") }

        // `:` then part of a name: the service's detail screen.
        try tmux.send(":")
        try tmux.send("-l", "embed")
        try tmux.waitFor(text: "svc embed-worker", seconds: 5)
        try tmux.send("Enter")
        let detail = try tmux.waitFor("embed-worker's detail", seconds: 5) { $0.split(separator: "\n").dropFirst().first?.hasPrefix(" embed-worker") == true }
        #expect(detail.contains("Readiness checks"))
        try tmux.send("Escape")

        // `t`: the next theme, drawn at once — the header's colours change.
        try tmux.waitFor(text: "SERVICE", seconds: 5)
        let before = tmux.screenWithColours().split(separator: "\n").first.map(String.init) ?? ""
        try tmux.send("t")
        try tmux.waitFor(text: "theme dracula", seconds: 5)
        let after = tmux.screenWithColours().split(separator: "\n").first.map(String.init) ?? ""
        #expect(before.range(of: Self.foregroundColour, options: .regularExpression) != nil, "colours are drawn: \(before.debugDescription)")
        #expect(before != after, "the header is drawn in the new theme's colours")

        // The Logs filter: Ctrl-U clears what was typed (it used to append a character), Alt-B moves by word.
        try tmux.send("4")
        try tmux.send("/")
        try tmux.send("-l", "provider:openai")
        try tmux.waitFor(text: "/provider:openai▏", seconds: 5)
        try tmux.send("C-u")
        try tmux.waitFor("an empty filter", seconds: 5) { $0.contains("/▏  Enter apply") }
        try tmux.send("-l", "level>=error chat")
        try tmux.send("M-b")
        try tmux.send("C-k")
        try tmux.send("Enter")
        try tmux.waitFor(text: "filter: level>=error", seconds: 5)
        try tmux.send("q")

        // NO_COLOR: the monochrome theme — attributes, no colour.
        let plain = try TmuxSession(command: "exec env NO_COLOR=1 TERM=xterm-256color \(binary) demo --log-file \(scratch.path("plain.log"))",
                                    width: 120, height: 30)
        defer { plain.kill() }
        try plain.waitFor("the demo's services", seconds: 30) { ScreenTable.row("support-bot", in: $0).contains("ready") }
        let coloured = plain.screenWithColours().range(of: Self.foregroundColour, options: .regularExpression)
        #expect(coloured == nil, "no foreground colour anywhere: \(plain.screenWithColours().prefix(400).debugDescription)")
        try plain.send("t")
        try plain.waitFor(text: "theme default", seconds: 5)
    }

    @Test func contextsSwitchLiveFromThePalette() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let (config, yaml, fleet) = try DemoFleetProcess.start(scratch, binary)
        defer { kill(fleet, SIGTERM); _ = Spawn.wait(fleet) }
        // A second context watching one of the fleet's services under another name, in its own theme.
        let url = try #require(yaml.components(separatedBy: "url: ").dropFirst().first?.components(separatedBy: "\n").first)
        try (yaml + (yaml.hasSuffix("\n") ? "" : "\n") + "  staging:\n    theme: light\n    services:\n      - name: solo-api\n        url: \(url)\n        interval: 5s\n")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let tmux = try TmuxSession(command: "exec env -u NO_COLOR TERM=xterm-256color \(binary) --config \(config) --log-file \(scratch.path("lookout.log"))",
                                   width: 120, height: 30)
        defer { tmux.kill() }
        try tmux.waitFor("the demo context", seconds: 20) { $0.contains("context demo") && ScreenTable.row("chat-api", in: $0).contains("ready") }
        try tmux.send(":")
        try tmux.send("-l", "ctx stag")
        try tmux.waitFor(text: "ctx staging", seconds: 5)
        try tmux.send("Enter")
        let staging = try tmux.waitFor("the staging context", seconds: 20) { screen in
            screen.contains("context staging") && ScreenTable.row("solo-api", in: screen).contains("ready")
        }
        #expect(!staging.contains("chat-api"), "the demo context's services are gone with its fleet")
        try tmux.send("c")
        try tmux.waitFor(text: ":ctx ▏", seconds: 5)
        try tmux.send("-l", "demo")
        try tmux.send("Enter")
        try tmux.waitFor("back on demo", seconds: 20) { $0.contains("context demo") && ScreenTable.row("chat-api", in: $0).contains("ready") }
        try tmux.send("q")
        let log = try String(contentsOfFile: scratch.path("lookout.log"), encoding: .utf8)
        #expect(log.contains("dashboard stopped: switch to context staging") && log.contains("dashboard started: context staging, 1 services"))
    }

    /// A frame goes to the terminal in one `write`: ncurses 6.4 flushed at every cursor move until the screen had once
    /// been suspended, so a frame of a dozen changed cells was a dozen system calls and a dozen wake-ups for tmux or
    /// sshd (134 writes in 10 s on the demo before; 5 after). Counted from the main thread's `syscw` in /proc, which
    /// is the thread that draws.
    @Test func aFrameGoesToTheTerminalInOneWrite() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let tmux = try TmuxSession(command: "exec env -u NO_COLOR TERM=xterm-256color \(binary) demo --log-file \(scratch.path("lookout.log"))",
                                   width: 120, height: 40)
        defer { tmux.kill() }
        try tmux.waitFor("the demo's services", seconds: 30) { ScreenTable.row("support-bot", in: $0).contains("ready") }
        let pid = try tmux.panePID()
        func writes() throws -> Int {
            let io = try String(contentsOfFile: "/proc/\(pid)/task/\(pid)/io", encoding: .utf8)
            return io.split(separator: "\n").first { $0.hasPrefix("syscw:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) } ?? -1
        }
        let before = try writes()
        let screenBefore = tmux.screen()
        sleep(8)
        let written = try writes() - before
        // The fleet changes all the time, so frames were drawn (one each 2 s, `--refresh`'s default) — each one write.
        #expect(tmux.screen() != screenBefore, "frames were drawn in those 8 s")
        #expect(written >= 1 && written <= 8, "\(written) writes in 8 s from the thread that draws")
    }

    @Test func withLangCEverythingIsDrawnInASCII() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let tmux = try TmuxSession(command: "exec env -u NO_COLOR LANG=C LC_ALL=C TERM=xterm-256color \(binary) demo --log-file \(scratch.path("lookout.log"))",
                                   width: 100, height: 30)
        defer { tmux.kill() }
        let overview = try tmux.waitFor("the demo's services", seconds: 30) { ScreenTable.row("support-bot", in: $0).contains("ready") }
        #expect(overview.unicodeScalars.allSatisfy { $0.isASCII }, "\(overview.unicodeScalars.filter { !$0.isASCII }.map { String($0) })")
        #expect(overview.contains(" lookout | context demo | "), "the header's separators in ASCII")
        try tmux.send(":")
        let palette = try tmux.waitFor(text: "+- Command", seconds: 5)
        #expect(palette.unicodeScalars.allSatisfy { $0.isASCII } && palette.contains(":|"), "the palette's box and cursor in ASCII")
        try tmux.send("Escape")
        let log = try String(contentsOfFile: scratch.path("lookout.log"), encoding: .utf8)
        #expect(log.contains("drawing ASCII only (the locale is not UTF-8)"))
        try tmux.send("q")
    }

    /// `--mouse` on the real binary: a click (the SGR mouse report xterm-256color's terminfo announces, typed into
    /// the pane) selects the row under it, and Enter opens it; the terminal's mouse mode is off again after `q`.
    @Test func withMouseAClickSelectsARow() throws {
        let binary = try LookoutBinary.require()
        let scratch = try Scratch()
        defer { scratch.remove() }
        let tmux = try TmuxSession(command: "exec env -u NO_COLOR TERM=xterm-256color \(binary) demo --mouse --log-file \(scratch.path("lookout.log"))",
                                   width: 120, height: 30)
        defer { tmux.kill() }
        let overview = try tmux.waitFor("the demo's services", seconds: 30) { ScreenTable.row("support-bot", in: $0).contains("ready") }
        let lines = overview.split(separator: "\n", omittingEmptySubsequences: false)
        let row = try #require(lines.firstIndex { $0.hasPrefix(" embed-worker") })
        // Button 1 pressed then released at column 6 of that line (1-based in the report).
        try tmux.send("-l", "\u{1B}[<0;6;\(row + 1)M\u{1B}[<0;6;\(row + 1)m")
        usleep(300_000)
        try tmux.send("Enter")
        try tmux.waitFor("embed-worker's own screen", seconds: 10) { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count > 3 && lines[1].hasPrefix(" embed-worker ") && screen.contains("\n State ")
        }
        try tmux.send("q")
        try tmux.waitFor("lookout gone", seconds: 10) { !$0.contains("lookout │") }
    }

    /// 24-bit colour under a direct-colour terminfo (Debian's ncurses-term has xterm-direct): Dracula's purple
    /// #bd93f9 is drawn as itself; under xterm-256color as the nearest of the 256 (141).
    @Test func aDirectColourTerminalGetsTheThemesOwnRGB() throws {
        let binary = try LookoutBinary.require()
        for (term, purple) in [("xterm-direct", "38;2;189;147;249"), ("xterm-256color", "38;5;141")] {
            let scratch = try Scratch()
            defer { scratch.remove() }
            let tmux = try TmuxSession(command: "exec env -u NO_COLOR -u COLORTERM TERM=\(term) \(binary) demo --theme dracula --log-file \(scratch.path("lookout.log"))",
                                       width: 100, height: 24)
            defer { tmux.kill() }
            _ = try tmux.waitFor(text: "support-bot", seconds: 30)
            let coloured = tmux.screenWithColours()
            #expect(coloured.contains("\u{1B}[1m\u{1B}[\(purple)m lookout "), "\(term): \(coloured.prefix(200).debugDescription)")
            try tmux.send("q")
        }
    }

    @Test func installedThemesAreFoundWithoutTheRepository() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let prefix = scratch.path("usr")
        let install = try Spawn.capture(["make", "-C", LookoutBinary.repository.path, "install", "PREFIX=\(prefix)", "CONFIGURATION=debug",
                                         "SKIP_BUILD=1"])
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        // From a directory without ./themes, with an empty home: only the install's share/lookout/themes has them.
        let listing = try Spawn.capture(["env", "HOME=\(scratch.path("home"))", "XDG_CONFIG_HOME=", "sh", "-c",
                                         "cd / && \(prefix)/bin/lookout themes"])
        #expect(listing.status == 0, "\(listing.stderr)")
        for name in ["default", "dracula", "high-contrast", "light", "monochrome"] {
            #expect(listing.stdout.contains("\(name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(prefix)/share/lookout/themes/\(name).yaml"),
                    "\(listing.stdout)")
        }
        let preview = try Spawn.capture(["env", "TERM=xterm-256color", "\(prefix)/bin/lookout", "themes", "--preview", "light"])
        #expect(preview.status == 0 && preview.stdout.contains("\u{1b}[") && preview.stdout.contains("rag-search"))
        let completion = try String(contentsOfFile: "\(prefix)/share/bash-completion/completions/lookout", encoding: .utf8)
        #expect(completion.contains("themes") && completion.contains("--expect-version"), "completions know the subcommands and options")
    }
}
