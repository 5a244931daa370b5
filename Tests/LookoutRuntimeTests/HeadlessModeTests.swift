import Foundation
import LookoutCore
import LookoutRuntime
import LookoutUI
import Testing

/// A fleet on a script: every probe the loop asks for is answered 50 ms later, on the virtual clock, by what the
/// script says that service's endpoint returns at that moment; with a `period`, rounds also come on their own, as the
/// poller's schedule would bring them.
final class ScriptedFleet: EffectRunner {
    let clock: VirtualClock
    let input: ScriptedInput
    let names: [String]
    let answer: (String, ProbeKind, Date) -> ProbeResult

    init(clock: VirtualClock, input: ScriptedInput, names: [String], period: Duration? = nil, until horizon: Duration = .seconds(60),
         answer: @escaping (String, ProbeKind, Date) -> ProbeResult) {
        self.clock = clock
        self.input = input
        self.names = names
        self.answer = answer
        var round = Duration.zero
        repeat {
            schedule(names, at: clock.elapsed + round)
            round += period ?? horizon
        } while period != nil && round < horizon
    }

    func schedule(_ services: [String], at time: Duration) {
        let at = time + .milliseconds(50)
        let started = clock.now.addingTimeInterval((time - clock.elapsed).inSeconds)
        input.schedule(at: at, services.flatMap { name in
            [ProbeKind.liveness, .readiness].map { RuntimeInput.event(.probe(answer(name, $0, started))) }
        })
    }

    func run(_ effect: Effect) {
        if case let .probeNow(services) = effect { schedule(services, at: clock.elapsed) }
    }
}

@Suite("Headless modes judge as the dashboard does")
struct HeadlessModeTests {
    static let start = RuntimeHarness.start
    static let names = ["chat-api", "rag-search", "embed-worker", "support-bot"]

    /// chat-api is not ready from 5 s to 25 s (its LLM API times out), rag-search's cache is unhealthy but it serves
    /// (degraded), embed-worker refuses connections, support-bot is fine.
    static func answer(_ service: String, _ kind: ProbeKind, _ at: Date) -> ProbeResult {
        let t = at.timeIntervalSince(start)
        func ok(_ body: String, _ status: Int = 200) -> ProbeResult {
            ProbeResult(service: service, kind: kind, startedAt: at, httpStatus: status, body: Array(body.utf8),
                        timings: ProbeTimings(totalMicros: 20_000))
        }
        switch (service, kind) {
        case ("embed-worker", _):
            return ProbeResult(service: service, kind: kind, startedAt: at, httpStatus: nil,
                               transportError: TransportError(code: 7, message: "Failed to connect: Connection refused"))
        case ("chat-api", .readiness) where t >= 5 && t < 25:
            return ok(#"{"status":"not_ready","checks":{"database":"healthy","llm_api":"unhealthy: timeout after 5000ms"}}"#, 503)
        case ("rag-search", .readiness):
            return ok(#"{"status":"ready","checks":{"database":"healthy","cache":"unhealthy: timeout"}}"#)
        case (_, .readiness):
            return ok(#"{"status":"ready","checks":{"database":"healthy"}}"#)
        default:
            return ok(#"{"status":"healthy"}"#)
        }
    }

    /// A runtime on the scripted fleet from `at` (seconds after the start), with or without a screen, and its clock.
    static func runtime(from at: Double, screen: TestBackend?, period: Duration?,
                        names: [String] = names) -> (runtime: Runtime, clock: VirtualClock) {
        let clock = VirtualClock(start: start.addingTimeInterval(at))
        let input = ScriptedInput(clock: clock)
        let fleet = ScriptedFleet(clock: clock, input: input, names: names, period: period, answer: answer)
        let context = ContextConfig(name: "prod", services: names.map { ServiceConfig(name: $0, baseURL: "https://\($0).example.com") })
        return (Runtime(state: AppState(context: context, now: clock.now), backend: screen, input: input, clock: clock, effects: fleet), clock)
    }

    @Test(arguments: [3.0, 12.0, 30.0])
    func checkAndSnapshotSayWhatTheDashboardsStateSays(_ at: Double) throws {
        // The dashboard, probing every 2 s from the start, looked at just after the round of `at`.
        let screen = TestBackend(width: 120, height: 30)
        let dashboard = Self.runtime(from: 0, screen: screen, period: .seconds(2)).runtime
        dashboard.run(for: .seconds(at) + .milliseconds(200))
        // check and snapshot, started at `at`.
        let check = Self.runtime(from: at, screen: nil, period: nil).runtime.checkPasses(of: Self.names, waitingUpTo: nil)
        let snapshotState = Self.runtime(from: at, screen: nil, period: nil).runtime.snapshotCollect(for: .milliseconds(100))

        let fromDashboard = CheckReport(services: dashboard.state.services)
        #expect(check.json() == fromDashboard.json(), "check judges as the dashboard's state")
        let generated = Self.start
        let snapshot = try JSONSerialization.jsonObject(with: Data(SnapshotReport(state: snapshotState, generatedAt: generated).json().utf8)) as? [String: Any]
        let dashboardSnapshot = try JSONSerialization.jsonObject(with: Data(SnapshotReport(state: dashboard.state, generatedAt: generated).json().utf8)) as? [String: Any]
        #expect(snapshot?["status"] as? String == dashboardSnapshot?["status"] as? String)
        #expect((snapshot?["services"] as? NSArray) == (dashboardSnapshot?["services"] as? NSArray), "snapshot's services are the dashboard's")

        // And what each says is what the script set up.
        let expected: [String: String] = ["chat-api": at >= 5 && at < 25 ? "down" : "healthy", "rag-search": "degraded",
                                          "embed-worker": "down", "support-bot": "healthy"]
        let states = Dictionary(uniqueKeysWithValues: check.services.map { ($0.name, $0.observedState?.rawValue ?? "none") })
        #expect(states == expected)
        #expect(check.status == .critical)
        let screenText = screen.lastLines.joined(separator: "\n")
        #expect(screenText.contains("Failed to connect"), "the dashboard shows embed-worker's reason")
    }

    @Test func checkWaitsForReadinessOnTheVirtualClock() {
        // From 20 s, chat-api becomes ready at 25 s: a pass a second until then.
        let (runtime, clock) = Self.runtime(from: 20, screen: nil, period: nil, names: ["chat-api"])
        let report = runtime.checkPasses(of: ["chat-api"], waitingUpTo: .seconds(60))
        #expect(report.status == .ok)
        #expect(clock.elapsed >= .seconds(5) && clock.elapsed < .seconds(7), "\(clock.elapsed)")
        // Without a wait, the first pass is the answer.
        let (once, _) = Self.runtime(from: 20, screen: nil, period: nil, names: ["chat-api"])
        #expect(once.checkPasses(of: ["chat-api"], waitingUpTo: nil).status == .critical)
    }
}
