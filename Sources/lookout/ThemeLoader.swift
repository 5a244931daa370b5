import Foundation
import LookoutCore
import LookoutUI

/// Finds `<name>.yaml` in the theme folders and parses it; falls back to the built-in theme with a logged reason.
enum ThemeLoader {
    /// Theme folders in lookup order: `$LOOKOUT_THEMES`, `./themes`, `$XDG_CONFIG_HOME/lookout/themes`,
    /// and the repository's `themes/` beside a binary built in `.build/<config>/`.
    static func directories() -> [String] {
        let environment = ProcessInfo.processInfo.environment
        var folders: [String] = []
        if let custom = environment["LOOKOUT_THEMES"], !custom.isEmpty { folders.append(custom) }
        folders.append("themes")
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? "") + "/.config"
        folders.append(configHome + "/lookout/themes")
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        folders.append(binary.deletingLastPathComponent().appendingPathComponent("../../../themes").standardized.path)
        return folders
    }

    static func load(name: String, log: DiagnosticLog) -> Theme {
        for folder in directories() {
            let path = "\(folder)/\(name).yaml"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            do {
                let outcome = try ThemeParser.parse(text, file: path)
                for warning in outcome.warnings { log.write("theme: \(warning)") }
                return outcome.theme
            } catch {
                log.write("theme: \(error); using the built-in theme")
                return .builtIn
            }
        }
        if name != "default" { log.write("theme \(name) not found in \(directories()); using the built-in theme") }
        return .builtIn
    }
}
