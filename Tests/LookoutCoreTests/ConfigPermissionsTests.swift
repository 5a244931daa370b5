import LookoutCore
import Testing

/// A configuration's permissions judged: refused when every user may write it; warned about when credentials are
/// written inline where others can read them, or a secret file is readable by every user.
@Suite("Configuration permissions")
struct ConfigPermissionsTests {
    static let inline = """
    contexts:
      prod:
        services:
          - name: chat-api
            url: https://chat.example.com
            routing:
              headers:
                Authorization: "Bearer sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"
    """
    static let byReference = inline.replacingOccurrences(of: "Bearer sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD",
                                                         with: "Bearer ${secret:ADMIN_TOKEN}")

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let mode: Int
        let text: String
        let secretMode: Int?
        let refused: Bool
        let warnings: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "0600, inline key: the owner's own business", mode: 0o600, text: inline, secretMode: 0o600, refused: false, warnings: []),
        Case(name: "0644, inline key: warned, with its line", mode: 0o644, text: inline, secretMode: 0o600, refused: false,
             warnings: ["c.yaml:8: 1 OpenAI key written inline in a file every user can read (mode 0644): move it to secrets: (env, file or command), or chmod 600 c.yaml"]),
        Case(name: "0640, inline key: its group can read it", mode: 0o640, text: inline, secretMode: nil, refused: false,
             warnings: ["c.yaml:8: 1 OpenAI key written inline in a file its group can read (mode 0640): move it to secrets: (env, file or command), or chmod 600 c.yaml"]),
        Case(name: "0644 by reference: nothing to say", mode: 0o644, text: byReference, secretMode: 0o600, refused: false, warnings: []),
        Case(name: "a secret file every user can read", mode: 0o644, text: byReference, secretMode: 0o644, refused: false,
             warnings: ["secret ADMIN_TOKEN: /run/secrets/admin is readable by every user (mode 0644): chmod 600 /run/secrets/admin"]),
        Case(name: "0666: refused, whatever it holds", mode: 0o666, text: byReference, secretMode: 0o600, refused: true, warnings: []),
        Case(name: "0602: refused", mode: 0o602, text: "", secretMode: nil, refused: true, warnings: []),
    ]

    @Test(arguments: cases)
    func judged(_ c: Case) {
        let judgement = ConfigPermissions.judge(path: "c.yaml", mode: c.mode, text: c.text,
                                                secretFiles: [(name: "ADMIN_TOKEN", path: "/run/secrets/admin", mode: c.secretMode)])
        #expect((judgement.refusal != nil) == c.refused, "\(judgement)")
        if c.refused { #expect(judgement.refusal?.contains("writable by every user on this host") == true) }
        #expect(judgement.warnings == c.warnings)
    }
}
