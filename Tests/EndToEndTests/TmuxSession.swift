import Foundation
import Glibc
import Testing

/// The real `lookout` binary, built by `swift build` before the tests (the Makefile does it).
enum LookoutBinary {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var path: String {
        if let custom = ProcessInfo.processInfo.environment["LOOKOUT_BIN"], !custom.isEmpty { return custom }
        return repository.appendingPathComponent(".build/debug/lookout").path
    }

    /// Fails the test with a clear message when the binary was not built.
    static func require() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw E2EError("lookout binary not found at \(path): run `swift build` first (make test does)")
        }
        return path
    }
}

struct E2EError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A private tmux server running one command in a pane of a given size.
/// tmux's own output goes to /dev/null: a pipe would be inherited by the tmux server and never close.
final class TmuxSession {
    let socket = "lookout-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"

    /// Where this session's lookout keeps budget spend: its own file unless a test names one (to restart on it),
    /// so that no run's spend reaches another's budgets, nor the user's own store.
    let stateStore: String
    private let ownsLocalStore: Bool

    init(command: String, width: Int, height: Int, stateStore: String? = nil) throws {
        self.stateStore = stateStore ?? NSTemporaryDirectory() + "lookout-e2e-spend-\(socket).sqlite"
        ownsLocalStore = stateStore == nil
        try tmux(["new-session", "-d", "-e", "LOOKOUT_STATE_DB=\(self.stateStore)", "-s", "main", "-x", "\(width)", "-y", "\(height)",
                  command], quiet: true)
    }

    deinit {
        kill()
        guard ownsLocalStore else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: stateStore + suffix) }
    }

    /// The pane's text now.
    func screen() -> String { (try? tmux(["capture-pane", "-p", "-t", "main"])) ?? "" }

    /// The pane's text with its colours and attributes as SGR escape sequences.
    func screenWithColours() -> String { (try? tmux(["capture-pane", "-p", "-e", "-t", "main"])) ?? "" }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "main"] + keys, quiet: true) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "main", "-x", "\(width)", "-y", "\(height)"], quiet: true)
    }

    /// The process id of the pane's command.
    func panePID() throws -> pid_t {
        let text = try tmux(["display-message", "-p", "-t", "main", "#{pane_pid}"])
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw E2EError("no pane pid in \(text)") }
        return pid
    }

    /// Polls the screen until `predicate` holds; returns the last screen, or throws with it after `seconds`.
    @discardableResult
    func waitFor(_ what: String, seconds: Double, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = screen()
            if predicate(last) { return last }
            usleep(50_000)
        }
        throw E2EError("timed out after \(seconds)s waiting for \(what); screen was:\n\(last)")
    }

    @discardableResult
    func waitFor(text: String, seconds: Double = 10) throws -> String {
        try waitFor("\"\(text)\"", seconds: seconds) { $0.contains(text) }
    }

    func kill() { _ = try? tmux(["kill-server"], quiet: true) }

    @discardableResult
    private func tmux(_ arguments: [String], quiet: Bool = false) throws -> String {
        try Spawn.run(["tmux", "-L", socket] + arguments, captureOutput: !quiet)
    }
}

/// Runs programs with posix_spawn and waitpid. Foundation's `Process` was seen to hang in
/// `waitUntilExit` here once tmux daemonised, leaving the client a zombie that was never reaped.
enum Spawn {
    /// What a finished program left.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `argv` (looked up in PATH) with stdin on /dev/null and waits; returns its exit status and output.
    static func capture(_ argv: [String]) throws -> Output {
        let out = temporaryPath("out"), err = temporaryPath("err")
        defer { unlink(out); unlink(err) }
        let pid = try start(argv, stdout: out, stderr: err)
        let status = wait(pid)
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return Output(status: status, stdout: read(out), stderr: read(err))
    }

    /// Runs `argv` and waits; returns its stdout when captured.
    @discardableResult
    static func run(_ argv: [String], captureOutput: Bool = true) throws -> String {
        if captureOutput { return try capture(argv).stdout }
        _ = wait(try start(argv, stdout: "/dev/null", stderr: "/dev/null"))
        return ""
    }

    /// Starts `argv` in the background with its output sent to the given files; returns its pid.
    static func start(_ argv: [String], stdout: String, stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // The test runner's threads block signals; start children with a clean mask and default handlers,
        // as a login shell would.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGHUP, SIGINT, SIGTERM, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm-256color"
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else { throw E2EError("cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// Waits for `pid`; returns its exit code (128 + signal when killed).
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    static func temporaryPath(_ tag: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("lookout-spawn-\(tag)-\(UUID().uuidString)").path
    }
}

/// A scratch folder for one test's files (config, log, wrapper script).
struct Scratch {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("lookout-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes an executable shell script that runs `command`, then reports its exit code and whether
    /// the terminal is back in cooked mode with echo (`icanon echo`), and stays open to be read.
    func wrapper(running command: String) throws -> String {
        let script = path("run.sh")
        let text = """
        #!/bin/sh
        \(command)
        code=$?
        modes=$(stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' ')
        echo "lookout exited $code; tty: $modes"
        sleep 60
        """
        try text.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        return script
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Whether `pid` is gone: no such process, or a zombie (exited, not yet reaped by its parent).
func processIsGone(_ pid: pid_t) -> Bool {
    if kill(pid, 0) != 0 && errno == ESRCH { return true }
    // /proc files report size 0, so read them as a stream rather than by size.
    guard let handle = FileHandle(forReadingAtPath: "/proc/\(pid)/stat") else { return true }
    defer { try? handle.close() }
    let stat = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    guard let close = stat.lastIndex(of: ")"), stat.distance(from: close, to: stat.endIndex) > 2 else {
        return false
    }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state == "Z" || state == "X"
}

/// Reading the dashboard's tables off a captured screen.
enum ScreenTable {
    /// The line of the row that starts with `name`.
    static func row(_ name: String, in screen: String) -> String {
        screen.split(separator: "\n").first { $0.hasPrefix(" \(name) ") }.map(String.init) ?? ""
    }

    /// The number (`12.5`, `12.5%`) in `name`'s row under `column`: the cell ending where the right-aligned header ends.
    static func number(_ name: String, column: String, in screen: String) -> Double? {
        let lines = screen.split(separator: "\n").map(String.init)
        guard let header = lines.first(where: { $0.contains(column) && ($0.contains("PROVIDER") || $0.contains("SERVICE")) }),
              let end = header.range(of: column)?.upperBound else { return nil }
        let width = header.distance(from: header.startIndex, to: end)
        let cells = Array(row(name, in: screen))
        guard cells.count >= width, let token = String(cells[..<width]).split(separator: " ").last else { return nil }
        return Double(token.replacingOccurrences(of: "%", with: ""))
    }
}

/// `lookout demo --fleet-only` in the background, serving until the test ends it (SIGTERM: it removes its directory).
enum DemoFleetProcess {
    /// Starts a fleet with `arguments` (e.g. `--cycle 10m`) and waits for the configuration it writes; returns the
    /// configuration's path and text, and the fleet's pid.
    static func start(_ scratch: Scratch, _ binary: String, _ arguments: [String] = []) throws -> (config: String, yaml: String, pid: pid_t) {
        let config = scratch.path("demo.yaml")
        let pid = try Spawn.start([binary, "demo", "--fleet-only"] + arguments + ["--write-config", config],
                                  stdout: scratch.path("fleet.out"), stderr: scratch.path("fleet.err"))
        let deadline = Date().addingTimeInterval(15)
        var yaml = ""
        while Date() < deadline, !yaml.contains("services:") {
            yaml = (try? String(contentsOfFile: config, encoding: .utf8)) ?? ""
            usleep(50_000)
        }
        return (config, yaml, pid)
    }
}
