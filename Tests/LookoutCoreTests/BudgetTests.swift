import Foundation
import LookoutCore
import Testing

@Suite("Budgets: ledger, forecast, calendar periods and configuration")
struct BudgetTests {
    let utc = BudgetStatus.calendar(in: TimeZone(identifier: "UTC")!)

    /// 2026-12-04 12:00:00 UTC.
    let noon = Date(timeIntervalSince1970: 1_796_385_600)

    func ledger(_ scopes: [BudgetConfig.Scope], since: Date) -> SpendLedger {
        SpendLedger(scopes: Set(scopes.map(\.key)), since: since)
    }

    @Test func aSteadyBurnCrossesTheEightyPercentLineAtTheComputedMinute() throws {
        // $100 a day, $6 an hour from midnight: 80% ($80) is reached at 13:20.
        let budget = BudgetConfig(name: "day", scope: .all, period: .day, limit: .usd(100))
        let midnight = noon.addingTimeInterval(-12 * 3600)
        var ledger = ledger([.all], since: midnight)
        var crossedAt: Date?
        var forecastAtNine: Date?
        for minute in 0..<(16 * 60) {
            let now = midnight.addingTimeInterval(Double(minute) * 60)
            ledger.record(Spend(usd: 0.1, tokens: 100), provider: "openai", model: "gpt-4o", service: nil, at: now)
            let status = BudgetStatus(budget, ledger: ledger, now: now.addingTimeInterval(59), calendar: utc)
            if minute == 9 * 60 { forecastAtNine = status.exhaustion }
            if crossedAt == nil, let line = status.crossed, line >= 0.8 { crossedAt = now }
        }
        let expected = midnight.addingTimeInterval(13 * 3600 + 19 * 60)   // the minute whose $0.10 makes $80.00
        #expect(crossedAt == expected)
        // At 09:00 ($54.10 spent, $6/h): $45.90 left runs out at ~16:39, before the day ends.
        let forecast = try #require(forecastAtNine)
        #expect(abs(forecast.timeIntervalSince(midnight.addingTimeInterval(16 * 3600 + 39 * 60))) < 120)
    }

    @Test func aPaceIsMeasuredOverWhatWasObservedNotAWholeHour() {
        let budget = BudgetConfig(name: "openai", scope: .provider("openai"), period: .rolling(.seconds(3600)), limit: .usd(2))
        var ledger = ledger([.provider("openai")], since: noon)
        for second in stride(from: 0, to: 600, by: 10) {
            ledger.record(Spend(usd: 0.02), provider: "openai", model: nil, service: nil, at: noon.addingTimeInterval(Double(second)))
        }
        // $1.20 in ten minutes is $7.20 an hour; $0.80 left lasts about 6.7 minutes.
        let status = BudgetStatus(budget, ledger: ledger, now: noon.addingTimeInterval(600), calendar: utc)
        #expect(abs(status.fraction - 0.6) < 1e-9)
        #expect(status.burnPerHourLastHour > 6 && status.burnPerHourLastHour < 8)
        let left = status.exhaustion.map { $0.timeIntervalSince(noon.addingTimeInterval(600)) } ?? -1
        #expect(left > 300 && left < 500)
        #expect(status.headline(now: noon.addingTimeInterval(600)) == "openai 60% of $2.00 · out ~12:16Z")
    }

    @Test func aBudgetThatLastsThePeriodHasNoExhaustionAndAnExhaustedOneIsCritical() {
        // $10 an hour for the ~27 days left of December is ~$6,500: a $10,000 month lasts.
        let month = BudgetConfig(name: "month", scope: .all, period: .month, limit: .usd(10000))
        var ledger = ledger([.all], since: noon.addingTimeInterval(-3600))
        ledger.record(Spend(usd: 10), provider: "openai", model: nil, service: nil, at: noon.addingTimeInterval(-1800))
        let calm = BudgetStatus(month, ledger: ledger, now: noon, calendar: utc)
        #expect(calm.exhaustion == nil && calm.crossed == nil)
        #expect(AlertRules.budgetAlerts([calm], now: noon).isEmpty)
        let tight = BudgetConfig(name: "tight", scope: .all, period: .day, limit: .usd(8))
        let over = BudgetStatus(tight, ledger: ledger, now: noon, calendar: utc)
        #expect(over.isExhausted && over.exhaustion == noon)
        let alerts = AlertRules.budgetAlerts([calm, over], now: noon)
        #expect(alerts == [Alert(.critical, .budget, "tight", "budget exhausted: $10.00 of $8.00 (day)")])
        #expect(BudgetStatus.urgentFirst([calm, over]).map(\.budget.name) == ["tight", "month"])
    }

    @Test func aCalendarMonthRollsOverInTheConfiguredZone() throws {
        // 2026-11-30 23:30 UTC is already December 1st in Berlin (UTC+1) but still November in New York.
        let instant = Date(timeIntervalSince1970: 1_796_081_400)
        let berlin = BudgetStatus.calendar(in: TimeZone(identifier: "Europe/Berlin")!)
        let newYork = BudgetStatus.calendar(in: TimeZone(identifier: "America/New_York")!)
        let (berlinStart, berlinEnd) = BudgetStatus.bounds(of: .month, at: instant, calendar: berlin)
        #expect(berlinStart == Date(timeIntervalSince1970: 1_796_079_600))   // 2026-12-01 00:00 +01:00
        #expect(berlinEnd == Date(timeIntervalSince1970: 1_798_758_000))     // 2027-01-01 00:00 +01:00
        let (newYorkStart, _) = BudgetStatus.bounds(of: .month, at: instant, calendar: newYork)
        #expect(newYorkStart == Date(timeIntervalSince1970: 1_793_505_600))  // 2026-11-01 00:00 -04:00 (EDT)
        // Spend from the evening before counts in New York's November, not in Berlin's December.
        let budget = BudgetConfig(name: "m", scope: .all, period: .month, limit: .usd(100))
        var ledger = ledger([.all], since: instant.addingTimeInterval(-7200))
        ledger.record(Spend(usd: 30), provider: "openai", model: nil, service: nil, at: instant.addingTimeInterval(-3600))
        #expect(BudgetStatus(budget, ledger: ledger, now: instant, calendar: berlin).spent == 0)
        #expect(BudgetStatus(budget, ledger: ledger, now: instant, calendar: newYork).spent == 30)
        // Weeks start on Monday: 2026-12-04 is a Friday.
        let (weekStart, _) = BudgetStatus.bounds(of: .week, at: noon, calendar: utc)
        #expect(weekStart == Date(timeIntervalSince1970: 1_795_996_800))     // Monday 2026-11-30 00:00 UTC
    }

    @Test func theLedgerKeepsOnlyTheScopesBudgetsNameAndHandsOverDeltasOnce() {
        var ledger = ledger([.all, .model(provider: "openai", model: "gpt-4o"), .service("chat-api")], since: noon)
        ledger.record(Spend(usd: 1, tokens: 10), provider: "openai", model: "gpt-4o", service: "chat-api", at: noon)
        ledger.record(Spend(usd: 2, tokens: 20), provider: "anthropic", model: "claude", service: nil, at: noon.addingTimeInterval(61))
        // A late record (a backlog line) lands in its own minute, in order.
        ledger.record(Spend(usd: 4, tokens: 40), provider: "openai", model: "gpt-4o", service: nil, at: noon.addingTimeInterval(-120))
        let minute = SpendLedger.minute(of: noon)
        #expect(ledger.takeUnsaved() == [
            SpendEntry(minute: minute - 2, scope: "all", spend: Spend(usd: 4, tokens: 40)),
            SpendEntry(minute: minute, scope: "all", spend: Spend(usd: 1, tokens: 10)),
            SpendEntry(minute: minute + 1, scope: "all", spend: Spend(usd: 2, tokens: 20)),
            SpendEntry(minute: minute - 2, scope: "model:openai/gpt-4o", spend: Spend(usd: 4, tokens: 40)),
            SpendEntry(minute: minute, scope: "model:openai/gpt-4o", spend: Spend(usd: 1, tokens: 10)),
            SpendEntry(minute: minute, scope: "service:chat-api", spend: Spend(usd: 1, tokens: 10)),
        ])
        #expect(!ledger.hasUnsaved && ledger.takeUnsaved().isEmpty)
        #expect(ledger.total("all", from: noon.addingTimeInterval(-600), to: noon.addingTimeInterval(600)) == Spend(usd: 7, tokens: 70))
        #expect(ledger.total("provider:openai", from: .distantPast, to: .distantFuture) == Spend())
        // What the store kept loads without being handed back as unsaved, and moves `coveredSince` back.
        ledger.load([SpendEntry(minute: minute - 600, scope: "all", spend: Spend(usd: 5, tokens: 0))])
        #expect(!ledger.hasUnsaved && ledger.coveredSince == Date(timeIntervalSince1970: Double(minute - 600) * 60))
        ledger.prune(now: Date(timeIntervalSince1970: Double(minute - 600 + SpendLedger.defaultRetentionMinutes + 1) * 60))
        #expect(ledger.total("all", from: .distantPast, to: .distantFuture) == Spend(usd: 7, tokens: 70))
    }

    @Test func tokenBudgetsCountTokens() {
        let budget = BudgetConfig(name: "tokens", scope: .service("chat-api"), period: .hour, limit: .tokens(1_000_000))
        var ledger = ledger([.service("chat-api")], since: noon)
        ledger.record(Spend(usd: 3, tokens: 850_000), provider: "openai", model: nil, service: "chat-api", at: noon.addingTimeInterval(60))
        let status = BudgetStatus(budget, ledger: ledger, now: noon.addingTimeInterval(120), calendar: utc)
        #expect(status.usage == "85% of 1.0M tokens")
        #expect(status.crossed == 0.8)
    }

    @Test func budgetsParseWithTheirZoneAndEveryMistakeNamesItsLineAndKey() throws {
        let yaml = """
        contexts:
          prod:
            time-zone: Europe/Berlin
            budgets:
              - name: month
                period: month
                limit-usd: 5000
              - scope: model:openai/gpt-4o
                period: rolling 6h
                limit-tokens: 2000000
                warn: [80, 100]
            services:
              - name: chat-api
                url: http://127.0.0.1:1
        """
        let context = try #require(try ConfigParser.parse(yaml, file: "f.yaml").contexts.first)
        #expect(context.timeZone.identifier == "Europe/Berlin")
        #expect(context.budgets == [
            BudgetConfig(name: "month", scope: .all, period: .month, limit: .usd(5000)),
            BudgetConfig(scope: .model(provider: "openai", model: "gpt-4o"), period: .rolling(.seconds(6 * 3600)),
                         limit: .tokens(2_000_000), warnAt: [0.8, 1.0]),
        ])
        #expect(context.budgets[1].name == "openai/gpt-4o rolling 6h")

        let bad = """
        contexts:
          prod:
            time-zone: Mars/Olympus
            budgets:
              - scope: service:nope
                period: fortnight
                limit-usd: lots
              - period: day
              - period: day
                limit-usd: 1
                limit-tokens: 2
                warn: [eighty]
            services:
              - name: chat-api
                url: http://127.0.0.1:1
        """
        do {
            _ = try ConfigParser.parse(bad, file: "f.yaml")
            Issue.record("must not parse")
        } catch {
            #expect(error.issues.map(\.description) == [
                "f.yaml:3: key `contexts.prod.time-zone`: unknown time zone \"Mars/Olympus\" (an IANA name such as UTC or Europe/Berlin)",
                "f.yaml:5: key `contexts.prod.budgets[0].scope`: names no service of this context: \"nope\"",
                "f.yaml:6: key `contexts.prod.budgets[0].period`: expected hour, day, week, month or rolling D (1m to 31d), got \"fortnight\"",
                "f.yaml:7: key `contexts.prod.budgets[0].limit-usd`: expected an amount of US dollars such as 200 or 12.50",
                "f.yaml:8: key `contexts.prod.budgets[1].limit-usd`: missing: limit-usd (dollars) or limit-tokens",
                "f.yaml:9: key `contexts.prod.budgets[2].limit-usd`: give limit-usd or limit-tokens, not both",
                "f.yaml:12: key `contexts.prod.budgets[2].warn`: expected a list of percentages such as [50, 80, 100]",
            ])
        }
    }
}

@Suite("Budgets in the reducer")
struct BudgetReducerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func call(_ provider: String, cost: Double, tokens: Int) -> LogRecord {
        var record = LogRecord(raw: "{}", mapping: "app")
        record.provider = provider
        record.model = "m"
        record.httpStatus = 200
        record.latencyMs = 100
        record.inputTokens = tokens
        record.outputTokens = 0
        record.costUSD = cost
        return record
    }

    @Test func callsFeedTheLedgerAndTheNewSpendGoesToTheStoreOnceEveryFiveSeconds() {
        var context = ContextConfig(name: "prod", services: [])
        context.budgets = [BudgetConfig(name: "openai", scope: .provider("openai"), period: .day, limit: .usd(10))]
        var state = AppState(context: context, now: Self.t0)
        state.savesSpend = true
        let batch = LogBatch(service: "chat-api", source: "/x.log",
                             records: [call("openai", cost: 0.5, tokens: 100), call("anthropic", cost: 9, tokens: 1)])
        _ = Reducer.reduce(&state, .logs(batch))
        #expect(state.budgetStatuses.first?.spent == 0.5)
        #expect(state.budgetStatuses.first?.spent == state.providers.summary(provider: "openai", window: .oneHour, now: state.now)?.costUSD)
        let minute = SpendLedger.minute(of: Self.t0)
        #expect(Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(4))) == [], "not yet: the store is written every 5 s")
        #expect(Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(5))) == [
            .saveSpend(context: "prod", [SpendEntry(minute: minute, scope: "provider:openai", spend: Spend(usd: 0.5, tokens: 100))]),
        ])
        #expect(Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(10))) == [], "nothing new, nothing written")
        _ = Reducer.reduce(&state, .spendLoaded([SpendEntry(minute: minute - 5, scope: "provider:openai", spend: Spend(usd: 2, tokens: 0))]))
        #expect(state.budgetStatuses.first?.spent == 2.5)
        #expect(Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(3))) == [], "what the store kept is not written back")

        var headless = AppState(context: context, now: Self.t0)
        _ = Reducer.reduce(&headless, .logs(batch))
        #expect(Reducer.reduce(&headless, .tick(Self.t0.addingTimeInterval(1))) == [], "a headless run keeps no ledger")
    }
}

@Suite("Budgets count the minute under way")
struct BudgetCurrentMinuteTests {
    @Test func aRollingWindowCountsWhatWasSpentThisMinute() {
        // Found on the demo: 30 s after start, openai had spent $0.29 and its rolling-hour budget said 0%.
        let now = Date(timeIntervalSince1970: 1_800_000_030)
        var ledger = SpendLedger(scopes: ["provider:openai"], since: now.addingTimeInterval(-30))
        ledger.record(Spend(usd: 0.29), provider: "openai", model: nil, service: nil, at: now.addingTimeInterval(-10))
        let calendar = BudgetStatus.calendar(in: TimeZone(identifier: "UTC")!)
        for period in [BudgetConfig.Period.rolling(.seconds(3600)), .hour, .day] {
            let budget = BudgetConfig(name: "b", scope: .provider("openai"), period: period, limit: .usd(2))
            #expect(BudgetStatus(budget, ledger: ledger, now: now, calendar: calendar).spent == 0.29, "\(period)")
        }
    }
}

@Suite("Spend while lookout was away, estimated from the counters")
struct SpendGapTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func state(kept: [String: Spend]?) -> AppState {
        var service = ServiceConfig(name: "rag-search", baseURL: "http://h")
        service.metrics = SideEndpoint(path: "/metrics", mapping: "litellm")
        var context = ContextConfig(name: "prod", services: [service])
        context.budgets = [BudgetConfig(name: "day", scope: .all, period: .day, limit: .usd(100))]
        var state = AppState(context: context, now: Self.t0)
        state.savesTimeline = true
        if let kept { _ = Reducer.reduce(&state, .countersLoaded(CounterTotals(["rag-search": kept]), at: Self.t0.addingTimeInterval(-600))) }
        return state
    }

    func baseline(usd: Double, tokens: Int) -> Event {
        var scrape = MetricsScrape()
        scrape.service = "rag-search"
        scrape.baseline = true
        var total = MetricDelta(provider: "openai", model: "gpt-4o")
        total.inputTokens = tokens
        total.costUSD = usd
        scrape.totals = [total]
        return .scraped(scrape)
    }

    @Test func theCountersGrowthWhileAwayIsSpreadOverTheGapAndSaidToBeAnEstimate() throws {
        var state = state(kept: ["openai/gpt-4o": Spend(usd: 5, tokens: 1000)])
        _ = Reducer.reduce(&state, baseline(usd: 8, tokens: 1600))
        let status = try #require(state.budgetStatuses.first)
        #expect(abs(status.spent - 3) < 1e-9, "the $3 the counters grew by while lookout was away")
        #expect(abs(status.burnPerHourLastHour - 3.0 / 600 * 3600) < 0.5, "spread over the ten minutes, a pace of ~$18/h")
        #expect(state.timeline.entries.last?.text == "estimated $3.00 and 600 tokens spent while lookout was away (07:50Z–08:00Z), from the metrics counters")
        // The totals lookout tracks from now on, handed to the store on the next tick.
        let effects = Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(5)))
        #expect(effects.contains(.saveCounterTotals(context: "prod", CounterTotals(["rag-search": ["openai/gpt-4o": Spend(usd: 8, tokens: 1600)]]),
                                                    at: Self.t0.addingTimeInterval(5))))
        #expect(!Reducer.reduce(&state, .tick(Self.t0.addingTimeInterval(10))).contains { if case .saveCounterTotals = $0 { true } else { false } },
                "unchanged totals are not written again")
    }

    @Test func countersThatRestartedMeanTheGapIsUnknownAndNothingIsGuessed() {
        var state = state(kept: ["openai/gpt-4o": Spend(usd: 5, tokens: 1000)])
        _ = Reducer.reduce(&state, baseline(usd: 2, tokens: 300))
        #expect(state.budgetStatuses.first?.spent == 0)
        #expect(state.timeline.entries.last?.text == "spend while lookout was away (07:50Z–08:00Z) unknown: the metrics counters restarted")
        var fresh = self.state(kept: nil)
        _ = Reducer.reduce(&fresh, baseline(usd: 8, tokens: 1600))
        #expect(fresh.budgetStatuses.first?.spent == 0 && fresh.timeline.entries.isEmpty, "a first run has nothing to compare with")
    }

    @Test func aBaselineScrapeCarriesTheCountersReadWhole() throws {
        var tracker = MetricsTracker()
        let scrape = tracker.read(try LiteLLMShapeTests.captured("metrics.prom"))
        #expect(scrape.baseline && scrape.deltas.isEmpty)
        #expect(!scrape.totals.isEmpty && scrape.totals.contains { ($0.costUSD ?? 0) > 0 })
        #expect(tracker.read(try LiteLLMShapeTests.captured("metrics.prom")).totals.isEmpty, "only the baseline carries them")
    }
}
