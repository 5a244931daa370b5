import Foundation
import LookoutCore
import LookoutUI

/// Finds the themes (`<name>.yaml`) in the theme folders and parses them; the built-in default is always there.
enum ThemeLoader {
    /// A theme found, and the file it came from (nil: built in).
    struct Found {
        var theme: Theme
        var file: String?
    }

    /// Theme folders in lookup order: `$LOOKOUT_THEMES`, `$XDG_CONFIG_HOME/lookout/themes` (the user's), the install's
    /// `share/lookout/themes` beside `bin/`, `./themes`, and the repository's `themes/` beside a binary built in
    /// `.build/<config>/`. A name found in an earlier folder hides the same name in later ones.
    static func directories() -> [String] {
        let environment = ProcessInfo.processInfo.environment
        var folders: [String] = []
        if let custom = environment["LOOKOUT_THEMES"], !custom.isEmpty { folders.append(custom) }
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? "") + "/.config"
        folders.append(configHome + "/lookout/themes")
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        folders.append(binary.appendingPathComponent("../share/lookout/themes").standardized.path)
        folders.append("themes")
        folders.append(binary.appendingPathComponent("../../../themes").standardized.path)
        return folders
    }

    /// Every theme found, by name in lookup order (the built-in default when no folder has one); a file that does not
    /// parse is left out with its reason in `problems`.
    static func all() -> (themes: [Found], problems: [String]) {
        var found: [Found] = []
        var problems: [String] = []
        for folder in directories() {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for file in names.sorted() where file.hasSuffix(".yaml") {
                let name = String(file.dropLast(5))
                guard !found.contains(where: { $0.theme.name == name }) else { continue }
                let path = "\(folder)/\(file)"
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
                do {
                    let outcome = try ThemeParser.parse(text, file: path)
                    var theme = outcome.theme
                    theme.name = name
                    found.append(Found(theme: theme, file: path))
                    problems += outcome.warnings.map { "theme: \($0)" }
                } catch {
                    problems.append("theme: \(error)")
                }
            }
        }
        if !found.contains(where: { $0.theme.name == "default" }) { found.insert(Found(theme: .builtIn, file: nil), at: 0) }
        return (found, problems)
    }

    /// The theme a dashboard opens with: `--theme`, else monochrome when `NO_COLOR` is set, else the context's, else
    /// default.
    static func chosen(option: String?, context: ContextConfig) -> String {
        if let option { return option }
        if let noColor = ProcessInfo.processInfo.environment["NO_COLOR"], !noColor.isEmpty { return "monochrome" }
        return context.theme ?? "default"
    }
}
