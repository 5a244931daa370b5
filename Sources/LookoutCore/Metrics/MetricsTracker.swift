/// The metrics trackers of a context's services, keyed by service: turns each `/metrics` probe result into a
/// `MetricsScrape`. Pure; the dashboard runs it on the poller thread so a large exposition never stalls the screen.
public struct MetricsReader: Sendable {
    private var trackers: [String: MetricsTracker] = [:]
    /// The services whose metrics are read from Prometheus, with the histograms their mapping declares.
    private var fromPrometheus: [String: [String]] = [:]

    /// - Parameter mappings: metric mappings defined in the configuration, besides the presets.
    public init(services: [ServiceConfig], mappings: [MetricMapping]) {
        update(adding: services, removing: [], mappings: mappings)
    }

    /// Services that joined get a tracker (a first scrape is their baseline); those that left lose theirs.
    public mutating func update(adding services: [ServiceConfig], removing removed: Set<String>, mappings: [MetricMapping]) {
        for name in removed {
            trackers[name] = nil
            fromPrometheus[name] = nil
        }
        for service in services where service.metrics != nil {
            let mapping = service.metrics?.mapping.flatMap { name in mappings.first { $0.name == name } ?? MetricMapping.preset(named: name) }
            trackers[service.name] = MetricsTracker(mapping: mapping)
            if service.metrics?.promQL != nil {
                fromPrometheus[service.name] = (mapping.map { [$0] } ?? MetricMapping.presets).flatMap { $0.latencyHistograms + $0.tokenHistograms }
            }
        }
    }

    public mutating func read(_ result: ProbeResult) -> MetricsScrape {
        var scrape = MetricsScrape()
        if let histograms = fromPrometheus[result.service] {
            scrape = readPrometheus(result, histograms: histograms)
        } else if let error = result.transportError {
            scrape.problem = SafeText.escape(error.message)
        } else if result.httpStatus != 200 {
            scrape.problem = "HTTP \(result.httpStatus ?? 0)"
        } else if trackers[result.service] != nil {
            scrape = result.body.withUnsafeBytes { trackers[result.service]!.read(bytes: $0) }
        } else {
            scrape.problem = "no metrics endpoint configured"
        }
        scrape.service = result.service
        return scrape
    }

    /// A Prometheus answer: its series written as an exposition and read like a scrape; its error, or its warnings,
    /// said in the scrape's status.
    private mutating func readPrometheus(_ result: ProbeResult, histograms: [String]) -> MetricsScrape {
        var scrape = MetricsScrape()
        scrape.source = "Prometheus"
        if let error = result.transportError, result.body.isEmpty {
            scrape.problem = "Prometheus: " + SafeText.escape(error.message)
            return scrape
        }
        let response = PromQLResponse.decode(result.body, httpStatus: result.httpStatus ?? 0)
        if let error = response.error {
            scrape.problem = "Prometheus: " + error
            return scrape
        }
        scrape = trackers[result.service]!.read(response.exposition(histograms: histograms))
        scrape.source = "Prometheus"
        scrape.replicas = response.replicas
        scrape.warnings = response.warnings
        return scrape
    }
}

/// Turns successive scrapes of one `/metrics` endpoint into call deltas: remembers each counter series' last
/// value, takes increases across resets (a counter that went down restarted from zero), and turns histogram
/// bucket increases into calls per latency bucket. Metric names, label strings and series are interned in tables
/// kept from scrape to scrape, so a series is found again by its id; the tables are rebuilt from the latest scrape
/// when they hold much more than it (series that come and go), so memory stays bounded by the parser's sample cap.
public struct MetricsTracker: Sendable {
    public let configuredMapping: MetricMapping?
    /// Counts the first scrape whole (totals since the counters started) instead of taking it as the baseline.
    public let firstScrapeCountsWhole: Bool
    private var symbols = SymbolTable()
    private var seriesTable = SymbolTable()
    /// Counter values at the previous scrape, by series id (NaN: not read then).
    private var previous: [Double] = []
    private var scrapes = 0

    public init(mapping: MetricMapping? = nil, firstScrapeCountsWhole: Bool = false) {
        configuredMapping = mapping
        self.firstScrapeCountsWhole = firstScrapeCountsWhole
    }

    /// How many series and strings the tracker's tables hold (for the bound's test).
    var tableSizes: (series: Int, symbols: Int) { (seriesTable.count, symbols.count) }

    public mutating func read(_ text: String) -> MetricsScrape {
        var text = text
        return text.withUTF8 { read(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Reads one scrape held whole.
    public mutating func read(bytes: UnsafeRawBufferPointer) -> MetricsScrape {
        read { feed in feed(bytes) }
    }

    /// Reads one scrape given in chunks: `chunks` calls `feed` with each in turn (a line may be cut between two).
    public mutating func read(chunks: ((UnsafeRawBufferPointer) -> Void) throws -> Void) rethrows -> MetricsScrape {
        var parser = ExpositionParser(symbols: symbols, seriesTable: seriesTable, keepsHelp: false)
        symbols = SymbolTable()   // the parser holds the only reference while it reads: no copy
        seriesTable = SymbolTable()
        try chunks { parser.feed($0) }
        let exposition = parser.finish()
        symbols = parser.symbols
        seriesTable = parser.seriesTable
        let scrape = judge(exposition)
        if seriesTable.count > 2 * exposition.sampleCount + 10_000 || symbols.count > 4 * exposition.sampleCount + 10_000 {
            compact(keeping: exposition)
        }
        return scrape
    }

    private mutating func judge(_ exposition: Exposition) -> MetricsScrape {
        var scrape = MetricsScrape()
        scrape.badLines = exposition.issues.count
        scrape.series = exposition.sampleCount
        let names = exposition.families.filter { !$0.samples.isEmpty || $0.kind != .untyped }.map(\.name)
        guard let mapping = configuredMapping ?? MetricMapping.detect(familyNames: names) else { return scrape }
        scrape.mapping = mapping.name
        let first = scrapes == 0 && !firstScrapeCountsWhole
        scrape.baseline = first
        scrapes += 1
        var reading = ScrapeReading(exposition: exposition, symbols: symbols, seriesCount: seriesTable.count, mapping: mapping,
                                    previous: previous, baseline: first)
        let countsFromCounters = reading.readCallCounters()
        reading.readLatency(countingCalls: !countsFromCounters)
        reading.readTokens()
        reading.readSpendAndCooldowns()
        scrape.gauges = reading.readGauges()
        scrape.keyBudgets = reading.readKeyBudgets()
        scrape.deltas = reading.sortedDeltas
        previous = reading.current
        symbols = reading.symbols
        if first {
            var whole = ScrapeReading(exposition: exposition, symbols: symbols, seriesCount: seriesTable.count, mapping: mapping,
                                      previous: [], baseline: false)
            whole.readTokens()
            whole.readSpendAndCooldowns()
            scrape.totals = whole.sortedDeltas
            symbols = whole.symbols
        }
        return scrape
    }

    /// Rebuilds the tables from the latest scrape's series alone, carrying their counter values over.
    private mutating func compact(keeping exposition: Exposition) {
        var newSymbols = SymbolTable(), newSeries = SymbolTable()
        var carried: [Double] = []
        var key: [Int32] = []
        func move(_ id: Int32) -> Int32 { symbols.withBytes(id) { newSymbols.intern($0) } }
        for family in exposition.families {
            for sample in family.samples {
                key.removeAll(keepingCapacity: true)
                key.append(move(sample.name))
                // Ids change, so the labels are sorted again by their new ids, as the parser sorts them.
                let labels = exposition.labels[sample.labelRange].map { (move($0.name), move($0.value)) }.sorted { $0.0 < $1.0 }
                for (name, value) in labels { key.append(name); key.append(value) }
                let id = Int(key.withUnsafeBytes { newSeries.intern($0) })
                if id == carried.count { carried.append(.nan) }
                let old = Int(sample.series)
                if old < previous.count { carried[id] = previous[old] }
            }
        }
        symbols = newSymbols
        seriesTable = newSeries
        previous = carried
    }
}
