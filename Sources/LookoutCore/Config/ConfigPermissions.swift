/// What a configuration file's permissions allow, judged before it is used (issue 15): the file says which commands
/// and requests lookout runs, with which credentials, so a file every user may write is refused, and credentials
/// written inline where other users can read them — or secret files every user can read — are warned about. Pure:
/// the modes come from the caller's `stat`.
public enum ConfigPermissions {
    /// A refusal (the file must not be used) and warnings (it is used; the user is told).
    public struct Judgement: Sendable, Equatable {
        public var refusal: String?
        public var warnings: [String] = []
    }

    /// The credential kinds of log hygiene: a key or a token, not personal data.
    static let credentialKinds: Set<LogHygiene.Kind> = [.openAIKey, .anthropicKey, .awsKey, .googleKey, .bearerToken, .basicAuth, .privateKey]

    /// - Parameters:
    ///   - mode: the file's permission bits (`st_mode & 0o777`).
    ///   - secretFiles: each `secrets:` entry read from a file, with that file's permission bits (nil: not there).
    public static func judge(path: String, mode: Int, text: String, secretFiles: [(name: String, path: String, mode: Int?)]) -> Judgement {
        var judgement = Judgement()
        let octal = "0" + String(mode, radix: 8)
        if mode & 0o002 != 0 {
            judgement.refusal = "\(path) is writable by every user on this host (mode \(octal)): anyone could change the commands and "
                + "requests lookout runs. chmod o-w \(path)"
            return judgement
        }
        if mode & 0o044 != 0 {
            let hygiene = LogHygiene(kinds: credentialKinds)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let bytes = Array(line.utf8)
                let findings = bytes.withUnsafeBufferPointer { hygiene.scan($0, 0, $0.count) }
                guard let kind = findings.first?.kind else { continue }
                let readers = mode & 0o004 != 0 ? "every user" : "its group"
                judgement.warnings.append("\(path):\(index + 1): \(kind.counted(1)) written inline in a file \(readers) can read "
                    + "(mode \(octal)): move it to secrets: (env, file or command), or chmod 600 \(path)")
            }
        }
        for secret in secretFiles {
            guard let secretMode = secret.mode, secretMode & 0o004 != 0 else { continue }
            judgement.warnings.append("secret \(secret.name): \(secret.path) is readable by every user (mode 0\(String(secretMode, radix: 8))): "
                + "chmod 600 \(secret.path)")
        }
        return judgement
    }
}
