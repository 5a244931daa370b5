import Foundation
import Glibc
import Testing

/// A real LiteLLM proxy (`litellm[proxy]` from PyPI, pinned in scripts/ensure-litellm.sh) in front of scripted
/// upstreams, run by `Tests/LiteLLM/harness.py` and shared by the suite: started on first use, stopped by the
/// harness itself when this test process is gone.
final class RealLiteLLM: Sendable {
    /// The scratch folder the harness writes into (payloads, scrapes, the proxy's logs).
    let directory: String
    let proxyURL: String
    let masterKey: String
    /// The version of the installed `litellm` package (importlib.metadata), as the harness read it.
    let installedVersion: String
    /// Requests of the initial burst, and the status codes the client saw per model.
    let sent: Int
    let statuses: [String: [Int]]

    static let venv = LookoutBinary.repository.appendingPathComponent(".build/litellm-venv").path

    private static let shared: Result<RealLiteLLM, E2EError> = {
        do { return .success(try start()) } catch let error as E2EError { return .failure(error) } catch {
            return .failure(E2EError("\(error)"))
        }
    }()

    /// The running proxy; fails the test loudly when LiteLLM was not provisioned or does not start.
    static func require() throws -> RealLiteLLM { try shared.get() }

    private init(directory: String, ready: [String: Any]) throws {
        guard let proxy = ready["proxy"] as? String, let key = ready["key"] as? String, let sent = ready["sent"] as? Int
        else { throw E2EError("harness ready.json is incomplete: \(ready)") }
        self.directory = directory
        proxyURL = proxy
        masterKey = key
        self.sent = sent
        statuses = (ready["statuses"] as? [String: [Int]]) ?? [:]
        installedVersion = (ready["litellm_version"] as? String) ?? ""
        
    }

    private static func start() throws -> RealLiteLLM {
        let litellm = venv + "/bin/litellm"
        guard FileManager.default.isExecutableFile(atPath: litellm) else {
            throw E2EError("""
                LiteLLM is not provisioned (\(litellm) missing): run scripts/ensure-litellm.sh — `make test` does, and fails \
                loudly when PyPI cannot be reached. These tests never pass without the real proxy.
                """)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lookout-litellm-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let harness = LookoutBinary.repository.appendingPathComponent("Tests/LiteLLM/harness.py").path
        let pid = try Spawn.start([venv + "/bin/python", harness, "--venv", venv, "--dir", directory, "--parent-pid", "\(getpid())"],
                                  stdout: directory + "/harness.out", stderr: directory + "/harness.err")
        let readyPath = directory + "/ready.json"
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: readyPath),
               let ready = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
                return try RealLiteLLM(directory: directory, ready: ready)
            }
            if processIsGone(pid) { break }
            usleep(200_000)
        }
        let tail = { (name: String) in String(((try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? "").suffix(2000)) }
        throw E2EError("the LiteLLM harness did not get ready:\n\(tail("harness.err"))\n--- litellm.out:\n\(tail("litellm.out"))")
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// The proxy's port, for configurations.
    var url: String { proxyURL }

    /// Starts (or keeps) a round of traffic every second, for views that need calls while they watch.
    func trickle() { FileManager.default.createFile(atPath: path("trickle.on"), contents: Data()) }

    /// The payload file's complete lines now, copied to `name` (the file may grow while a test reads it).
    func payloadSnapshot(_ name: String) throws -> (path: String, payloads: [[String: Any]]) {
        let text = try String(contentsOfFile: path("payloads.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).filter { _ in true }
        let complete = text.hasSuffix("\n") ? lines : lines.dropLast()
        let copy = path(name)
        try (complete.joined(separator: "\n") + "\n").write(toFile: copy, atomically: true, encoding: .utf8)
        let payloads = try complete.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        return (copy, payloads)
    }

    /// A lookout configuration watching the proxy: liveness, readiness, its `/metrics` (LiteLLM answers 307 to
    /// `/metrics/`, followed on the same host) and its payload file.
    func writeConfig(_ file: String) throws {
        let yaml = """
        contexts:
          test:
            services:
              - name: litellm
                platform: local
                url: \(proxyURL)
                health: /health/liveliness
                readiness: /health/readiness
                interval: 2s
                timeout: 2s
                metrics: { path: /metrics, interval: 2s }
                logs:
                  - file: \(path("payloads.jsonl"))
                    from-start: true
        """
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
    }
}

/// What LiteLLM's own Prometheus counters say, read straight from the exposition text (no lookout code).
enum LiteLLMCounters {
    /// Sum per `api_provider` ("" and "None" as the gateway row) of a counter's samples.
    static func byProvider(_ text: String, _ name: String) -> [String: Double] {
        var totals: [String: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") {
            guard let close = line.lastIndex(of: "}"), let value = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces))
            else { continue }
            let labels = String(line[line.index(after: line.firstIndex(of: "{")!)..<close])
            var provider = ""
            if let range = labels.range(of: "api_provider=\"") {
                provider = String(labels[range.upperBound...].prefix { $0 != "\"" })
            }
            totals[provider.isEmpty || provider == "None" ? "(gateway)" : provider, default: 0] += value
        }
        return totals
    }

    /// The `litellm_deployment_state` samples: (api_provider, model_id, value).
    static func deploymentStates(_ text: String) -> [(provider: String, id: String, state: Int)] {
        text.split(separator: "\n").filter { $0.hasPrefix("litellm_deployment_state{") }.compactMap { line in
            func label(_ key: String) -> String {
                guard let range = line.range(of: key + "=\"") else { return "" }
                return String(line[range.upperBound...].prefix { $0 != "\"" })
            }
            guard let value = Double(line.split(separator: " ").last ?? "") else { return nil }
            return (label("api_provider"), label("model_id"), Int(value))
        }
    }
}
