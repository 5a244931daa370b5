import LookoutUI
import Testing

/// Frame pacing with a virtual clock: no frame without a change, at most 30 a second in a flood, a key within one.
@Suite("Frame pacing")
struct FramePacerTests {
    @Test func anIdleScreenDrawsNoFrameAfterTheFirst() {
        var pacer = FramePacer(framesPerSecond: 30)
        let first = pacer.shouldDraw(at: 0)
        #expect(first, "the first frame")
        var frames = 0
        for step in 1...10_000 where pacer.shouldDraw(at: Double(step) / 1000) { frames += 1 }   // 10 virtual seconds
        #expect(frames == 0)
        #expect(pacer.wait(at: 10) == nil, "nothing pending: sleep until an event")
    }

    @Test func aFloodWithinOneSecondIsAtMostThirtyFrames() {
        var pacer = FramePacer(framesPerSecond: 30)
        var frames = 0
        for line in 0..<100_000 {
            let now = Double(line) / 100_000   // 100,000 log lines within one virtual second
            pacer.changed()
            if pacer.shouldDraw(at: now) { frames += 1 }
        }
        #expect(frames <= 30)
        #expect(frames >= 29, "and still about thirty: the screen keeps up with the flood")
    }

    @Test func theFleetsChangesWaitForTheDataIntervalAKeyDoesNot() throws {
        var pacer = FramePacer(framesPerSecond: 30, dataInterval: 1)
        let first = pacer.shouldDraw(at: 0)
        #expect(first)
        var frames = 0
        for step in 1...10_000 {   // a log batch every millisecond for ten seconds
            let now = Double(step) / 1000
            pacer.changed(.data)
            if pacer.shouldDraw(at: now) { frames += 1 }
        }
        #expect(frames == 10, "one frame a second while only data changes")
        pacer.changed(.data)
        pacer.changed(.input)   // a key after a data change: the key's urgency wins
        let wait = try #require(pacer.wait(at: 10.001))
        #expect(wait <= 1.0 / 30)
        pacer.changed(.data)    // and data after a key does not slow it down
        #expect(try #require(pacer.wait(at: 10.001)) <= 1.0 / 30)
    }

    @Test func aKeyInTheFloodShowsWithinOneFrame() throws {
        var pacer = FramePacer(framesPerSecond: 30)
        let drawn = pacer.shouldDraw(at: 5.000)
        #expect(drawn)
        pacer.changed()                     // the key, 1 ms after a frame
        let tooSoon = pacer.shouldDraw(at: 5.001)
        #expect(!tooSoon)
        let wait = try #require(pacer.wait(at: 5.001))
        #expect(wait > 0 && wait <= 1.0 / 30)
        let due = pacer.shouldDraw(at: 5.001 + wait)
        #expect(due, "drawn once the interval since the last frame has passed")
    }
}
