import ArgumentParser
import Foundation
import LookoutCore

/// `lookout config …`: configuration tools.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate a configuration, or print an example one.",
        discussion: """
        Examples:
          lookout config validate ops/lookout.yaml
          lookout config example > lookout.yaml
        """,
        subcommands: [Validate.self, Example.self])

    /// `lookout config example`: a commented configuration with a dated price table.
    struct Example: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an example configuration (every section, a dated price table, metrics, routing).",
            discussion: """
            Examples:
              lookout config example > ~/.config/lookout/config.yaml
            """)

        func run() throws { print(ExampleConfig.yaml, terminator: "") }
    }

    /// `lookout config validate [PATH]`: OK, or every problem with file, line and key; exit 1 when any.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a configuration file; print OK or each error with file, line and key.",
            discussion: """
            Examples:
              lookout config validate
              lookout config validate ops/lookout.yaml
            """)

        @Argument(help: "The file to check (default: the lookup order).")
        var path: String?

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            guard let file = ConfigLocator.locate(flag: path, environment: environment,
                                                  fileExists: { FileManager.default.fileExists(atPath: $0) }) else {
                printError("lookout: no configuration found")
                throw ExitCode(1)
            }
            do {
                let (config, warnings) = try ConfigFile.loadJudged(file)
                let services = config.contexts.reduce(0) { $0 + $1.services.count }
                for warning in warnings { printError("warning: \(warning)") }
                print("OK \(file): \(config.contexts.count) context(s), \(services) service(s)"
                      + (warnings.isEmpty ? "" : ", \(warnings.count) warning(s)"))
            } catch let error as ConfigLoadError {
                for issue in error.errors.issues { printError(issue.description) }
                throw ExitCode(1)
            } catch let error as LookoutError {
                printError(error.description)
                throw ExitCode(1)
            }
        }
    }
}

/// Prints one line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
