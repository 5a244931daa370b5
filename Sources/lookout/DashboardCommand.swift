import ArgumentParser
import Foundation
import LookoutCore
import LookoutSources

/// `lookout [--config PATH] [--context NAME] [--theme NAME] [--readonly]`: the dashboard.
struct Dashboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Open the dashboard on a configuration (the default command).",
        discussion: """
        Examples:
          lookout --context staging
          lookout --theme light --readonly
          LANG=C lookout --ascii
        """)

    @OptionGroup var display: DisplayOptions

    @Option(name: .long, help: "Configuration file (see the lookup order above).")
    var config: String?

    @Option(name: .long, help: "Context to open (default: current-context, else the first).")
    var context: String?

    func run() throws {
        let (loaded, chosen) = try ContextSelection.load(config: config, context: context)
        let code = try DashboardSession(config: loaded, context: chosen, display: display).run()
        if code != 0 { throw ExitCode(code) }
    }
}

/// Options shared by every command that opens the dashboard.
struct DisplayOptions: ParsableArguments {
    @Option(name: .long, help: "Theme name (`lookout themes` lists them; default: the context's `theme:`, else default; monochrome when NO_COLOR is set).")
    var theme: String?

    @Flag(name: .long, help: "Remove every action that changes something outside lookout.")
    var readonly = false

    @Flag(name: .long, help: "Draw ASCII only (boxes +-|, sparklines .:-=+*#); automatic when the locale is not UTF-8 (LANG=C).")
    var ascii = false

    @Flag(name: .long, help: "Click to select a row, the wheel to scroll (off by default: the terminal then stops selecting text with the mouse; Shift-drag still does in most).")
    var mouse = false

    @Flag(name: .long, help: "Ring the terminal's bell when a critical alert fires (a silenced one does not).")
    var bell = false

    @Option(name: .long, help: "Diagnostics log (default: $XDG_STATE_HOME/lookout/lookout.log).")
    var logFile: String?

    @Option(name: .long, help: "How often what the fleet reports is redrawn (default 2s; keys show at once; the Logs screen follows within 0.25s).")
    var refresh: String = "2s"

    /// Refuses a bad `--refresh` before anything starts.
    func validate() throws { _ = try refreshInterval() }

    /// `--refresh` as a duration, between 0.1 s and 60 s.
    func refreshInterval() throws -> Duration {
        guard let value = DurationText.parse(refresh), value >= .milliseconds(100), value <= .seconds(60) else {
            throw ValidationError("--refresh: expected a duration from 100ms to 60s, such as 2s")
        }
        return value
    }

    @OptionGroup var audit: AuditLogOption
}

/// `--audit-log PATH`, shared by every command that runs or reads actions.
struct AuditLogOption: ParsableArguments {
    @Option(name: .long, help: "Audit log of actions (default: $LOOKOUT_AUDIT_LOG, else $XDG_STATE_HOME/lookout/audit.jsonl).")
    var auditLog: String?

    /// The audit log the option names, else the default one.
    var log: AuditLog { AuditLog(path: auditLog ?? AuditLog.defaultPath()) }
}

/// Reads and parses a configuration file, turning I/O errors into messages that name the file; refuses one every user
/// may write, and prints to stderr what its permissions put at risk (`ConfigPermissions`).
enum ConfigFile {
    static func load(_ path: String) throws -> LookoutConfig {
        let (config, warnings) = try loadJudged(path)
        for warning in warnings { printError("lookout: warning: \(warning)") }
        return config
    }

    /// The configuration and the warnings its permissions earn, without printing them.
    static func loadJudged(_ path: String) throws -> (LookoutConfig, warnings: [String]) {
        let (config, text) = try parse(path)
        var status = stat()
        guard stat(path, &status) == 0 else { return (config, []) }
        let secretFiles = config.secrets.sorted { $0.key < $1.key }.compactMap { name, source -> (name: String, path: String, mode: Int?)? in
            guard case let .file(file) = source else { return nil }
            var secret = stat()
            return (name, file, stat(file, &secret) == 0 ? Int(secret.st_mode & 0o777) : nil)
        }
        let judgement = ConfigPermissions.judge(path: path, mode: Int(status.st_mode & 0o777), text: text, secretFiles: secretFiles)
        if let refusal = judgement.refusal { throw LookoutError(refusal) }
        return (config, judgement.warnings)
    }

    /// The parsed configuration and its text (read once: the permission judgement scans the same text).
    private static func parse(_ path: String) throws -> (LookoutConfig, text: String) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LookoutError("\(path): cannot read the configuration: \(error.localizedDescription)")
        }
        let text: String
        switch ConfigText.decode(Array(data)) {
        case let .success(decoded): text = decoded
        case let .failure(problem): throw LookoutError("\(path):\(problem.line): \(problem.message)")
        }
        do {
            return (try ConfigParser.parse(text, file: path), text)
        } catch {
            throw ConfigLoadError(errors: error)
        }
    }
}

/// A configuration that does not validate; printed one issue per line.
struct ConfigLoadError: Error, CustomStringConvertible {
    let errors: ConfigErrors
    var description: String { errors.description }
}
