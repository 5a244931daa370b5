extension CallGroupStats {
    /// Adds another part's counts (HdrHistograms merge exactly).
    mutating func merge(_ other: CallGroupStats) {
        requests += other.requests
        errors += other.errors
        for (errorClass, count) in other.errorsByClass { errorsByClass[errorClass, default: 0] += count }
        latency.add(other.latency)
        latencyCount += other.latencyCount
        inputTokens += other.inputTokens
        outputTokens += other.outputTokens
        if let cost = other.costUSD { costUSD = (costUSD ?? 0) + cost }
    }
}

extension CallStatistics {
    /// Adds the statistics of the input that follows this one (groups keep their first-seen order,
    /// so merging parts in input order gives the groups the order one sequential pass would).
    public mutating func merge(_ other: CallStatistics) {
        lines += other.lines
        malformed += other.malformed
        records += other.records
        llmCalls += other.llmCalls
        pricedCalls += other.pricedCalls
        for name in other.groupNames {
            guard let stats = other.group(name) else { continue }
            let before = foldedRecords
            let index = index(of: name)
            // `index(of:)` counted one fold for the name; count every record it stands for instead.
            if foldedRecords > before { foldedRecords += stats.requests - 1 }
            mergeGroup(at: index, stats)
        }
        foldedRecords += other.foldedRecords
    }
}

/// Where to cut a log so parts can be read in parallel and give what one pass would: only before a line
/// that starts a JSON object right after a line that ended one (the framer is idle there: no CRI partial,
/// no multi-line entry in progress).
public enum StatsSplitter {
    /// The first clean cut in `window` (the index of the `{` that starts the next part), if any.
    public static func boundary(in window: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 1
        while i + 1 < window.count {
            if window[i] == 0x0A, window[i - 1] == UInt8(ascii: "}"), window[i + 1] == UInt8(ascii: "{") { return i + 1 }
            i += 1
        }
        return nil
    }
}
