import Foundation
import LookoutCore
import LookoutRuntime
import LookoutUI
import Testing

/// The loop every mode runs, driven on the in-memory backend with a virtual clock.
@Suite("Runtime loop")
struct RuntimeLoopTests {
    @Test func anIdleDashboardDrawsNoFrameUntilTheMinuteTurns() {
        let harness = RuntimeHarness(state: AppState(context: RuntimeHarness.context(services: 4), now: RuntimeHarness.start))
        harness.runtime.run(for: .milliseconds(100))
        #expect(harness.backend.frames.count == 1, "the first frame")
        #expect(harness.backend.lastLines[0].contains("08:00Z"))
        harness.runtime.run(for: .seconds(10))
        #expect(harness.backend.frames.count == 1, "ten idle seconds: no frame")
        // 08:00:05 + 0.1 + 10 s; the header's minute turns 55 s after the start: one frame, and only one.
        harness.runtime.run(for: .seconds(60))
        #expect(harness.backend.frames.count == 2, "one frame when the clock's minute turned")
        #expect(harness.backend.lastLines[0].contains("08:01Z"))
        #expect(harness.frameTimes.last.map { $0 >= .seconds(55) && $0 < .seconds(56) } == true, "\(harness.frameTimes)")
    }

    @Test func aFloodOfAHundredThousandLinesInOneSecondIsAtMostThirtyFramesWithExactCounts() {
        var state = AppState(context: RuntimeHarness.context(services: 2), now: RuntimeHarness.start, logCapacity: 200_000)
        _ = Reducer.reduce(&state, .key(.char("4")))
        let harness = RuntimeHarness(state: state)
        let records = RuntimeHarness.calls(1_000)
        // 100 batches of 1,000 lines, one every 10 ms, from t = 1 s.
        for step in 0..<100 {
            harness.input.schedule(at: .seconds(1) + .milliseconds(10 * step),
                                   [.event(.logs(LogBatch(service: "svc-0", source: "/var/log/svc-0.log", records: records)))])
        }
        harness.runtime.run(for: .seconds(3))
        let during = harness.frames(from: .seconds(1), to: .seconds(2))
        #expect(during > 0 && during <= 30, "\(during) frames in the flood's second")
        let header = harness.backend.lastLines[1]
        #expect(header.contains("100000 shown · 100000 of 100000 kept"), "\(header)")
        #expect(!header.contains("skipped"))
        #expect(harness.runtime.state.logs.lines.count == 100_000)
        let counted = harness.runtime.state.providers.summary(provider: "openai", window: .fiveMinutes, now: harness.runtime.state.now)
        #expect(counted?.requests == 25_000, "every call counted once")
    }

    @Test func aKeyPressedDuringTheFloodShowsWithinOneFrame() {
        let harness = RuntimeHarness(state: AppState(context: RuntimeHarness.context(services: 2), now: RuntimeHarness.start,
                                                     logCapacity: 200_000))
        let records = RuntimeHarness.calls(1_000)
        for step in 0..<100 {
            harness.input.schedule(at: .seconds(1) + .milliseconds(10 * step),
                                   [.event(.logs(LogBatch(service: "svc-0", source: "/var/log/svc-0.log", records: records)))])
        }
        let pressed = Duration.seconds(1) + .milliseconds(505)
        harness.input.schedule(at: pressed, [.key(.char("4"))])
        harness.runtime.run(for: .seconds(3))
        let frame = harness.firstFrame(atOrAfter: pressed)
        #expect(frame.map { $0.canvas.lines[1].hasPrefix(" Logs") } == true, "the Logs screen is the first frame after the key")
        #expect(frame.map { $0.at - pressed <= .milliseconds(34) } == true, "within one frame: \(String(describing: frame?.at))")
    }

    @Test func aResizeIsAnEventWithTheRealSizeAndTheNextFrameHasIt() {
        let harness = RuntimeHarness(state: AppState(context: RuntimeHarness.context(services: 60), now: RuntimeHarness.start))
        harness.input.schedule(at: .milliseconds(200), [.key(.char("G"))])
        harness.input.schedule(at: .milliseconds(400), [.resized(TerminalSize(width: 80, height: 24))])
        harness.runtime.run(for: .seconds(1))
        let last = harness.backend.frames.last
        #expect(last.map { ($0.width, $0.height) } ?? (0, 0) == (80, 24))
        #expect(harness.runtime.state.terminalSize == TerminalSize(width: 80, height: 24))
        #expect(last.map(RuntimeHarness.highlightedLines)?.first?.contains("svc-59") == true, "the selection is still on screen")
        #expect(last?.lines[1].contains("of 60") == true, "a position hint: \(last?.lines[1] ?? "")")
    }

    @Test func aSignalEndsTheLoopAndATerminalThatWentAwayToo() {
        let harness = RuntimeHarness(state: AppState(context: RuntimeHarness.context(services: 1), now: RuntimeHarness.start))
        harness.input.schedule(at: .seconds(2), [.signal(.hangup)])
        #expect(harness.runtime.run(for: .seconds(60)) == .signal(.hangup))
        #expect(harness.clock.elapsed == .seconds(2))
        let other = RuntimeHarness(state: AppState(context: RuntimeHarness.context(services: 1), now: RuntimeHarness.start))
        other.input.schedule(at: .seconds(1), [.terminalClosed])
        #expect(other.runtime.run(for: .seconds(60)) == .terminalClosed)
        let quitting = RuntimeHarness(state: AppState(context: RuntimeHarness.context(services: 1), now: RuntimeHarness.start))
        quitting.input.schedule(at: .seconds(1), [.key(.char("q"))])
        #expect(quitting.runtime.run(for: .seconds(60)) == .quit)
    }

    @Test func effectsGoToTheRunnerAsData() {
        let harness = RuntimeHarness(state: AppState(context: RuntimeHarness.context(services: 3), now: RuntimeHarness.start))
        harness.input.schedule(at: .milliseconds(100), [.key(.char("r"))])
        harness.runtime.run(for: .seconds(1))
        #expect(harness.effects.received == [.probeNow(services: ["svc-0", "svc-1", "svc-2"])])
    }

    @Test func aHeadlessRunStopsWhenItsConditionHolds() {
        let clock = VirtualClock(start: RuntimeHarness.start)
        let input = ScriptedInput(clock: clock)
        let runtime = Runtime(state: AppState(context: RuntimeHarness.context(services: 1), now: RuntimeHarness.start),
                              backend: nil, input: input, clock: clock, effects: NoEffects())
        input.schedule(at: .seconds(3), [.event(.probe(ProbeResult(service: "svc-0", kind: .liveness,
                                                                    startedAt: RuntimeHarness.start.addingTimeInterval(3), httpStatus: 200)))])
        let ending = runtime.run(for: .seconds(30)) { $0.services[0].lastLiveness != nil }
        #expect(ending == .done)
        #expect(clock.elapsed == .seconds(3))
        #expect(runtime.framesDrawn == 0)
    }
}

@Suite("The bell")
struct BellTests {
    /// svc-0 down three probes in a row, reported to a runtime that has run `seconds` of virtual time after each.
    func run(bell: Bool, silenced: Bool) -> Int {
        var context = RuntimeHarness.context(services: 2)
        context.services[0].readinessPath = nil
        var state = AppState(context: context, now: RuntimeHarness.start)
        state.bellOnCritical = bell
        if silenced {
            state.alertBook.add(AlertSilence(id: "s", matcher: "health:*", until: RuntimeHarness.start.addingTimeInterval(3600), by: "ana",
                                             from: nil, created: RuntimeHarness.start))
        }
        let harness = RuntimeHarness(state: state)
        for second in 1...3 {
            harness.input.schedule(at: .seconds(second), [.event(.probe(ProbeResult(
                service: "svc-0", kind: .liveness, startedAt: RuntimeHarness.start.addingTimeInterval(Double(second)), httpStatus: nil,
                transportError: TransportError(code: 7, message: "refused"))))])
        }
        harness.runtime.run(for: .seconds(10))
        return harness.backend.bells
    }

    @Test func aCriticalAlertRingsOnceWhenAskedAndNeverWhenSilenced() {
        #expect(run(bell: true, silenced: false) == 1, "down fires one critical alert: one bell")
        #expect(run(bell: false, silenced: false) == 0)
        #expect(run(bell: true, silenced: true) == 0)
    }
}
