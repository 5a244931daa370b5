import Foundation
import Glibc
import LookoutCore

/// Reads secret values from where the configuration says (environment, file, command) and puts them into
/// the services' header values. Errors name the secret and its source, never a value.
public enum SecretResolver {
    /// The value of each secret the services refer to.
    public static func resolve(_ sources: [String: SecretSource], for services: [ServiceConfig],
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws(MissingSecret) -> [String: String] {
        let names = Set(services.flatMap { $0.headers.flatMap { SecretReference.names(in: $0.value) } })
        var values: [String: String] = [:]
        for name in names.sorted() {
            guard let source = sources[name] else { throw MissingSecret(name: name) }
            values[name] = try value(of: name, from: source, environment: environment)
        }
        return values
    }

    /// The services with `${secret:NAME}` in their headers replaced by the values.
    public static func apply(_ values: [String: String], to services: [ServiceConfig]) throws(MissingSecret) -> [ServiceConfig] {
        var resolved: [ServiceConfig] = []
        for var service in services {
            for index in service.headers.indices {
                switch SecretReference.substitute(service.headers[index].value, values: values) {
                case let .success(text): service.headers[index].value = text
                case let .failure(missing): throw missing
                }
            }
            resolved.append(service)
        }
        return resolved
    }

    static func value(of name: String, from source: SecretSource, environment: [String: String]) throws(MissingSecret) -> String {
        var missing = MissingSecret(name: name)
        switch source {
        case let .environment(variable):
            guard let value = environment[variable], !value.isEmpty else {
                missing.reason = "environment variable \(variable) is not set"
                throw missing
            }
            return value
        case let .file(path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                missing.reason = "cannot read \(path)"
                throw missing
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        case let .command(argv):
            guard let output = run(argv), !output.isEmpty else {
                missing.reason = "command \(argv[0]) failed or printed nothing"
                throw missing
            }
            return output
        }
    }

    /// Runs argv (no shell) with stdin and stderr on /dev/null; its trimmed stdout, or nil on failure.
    static func run(_ argv: [String]) -> String? {
        var out: [Int32] = [0, 0]
        guard pipe(&out) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, out[0])
        posix_spawn_file_actions_addclose(&actions, out[1])
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
        close(out[1])
        defer { close(out[0]) }
        guard rc == 0 else { return nil }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while data.count < 1 << 20 {
            let count = buffer.withUnsafeMutableBytes { read(out[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
