import Foundation
import LookoutCore
import LookoutStore
import Testing

@Suite("The spend store: a real SQLite file")
struct SpendStoreTests {
    func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "lookout-spend-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func deltasAddUpAcrossWritesAndReopeningAndOldRowsArePruned() throws {
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/state/lookout/spend.sqlite"
        do {
            let store = try SpendStore(path: path)
            try store.add(context: "prod", [SpendEntry(minute: 100, scope: "all", spend: Spend(usd: 1.5, tokens: 10)),
                                            SpendEntry(minute: 101, scope: "provider:openai", spend: Spend(usd: 0.25, tokens: 5))])
            try store.add(context: "prod", [SpendEntry(minute: 100, scope: "all", spend: Spend(usd: 0.5, tokens: 2))])
            try store.add(context: "staging", [SpendEntry(minute: 100, scope: "all", spend: Spend(usd: 9, tokens: 9))])
        }
        // A second run: what the first wrote is there, per context.
        let store = try SpendStore(path: path)
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
        #expect(throws: StoreError(path: path, reason: "file is not a database")) { try SpendStore(path: path) }
        #expect(SpendStore.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/lookout/spend.sqlite")
        #expect(SpendStore.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/state/lookout/spend.sqlite")
        #expect(SpendStore.defaultPath(environment: ["LOOKOUT_SPEND_DB": "/x.db", "HOME": "/h"]) == "/x.db")
    }
}
