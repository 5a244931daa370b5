import Foundation
import GRDB
import LookoutCore

/// The spend ledger on disk, so that a month-to-date survives restarts: one SQLite file (WAL) with a row per context,
/// scope and minute that had spend. Writes add deltas (an upsert), so two lookouts on one file add up instead of
/// overwriting each other. Rows older than the ledger's retention (40 days) are deleted when a run opens the file; at
/// most one row per scope and minute, about 60 bytes each: a busy month of five budgets is under 20 MB.
public final class SpendStore: Sendable {
    public let path: String
    private let database: DatabasePool

    /// `$LOOKOUT_SPEND_DB`, else `$XDG_STATE_HOME/lookout/spend.sqlite`, else `~/.local/state/lookout/spend.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["LOOKOUT_SPEND_DB"], !path.isEmpty { return path }
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return state + "/lookout/spend.sqlite"
    }

    /// Opens (creating it and its directory, 0700, when missing) the store at `path`.
    public init(path: String) throws(StoreError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            var configuration = Configuration()
            configuration.label = "lookout-spend"
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw StoreError(path: path, reason: Self.describe(error))
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("spend-v1") { db in
            try db.execute(sql: """
                CREATE TABLE spend (
                    context TEXT NOT NULL, scope TEXT NOT NULL, minute INTEGER NOT NULL,
                    usd REAL NOT NULL, tokens INTEGER NOT NULL,
                    PRIMARY KEY (context, scope, minute)
                ) WITHOUT ROWID
                """)
        }
        return migrator
    }

    /// The context's spend from `minute` on.
    public func load(context: String, since minute: Int) throws(StoreError) -> [SpendEntry] {
        do {
            return try database.read { db in
                try Row.fetchAll(db, sql: "SELECT scope, minute, usd, tokens FROM spend WHERE context = ? AND minute >= ? ORDER BY scope, minute",
                                 arguments: [context, minute]).map { row in
                    SpendEntry(minute: row["minute"], scope: row["scope"], spend: Spend(usd: row["usd"], tokens: row["tokens"]))
                }
            }
        } catch {
            throw StoreError(path: path, reason: Self.describe(error))
        }
    }

    /// Adds `entries` (deltas) to what the store holds for the context, in one transaction.
    public func add(context: String, _ entries: [SpendEntry]) throws(StoreError) {
        guard !entries.isEmpty else { return }
        do {
            try database.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO spend (context, scope, minute, usd, tokens) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (context, scope, minute) DO UPDATE SET usd = usd + excluded.usd, tokens = tokens + excluded.tokens
                    """)
                for entry in entries {
                    try statement.execute(arguments: [context, entry.scope, entry.minute, entry.spend.usd, entry.spend.tokens])
                }
            }
        } catch {
            throw StoreError(path: path, reason: Self.describe(error))
        }
    }

    /// Deletes every row before `minute` (all contexts); returns how many.
    @discardableResult
    public func prune(before minute: Int) throws(StoreError) -> Int {
        do {
            return try database.write { db in
                try db.execute(sql: "DELETE FROM spend WHERE minute < ?", arguments: [minute])
                return db.changesCount
            }
        } catch {
            throw StoreError(path: path, reason: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}

/// Why the spend store could not be used: the file and SQLite's (or the file system's) reason.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "spend store \(path): \(reason)" }
}
