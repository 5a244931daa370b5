/// Calls, latency, tokens and spend: the counters and histograms of a scrape turned into deltas.
extension ScrapeReading {
    /// Requests and errors from success/failure counters, or from one counter whose outcome label tells them
    /// apart; returns whether any such counter was there (else the latency histogram's count is the requests).
    mutating func readCallCounters() -> Bool {
        let successes = counters(mapping.successCounters), failures = counters(mapping.failureCounters)
        let outcomeKey = keys.outcome
        let outcomes = outcomeKey == nil ? [] : counters(mapping.requestCounters)
        for sample in outcomes {
            let n = count(sample)
            guard n > 0 else { continue }
            let outcome = outcomeKey.flatMap { labelText($0, of: sample) } ?? ""
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
            guard n > 0 else { continue }
            let errorClass = self.errorClass(sample) ?? .other
            update(sample) { $0.requests += n; $0.errorsByClass[errorClass, default: 0] += n }
        }
        return !successes.isEmpty || !failures.isEmpty || !outcomes.isEmpty
    }

    /// Calls per latency bucket from the first latency histogram present (and, with `countingCalls`, requests
    /// from its `_count`, errors where the series carries an error label).
    mutating func readLatency(countingCalls: Bool) {
        guard let latency = families(mapping.latencyHistograms).first else { return }
        let le = keys.le
        // Buckets grouped by their series without `le`, in the order the groups first appear.
        var groups = SymbolTable()
        var buckets: [[(le: Double, increase: Double, sample: Exposition.Sample)]] = []
        var bounds: [Int32: Double] = [:]
        var key: [Int32] = []
        for sample in latency.samples {
            if sample.suffix == .bucket, let bound = exposition.label(le, of: sample) {
                if bounds[bound] == nil { bounds[bound] = PrometheusText.number(Substring(symbols.string(bound))) ?? .nan }
                guard let upper = bounds[bound], !upper.isNaN else { continue }
                key.removeAll(keepingCapacity: true)
                key.append(sample.name)
                for label in exposition.labels[sample.labelRange] where label.name != le { key.append(label.name); key.append(label.value) }
                let group = Int(key.withUnsafeBytes { groups.intern($0) })
                if group == buckets.count { buckets.append([]) }
                buckets[group].append((upper, increase(sample), sample))
            } else if sample.suffix == .count, countingCalls {
                let n = count(sample)
                guard n > 0 else { continue }
                let errorClass = self.errorClass(sample)
                update(sample) { delta in
                    delta.requests += n
                    if let errorClass { delta.errorsByClass[errorClass, default: 0] += n }
                }
            }
        }
        for series in buckets {
            let sorted = series.sorted { $0.le < $1.le }
            var lower = 0.0, below = 0.0
            var found: [MetricDelta.LatencyBucket] = []
            for bucket in sorted {
                let inBucket = MetricMath.wholeCount(bucket.increase - below)
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
        let typeKey = keys.tokenType
        for sample in counters(mapping.tokenCounters) {
            let n = count(sample)
            guard n > 0, let type = labelText(typeKey, of: sample)?.lowercased() else { continue }
            if ["input", "prompt"].contains(type) { update(sample) { $0.inputTokens += n } }
            else if ["output", "completion"].contains(type) { update(sample) { $0.outputTokens += n } }
        }
        for family in families(mapping.tokenHistograms) {
            for sample in family.samples where sample.suffix == .sum {
                let n = count(sample)
                guard n > 0 else { continue }
                let output = labelText(typeKey, of: sample).map { $0 == "output" || $0 == "completion" } ?? false
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
}
