import Foundation
import LookoutCore
import Testing

/// What the real LiteLLM 1.108.5 proxy wrote (`Fixtures/litellm-1.108.5`, see its SOURCE.md), read by lookout and
/// compared with LiteLLM's own judgement in the same files — not with numbers written by hand.
@Suite("LiteLLM as captured from the real proxy")
struct LiteLLMShapeTests {
    static func captured(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/litellm-1.108.5").appendingPathComponent(name)
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The payloads as LiteLLM itself classed them: its provider (null → gateway), status, normalized error.
    static func payloads() throws -> [[String: Any]] {
        try captured("generic_api_payloads.jsonl").split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test func payloadStatisticsMatchWhatLiteLLMLogged() throws {
        var reader = StatsReader()
        Array(try Self.captured("generic_api_payloads.jsonl").utf8).withUnsafeBufferPointer { reader.feed($0) }
        reader.finish()
        let stats = reader.statistics
        let payloads = try Self.payloads()
        #expect(stats.llmCalls == payloads.count)
        #expect(!stats.groupNames.contains("None"))
        var providers: [String: [[String: Any]]] = [:]
        for payload in payloads {
            providers[(payload["custom_llm_provider"] as? String) ?? LogMapping.gatewayLabel, default: []].append(payload)
        }
        #expect(Set(stats.groupNames) == Set(providers.keys))
        for (provider, calls) in providers {
            let group = try #require(stats.group(provider))
            let failures = calls.filter { ($0["status"] as? String) == "failure" }
            func normalized(_ prefix: String, _ contains: String? = nil) -> Int {
                failures.filter { payload in
                    let error = ((payload["error_information"] as? [String: Any])?["normalized_error"] as? String) ?? ""
                    return error.hasPrefix(prefix) && (contains.map { error.contains($0) } ?? true)
                }.count
            }
            #expect(group.requests == calls.count, "\(provider)")
            #expect(group.errors == failures.count, "\(provider)")
            #expect(group.errorsByClass[.rateLimit] ?? 0 == normalized("429"), "\(provider)")
            #expect(group.errorsByClass[.connection] ?? 0 == normalized("500", "CONNECTION"), "\(provider)")
            #expect(group.errorsByClass[.server] ?? 0 == normalized("5") - normalized("500", "CONNECTION"), "\(provider)")
            #expect(group.errorsByClass[.badRequest] ?? 0 == normalized("400"), "\(provider)")
            #expect(group.errorsByClass[.other] ?? 0 == 0, "\(provider): nothing left unclassified")
            let input = calls.compactMap { $0["prompt_tokens"] as? Int }.reduce(0, +)
            #expect(group.inputTokens == input, "\(provider)")
        }
    }

    @Test func payloadRecordsHaveClockTimesLatencyAndTimeToFirstToken() throws {
        let records = decodeAll(try Self.captured("generic_api_payloads.jsonl"))
        let payloads = try Self.payloads()
        #expect(records.count == payloads.count)
        for (record, payload) in zip(records, payloads) {
            let start = try #require(payload["startTime"] as? Double), end = try #require(payload["endTime"] as? Double)
            #expect(record.mapping == "litellm")
            #expect(abs(try #require(record.timestamp) - start) < 0.001)
            #expect(LogTime.clock(record.time) == LogTime.clock(seconds: start))
            #expect(LogTime.clock(record.time).count == 12 && LogTime.clock(record.time).dropFirst(2).first == ":")
            #expect(abs(try #require(record.latencyMs) - (end - start) * 1000) < 0.01)
            if (payload["status"] as? String) == "failure" { #expect(record.level == .error) }
            if (payload["stream"] as? Bool) == true {
                let first = try #require(payload["completionStartTime"] as? Double)
                #expect(abs(try #require(record.timeToFirstTokenMs) - (first - start) * 1000) < 0.01)
            } else {
                #expect(record.timeToFirstTokenMs == nil)
            }
        }
        // The proxy's own model name for the refused deployment, without its provider prefix.
        #expect(records.contains { $0.model == "gpt-4.1-mini" && $0.errorClass == .connection })
        #expect(records.contains { $0.provider == LogMapping.gatewayLabel && $0.model == "nonexistent-model" && $0.errorClass == .badRequest })
    }

    @Test func theProxysOwnLogLinesAreEventsNotCalls() throws {
        let records = decodeAll(try Self.captured("proxy_json_logs.jsonl"))
        #expect(records.count == 26)
        #expect(records.allSatisfy { !$0.isLLMCall && !$0.isMalformed })
        #expect(records.allSatisfy { $0.message?.isEmpty == false })
        #expect(records.filter { $0.level == .error }.count == 6)
    }

    @Test func metricsNameTheGatewayAndJudgeEachDeployment() throws {
        var tracker = MetricsTracker(firstScrapeCountsWhole: true)
        let scrape = tracker.read(try Self.captured("metrics.prom"))
        #expect(scrape.mapping == "litellm")
        #expect(!scrape.deltas.contains { $0.provider == "None" || $0.provider == "" || $0.provider == "unknown" })
        let gateway = try #require(scrape.deltas.first { $0.provider == LogMapping.gatewayLabel })
        #expect(gateway.errorsByClass == [.badRequest: 1])
        let openai = try #require(scrape.gauges["openai"])
        // openai-mini-b is down, openai-mini-a (the same model) is not: a partial outage, not a complete one.
        #expect(openai.deploymentState == 1)
        #expect(openai.deployments.contains(DeploymentGauge(name: "gpt-4o-mini (openai-mini-b)", state: 2)))
        #expect(openai.deployments.contains(DeploymentGauge(name: "gpt-4o-mini (openai-mini-a)", state: 0)))
        let alerts = AlertRules.deploymentAlerts("openai", openai)
        #expect(alerts.count == 1)
        #expect(alerts[0].severity == .warning)
        #expect(alerts[0].message.hasPrefix("LiteLLM: 3 of 4 deployments failing: gpt-4o-mini (openai-mini-b) down"))
        // Failure classes from the exception_status / exception_class labels, as LiteLLM counted them.
        let failures = scrape.deltas.filter { $0.provider == "openai" }.reduce(into: [ErrorClass: Int]()) { total, delta in
            for (errorClass, n) in delta.errorsByClass { total[errorClass, default: 0] += n }
        }
        #expect(failures[.rateLimit] == 1)
        #expect(failures[.other] == nil)
    }

    @Test func aProviderIsInCompleteOutageOnlyWhenEveryDeploymentIs() {
        var gauges = ProviderGauges()
        gauges.record(deployment: "gpt-4o (a)", state: 2)
        #expect(gauges.deploymentState == 2)
        #expect(AlertRules.deploymentAlerts("openai", gauges).map(\.severity) == [.critical])
        gauges.record(deployment: "gpt-4o (b)", state: 0)
        #expect(gauges.deploymentState == 1)
        #expect(AlertRules.deploymentAlerts("openai", gauges) == [Alert(.warning, .deployment, "openai", "LiteLLM: 1 of 2 deployments failing: gpt-4o (a) down")])
        gauges.record(deployment: "gpt-4o (b)", state: 2)
        #expect(AlertRules.deploymentAlerts("openai", gauges) == [Alert(.critical, .deployment, "openai", "LiteLLM: complete outage, all 2 deployments down")])
    }

    @Test func healthNamesEachDeployment() throws {
        let report = ReadinessReport.judge(httpStatus: 200, body: Array(try Self.captured("health.json").utf8))
        let names = report.checks.map(\.name)
        #expect(Set(names).count == names.count, "two deployments of one model stay two checks")
        #expect(names.contains("openai/gpt-4o-mini (openai-mini-b)"))
        #expect(report.checks.first { $0.name == "openai/gpt-4o-mini (openai-mini-b)" }?.state == .unhealthy)
    }

    @Test func readinessWithoutADatabaseIsHealthy() throws {
        let report = ReadinessReport.judge(httpStatus: 200, body: Array(try Self.captured("health_readiness.json").utf8))
        #expect(report.state == .ready)
        #expect(report.reason == nil)
        #expect(report.checks == [ReadinessCheck(name: "db", state: .unknown, message: "Not connected")])
    }
}

@Suite("LiteLLM's own provider budgets, as captured")
struct LiteLLMProviderBudgetTests {
    @Test func remainingDollarsPerProviderAndNoBudgetWhereItSaysInfinity() throws {
        var tracker = MetricsTracker(firstScrapeCountsWhole: true)
        let scrape = tracker.read(try LiteLLMShapeTests.captured("metrics-provider-budgets.prom"))
        #expect(scrape.gauges["openai"]?.remainingBudgetUSD == 49.999934)
        #expect(scrape.gauges["anthropic"]?.remainingBudgetUSD == 20.0)
        #expect(scrape.gauges.values.compactMap(\.remainingBudgetUSD).count == 2)
        #expect(scrape.keyBudgets.isEmpty, "the master key's +Inf is no budget")
    }

    @Test func thePaceComesFromHowFastTheGaugeFallsAndAnEmptyBudgetIsCritical() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        var budgets = GatewayBudgets()
        budgets.record("openai", remaining: 10, at: t0)
        #expect(budgets.alerts(now: t0).isEmpty, "one reading: no pace yet")
        budgets.record("openai", remaining: 7, at: t0.addingTimeInterval(600))    // $3 in 10 minutes: $18/h
        let status = budgets.statuses(now: t0.addingTimeInterval(600))[0]
        #expect(status.perHour == 18 && status.exhaustion == t0.addingTimeInterval(600 + 7.0 / 18 * 3600))
        #expect(budgets.alerts(now: t0.addingTimeInterval(600)) == [
            Alert(.warning, .budget, "litellm/openai", "LiteLLM budget of the provider openai: $7.00 left — runs out ~08:33Z at $18.00/h"),
        ])
        budgets.record("openai", remaining: 0, at: t0.addingTimeInterval(900))
        #expect(budgets.alerts(now: t0.addingTimeInterval(900)).first?.severity == .critical)
        // The period turned: the gauge is back up, and the old fall says nothing of the new period.
        budgets.record("openai", remaining: 50, at: t0.addingTimeInterval(1000))
        #expect(budgets.statuses(now: t0.addingTimeInterval(1000))[0].perHour == nil)
    }
}

@Suite("LiteLLM key and team budgets")
struct LiteLLMKeyBudgetTests {
    /// The key series as captured (`api_key_alias`, `hashed_api_key`) with a finite value, as a budgeted key reads;
    /// the team series with the labels LiteLLM's Prometheus docs list (`team`, `team_alias`).
    @Test func aBudgetedKeyAndTeamAreNamedByTheirAliasAndMasterKeysInfinityIsNone() throws {
        let text = try LiteLLMShapeTests.captured("metrics-provider-budgets.prom") + """
        litellm_remaining_api_key_budget_metric{api_key_alias="ci-bot",hashed_api_key="88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b"} 4.25
        litellm_remaining_api_key_budget_metric{api_key_alias="None",hashed_api_key="2f1a3b4c5d6e7f8091a2b3c4d5e6f708"} 0.0
        litellm_remaining_team_budget_metric{team="6a8d1c2e-0000-4000-8000-000000000001",team_alias="search"} 120.5

        """
        var tracker = MetricsTracker(firstScrapeCountsWhole: true)
        let scrape = tracker.read(text)
        #expect(scrape.keyBudgets == ["key ci-bot": 4.25, "key 2f1a3b4c5d6e": 0, "team search": 120.5])
        var state = AppState(context: ContextConfig(name: "prod", services: [ServiceConfig(name: "gw", baseURL: "http://gw")]), now: Date())
        state.gatewayBudgets.record("key 2f1a3b4c5d6e", remaining: 0, at: state.now)
        #expect(state.gatewayBudgets.alerts(now: state.now) == [Alert(.critical, .budget, "litellm/key:2f1a3b4c5d6e",
            "LiteLLM budget of the key 2f1a3b4c5d6e exhausted: LiteLLM refuses its calls until the budget resets")])
    }
}
