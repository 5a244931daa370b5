import Foundation
import Glibc
import LookoutCore

/// Reads secret values from where the configuration says (environment, file, command) and puts them into
/// the services' header values. Errors name the secret and its source, never a value.
public enum SecretResolver {
    /// The value of each secret the services refer to.
    public static func resolve(_ sources: [String: SecretSource], for services: [ServiceConfig],
                               environment: [String: String] = ProcessInfo.processInfo.environment) async throws(MissingSecret) -> [String: String] {
        try await resolve(names: services.flatMap { $0.allHeaders.flatMap { SecretReference.names(in: $0.value) } },
                    sources: sources, environment: environment)
    }

    /// `resolve(_:for:)` while a mode starts, on the main thread: blocks until every secret is read.
    public static func resolveWaiting(_ sources: [String: SecretSource], for services: [ServiceConfig]) throws(MissingSecret) -> [String: String] {
        try resolveBlocking(names: services.flatMap { $0.allHeaders.flatMap { SecretReference.names(in: $0.value) } }, sources: sources)
    }

    /// `resolve(names:sources:)` from a thread outside the concurrency pool (the main thread, a watcher's own): blocks
    /// until each is read.
    public static func resolveBlocking(names: [String], sources: [String: SecretSource]) throws(MissingSecret) -> [String: String] {
        guard !names.isEmpty else { return [:] }
        let result = waitFor { () async -> Result<[String: String], MissingSecret> in
            do throws(MissingSecret) { return .success(try await resolve(names: names, sources: sources)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// A server's headers with their `${secret:…}` resolved now (from a thread outside the concurrency pool), and the
    /// values resolved, to redact from whatever is said of a request.
    public static func resolvedHeaders(_ headers: [HTTPHeader], sources: [String: SecretSource]) throws(MissingSecret)
        -> (headers: [HTTPHeader], secrets: [String]) {
        let values = try resolveBlocking(names: headers.flatMap { SecretReference.names(in: $0.value) }, sources: sources)
        var resolved: [HTTPHeader] = []
        for header in headers { resolved.append(HTTPHeader(name: header.name, value: try SecretReference.substitute(header.value, values: values).get())) }
        return (resolved, Array(values.values))
    }

    /// The values of the named secrets (an action's, resolved only when it runs).
    public static func resolve(names: [String], sources: [String: SecretSource],
                               environment: [String: String] = ProcessInfo.processInfo.environment) async throws(MissingSecret) -> [String: String] {
        var values: [String: String] = [:]
        for name in Set(names).sorted() {
            guard let source = sources[name] else { throw MissingSecret(name: name) }
            values[name] = try await value(of: name, from: source, environment: environment)
        }
        return values
    }

    /// The services with `${secret:NAME}` in their headers replaced by the values.
    public static func apply(_ values: [String: String], to services: [ServiceConfig]) throws(MissingSecret) -> [ServiceConfig] {
        var resolved: [ServiceConfig] = []
        for var service in services {
            service.headers = try substitute(service.headers, values)
            if let headers = service.metrics?.headers { service.metrics?.headers = try substitute(headers, values) }
            if let headers = service.routing?.headers { service.routing?.headers = try substitute(headers, values) }
            if let headers = service.version.endpoint?.headers { service.version.endpoint?.headers = try substitute(headers, values) }
            resolved.append(service)
        }
        return resolved
    }

    static func substitute(_ headers: [HTTPHeader], _ values: [String: String]) throws(MissingSecret) -> [HTTPHeader] {
        var out = headers
        for index in out.indices {
            switch SecretReference.substitute(out[index].value, values: values) {
            case let .success(text): out[index].value = text
            case let .failure(missing): throw missing
            }
        }
        return out
    }

    static func value(of name: String, from source: SecretSource, environment: [String: String]) async throws(MissingSecret) -> String {
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
            guard let output = await CommandProcess.output(of: argv)?.trimmingCharacters(in: .whitespacesAndNewlines), !output.isEmpty else {
                missing.reason = "command \(argv[0]) failed or printed nothing"
                throw missing
            }
            return output
        }
    }
}
