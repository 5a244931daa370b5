import Foundation
import Glibc
import Testing

/// lookout against a real LiteLLM proxy: `stats`, `metrics`, `check`, `snapshot` and the dashboard, each compared
/// with what LiteLLM itself reported (its payloads, its counters, its readiness) — not with numbers written here.
@Suite("End to end: a real LiteLLM proxy", .serialized)
struct RealLiteLLMTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON:\n\(text)")
    }

    @Test func statsAgreesWithTheProxysPayloads() throws {
        let proxy = try RealLiteLLM.require()
        let binary = try LookoutBinary.require()
        let (file, payloads) = try proxy.payloadSnapshot("stats-input.jsonl")
        #expect(payloads.count >= proxy.sent, "every request of the burst has its payload")
        let run = try Spawn.capture([binary, "stats", "--format", "json", file])
        #expect(run.status == 0, "\(run.stderr)")
        let stats = try Self.json(run.stdout)
        #expect(stats["llm_calls"] as? Int == payloads.count)
        #expect(stats["malformed"] as? Int == 0)
        let groups = try #require(stats["groups"] as? [String: [String: Any]])
        var byProvider: [String: [[String: Any]]] = [:]
        for payload in payloads { byProvider[(payload["custom_llm_provider"] as? String) ?? "(gateway)", default: []].append(payload) }
        #expect(Set(groups.keys) == Set(byProvider.keys), "no provider called None: \(groups.keys.sorted())")
        for (provider, calls) in byProvider {
            let group = try #require(groups[provider])
            let classes = try #require(group["errors_by_class"] as? [String: Int])
            let failures = calls.filter { ($0["status"] as? String) == "failure" }
            func normalized(_ prefix: String, _ part: String? = nil) -> Int {
                failures.filter {
                    let e = (($0["error_information"] as? [String: Any])?["normalized_error"] as? String) ?? ""
                    return e.hasPrefix(prefix) && (part.map { e.contains($0) } ?? true)
                }.count
            }
            #expect(group["requests"] as? Int == calls.count, "\(provider)")
            #expect(group["errors"] as? Int == failures.count, "\(provider)")
            #expect(classes["rate_limit"] == normalized("429"), "\(provider)")
            #expect(classes["connection"] == normalized("500", "CONNECTION"), "\(provider)")
            #expect(classes["server"] == normalized("5") - normalized("500", "CONNECTION"), "\(provider)")
            #expect(classes["bad_request"] == normalized("400"), "\(provider)")
            #expect(classes["other"] == 0, "\(provider): every failure has a class")
            #expect(group["input_tokens"] as? Int == calls.compactMap { $0["prompt_tokens"] as? Int }.reduce(0, +), "\(provider)")
            let cost = calls.compactMap { $0["response_cost"] as? Double }.reduce(0, +)
            #expect(abs((group["cost_usd"] as? Double ?? -1) - cost) < 1e-9, "\(provider)")
        }
    }

    @Test func metricsBetweenTwoScrapesAgreeWithTheProxysCounters() throws {
        let proxy = try RealLiteLLM.require()
        let binary = try LookoutBinary.require()
        let run = try Spawn.capture([binary, "metrics", "--format", "json", proxy.path("metrics-before.prom"), proxy.path("metrics-after.prom")])
        #expect(run.status == 0, "\(run.stderr)")
        let providers = try #require(try Self.json(run.stdout)["providers"] as? [String: [String: Any]])
        let before = try String(contentsOfFile: proxy.path("metrics-before.prom"), encoding: .utf8)
        let after = try String(contentsOfFile: proxy.path("metrics-after.prom"), encoding: .utf8)
        func increase(_ name: String) -> [String: Double] {
            let a = LiteLLMCounters.byProvider(after, name), b = LiteLLMCounters.byProvider(before, name)
            return a.mapValues { $0 }.merging(b.mapValues { -$0 }, uniquingKeysWith: +)
        }
        let successes = increase("litellm_deployment_success_responses_total")
        let failures = increase("litellm_deployment_failure_responses_total")
        let names = Set(successes.keys).union(failures.keys).filter { (successes[$0] ?? 0) + (failures[$0] ?? 0) > 0 }
        #expect(Set(providers.keys) == names, "providers as LiteLLM's api_provider labels name them: \(providers.keys.sorted())")
        for name in names {
            let requests = Int((successes[name] ?? 0) + (failures[name] ?? 0))
            #expect(providers[name]?["requests"] as? Int == requests, "\(name)")
            #expect(providers[name]?["errors"] as? Int == Int(failures[name] ?? 0), "\(name)")
        }
        // Deployment state: lookout's per-deployment values are LiteLLM's, and the provider verdict is a complete
        // outage only where every deployment of the provider is in one.
        for provider in ["openai", "anthropic"] {
            let states = LiteLLMCounters.deploymentStates(after).filter { $0.provider == provider }
            let seen = try #require(providers[provider]?["deployments"] as? [[String: Any]])
            #expect(seen.count == states.count, "\(provider)")
            for state in states {
                #expect(seen.contains { ($0["name"] as? String)?.contains("(\(state.id))") == true && $0["state"] as? Int == state.state },
                        "\(provider) \(state.id)")
            }
            let verdict = states.allSatisfy { $0.state == 2 } ? 2 : states.contains { $0.state > 0 } ? 1 : 0
            #expect(providers[provider]?["deployment_state"] as? Int == verdict, "\(provider)")
        }
        #expect(LiteLLMCounters.deploymentStates(after).contains { $0.id == "openai-mini-b" && $0.state == 2 },
                "the scripted down deployment is in complete outage in LiteLLM's own gauge")
        #expect(providers["openai"]?["deployment_state"] as? Int == 1, "one openai deployment down is no openai outage")
    }

    @Test func checkSaysHealthyWithoutADatabaseAsLiteLLMDoes() throws {
        let proxy = try RealLiteLLM.require()
        let binary = try LookoutBinary.require()
        let config = proxy.path("check.yaml")
        try proxy.writeConfig(config)
        let readiness = try Self.json(try String(contentsOfFile: proxy.path("readiness.json"), encoding: .utf8))
        #expect(readiness["status"] as? String == "healthy")
        #expect(readiness["db"] as? String == "Not connected")
        let run = try Spawn.capture([binary, "check", "--config", config, "--format", "json"])
        #expect(run.status == 0, "LiteLLM says healthy: exit 0\n\(run.stdout)\n\(run.stderr)")
        let report = try Self.json(run.stdout)
        let service = try #require((report["services"] as? [[String: Any]])?.first)
        #expect(service["state"] as? String == "healthy")
        let checks = try #require((service["readiness"] as? [String: Any])?["checks"] as? [[String: Any]])
        let db = try #require(checks.first { $0["name"] as? String == "db" })
        #expect(db["message"] as? String == "Not connected", "the value is shown, never an empty message")
        #expect(db["state"] as? String != "unhealthy")
    }

    @Test func itsVersionIsReadFromTheAuthenticatedReadinessDetails() throws {
        let proxy = try RealLiteLLM.require()
        let binary = try LookoutBinary.require()
        #expect(!proxy.installedVersion.isEmpty)
        let keyFile = proxy.path("master-key")
        #expect(FileManager.default.createFile(atPath: keyFile, contents: Data(proxy.masterKey.utf8), attributes: [.posixPermissions: 0o600]))
        let config = proxy.path("version.yaml")
        try """
        secrets:
          LITELLM_KEY: { file: \(keyFile) }
        contexts:
          test:
            services:
              - name: litellm
                url: \(proxy.url)
                health: /health/liveliness
                readiness: /health/readiness
                version:
                  path: /health/readiness/details
                  headers: { Authorization: "Bearer ${secret:LITELLM_KEY}" }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let run = try Spawn.capture([binary, "check", "--config", config, "--expect-version", proxy.installedVersion, "--format", "json"])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let service = try #require((try Self.json(run.stdout)["services"] as? [[String: Any]])?.first)
        let version = try #require(service["version"] as? [String: Any], "\(service)")
        #expect(version["running"] as? String == proxy.installedVersion, "LiteLLM's litellm_version is the package installed")
        #expect(!run.stdout.contains(proxy.masterKey), "the key that read it is nowhere in the report")
        // The public readiness carries no version: without the details endpoint there is nothing to show.
        let plain = proxy.path("plain.yaml")
        try proxy.writeConfig(plain)
        let without = try Spawn.capture([binary, "check", "--config", plain, "--format", "json"])
        let bare = try #require((try Self.json(without.stdout)["services"] as? [[String: Any]])?.first)
        #expect(bare["version"] is NSNull, "\(bare)")
    }

    @Test func snapshotNamesTheGatewayAndJudgesEachDeployment() throws {
        let proxy = try RealLiteLLM.require()
        let binary = try LookoutBinary.require()
        proxy.trickle()
        let config = proxy.path("snapshot.yaml")
        try proxy.writeConfig(config)
        let run = try Spawn.capture([binary, "snapshot", "--config", config, "--wait", "8s", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let snapshot = try Self.json(run.stdout)
        let providers = try #require(snapshot["providers"] as? [String: Any])
        let after = try String(contentsOfFile: proxy.path("metrics-after.prom"), encoding: .utf8)
        let named = Set(LiteLLMCounters.byProvider(after, "litellm_deployment_total_requests_total").keys)
        #expect(Set(providers.keys) == named, "the providers LiteLLM names, the gateway row for the rest: \(providers.keys.sorted())")
        #expect(providers["None"] == nil && providers["unknown"] == nil)
        let alerts = try #require(snapshot["alerts"] as? [[String: Any]])
        let messages = alerts.map { "\($0["subject"] ?? ""): \($0["message"] ?? "")" }
        #expect(!messages.contains { $0.contains("complete outage") }, "no provider-wide outage from one deployment: \(messages)")
        #expect(messages.contains { $0.hasPrefix("openai: LiteLLM:") && $0.contains("openai-mini-b") }, "the alert names the deployment: \(messages)")
        let service = try #require((snapshot["services"] as? [[String: Any]])?.first)
        #expect(service["state"] as? String == "healthy", "LiteLLM without a database is healthy")
    }

    @Test func theDashboardShowsTheProxyAsItIs() throws {
        let proxy = try RealLiteLLM.require()
        let binary = try LookoutBinary.require()
        proxy.trickle()
        let config = proxy.path("dashboard.yaml")
        try proxy.writeConfig(config)
        let tmux = try TmuxSession(command: "\(binary) --config \(config) --log-file \(proxy.path("lookout.log"))", width: 160, height: 40)
        defer { tmux.kill() }
        let overview = try tmux.waitFor("the gateway row and both providers", seconds: 60) { screen in
            screen.contains("(gateway)") && ScreenTable.row("openai", in: screen) != "" && ScreenTable.row("anthropic", in: screen) != ""
        }
        #expect(ScreenTable.row("None", in: overview) == "", "no provider called None:\n\(overview)")
        #expect(!overview.contains("complete outage"), "one deployment down is no provider outage:\n\(overview)")
        #expect(ScreenTable.row("litellm", in: overview).contains("healthy"), "LiteLLM without a database is healthy:\n\(overview)")
        #expect(!ScreenTable.row("litellm", in: overview).contains("degraded"))
        // LiteLLM's own provider budgets (the harness sets $50 a day for openai, $20 for anthropic): dollars left, with
        // their source, in the selected provider's panel.
        try tmux.send("3")
        let providers = try tmux.waitFor("LiteLLM's provider budget in the panel", seconds: 30) { $0.contains("LiteLLM budget $") }
        #expect(providers.range(of: #"LiteLLM budget \$(49|20|19)\.[0-9]{2} left"#, options: .regularExpression) != nil, "\(providers)")
        try tmux.send("4")
        let logs = try tmux.waitFor("a streamed call's time to first token in Logs", seconds: 30) { $0.contains("ttft ") }
        #expect(logs.range(of: #"1[0-9]{9}\.[0-9]"#, options: .regularExpression) == nil,
                "payload times are clock times, not epoch seconds:\n\(logs)")
        try tmux.send("q")
    }
}
