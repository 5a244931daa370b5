/// Gauges: deployment state, rate-limit headroom and the budgets a gateway reports.
extension ScrapeReading {
    /// The finite samples of the gauges named.
    private func gaugeSamples(_ names: [String]) -> [Exposition.Sample] {
        families(names).flatMap { $0.samples.filter { $0.value.isFinite } }
    }

    /// Dollars left of each virtual key's budget (named by `api_key_alias`, else the start of `hashed_api_key`, as
    /// captured from the real proxy) and each team's (`team_alias`, else `team`, as LiteLLM's Prometheus docs list them).
    mutating func readKeyBudgets() -> [String: Double] {
        var budgets: [String: Double] = [:]
        for (names, kind, alias, id, prefix) in [(mapping.remainingKeyBudgetGauges, "key", "api_key_alias", "hashed_api_key", 12),
                                                 (mapping.remainingTeamBudgetGauges, "team", "team_alias", "team", 36)] {
            let aliasKey = symbols.intern(alias), idKey = symbols.intern(id)
            for sample in gaugeSamples(names) {
                let who: String
                if let value = labelText(aliasKey, of: sample), !value.isEmpty, value != "None" { who = value }
                else if let value = labelText(idKey, of: sample), !value.isEmpty { who = String(value.prefix(prefix)) }
                else { continue }
                budgets["\(kind) \(who)"] = sample.value
            }
        }
        return budgets
    }

    /// Each provider's gauges: deployment state per deployment, the lowest remaining requests and tokens.
    mutating func readGauges() -> [String: ProviderGauges] {
        var gauges: [String: ProviderGauges] = [:]
        var states: [String: [String: Int]] = [:]
        let nameKeys = DeploymentGauge.labelNames.map { symbols.intern($0) }
        for sample in gaugeSamples(mapping.deploymentStateGauges) {
            var deploymentLabels: [String: String] = [:]
            for (name, key) in zip(DeploymentGauge.labelNames, nameKeys) { deploymentLabels[name] = labelText(key, of: sample) }
            let provider = symbols.string(labels(of: sample).provider)
            states[provider, default: [:]][DeploymentGauge.name(deploymentLabels), default: Int.min].formMax(min(MetricMath.wholeCount(sample.value), 2))
        }
        for (provider, byDeployment) in states { gauges[provider, default: ProviderGauges()].record(deployments: byDeployment) }
        for (names, field) in [(mapping.remainingRequestsGauges, \ProviderGauges.remainingRequests),
                               (mapping.remainingTokensGauges, \ProviderGauges.remainingTokens),
                               // +Inf (no budget set) was left out with the other non-finite samples.
                               (mapping.remainingBudgetGauges, \ProviderGauges.remainingBudgetUSD)] {
            for sample in gaugeSamples(names) {
                let provider = symbols.string(labels(of: sample).provider), value = sample.value
                gauges[provider, default: ProviderGauges()][keyPath: field] = min(gauges[provider]?[keyPath: field] ?? value, value)
            }
        }
        return gauges
    }
}

private extension Int {
    mutating func formMax(_ other: Int) { self = Swift.max(self, other) }
}
