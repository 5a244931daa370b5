import Foundation
import LookoutCore
import LookoutRuntime
import LookoutUI
import Testing

/// The loop's inbox: bounded, coalescing, and never losing a wake-up.
@Suite("Bounded inbox")
struct InboxTests {
    static func batch(_ service: String, _ count: Int, from first: Int = 0) -> Event {
        .logs(LogBatch(service: service, source: "/var/log/\(service).log", records: RuntimeHarness.calls(count, from: first)))
    }

    @Test func logBatchesOfOneSourceAreCoalescedAndOtherEventsKeepTheirOrder() {
        var queue = InboxQueue(logLineBound: 10_000)
        queue.push(Self.batch("a", 10))
        queue.push(.key(.char("j")))
        queue.push(Self.batch("b", 5))
        queue.push(Self.batch("a", 10, from: 10))
        queue.push(.key(.char("k")))
        let drained = queue.drain()
        #expect(drained.count == 4)
        #expect(drained[0] == .key(.char("j")) && drained[1] == .key(.char("k")))
        guard case let .logs(a) = drained[2], case let .logs(b) = drained[3] else { Issue.record("two batches"); return }
        #expect(a.service == "a" && a.records.map(\.message) == (0..<20).map { "#\($0)" })
        #expect(b.service == "b" && b.records.count == 5)
        #expect(queue.isEmpty && queue.drain().isEmpty)
    }

    /// Long lines are bounded by their bytes too: 2,000 lines of 20 KB (40 MB by estimate) wait as at most the byte
    /// bound, the newest kept, every line kept or counted.
    @Test func longLinesAreBoundedByBytesAsWell() {
        var queue = InboxQueue(logLineBound: 100_000, logByteBound: 4 << 20)
        let long = String(repeating: "x", count: 20_000)
        for step in 0 ..< 20 {
            let records = (0 ..< 100).map { index in
                var record = LogRecord(raw: "{\"message\":\"\(long)\"}", mapping: "app")
                record.message = "#\(step * 100 + index)"
                return record
            }
            queue.push(.logs(LogBatch(service: "flood", source: "/var/log/flood.log", records: records)))
        }
        let drained = queue.drain()
        guard case let .logsSkipped(skipped) = drained.first, case let .logs(kept) = drained.last else { Issue.record("skip, then the batch"); return }
        #expect(kept.records.reduce(0) { $0 + $1.estimatedBytes } <= 4 << 20)
        #expect(skipped + kept.records.count == 2_000 && kept.records.last?.message == "#1999")
    }

    @Test func pastTheBoundTheOldestLinesOfTheBusiestSourceAreDroppedAndCounted() {
        var queue = InboxQueue(logLineBound: 1_000)
        queue.push(Self.batch("quiet", 50))
        for step in 0..<30 { queue.push(Self.batch("flood", 100, from: step * 100)) }   // 3,050 lines for 1,000 places
        #expect(queue.pendingLogLines <= 1_000)
        let drained = queue.drain()
        guard case let .logsSkipped(skipped) = drained.first else { Issue.record("the skip comes first: \(drained.count)"); return }
        let kept = drained.dropFirst().compactMap { event -> LogBatch? in if case let .logs(b) = event { return b } else { return nil } }
        let quiet = kept.first { $0.service == "quiet" }, flood = kept.first { $0.service == "flood" }
        #expect(quiet?.records.count == 50, "a quiet source loses nothing to another's flood")
        #expect(skipped + (flood?.records.count ?? 0) == 3_000, "every flood line is kept or counted")
        #expect(flood?.records.last?.message == "#2999", "the newest lines are kept")
        #expect(flood?.records.first?.message == "#\(skipped)", "the oldest are the ones dropped")
        // The Logs screen says so.
        var state = AppState(context: RuntimeHarness.context(services: 1), now: RuntimeHarness.start)
        for event in drained { _ = Reducer.reduce(&state, event) }
        _ = Reducer.reduce(&state, .key(.char("4")))
        let header = DashboardView.render(state, width: 120, height: 40).lines[1]
        #expect(header.contains("\(skipped) skipped"), "\(header)")
    }

    /// Two threads post 40,000 events while the loop waits on the real pipe; a lost wake-up (an event queued with
    /// no byte left to wake the poll) would leave events behind and the loop asleep.
    @Test func noWakeUpIsLostUnderConcurrentPosts() async {
        let inbox = EventInbox()
        let input = PollingInput(device: nil, inbox: inbox)
        let perThread = 20_000
        let posters = (0..<2).map { thread in
            Thread {
                for n in 0..<perThread {
                    inbox.post(.tick(Date(timeIntervalSince1970: Double(thread * perThread + n))))
                    if n % 97 == 0 { usleep(UInt32.random(in: 0...50)) }
                }
            }
        }
        posters.forEach { $0.start() }
        let received = await Task.detached {
            var count = 0, idleWaits = 0
            let deadline = Date().addingTimeInterval(60)
            while count < 2 * perThread, Date() < deadline {
                let inputs = input.wait(timeout: .seconds(1))
                if inputs.isEmpty { idleWaits += 1 }
                count += inputs.count
            }
            return (count, idleWaits)
        }.value
        #expect(received.0 == 2 * perThread, "every event arrived")
        #expect(received.1 <= 2, "the loop was woken for them (\(received.1) waits of a second found nothing)")
    }

    /// With a drain interval, a fleet posting all the time wakes the loop a few times a second, and nothing is lost.
    @Test func aDrainIntervalGathersPostsIntoFewWakeUps() async {
        let inbox = EventInbox()
        let input = PollingInput(device: nil, inbox: inbox, drainInterval: .milliseconds(250))
        let poster = Thread {
            for n in 0..<200 {
                inbox.post(.tick(Date(timeIntervalSince1970: Double(n))))
                usleep(5_000)   // 200 posts over about a second
            }
        }
        poster.start()
        let (received, wakeUps) = await Task.detached {
            var received = 0, wakeUps = 0
            let deadline = Date().addingTimeInterval(30)
            while received < 200, Date() < deadline {
                let inputs = input.wait(timeout: .seconds(1))
                if !inputs.isEmpty { wakeUps += 1 }
                received += inputs.count
            }
            return (received, wakeUps)
        }.value
        #expect(received == 200)
        #expect(wakeUps <= 8, "\(wakeUps) wake-ups for 200 posts in about a second")
    }

    /// The dashboard's inbox: what the fleet reports waits for the drain on time (no wake-up per post); an action's
    /// progress wakes the loop at once.
    @Test func onlyUrgentPostsWakeTheDashboardsLoop() async {
        let inbox = EventInbox(wake: .urgentOnly)
        let input = PollingInput(device: nil, inbox: inbox, drainInterval: .milliseconds(600))
        _ = input.wait(timeout: .zero)   // the first drain is due at once
        let clock = ContinuousClock()
        for n in 0..<100 { inbox.post(.tick(Date(timeIntervalSince1970: Double(n)))) }
        let start = clock.now
        let data = input.wait(timeout: .seconds(5))
        let waited = clock.now - start
        #expect(data.count == 100, "every post is taken at the drain")
        #expect(waited >= .milliseconds(500) && waited < .seconds(2), "posts did not wake the loop: \(waited)")
        inbox.post(.actionOutput(id: 1, line: "deploying"))
        let urgentStart = clock.now
        let urgent = input.wait(timeout: .seconds(5))
        #expect(urgent == [.event(.actionOutput(id: 1, line: "deploying"))])
        #expect(clock.now - urgentStart < .milliseconds(300), "an action's output wakes the loop at once")
        // Paced faster (the Logs screen), data is taken sooner.
        input.pace(.milliseconds(100))
        inbox.post(.tick(Date()))
        let pacedStart = clock.now
        #expect(input.wait(timeout: .seconds(5)).count == 1)
        #expect(clock.now - pacedStart < .milliseconds(400))
    }
}
