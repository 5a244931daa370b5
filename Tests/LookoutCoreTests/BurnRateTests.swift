import Foundation
import LookoutCore
import Testing

@Suite("Error-budget burn rates, as the SRE workbook's multiwindow table says")
struct BurnRateTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// Minute by minute: 100 calls a minute, `errors(minute)` of them failing; returns the minutes at which the rule's
    /// condition held, and the alert at the first of them.
    func run(minutes: Int, objective: Double, errors: (Int) -> Int) -> (holding: [Int], first: Alert?) {
        var counts = CallCounts()
        var holding: [Int] = []
        var first: Alert?
        for minute in 0..<minutes {
            let at = Self.t0.addingTimeInterval(Double(minute) * 60 + 30)
            counts.add(provider: "openai", requests: 100, errors: errors(minute), at: at)
            if let alert = BurnRateRule.alert(provider: "openai", counts: counts, objective: objective, now: at) {
                holding.append(minute)
                if first == nil { first = alert }
            }
        }
        return (holding, first)
    }

    @Test func theFastPairFiresWhenAnHourHasBurnt2PercentAndResetsWithinItsShortWindow() throws {
        // Six clean hours first (the windows are full, as the workbook's table assumes). SLO 99.9% (a 0.1% budget);
        // 2% errors from minute 360 to 419 burn at 20×. The 1h window reaches 14.4× after 14.4 × 0.1% / 2% of an hour
        // = 43.2 minutes (the workbook's detection time): with the minute under way, at minute 403. When the errors
        // stop, the 5m window falls under 14.4× within two clean minutes: it holds last at minute 420.
        let (holding, first) = run(minutes: 480, objective: 0.999) { (360..<420).contains($0) ? 2 : 0 }
        #expect(holding.first == 403)
        #expect(holding.last == 420)
        #expect(holding.count == 18, "held without a gap")
        let alert = try #require(first)
        #expect(alert.severity == .critical && alert.rule == .burnRate && alert.key == "burn-rate:openai")
        #expect(alert.message == "burning its error budget at 14.7× over 1h and 20.0× over 5m (≥ 14.4×): 1.5% errors against an SLO of 99.9%")
    }

    @Test func theSlowPairCatchesAModerateBurnTheFastOneMisses() throws {
        // 1% errors (10×: under 14.4×, over 6×) from minute 360: the 6h window reaches 6× after 0.6 × 6h = 216
        // minutes, at minute 575; the 30m window has been over 6× since minute 378.
        let (holding, first) = run(minutes: 600, objective: 0.999) { $0 >= 360 ? 1 : 0 }
        #expect(holding.first == 575)
        let alert = try #require(first)
        #expect(alert.severity == .warning && alert.message.contains("over 6h") && alert.message.contains("over 30m"))
    }

    @Test func aShortSpikeOrTooFewCallsNeverFire() {
        // 50% errors for two minutes: the 5m window burns at 200× but an hour's 1.7% stays far under 14.4 × 0.5%.
        #expect(run(minutes: 120, objective: 0.995) { (60..<62).contains($0) ? 50 : 0 }.holding.isEmpty)
        var counts = CallCounts()
        counts.add(provider: "openai", requests: 9, errors: 9, at: Self.t0)
        #expect(BurnRateRule.alert(provider: "openai", counts: counts, objective: 0.999, now: Self.t0) == nil, "9 calls mean nothing")
    }

    @Test func theObjectiveIsConfiguredPerContext() throws {
        let yaml = "contexts:\n  prod:\n    slo: { availability: 99.5 }\n    services:\n      - name: a\n        url: http://a\n"
        #expect(try ConfigParser.parse(yaml, file: "f.yaml").contexts.first?.availabilityObjective == 0.995)
        do {
            _ = try ConfigParser.parse(yaml.replacingOccurrences(of: "99.5", with: "100"), file: "f.yaml")
            Issue.record("must not parse")
        } catch {
            #expect(error.issues.map(\.description) == ["f.yaml:3: key `contexts.prod.slo.availability`: expected a percentage between 0 and 100, such as 99.5"])
        }
    }
}

@Suite("Latency objectives")
struct LatencyRuleTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func board(_ latencies: [Double]) -> ProviderBoard {
        var board = ProviderBoard()
        for (index, ms) in latencies.enumerated() {
            var call = LogRecord(raw: "{}", mapping: "app")
            call.provider = "anthropic"
            call.latencyMs = ms
            board.add(call, at: Self.t0.addingTimeInterval(Double(-index)))
        }
        return board
    }

    @Test func aP95AboveTheObjectiveWarnsTwiceItIsCriticalAndFewCallsSayNothing() throws {
        let slow = board(Array(repeating: 800, count: 90) + Array(repeating: 3000, count: 10))   // p95 ≈ 3 s
        let alert = try #require(AlertRules.latencyAlert("anthropic", slow, objective: .seconds(2), now: Self.t0))
        #expect(alert.severity == .warning && alert.key == "latency:anthropic")
        #expect(alert.message.hasPrefix("p95 3") && alert.message.hasSuffix("over 5m (objective 2s, 100 calls)"), "\(alert.message)")
        #expect(AlertRules.latencyAlert("anthropic", slow, objective: .seconds(1), now: Self.t0)?.severity == .critical)
        #expect(AlertRules.latencyAlert("anthropic", slow, objective: .seconds(4), now: Self.t0) == nil)
        #expect(AlertRules.latencyAlert("anthropic", board(Array(repeating: 9000, count: 19)), objective: .seconds(2), now: Self.t0) == nil)
        let yaml = "contexts:\n  prod:\n    slo: { availability: 99.9, latency-p95: 1500ms }\n    services:\n      - name: a\n        url: http://a\n"
        let context = try #require(try ConfigParser.parse(yaml, file: "f.yaml").contexts.first)
        #expect(context.latencyObjective == .milliseconds(1500) && abs((context.availabilityObjective ?? 0) - 0.999) < 1e-12)
    }
}
