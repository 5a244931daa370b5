/// One scrape being turned into call deltas and gauges by `MetricsTracker`: the mapping's families by name,
/// each counter's value now and at the previous scrape, and the deltas found so far, per provider and model.
struct ScrapeReading {
    let mapping: MetricMapping
    let byName: [String: MetricFamily]
    /// Which provider each model belongs to, from series that carry both labels.
    let modelProvider: [String: String]
    let previous: [MetricsTracker.SeriesKey: Double]
    /// The first scrape only sets the baseline: series count from the next one.
    let baseline: Bool
    private(set) var current: [MetricsTracker.SeriesKey: Double] = [:]
    private(set) var deltas: [String: MetricDelta] = [:]

    init(families: [MetricFamily], mapping: MetricMapping, previous: [MetricsTracker.SeriesKey: Double], baseline: Bool) {
        self.mapping = mapping
        byName = Dictionary(families.map { (MetricMapping.base($0.name), $0) }, uniquingKeysWith: { a, _ in a })
        modelProvider = MetricsTracker.modelProviders(families, mapping)
        self.previous = previous
        self.baseline = baseline
    }

    /// The provider and model a sample's labels name. LiteLLM labels what never reached a provider
    /// `api_provider="None"` (or ""): a bad key, an unknown model — the mapping's gateway row.
    func labels(of sample: MetricSample) -> (provider: String, model: String?) {
        let model = mapping.modelLabels.lazy.compactMap { sample.labels[$0] }.first { !$0.isEmpty && $0 != "None" }
        let named = mapping.providerLabels.lazy.compactMap { sample.labels[$0] }
        if let provider = named.first(where: { !$0.isEmpty && $0 != "None" }) { return (provider, model) }
        if let gateway = mapping.gatewayProvider, named.first != nil { return (gateway, model) }
        if let model, let known = modelProvider[model] { return (known, model) }
        if let model, let slash = model.firstIndex(of: "/") { return (String(model[..<slash]), model) }
        return ("unknown", model)
    }

    /// The increase of a counter-like sample since the previous scrape; a series new since then counts whole.
    mutating func increase(_ sample: MetricSample) -> Double {
        let key = MetricsTracker.SeriesKey(sample)
        let value = sample.value.isFinite ? max(0, sample.value) : 0
        current[key] = value
        if let before = previous[key] { return MetricMath.increase(from: before, to: value) }
        return baseline ? 0 : value
    }

    /// The increase as a whole count.
    mutating func count(_ sample: MetricSample) -> Int { Int(increase(sample).rounded()) }

    /// Applies `change` to the delta of the sample's provider and model.
    mutating func update(_ sample: MetricSample, _ change: (inout MetricDelta) -> Void) {
        let (provider, model) = labels(of: sample)
        let key = provider + "\u{1F}" + (model ?? "")
        var delta = deltas[key] ?? MetricDelta(provider: provider, model: model)
        change(&delta)
        deltas[key] = delta
    }

    /// The samples of the counters named (without their `_created` series).
    func counters(_ names: [String]) -> [MetricSample] {
        names.compactMap { byName[$0] }.flatMap { $0.samples.filter { !$0.name.hasSuffix("_created") } }
    }

    /// The class the sample's error labels give: codes first (`exception_status`), then class names
    /// (`exception_class`, `error_type`); nil when it has none.
    func errorClass(_ sample: MetricSample, code: Int? = nil) -> ErrorClass? {
        let values = mapping.errorLabels.compactMap { sample.labels[$0] }.filter { !$0.isEmpty && $0 != "None" }
        guard code != nil || !values.isEmpty else { return nil }
        return ErrorClass.classify(code: code ?? values.lazy.compactMap { Int($0) }.first,
                                   type: values.first { Int($0) == nil }, message: nil)
    }

    /// Requests and errors from success/failure counters, or from one counter whose outcome label tells them
    /// apart; returns whether any such counter was there (else the latency histogram's count is the requests).
    mutating func readCallCounters() -> Bool {
        let successes = counters(mapping.successCounters), failures = counters(mapping.failureCounters)
        let outcomes = mapping.outcomeLabel == nil ? [] : counters(mapping.requestCounters)
        for sample in outcomes {
            let n = count(sample)
            guard n > 0 else { continue }
            let outcome = mapping.outcomeLabel.flatMap { sample.labels[$0] } ?? ""
            let code = Int(outcome)
            let failed = mapping.failureValues.contains(outcome.lowercased()) || (code ?? 0) >= 400
            let errorClass = failed ? (self.errorClass(sample, code: code) ?? .other) : nil
            update(sample) { delta in
                delta.requests += n
                if let errorClass { delta.errorsByClass[errorClass, default: 0] += n }
            }
        }
        for sample in successes {
            let n = count(sample)
            if n > 0 { update(sample) { $0.requests += n } }
        }
        for sample in failures {
            let n = count(sample)
            let errorClass = self.errorClass(sample) ?? .other
            if n > 0 { update(sample) { $0.requests += n; $0.errorsByClass[errorClass, default: 0] += n } }
        }
        return !successes.isEmpty || !failures.isEmpty || !outcomes.isEmpty
    }

    /// Calls per latency bucket from the first latency histogram present (and, with `countingCalls`, requests
    /// from its `_count`, errors where the series carries an error label).
    mutating func readLatency(countingCalls: Bool) {
        let families = byName
        guard let latency = mapping.latencyHistograms.lazy.compactMap({ families[$0] }).first else { return }
        var buckets: [MetricsTracker.SeriesKey: [(le: Double, increase: Double, sample: MetricSample)]] = [:]
        for sample in latency.samples {
            if sample.name.hasSuffix("_bucket"), let le = sample.labels["le"].flatMap({ PrometheusText.number(Substring($0)) }) {
                var series = sample
                series.labels["le"] = nil
                buckets[MetricsTracker.SeriesKey(series), default: []].append((le, increase(sample), series))
            } else if sample.name.hasSuffix("_count"), countingCalls {
                let n = count(sample)
                guard n > 0 else { continue }
                let errorClass = self.errorClass(sample)
                update(sample) { delta in
                    delta.requests += n
                    if let errorClass { delta.errorsByClass[errorClass, default: 0] += n }
                }
            }
        }
        for (_, series) in buckets {
            let sorted = series.sorted { $0.le < $1.le }
            var lower = 0.0, below = 0.0
            var found: [MetricDelta.LatencyBucket] = []
            for bucket in sorted {
                let inBucket = Int((bucket.increase - below).rounded())
                if inBucket > 0 { found.append(.init(lower: lower, upper: bucket.le, count: inBucket)) }
                lower = bucket.le
                below = max(below, bucket.increase)
            }
            if !found.isEmpty, let sample = sorted.first?.sample { update(sample) { $0.latencyBuckets += found } }
        }
    }

    /// Input and output tokens: separate counters, one counter by a type label, or a token histogram's `_sum`.
    mutating func readTokens() {
        for sample in counters(mapping.inputTokenCounters) {
            let n = count(sample)
            if n > 0 { update(sample) { $0.inputTokens += n } }
        }
        for sample in counters(mapping.outputTokenCounters) {
            let n = count(sample)
            if n > 0 { update(sample) { $0.outputTokens += n } }
        }
        for sample in counters(mapping.tokenCounters) {
            let n = count(sample)
            guard n > 0, let type = sample.labels[mapping.tokenTypeLabel]?.lowercased() else { continue }
            if ["input", "prompt"].contains(type) { update(sample) { $0.inputTokens += n } }
            else if ["output", "completion"].contains(type) { update(sample) { $0.outputTokens += n } }
        }
        for family in mapping.tokenHistograms.compactMap({ byName[$0] }) {
            for sample in family.samples where sample.name.hasSuffix("_sum") {
                let n = count(sample)
                guard n > 0 else { continue }
                let output = sample.labels[mapping.tokenTypeLabel].map { $0 == "output" || $0 == "completion" } ?? false
                update(sample) { if output { $0.outputTokens += n } else { $0.inputTokens += n } }
            }
        }
    }

    /// Spend in US dollars and deployments put in cooldown.
    mutating func readSpendAndCooldowns() {
        for sample in counters(mapping.spendCounters) {
            let spent = increase(sample)
            if spent > 0 { update(sample) { $0.costUSD = ($0.costUSD ?? 0) + spent } }
        }
        for sample in counters(mapping.cooldownCounters) {
            let n = count(sample)
            if n > 0 { update(sample) { $0.cooldowns += n } }
        }
    }

    /// Dollars left of each virtual key's budget (named by `api_key_alias`, else the start of `hashed_api_key`, as
    /// captured from the real proxy) and each team's (`team_alias`, else `team`, as LiteLLM's Prometheus docs list them).
    func readKeyBudgets() -> [String: Double] {
        var budgets: [String: Double] = [:]
        func name(_ labels: [String: String], _ alias: String, _ id: String, prefix: Int) -> String? {
            if let value = labels[alias], !value.isEmpty, value != "None" { return value }
            return labels[id].flatMap { $0.isEmpty ? nil : String($0.prefix(prefix)) }
        }
        for (names, kind, alias, id, prefix) in [(mapping.remainingKeyBudgetGauges, "key", "api_key_alias", "hashed_api_key", 12),
                                                 (mapping.remainingTeamBudgetGauges, "team", "team_alias", "team", 36)] {
            for sample in names.compactMap({ byName[$0] }).flatMap(\.samples) where sample.value.isFinite {
                guard let who = name(sample.labels, alias, id, prefix: prefix) else { continue }
                budgets["\(kind) \(who)"] = sample.value
            }
        }
        return budgets
    }

    /// Each provider's gauges: deployment state per deployment, the lowest remaining requests and tokens.
    func readGauges() -> [String: ProviderGauges] {
        var gauges: [String: ProviderGauges] = [:]
        func samples(_ names: [String]) -> [MetricSample] {
            names.compactMap { byName[$0] }.flatMap(\.samples).filter { $0.value.isFinite }
        }
        for sample in samples(mapping.deploymentStateGauges) {
            gauges[labels(of: sample).provider, default: ProviderGauges()]
                .record(deployment: DeploymentGauge.name(sample.labels), state: Int(sample.value))
        }
        for sample in samples(mapping.remainingRequestsGauges) {
            let provider = labels(of: sample).provider, value = sample.value
            gauges[provider, default: ProviderGauges()].remainingRequests = min(gauges[provider]?.remainingRequests ?? value, value)
        }
        for sample in samples(mapping.remainingTokensGauges) {
            let provider = labels(of: sample).provider, value = sample.value
            gauges[provider, default: ProviderGauges()].remainingTokens = min(gauges[provider]?.remainingTokens ?? value, value)
        }
        // +Inf (no budget set) was left out with the other non-finite samples.
        for sample in samples(mapping.remainingBudgetGauges) {
            let provider = labels(of: sample).provider, value = sample.value
            gauges[provider, default: ProviderGauges()].remainingBudgetUSD = min(gauges[provider]?.remainingBudgetUSD ?? value, value)
        }
        return gauges
    }
}
