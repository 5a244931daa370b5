import LookoutCore

/// The events waiting for the loop, bounded: log batches from one source are coalesced into one, and past
/// `logLineBound` pending lines the oldest lines of the busiest source are dropped and counted (a `.logsSkipped`
/// event tells the Logs screen), so a flood faster than the loop costs a known amount of memory, never an unbounded
/// one, and never silently. Every other event is kept, in order. Pure: `EventInbox` wraps it in a lock.
public struct InboxQueue: Sendable {
    /// Pending log lines at most.
    public let logLineBound: Int
    /// Non-log events in arrival order.
    private var events: [Event] = []
    /// Pending log batches, one per source, in order of their first arrival.
    private var batches: [LogBatch] = []
    private var batchIndex: [SourceKey: Int] = [:]
    private var pendingLines = 0
    private var skipped = 0

    private struct SourceKey: Hashable, Sendable {
        let service: String
        let source: String
    }

    public init(logLineBound: Int = 100_000) { self.logLineBound = max(1, logLineBound) }

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
        if pendingLines > logLineBound { shed() }
    }

    /// Drops the oldest lines of the busiest source until a tenth of the bound is free again (dropping in steps keeps
    /// a sustained flood from paying for a shift on every push).
    private mutating func shed() {
        let target = logLineBound - logLineBound / 10
        while pendingLines > target, let busiest = batches.indices.max(by: { batches[$0].records.count < batches[$1].records.count }) {
            let count = min(batches[busiest].records.count, pendingLines - target)
            guard count > 0 else { break }
            batches[busiest].records.removeFirst(count)
            pendingLines -= count
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
        skipped = 0
        return out
    }
}
