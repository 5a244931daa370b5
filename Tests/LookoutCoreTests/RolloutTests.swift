import Foundation
import LookoutCore
import LookoutDemo
import Testing

/// Deployed versions read from real bodies (`Fixtures/versions/SOURCE.md`), and rollouts judged from the probes that
/// see them: mixed while replicas disagree, completed once one version holds for success-threshold probes.
@Suite("Deployed versions and rollouts")
struct RolloutTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func fixture(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(path)")))
    }

    static func result(_ body: String, kind: ProbeKind = .liveness, status: Int = 200, at seconds: Double = 0,
                       headers: [String: String] = [:], service: String = "chat-api") -> ProbeResult {
        var result = ProbeResult(service: service, kind: kind, startedAt: t0.addingTimeInterval(seconds), httpStatus: status,
                                 body: Array(body.utf8))
        result.headers = headers
        return result
    }

    // MARK: reading

    @Test func springActuatorInfoGivesTheBuildVersionAndTheCommit() throws {
        var probe = Self.result("")
        probe.body = try Self.fixture("versions/spring-actuator-info.json")
        let version = try #require(DeployedVersion.read(probe, config: VersionConfig()))
        #expect(version.name == "1.0.3", "build.version is the name shown; os.version is another object's")
        #expect(version.identifiers == ["1.0.3", "df027cf"])
        #expect(version.matches("1.0.3"))
        #expect(version.matches("df027cf4e1b2c3d4e5f60718293a4b5c6d7e8f90"), "GitHub's full sha names the short commit id")
        #expect(!version.matches("1.0.4"))
        #expect(!version.matches("df02"), "a prefix under 7 hex digits names nothing")
    }

    @Test func liteLLMsVersionIsInItsReadinessDetailsNotTheCheapReadiness() throws {
        var details = Self.result("", kind: .version)
        details.body = try Self.fixture("litellm-1.108.5/health_readiness_details.json")
        #expect(DeployedVersion.read(details, config: VersionConfig())?.name == "1.108.5")
        var cheap = Self.result("", kind: .readiness)
        cheap.body = try Self.fixture("litellm-1.108.5/health_readiness.json")
        #expect(DeployedVersion.read(cheap, config: VersionConfig()) == nil)
    }

    @Test func theCourseShapedHealthBodyGivesItsVersion() {
        let body = #"{"status":"healthy","version":"1.4.1","timestamp":"2026-12-05T02:13:59Z"}"#
        #expect(DeployedVersion.read(Self.result(body), config: VersionConfig())?.name == "1.4.1")
    }

    @Test func aConfiguredFieldOrHeaderIsReadInsteadOfTheKnownFields() {
        let body = #"{"version":"api-v2","git":{"commit":"9f1c2ab"},"build":{"number":412}}"#
        #expect(DeployedVersion.read(Self.result(body), config: VersionConfig(field: BodyPath("[BODY].git.commit")))?.name == "9f1c2ab")
        #expect(DeployedVersion.read(Self.result(body), config: VersionConfig(field: BodyPath("[BODY].build.number")))?.name == "412")
        #expect(DeployedVersion.read(Self.result(body), config: VersionConfig(field: BodyPath("[BODY].git"))) == nil, "an object is no version")
        let headed = Self.result(body, headers: ["x-app-version": " 2.3.4 "])
        #expect(DeployedVersion.read(headed, config: VersionConfig(header: "X-App-Version"))?.name == "2.3.4")
        #expect(DeployedVersion.read(Self.result(body), config: VersionConfig(header: "X-App-Version")) == nil,
                "a configured header that is missing says nothing, whatever the body has")
    }

    @Test func hostileOrHugeVersionsAreEscapedAndCut() throws {
        let hostile = #"{"version":"1.0\u001b]0;owned\u0007"}"#
        #expect(DeployedVersion.read(Self.result(hostile), config: VersionConfig())?.name == "1.0\\e]0;owned\\x07")
        let long = #"{"image":"registry.example.com/team/chat-api@sha256:"# + String(repeating: "a", count: 64) + #""}"#
        let name = try #require(DeployedVersion.read(Self.result(long), config: VersionConfig())?.name)
        #expect(name.count == 64 && name.hasSuffix("…"))
        #expect(DeployedVersion.read(Self.result("<html>502</html>", status: 502), config: VersionConfig()) == nil)
    }

    /// The README's "Versions and rollouts" section lists the fields read by default, in order: the list is the code's,
    /// and each is read from a body that has only it. Its demo claim (two replicas, about 12 s mixed) is the demo's.
    @Test func theReadmesVersionClaimsAreTrue() throws {
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../README.md").standardized, encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "### Versions and rollouts").dropFirst().first?
            .components(separatedBy: "\n### ").first)
        let line = try #require(section.components(separatedBy: "first of these fields found:").dropFirst().first?
            .components(separatedBy: " — ").first)
        let listed = line.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
        #expect(listed == DeployedVersion.knownFields.map { $0.joined(separator: ".") })
        for field in DeployedVersion.knownFields {
            let body = field.reversed().reduce("\"7.7.7\"") { inner, key in "{\"\(key)\":\(inner)}" }
            #expect(DeployedVersion.read(Self.result(body), config: VersionConfig())?.name == "7.7.7", "\(body)")
        }
        #expect(section.contains("chat-api runs two\nreplicas") || section.contains("chat-api runs two replicas"))
        #expect(DemoControl.initialReplicas == ["chat-api": 2])
        #expect(section.contains("mixed for about 12 s") && DemoControl(routes: [:]).rollingStep == .seconds(12))
    }

    // MARK: rollouts

    /// Observations of `versions`, two seconds apart.
    func run(_ tracker: inout RolloutTracker, _ versions: [String], from start: Double = 0) -> [RolloutEvent] {
        versions.enumerated().flatMap { index, name in
            tracker.observe(DeployedVersion(name), at: Self.t0.addingTimeInterval(start + Double(index) * 2))
        }
    }

    @Test func aRollingDeployIsMixedUntilTheNewVersionHoldsForTheThreshold() {
        var tracker = RolloutTracker(successThreshold: 2)
        #expect(run(&tracker, ["1.4.1", "1.4.1"]) == [.settled(DeployedVersion("1.4.1"))])
        #expect(tracker.display == "1.4.1")
        let v1 = DeployedVersion("1.4.1"), v2 = DeployedVersion("1.4.2")
        #expect(run(&tracker, ["1.4.2"], from: 4) == [.started(from: v1, to: v2)])
        #expect(run(&tracker, ["1.4.1", "1.4.2", "1.4.1"], from: 6) == [])
        #expect(tracker.display == "1.4.1→1.4.2 mixed 4:2")
        #expect(tracker.shortfall("1.4.2") == "still serving 1.4.1 on 4 of 6 probes")
        #expect(run(&tracker, ["1.4.2", "1.4.2"], from: 12) == [.completed(from: v1, to: v2, took: .seconds(10))])
        #expect(tracker.display == "1.4.2")
        #expect(tracker.holds("1.4.2") && tracker.shortfall("1.4.2") == nil)
        #expect(RolloutEvent.completed(from: v1, to: v2, took: .seconds(48)).text == "1.4.1 → 1.4.2, rollout took 48s")
    }

    @Test func theOldVersionHoldingAgainIsARevertAndANewerOneOvertakes() {
        var tracker = RolloutTracker(successThreshold: 3)
        _ = run(&tracker, ["2.0", "2.0", "2.0", "2.1", "2.2"])
        #expect(tracker.rollout?.to == DeployedVersion("2.2"), "the newest version seen is the one rolling out")
        let events = run(&tracker, ["2.0", "2.0", "2.0"], from: 10)
        #expect(events == [.reverted(to: DeployedVersion("2.0"), abandoned: DeployedVersion("2.2"), after: .seconds(8))])
        #expect(tracker.rollout == nil && tracker.display == "2.0")
    }

    @Test func aRolloutMixedPastItsTimeIsReportedStalledOnce() {
        var tracker = RolloutTracker(successThreshold: 2, stallAfter: .seconds(60))
        _ = run(&tracker, ["1", "1", "2", "1", "2", "1"])
        #expect(tracker.checkStall(now: Self.t0.addingTimeInterval(30)) == [])
        let stalled = tracker.checkStall(now: Self.t0.addingTimeInterval(64))
        #expect(stalled == [.stalled(from: DeployedVersion("1"), to: DeployedVersion("2"), after: .seconds(60), mix: "4:2")])
        #expect(stalled.first?.isWarning == true)
        #expect(tracker.checkStall(now: Self.t0.addingTimeInterval(120)) == [], "said once")
        #expect(tracker.display == "1→2 mixed 4:2 stalled")
    }

    @Test func startedMidRolloutTheLowerVersionNumberIsTheOldOne() {
        var tracker = RolloutTracker(successThreshold: 2)
        #expect(run(&tracker, ["1.4.2", "1.4.1"]) == [.started(from: DeployedVersion("1.4.1"), to: DeployedVersion("1.4.2"))])
        #expect(tracker.display == "1.4.1→1.4.2 mixed 1:1")
        var commits = RolloutTracker(successThreshold: 2)
        #expect(run(&commits, ["9f1c2ab", "0a1b2c3"]) == [.started(from: DeployedVersion("9f1c2ab"), to: DeployedVersion("0a1b2c3"))],
                "commits have no order: the one seen first is taken as the old")
        #expect(DeployedVersion.isOlder(DeployedVersion("v1.9.0"), than: DeployedVersion("v1.10.0")))
        #expect(DeployedVersion.isOlder(DeployedVersion("2026.11.3"), than: DeployedVersion("2026.12.1-rc1")))
        #expect(!DeployedVersion.isOlder(DeployedVersion("1.4"), than: DeployedVersion("abc")))
    }

    @Test func theGateNeedsTheThresholdOfProbesInARow() {
        var tracker = RolloutTracker(successThreshold: 3)
        #expect(tracker.shortfall("1.4.2") == "no probe reported a version")
        _ = run(&tracker, ["1.4.2", "1.4.2"])
        #expect(!tracker.holds("1.4.2"))
        #expect(tracker.shortfall("1.4.2") == "2 of 3 probes in a row on 1.4.2 so far")
        _ = run(&tracker, ["1.4.2"], from: 4)
        #expect(tracker.holds("1.4.2"))
    }

    // MARK: in the state

    static let context: ContextConfig = {
        var chat = ServiceConfig(name: "chat-api", baseURL: "http://a", interval: .seconds(2))
        chat.version.stallAfter = .seconds(30)
        chat.actions = [ActionConfig(name: "redeploy", kind: .http(method: "POST", url: "{{url}}/admin/redeploy", headers: [], body: nil),
                                     confirm: .yes, timeout: .seconds(5), expect: 202, followUp: .init(timeout: .seconds(60)))]
        return ContextConfig(name: "prod", services: [chat])
    }()

    static func health(_ version: String, at seconds: Double) -> Event {
        .probe(result(#"{"status":"healthy","version":"\#(version)"}"#, at: seconds))
    }

    static func ready(_ ready: Bool, at seconds: Double) -> Event {
        .probe(result(ready ? #"{"status":"ready","checks":{}}"# : #"{"status":"not_ready","checks":{"rollout":"unhealthy: starting"}}"#,
                      kind: .readiness, status: ready ? 200 : 503, at: seconds))
    }

    @Test func rolloutsReachTheTimelineAndTheLogsScreen() {
        var state = AppState(context: Self.context, now: Self.t0)
        for event in [Self.health("1.4.1", at: 0), Self.health("1.4.1", at: 2), Self.health("1.4.2", at: 4), Self.health("1.4.1", at: 6),
                      Self.health("1.4.2", at: 8), Self.health("1.4.2", at: 10)] {
            _ = Reducer.reduce(&state, event)
        }
        let deploys = state.timeline.entries.filter { $0.kind == .deploy }.map(\.text)
        #expect(deploys == ["rollout 1.4.1 → 1.4.2 started: probes see both", "1.4.1 → 1.4.2, rollout took 6s"])
        let own = state.logs.lines.filter { $0.record.mapping == Reducer.ownLogSource }
        #expect(own.map { $0.record.message ?? "" } == ["lookout: version 1.4.1", "lookout: rollout 1.4.1 → 1.4.2 started: probes see both",
                                                         "lookout: 1.4.1 → 1.4.2, rollout took 6s"])
        #expect(own.allSatisfy { $0.service == "chat-api" && $0.record.level == .info && $0.record.time?.hasSuffix("Z") == true })
        #expect((try? LogFilter("lookout"))?.matches(own[2].record) == true, "lookout's own lines are found by its name")
    }

    @Test func aStalledRolloutIsAWarningOnTheTimelineAtTheTick() {
        var state = AppState(context: Self.context, now: Self.t0)
        for event in [Self.health("1", at: 0), Self.health("1", at: 2), Self.health("2", at: 4), Self.health("1", at: 6)] {
            _ = Reducer.reduce(&state, event)
        }
        _ = Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(36)))
        let stall = state.timeline.entries.last { $0.kind == .deploy }
        #expect(stall?.text == "rollout 1 → 2 stalled: still mixed 3:1 after 32s")
        #expect(stall?.severity == .warning)
        #expect(state.logs.lines.last?.record.level == .warn)
    }

    /// A redeploy's follow-up, from the action's result to the verdict, with the service's probes in between.
    func followUp(_ probes: [Event], until seconds: Double) -> FollowUpWatch? {
        var state = AppState(context: Self.context, now: Self.t0)
        for event in [Self.health("1.4.1", at: 0), Self.ready(true, at: 0), Self.health("1.4.1", at: 2), Self.ready(true, at: 2)] {
            _ = Reducer.reduce(&state, event)
        }
        guard let plan = try? ActionPlan(Self.context.services[0].actions[0], service: Self.context.services[0], context: "prod") else { return nil }
        var pane = ActionState(plans: [plan], requiresTypedName: false)
        pane.phase = .running
        state.action = pane
        _ = Reducer.reduce(&state, .actionFinished(id: plan.id, outcome: ActionOutcome(status: .succeeded, detail: "HTTP 202", durationMs: 4)))
        for event in probes { _ = Reducer.reduce(&state, event) }
        _ = Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(seconds)))
        return state.followUps.first
    }

    @Test func aRedeploysFollowUpNamesTheOldAndTheNewVersion() throws {
        let restart = try #require(followUp([Self.ready(false, at: 4), Self.health("1.4.2", at: 4), Self.health("1.4.2", at: 6),
                                             Self.ready(true, at: 8)], until: 9))
        #expect(restart.verdict.map(restart.text) == "chat-api ready again 6 s after redeploy: 1.4.1 → 1.4.2")
        // Two replicas, ready throughout: the watch ends when the new version holds, not at its deadline.
        let rolling = try #require(followUp([Self.health("1.4.2", at: 4), Self.ready(true, at: 4), Self.health("1.4.1", at: 6),
                                             Self.health("1.4.2", at: 8), Self.health("1.4.2", at: 10)], until: 11))
        #expect(rolling.verdict.map(rolling.text) == "chat-api ready again 8 s after redeploy: 1.4.1 → 1.4.2")
        let stuck = try #require(followUp([Self.health("1.4.2", at: 4), Self.health("1.4.1", at: 6)], until: 63))
        #expect(stuck.verdict.map(stuck.text) == "chat-api still mixed 1.4.1→1.4.2 mixed 3:1 61 s after redeploy: timed out")
        #expect(stuck.verdict?.isGood == false)
    }

    @Test func checkWithAnExpectedVersionIsCriticalUntilItHolds() {
        var service = ServiceState(config: Self.context.services[0])
        for (index, version) in ["1.4.1", "1.4.2", "1.4.1"].enumerated() {
            service.record(Self.result(#"{"status":"healthy","version":"\#(version)"}"#, at: Double(index)))
            service.record(Self.result(#"{"status":"ready"}"#, kind: .readiness, at: Double(index)))
        }
        let mixed = CheckReport(services: [service], expectedVersion: "1.4.2")
        #expect(mixed.status == .critical)
        #expect(mixed.text() == """
            HEALTHY   chat-api 1.4.1→1.4.2 mixed 2:1 — expected 1.4.2: still serving 1.4.1 on 2 of 3 probes
            CRITICAL: 1 healthy, 0 degraded, 0 down, 0 of 1 serving 1.4.2

            """)
        #expect(mixed.json().contains(#""expected":{"version":"1.4.2","serving":false,"reason":"expected 1.4.2: still serving 1.4.1 on 2 of 3 probes"}"#))
        #expect(mixed.json().contains(#""version":{"shown":"1.4.1→1.4.2 mixed 2:1","running":null,"latest":"1.4.1","rollout":{"from":"1.4.1","to":"1.4.2","mix":"2:1""#))
        #expect(CheckReport(services: [service]).status == .ok, "without --expect-version a mix is no failure")
        for index in 3..<5 { service.record(Self.result(#"{"status":"healthy","version":"1.4.2"}"#, at: Double(index))) }
        #expect(CheckReport(services: [service], expectedVersion: "1.4.2").status == .ok)
    }

    // MARK: configuration

    @Test func theVersionBlockParsesEachSource() throws {
        let yaml = """
        contexts:
          prod:
            services:
              - name: a
                url: http://a
                version: { header: X-App-Version, stall-after: 5m }
              - name: b
                url: http://b
                version:
                  path: /actuator/info
                  field: "[BODY].git.commit.id"
                  interval: 30s
                  headers: { Authorization: "Bearer x" }
              - name: c
                url: http://c
        """
        let services = try ConfigParser.parse(yaml, file: "v.yaml").contexts[0].services
        #expect(services[0].version == VersionConfig(header: "X-App-Version", stallAfter: .seconds(300)))
        #expect(services[0].capturedHeaders(for: .liveness) == ["x-app-version"])
        #expect(services[1].version.endpoint == SideEndpoint(path: "/actuator/info", interval: .seconds(30),
                                                             headers: [HTTPHeader(name: "Authorization", value: "Bearer x")]))
        #expect(services[1].version.field?.components == ["git", "commit", "id"])
        #expect(services[1].url(for: .version) == "http://b/actuator/info" && services[1].interval(for: .version) == .seconds(30))
        #expect(services[1].version.isRead(from: .version) && !services[1].version.isRead(from: .liveness))
        #expect(services[2].version == VersionConfig() && services[2].url(for: .version) == nil)
    }

    @Test func versionMistakesNameTheirLineAndKey() {
        let yaml = """
        contexts:
          prod:
            services:
              - name: a
                url: http://a
                version: { header: "bad header", path: version, field: ".git", colour: red }
              - name: b
                url: http://b
                version: { header: X-V, path: /v }
        """
        do {
            _ = try ConfigParser.parse(yaml, file: "v.yaml")
            Issue.record("must not parse")
        } catch {
            let issues = error.issues.map(\.description)
            #expect(issues.contains { $0.hasPrefix("v.yaml:6: key `contexts.prod.services[0].version.colour`") })
            #expect(issues.contains("v.yaml:6: key `contexts.prod.services[0].version.header`: not a valid HTTP header name"))
            #expect(issues.contains("v.yaml:6: key `contexts.prod.services[0].version.path`: a path must start with /"))
            #expect(issues.contains("v.yaml:6: key `contexts.prod.services[0].version.field`: expected a body path such as \"[BODY].git.commit\""))
            #expect(issues.contains("v.yaml:9: key `contexts.prod.services[1].version.header`: a header is a source of its own: use either header, or path and field"))
        }
    }
}
