import Foundation
import LookoutCore
import LookoutStore
import Testing

@Suite("The spend store: a real SQLite file")
struct LocalStoreTests {
    func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "lookout-spend-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func deltasAddUpAcrossWritesAndReopeningAndOldRowsArePruned() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/state/lookout/state.sqlite"
        do {
            let store = try LocalStore(path: path)
            try store.add(context: "prod", [SpendEntry(minute: 100, scope: "all", spend: Spend(usd: 1.5, tokens: 10)),
                                            SpendEntry(minute: 101, scope: "provider:openai", spend: Spend(usd: 0.25, tokens: 5))])
            try store.add(context: "prod", [SpendEntry(minute: 100, scope: "all", spend: Spend(usd: 0.5, tokens: 2))])
            try store.add(context: "staging", [SpendEntry(minute: 100, scope: "all", spend: Spend(usd: 9, tokens: 9))])
        }
        // A second run: what the first wrote is there, per context.
        let store = try LocalStore(path: path)
        #expect(try store.load(context: "prod", since: 0) == [
            SpendEntry(minute: 100, scope: "all", spend: Spend(usd: 2, tokens: 12)),
            SpendEntry(minute: 101, scope: "provider:openai", spend: Spend(usd: 0.25, tokens: 5)),
        ])
        #expect(try store.load(context: "prod", since: 101).map(\.minute) == [101])
        #expect(try store.prune(before: 101) == 2)
        #expect(try store.load(context: "staging", since: 0).isEmpty)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/state/lookout")
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
    }

    @Test func aFileThatIsNotADatabaseIsAClearErrorNamingIt() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/spend.sqlite"
        try String(repeating: "not a database\n", count: 200).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: StoreError(path: path, reason: "file is not a database")) { try LocalStore(path: path) }
        #expect(LocalStore.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/lookout/state.sqlite")
        #expect(LocalStore.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/state/lookout/state.sqlite")
        #expect(LocalStore.defaultPath(environment: ["LOOKOUT_STATE_DB": "/x.db", "HOME": "/h"]) == "/x.db")
    }
}

@Suite("The local store keeps acknowledgements and silences")
struct AlertNotesStoreTests {
    @Test func silencesLastUntilTheyEndAndAcksADay() throws {
        let directory = NSTemporaryDirectory() + "lookout-notes-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/state.sqlite"
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let ack = AlertAck(by: "ana", from: "10.0.0.7", at: now)
        let silence = AlertSilence(id: "s1", matcher: "budget:*", until: now.addingTimeInterval(3600), by: "ana", from: nil, created: now)
        let ended = AlertSilence(id: "s2", matcher: "health:*", until: now.addingTimeInterval(60), by: "bo", from: nil, created: now)
        do {
            let store = try LocalStore(path: path)
            try store.save(ack: ack, key: "health:chat-api", context: "prod")
            try store.save(ack: AlertAck(by: "old", from: nil, at: now.addingTimeInterval(-2 * 86_400)), key: "health:x", context: "prod")
            try store.save(silence: silence, context: "prod")
            try store.save(silence: ended, context: "prod")
            try store.save(silence: AlertSilence(id: "s3", matcher: "*", until: .distantFuture, by: "c", from: nil, created: now), context: "staging")
            try store.save(silence: AlertSilence(id: "s4", matcher: "x", until: .distantFuture, by: "c", from: nil, created: now), context: "prod")
            try store.delete(silence: "s4", context: "prod")
        }
        let store = try LocalStore(path: path)
        let notes = try store.alertNotes(context: "prod", now: now.addingTimeInterval(120))
        #expect(notes.acks == ["health:chat-api": ack], "a two-day-old ack is gone")
        #expect(notes.silences == [silence], "an ended silence, a deleted one and another context's are not")
    }
}

@Suite("The local store keeps the timeline")
struct TimelineStoreTests {
    @Test func entriesComeBackInOrderPerContextWithinTheSpanAskedFor() throws {
        let directory = NSTemporaryDirectory() + "lookout-timeline-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let now = Date()
        let entries = [TimelineEntry(time: now.addingTimeInterval(-7200), kind: .health, subject: "chat-api", text: "healthy → down", severity: .critical),
                       TimelineEntry(time: now.addingTimeInterval(-60), kind: .note, subject: "budget:*", text: "silenced budget:* for 1h (ana)"),
                       TimelineEntry(time: now.addingTimeInterval(-30), kind: .alert, subject: "openai", text: "WARNING error-rate: 9%", severity: .warning)]
        do {
            let store = try LocalStore(path: directory + "/state.sqlite")
            try store.save(timeline: [entries[2], entries[0]], context: "prod")
            try store.save(timeline: [entries[1]], context: "prod")
            try store.save(timeline: [entries[1]], context: "staging")
        }
        let store = try LocalStore(path: directory + "/state.sqlite")
        let back = try store.timeline(context: "prod", since: now.addingTimeInterval(-3600))
        #expect(back.map(\.text) == [entries[1].text, entries[2].text])
        #expect(back[1].severity == .warning && back[1].kind == .alert && abs(back[1].time.timeIntervalSince(entries[2].time)) < 0.001)
        #expect(try store.timeline(context: "prod", since: now.addingTimeInterval(-86_400)).count == 3)
    }
}

@Suite("The local store keeps the counters' totals")
struct CounterTotalsStoreTests {
    @Test func theLastTotalsReplaceTheOnesBefore() throws {
        let directory = NSTemporaryDirectory() + "lookout-totals-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try LocalStore(path: directory + "/state.sqlite")
        #expect(try store.counterTotals(context: "prod") == nil)
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        try store.save(totals: CounterTotals(["rag-search": ["openai/gpt-4o": Spend(usd: 1, tokens: 10), "anthropic": Spend(usd: 2, tokens: 20)]]),
                       context: "prod", at: at)
        let later = CounterTotals(["rag-search": ["openai/gpt-4o": Spend(usd: 4, tokens: 40)]])
        try store.save(totals: later, context: "prod", at: at.addingTimeInterval(60))
        #expect(try store.counterTotals(context: "prod") == KeptCounterTotals(totals: later, at: at.addingTimeInterval(60)))
        #expect(try store.counterTotals(context: "staging") == nil)
    }

    /// A second's writes — spend, totals and timeline — go in one transaction, all of them or none: a batch whose
    /// last write fails (a table dropped under it) leaves none of the others behind.
    @Test func aSecondsWritesLandTogetherOrNotAtAll() throws {
        let directory = NSTemporaryDirectory() + "lookout-batch-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try LocalStore(path: directory + "/state.sqlite")
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let spend = [SpendEntry(minute: 30_000_000, scope: "all", spend: Spend(usd: 0.5, tokens: 7))]
        let totals = CounterTotals(["rag-search": ["openai": Spend(usd: 1, tokens: 10)]])
        let entry = TimelineEntry(time: Date(), kind: .note, subject: "chat-api", text: "redeployed")
        try store.save([.spend(spend), .counterTotals(totals, at: at), .timeline([entry])], context: "prod")
        #expect(try store.load(context: "prod", since: 0) == spend)
        #expect(try store.counterTotals(context: "prod") == KeptCounterTotals(totals: totals, at: at))
        #expect(try store.timeline(context: "prod", since: Date().addingTimeInterval(-60)).map(\.text) == ["redeployed"])

        // The timeline table goes away (as a damaged file would refuse it): the whole batch fails, naming the file.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DROP TABLE timeline'); c.commit()",
                            directory + "/state.sqlite"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        #expect(throws: StoreError.self) {
            try store.save([.spend(spend), .counterTotals(CounterTotals([:]), at: at.addingTimeInterval(60)), .timeline([entry])], context: "prod")
        }
        #expect(try store.load(context: "prod", since: 0) == spend, "the spend of the failed batch was not added")
        #expect(try store.counterTotals(context: "prod") == KeptCounterTotals(totals: totals, at: at), "nor the totals replaced")
    }
}
