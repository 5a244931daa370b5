/// How long a source waits before it tries again — one policy for every source that restarts (command log sources,
/// HTTP log streams): `initial` seconds, doubling up to `maximum`, and back to `initial` after a run that lasted
/// longer than `resetAfter` (a source that worked for a minute is not held back by an old failure). Pure.
public struct Backoff: Sendable, Equatable {
    public let initial: Double
    public let maximum: Double
    public let resetAfter: Double
    /// The wait the next failure will get.
    public private(set) var current: Double

    public init(initial: Double = 1, maximum: Double = 30, resetAfter: Double = 60) {
        self.initial = max(0, initial)
        self.maximum = max(self.initial, maximum)
        self.resetAfter = resetAfter
        current = self.initial
    }

    /// The wait after a run that lasted `ran` seconds ended (nil: it could not even start); the next wait doubles.
    public mutating func next(afterRunOf ran: Double?) -> Double {
        if let ran, ran > resetAfter { current = initial }
        let wait = current
        current = min(maximum, current * 2)
        return wait
    }
}
