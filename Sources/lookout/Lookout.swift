import ArgumentParser
import LookoutCore
import LookoutTerminal

/// The `lookout` command line: the dashboard by default, plus the demo fleet and configuration tools.
@main
struct Lookout: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookout",
        abstract: "A keyboard-driven terminal dashboard for the on-call engineer of AI services.",
        discussion: """
        Shows whether each service is alive and ready and which dependency is failing.
        Start with `lookout demo` to see it on an embedded demo fleet, no configuration needed.

        Configuration lookup: --config, else $LOOKOUT_CONFIG, else ./lookout.yaml,
        else $XDG_CONFIG_HOME/lookout/config.yaml.
        """,
        version: LookoutVersion.current,
        subcommands: [Dashboard.self, Demo.self, Check.self, Snapshot.self, AlertsCommand.self, Stats.self, Metrics.self,
                      ActionCommand.self, AuditCommand.self, AlertmanagerCommand.self, ConfigCommand.self, ThemesCommand.self, SuperviseCommand.self],
        defaultSubcommand: Dashboard.self
    )

    /// `lookout --readonly action …` reads as `lookout action --readonly …`: the flag is global in the docs,
    /// and each command that acts takes it.
    static func movingGlobalFlags(_ arguments: [String]) -> [String] {
        guard arguments.first == "--readonly", arguments.count > 1, !arguments[1].hasPrefix("-") else { return arguments }
        return [arguments[1], "--readonly"] + arguments.dropFirst(2)
    }

    static func main() {
        SignalTrap.unblockTerminationSignals()
        BacktraceSetup.ensureNonInteractive()
        do {
            var command = try parseAsRoot(Self.movingGlobalFlags(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
