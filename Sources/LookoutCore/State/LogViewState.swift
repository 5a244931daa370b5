import Foundation
import DequeModule

/// One record on the Logs screen, with where it came from and its place in arrival order.
public struct LogLine: Sendable, Equatable {
    public var sequence: Int
    public var service: String
    public var record: LogRecord
    /// When lookout received it (the state's clock).
    public var arrived: Date
    /// An estimate of the memory it holds (`LogRecord.estimatedBytes`).
    public let bytes: Int

    public init(sequence: Int, service: String, record: LogRecord, arrived: Date) {
        self.sequence = sequence
        self.service = service
        self.record = record
        self.arrived = arrived
        bytes = record.estimatedBytes
    }
}

/// Records that arrived together from one source, and how the source is doing.
public struct LogBatch: Sendable, Equatable {
    public var service: String
    public var source: String
    public var records: [LogRecord]
    /// The source's state: "following (app)", "cannot open: …", "exited 1, restarting in 4s"…
    public var status: String?

    public init(service: String, source: String, records: [LogRecord], status: String? = nil) {
        self.service = service
        self.source = source
        self.records = records
        self.status = status
    }
}

/// The Logs screen's state: a bounded ring of records, the filter, pause and selection.
public struct LogViewState: Sendable, Equatable {
    public let capacity: Int
    /// The most bytes the kept records may take (`LogLine.bytes`, an estimate of what each holds): a stream of
    /// megabyte lines is bounded by memory, not only by count.
    public let byteCapacity: Int
    /// What the kept records take now, by the same estimate.
    public private(set) var keptBytes = 0
    public private(set) var lines: Deque<LogLine> = []
    /// Sequence numbers of the lines the filter lets through, oldest first (all lines without a filter).
    public private(set) var matching: Deque<Int> = []
    public private(set) var nextSequence = 0
    public private(set) var filter: LogFilter?
    /// The filter being typed after `/`, nil when not typing.
    public var filterEditor: LineEditor?
    /// The filter's text while typing.
    public var filterInput: String? { filterEditor?.text }
    /// Filters applied before, for ↑ in the next one.
    public var filterHistory: [String] = []
    public var filterError: String?
    /// Last sequence shown while paused; nil when following the tail.
    public private(set) var pausedAt: Int?
    /// Selected sequence number; nil follows the newest matching line.
    public var selected: Int?
    /// The record opened with Enter.
    public var detail: Int?
    public private(set) var sourceStatus: [String: String] = [:]
    public private(set) var malformed = 0
    /// Lines in which log hygiene masked something.
    public private(set) var masked = 0
    /// Lines dropped unread before they reached the ring: the inbox was over its bound (a flood faster than the
    /// screen reads). Shown, never silent.
    public private(set) var skipped = 0

    /// - Parameters:
    ///   - capacity: records kept at most.
    ///   - byteCapacity: bytes they may take at most (64 MiB by default).
    public init(capacity: Int, byteCapacity: Int = 64 << 20) {
        self.capacity = max(1, capacity)
        self.byteCapacity = max(1 << 16, byteCapacity)
    }

    /// Lines visible now: matching ones, up to the pause point.
    public var visible: [Int] {
        guard let pausedAt else { return Array(matching) }
        return matching.filter { $0 <= pausedAt }
    }

    /// Records that arrived (and match) since the pause.
    public var newWhilePaused: Int {
        guard let pausedAt else { return 0 }
        return matching.reduce(0) { $0 + ($1 > pausedAt ? 1 : 0) }
    }

    public var isPaused: Bool { pausedAt != nil }

    public func line(_ sequence: Int) -> LogLine? {
        guard let first = lines.first, sequence >= first.sequence else { return nil }
        let index = sequence - first.sequence
        return index < lines.count ? lines[index] : nil
    }

    public mutating func append(_ batch: LogBatch, at now: Date) {
        if let status = batch.status { sourceStatus["\(batch.service): \(batch.source)"] = status }
        for record in batch.records {
            if record.isMalformed { malformed += 1 }
            if !record.sensitive.isEmpty { masked += 1 }
            let line = LogLine(sequence: nextSequence, service: batch.service, record: record, arrived: now)
            nextSequence += 1
            lines.append(line)
            keptBytes += line.bytes
            if filter?.matches(line.record, arrived: now, source: line.service) ?? true { matching.append(line.sequence) }
        }
        while lines.count > capacity || (keptBytes > byteCapacity && lines.count > 1), let dropped = lines.popFirst() {
            keptBytes -= dropped.bytes
            if matching.first == dropped.sequence { matching.removeFirst() }
            if selected == dropped.sequence { selected = lines.first?.sequence }
            if detail == dropped.sequence { detail = nil }
        }
    }

    /// Counts `count` lines dropped before they arrived.
    public mutating func skip(_ count: Int) { skipped += max(0, count) }

    public mutating func setFilter(_ filter: LogFilter?) {
        self.filter = filter
        matching = Deque(lines.filter { filter?.matches($0.record, arrived: $0.arrived, source: $0.service) ?? true }.map(\.sequence))
        selected = nil
    }

    public mutating func togglePause() {
        pausedAt = pausedAt == nil ? (nextSequence - 1) : nil
    }

    /// Moves the selection by `delta` visible lines (negative: older); leaving the bottom stops following.
    public mutating func move(by delta: Int) {
        let shown = visible
        guard !shown.isEmpty else { return }
        let current = selected.flatMap { shown.firstIndex(of: $0) } ?? (shown.count - 1)
        let target = max(0, min(shown.count - 1, current + delta))
        selected = target == shown.count - 1 && pausedAt == nil ? nil : shown[target]
    }

    public mutating func jumpToTop() { selected = visible.first }
    public mutating func jumpToBottom() { selected = nil }

    /// Selects the next (or previous) error after the selection.
    public mutating func jumpToError(forward: Bool) {
        let shown = visible
        guard !shown.isEmpty else { return }
        let current = selected.flatMap { shown.firstIndex(of: $0) } ?? (shown.count - 1)
        let order = forward ? Array(shown[min(shown.count, current + 1)...]) : Array(shown[..<current].reversed())
        if let found = order.first(where: { line($0)?.record.isError == true || (line($0)?.record.level ?? .unknown) >= .error }) {
            selected = found
        }
    }

    /// The selected line, or the newest visible one.
    public var current: Int? { selected ?? visible.last }
}
