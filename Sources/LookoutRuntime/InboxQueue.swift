import LookoutCore

/// The events waiting for the loop, bounded: log batches from one source are coalesced into one, and past
/// `logLineBound` pending lines or `logByteBound` bytes of them (by `LogRecord.estimatedBytes`, the Logs ring's own
/// estimate) the oldest lines of the busiest source are dropped and counted (a `.logsSkipped`
/// event tells the Logs screen), so a flood faster than the loop costs a known amount of memory, never an unbounded
/// one, and never silently. Every other event is kept, in order. Pure: `EventInbox` wraps it in a lock.
public struct InboxQueue: Sendable {
    /// Pending log lines at most.
    public let logLineBound: Int
    /// Pending log bytes at most (by estimate): 100,000 lines of 2 KB would otherwise wait as 200 MB.
    public let logByteBound: Int
    /// Non-log events in arrival order.
    private var events: [Event] = []
    /// Pending log batches, one per source, in order of their first arrival.
    private var batches: [LogBatch] = []
    private var batchIndex: [SourceKey: Int] = [:]
    private var pendingLines = 0
    private var pendingBytes = 0
    private var skipped = 0

    private struct SourceKey: Hashable, Sendable {
        let service: String
        let source: String
    }

    public init(logLineBound: Int = 100_000, logByteBound: Int = 32 << 20) {
        self.logLineBound = max(1, logLineBound)
        self.logByteBound = max(1, logByteBound)
    }

    /// Log lines waiting now.
    public var pendingLogLines: Int { pendingLines }
    public var isEmpty: Bool { events.isEmpty && batches.isEmpty && skipped == 0 }

    public mutating func push(_ event: Event) {
        guard case let .logs(batch) = event else {
            events.append(event)
            return
        }
        let key = SourceKey(service: batch.service, source: batch.source)
        if let index = batchIndex[key] {
            batches[index].records.append(contentsOf: batch.records)
            if let status = batch.status { batches[index].status = status }
        } else {
            batchIndex[key] = batches.count
            batches.append(batch)
        }
        pendingLines += batch.records.count
        pendingBytes += batch.records.reduce(0) { $0 + $1.estimatedBytes }
        if pendingLines > logLineBound || pendingBytes > logByteBound { shed() }
    }

    /// Drops the oldest lines of the busiest source until a tenth of the bound is free again (dropping in steps keeps
    /// a sustained flood from paying for a shift on every push).
    private mutating func shed() {
        let lineTarget = logLineBound - logLineBound / 10, byteTarget = logByteBound - logByteBound / 10
        while pendingLines > lineTarget || pendingBytes > byteTarget,
              let busiest = batches.indices.max(by: { batches[$0].records.count < batches[$1].records.count }) {
            var count = 0, bytes = 0
            let records = batches[busiest].records
            while count < records.count && (pendingLines - count > lineTarget || pendingBytes - bytes > byteTarget) {
                bytes += records[count].estimatedBytes
                count += 1
            }
            guard count > 0 else { break }
            batches[busiest].records.removeFirst(count)
            pendingLines -= count
            pendingBytes -= bytes
            skipped += count
        }
    }

    /// Everything waiting, in the order the loop should reduce it: how many lines were skipped, the other events,
    /// then one batch per log source.
    public mutating func drain() -> [Event] {
        var out: [Event] = []
        out.reserveCapacity(events.count + batches.count + 1)
        if skipped > 0 { out.append(.logsSkipped(skipped)) }
        out.append(contentsOf: events)
        out.append(contentsOf: batches.map(Event.logs))
        events.removeAll(keepingCapacity: true)
        batches.removeAll()
        batchIndex.removeAll(keepingCapacity: true)
        pendingLines = 0
        pendingBytes = 0
        skipped = 0
        return out
    }
}
