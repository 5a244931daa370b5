import LookoutCore
import Testing

/// The one retry policy of every restarting source.
@Suite("Backoff")
struct BackoffTests {
    @Test func doublesToItsCeilingAndStaysThere() {
        var backoff = Backoff()
        let waits = (0..<8).map { _ in backoff.next(afterRunOf: 2) }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30, 30])
    }

    @Test func aRunThatLastedStartsAgainFromTheFirstWait() {
        var backoff = Backoff(initial: 0.5, maximum: 10, resetAfter: 60)
        _ = backoff.next(afterRunOf: nil)       // could not start
        _ = backoff.next(afterRunOf: 3)
        #expect(backoff.next(afterRunOf: 5) == 2)
        #expect(backoff.next(afterRunOf: 61) == 0.5, "a minute of work forgives the old failures")
        #expect(backoff.next(afterRunOf: 1) == 1)
    }
}
