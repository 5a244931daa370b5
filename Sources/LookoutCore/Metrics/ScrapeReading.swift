/// One scrape being turned into call deltas and gauges by `MetricsTracker`: the mapping's families by name, each
/// counter's value now and at the previous scrape (by series id), and the deltas found so far, per provider and
/// model. Labels are compared as interned ids; a `String` is made once per provider and model, not per sample.
struct ScrapeReading {
    let mapping: MetricMapping
    let exposition: Exposition
    /// The tracker's symbols; provider names a scrape does not hold (the gateway row, `unknown`, a model's prefix)
    /// are added, so the tracker takes the table back afterwards.
    var symbols: SymbolTable
    let keys: LabelKeys
    /// Family index by name without `_total`.
    private let byName: [String: Int]
    /// Which provider each model belongs to, from series that carry both labels.
    private let modelProvider: [Int32: Int32]
    private let previous: [Double]
    /// The first scrape only sets the baseline: series count from the next one.
    private let baseline: Bool
    /// Counter values by series id (NaN: not read this scrape).
    private(set) var current: [Double]
    private var deltas: [Int: MetricDelta] = [:]

    init(exposition: Exposition, symbols: SymbolTable, seriesCount: Int, mapping: MetricMapping, previous: [Double], baseline: Bool) {
        self.mapping = mapping
        self.exposition = exposition
        var symbols = symbols
        keys = LabelKeys(mapping, &symbols)
        self.symbols = symbols
        var byName: [String: Int] = [:]
        for (index, family) in exposition.families.enumerated() where byName[MetricMapping.base(family.name)] == nil {
            byName[MetricMapping.base(family.name)] = index
        }
        self.byName = byName
        modelProvider = Self.modelProviders(exposition, keys)
        self.previous = previous
        self.baseline = baseline
        current = Array(repeating: .nan, count: seriesCount)
    }

    /// The deltas found, by provider and model.
    var sortedDeltas: [MetricDelta] { deltas.values.sorted { ($0.provider, $0.model ?? "") < ($1.provider, $1.model ?? "") } }

    /// Which provider each model belongs to, from series that carry both labels (LiteLLM's latency and token
    /// metrics name only the model).
    static func modelProviders(_ exposition: Exposition, _ keys: LabelKeys) -> [Int32: Int32] {
        var map: [Int32: Int32] = [:]
        for family in exposition.families {
            for sample in family.samples {
                guard let provider = keys.provider.lazy.compactMap({ exposition.label($0, of: sample) }).first(where: { $0 != keys.empty }) else { continue }
                for label in keys.model { if let model = exposition.label(label, of: sample), model != keys.empty { map[model] = provider } }
            }
        }
        return map
    }

    /// The value of a label as a string; nil when the sample has none.
    func labelText(_ name: Int32, of sample: Exposition.Sample) -> String? {
        exposition.label(name, of: sample).map(symbols.string)
    }

    /// The provider and model a sample's labels name. LiteLLM labels what never reached a provider
    /// `api_provider="None"` (or ""): a bad key, an unknown model — the mapping's gateway row.
    mutating func labels(of sample: Exposition.Sample) -> (provider: Int32, model: Int32?) {
        let (keys, exposition) = (self.keys, self.exposition)
        let present = { (id: Int32) in id != keys.empty && id != keys.none }
        let model = keys.model.lazy.compactMap { exposition.label($0, of: sample) }.first(where: present)
        let named = keys.provider.lazy.compactMap { exposition.label($0, of: sample) }
        if let provider = named.first(where: present) { return (provider, model) }
        if let gateway = keys.gateway, named.first != nil { return (gateway, model) }
        if let model, let known = modelProvider[model] { return (known, model) }
        if let model {
            let name = symbols.string(model)
            if let slash = name.firstIndex(of: "/") { return (symbols.intern(String(name[..<slash])), model) }
        }
        return (keys.unknown, model)
    }

    /// The increase of a counter-like sample since the previous scrape; a series new since then counts whole.
    mutating func increase(_ sample: Exposition.Sample) -> Double {
        let value = sample.value.isFinite ? max(0, sample.value) : 0
        let series = Int(sample.series)
        current[series] = value
        if series < previous.count, !previous[series].isNaN { return MetricMath.increase(from: previous[series], to: value) }
        return baseline ? 0 : value
    }

    /// The increase as a whole count.
    mutating func count(_ sample: Exposition.Sample) -> Int { MetricMath.wholeCount(increase(sample)) }

    /// Applies `change` to the delta of the sample's provider and model.
    mutating func update(_ sample: Exposition.Sample, _ change: (inout MetricDelta) -> Void) {
        let (provider, model) = labels(of: sample)
        let key = Int(provider) << 32 | Int((model ?? -1) + 1)
        if deltas[key] == nil { deltas[key] = MetricDelta(provider: symbols.string(provider), model: model.map(symbols.string)) }
        change(&deltas[key]!)
    }

    /// The families named, in the mapping's order.
    func families(_ names: [String]) -> [Exposition.Family] {
        names.compactMap { byName[$0].map { exposition.families[$0] } }
    }

    /// The samples of the counters named (without their `_created` series).
    func counters(_ names: [String]) -> [Exposition.Sample] {
        families(names).flatMap { $0.samples.filter { $0.suffix != .created } }
    }

    /// The class the sample's error labels give: codes first (`exception_status`), then class names
    /// (`exception_class`, `error_type`); nil when it has none.
    func errorClass(_ sample: Exposition.Sample, code: Int? = nil) -> ErrorClass? {
        let values = keys.error.compactMap { exposition.label($0, of: sample) }.filter { $0 != keys.empty && $0 != keys.none }.map(symbols.string)
        guard code != nil || !values.isEmpty else { return nil }
        return ErrorClass.classify(code: code ?? values.lazy.compactMap { Int($0) }.first,
                                   type: values.first { Int($0) == nil }, message: nil)
    }
}

/// The label names a mapping reads, and the few values it compares with, as ids in the scrape's symbol table.
struct LabelKeys {
    let provider: [Int32], model: [Int32], error: [Int32]
    let outcome: Int32?, tokenType: Int32, le: Int32
    let empty: Int32, none: Int32, unknown: Int32, gateway: Int32?

    init(_ mapping: MetricMapping, _ symbols: inout SymbolTable) {
        provider = mapping.providerLabels.map { symbols.intern($0) }
        model = mapping.modelLabels.map { symbols.intern($0) }
        error = mapping.errorLabels.map { symbols.intern($0) }
        outcome = mapping.outcomeLabel.map { symbols.intern($0) }
        tokenType = symbols.intern(mapping.tokenTypeLabel)
        le = symbols.intern("le")
        empty = symbols.intern("")
        none = symbols.intern("None")
        unknown = symbols.intern("unknown")
        gateway = mapping.gatewayProvider.map { symbols.intern($0) }
    }
}
