/// Where the configuration comes from (DESIGN.md §3): `--config`, else `$LOOKOUT_CONFIG`,
/// else `./lookout.yaml`, else `$XDG_CONFIG_HOME/lookout/config.yaml` (default `~/.config`).
public enum ConfigLocator {
    /// The path to read, or nil when no candidate exists. Pure: the environment and file test are passed in.
    public static func locate(flag: String?, environment: [String: String],
                              fileExists: (String) -> Bool) -> String? {
        if let flag { return flag }
        if let fromEnv = environment["LOOKOUT_CONFIG"], !fromEnv.isEmpty { return fromEnv }
        return candidates(environment: environment).first(where: fileExists)
    }

    /// The implicit candidates, in lookup order.
    public static func candidates(environment: [String: String]) -> [String] {
        var paths = ["lookout.yaml"]
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            paths.append("\(xdg)/lookout/config.yaml")
        } else if let home = environment["HOME"], !home.isEmpty {
            paths.append("\(home)/.config/lookout/config.yaml")
        }
        return paths
    }
}
