import Foundation
import LookoutCore
import LookoutSources
import Testing

@Suite("Secret values from the environment, files and commands")
struct SecretResolverTests {
    func service(_ header: String) -> ServiceConfig {
        ServiceConfig(name: "a", baseURL: "http://a", headers: [HTTPHeader(name: "Authorization", value: header)])
    }

    @Test func resolvesEachSourceAndSubstitutes() async throws {
        let file = NSTemporaryDirectory() + "lookout-secret-\(UUID().uuidString.prefix(8))"
        try "from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let services = [service("Bearer ${secret:ENV}"), service("${secret:FILE}/${secret:CMD}")]
        let values = try await SecretResolver.resolve(["ENV": .environment("LOOKOUT_T"), "FILE": .file(file), "CMD": .command(["/bin/echo", "from-command"])],
                                                for: services, environment: ["LOOKOUT_T": "from-env"])
        #expect(values == ["ENV": "from-env", "FILE": "from-file", "CMD": "from-command"])
        let resolved = try SecretResolver.apply(values, to: services)
        #expect(resolved.map { $0.headers[0].value } == ["Bearer from-env", "from-file/from-command"])
    }

    @Test func failuresNameTheSecretAndSourceButNoValue() async {
        await #expect(throws: MissingSecret(name: "ENV", reason: "environment variable LOOKOUT_UNSET is not set")) {
            try await SecretResolver.resolve(["ENV": .environment("LOOKOUT_UNSET")], for: [service("${secret:ENV}")], environment: [:])
        }
        await #expect(throws: MissingSecret(name: "CMD", reason: "command /bin/false failed or printed nothing")) {
            try await SecretResolver.resolve(["CMD": .command(["/bin/false"])], for: [service("${secret:CMD}")])
        }
    }
}
