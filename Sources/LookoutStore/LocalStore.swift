import Foundation
import GRDB
import LookoutCore

/// What lookout keeps across runs, in one SQLite file (WAL): the budgets' spend ledger — a row per context, scope and
/// minute that had spend; writes add deltas (an upsert), so two lookouts on one file add up instead of overwriting
/// each other; rows older than the ledger's retention (40 days) are deleted when a run opens the file; about 60 bytes a
/// row: a busy month of five budgets is under 20 MB — and the alerts' acknowledgements and silences (a row each; a
/// silence is deleted when it ends, an ack when it is a day old).
public final class LocalStore: Sendable {
    public let path: String
    private let database: DatabasePool

    /// `$LOOKOUT_STATE_DB`, else `$XDG_STATE_HOME/lookout/state.sqlite`, else `~/.local/state/lookout/state.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["LOOKOUT_STATE_DB"], !path.isEmpty { return path }
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return state + "/lookout/state.sqlite"
    }

    /// The store at the default path when it exists, for headless commands that read what the dashboard kept and must
    /// never create a store of their own; nil when there is none or it cannot be opened.
    public static func existing(environment: [String: String] = ProcessInfo.processInfo.environment) -> LocalStore? {
        let path = defaultPath(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try? LocalStore(path: path)
    }

    /// Opens (creating it and its directory, 0700, when missing) the store at `path`.
    public init(path: String) throws(StoreError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            var configuration = Configuration()
            configuration.label = "lookout-state"
            // WAL (a pool's mode) with synchronous=NORMAL: a commit survives lookout being killed; only a power loss
            // or kernel crash may undo the last second of it — for a dashboard's own history, not worth an fsync a second.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
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
        migrator.registerMigration("alerts-v1") { db in
            try db.execute(sql: """
                CREATE TABLE alert_ack (
                    context TEXT NOT NULL, key TEXT NOT NULL, by TEXT NOT NULL, origin TEXT, at REAL NOT NULL,
                    PRIMARY KEY (context, key)
                );
                CREATE TABLE alert_silence (
                    context TEXT NOT NULL, id TEXT NOT NULL, matcher TEXT NOT NULL, until REAL NOT NULL,
                    by TEXT NOT NULL, origin TEXT, created REAL NOT NULL,
                    PRIMARY KEY (context, id)
                )
                """)
        }
        migrator.registerMigration("timeline-v1") { db in
            try db.execute(sql: """
                CREATE TABLE timeline (
                    context TEXT NOT NULL, time REAL NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, text TEXT NOT NULL,
                    severity TEXT
                );
                CREATE INDEX timeline_by_context_time ON timeline (context, time)
                """)
        }
        migrator.registerMigration("counter-totals-v1") { db in
            try db.execute(sql: """
                CREATE TABLE counter_totals (
                    context TEXT NOT NULL, service TEXT NOT NULL, key TEXT NOT NULL, usd REAL NOT NULL, tokens INTEGER NOT NULL,
                    at REAL NOT NULL,
                    PRIMARY KEY (context, service, key)
                ) WITHOUT ROWID
                """)
        }
        return migrator
    }

    /// The context's spend from `minute` on.
    public func load(context: String, since minute: Int) throws(StoreError) -> [SpendEntry] {
        return try read { db in
            try Row.fetchAll(db, sql: "SELECT scope, minute, usd, tokens FROM spend WHERE context = ? AND minute >= ? ORDER BY scope, minute",
                             arguments: [context, minute]).map { row in
                SpendEntry(minute: row["minute"], scope: row["scope"], spend: Spend(usd: row["usd"], tokens: row["tokens"]))
            }
        }
    }

    /// Adds `entries` (deltas) to what the store holds for the context, in one transaction.
    public func add(context: String, _ entries: [SpendEntry]) throws(StoreError) {
        try save([.spend(entries)], context: context)
    }

    /// Writes several things in one transaction (the dashboard's writes of one second).
    public func save(_ writes: [StoreWrite], context: String) throws(StoreError) {
        guard writes.contains(where: { !$0.isEmpty }) else { return }
        try write { db in
            for item in writes { try Self.apply(item, context: context, db) }
        }
    }

    private static func apply(_ item: StoreWrite, context: String, _ db: Database) throws {
        switch item {
        case let .spend(entries):
            let statement = try db.cachedStatement(sql: """
                INSERT INTO spend (context, scope, minute, usd, tokens) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (context, scope, minute) DO UPDATE SET usd = usd + excluded.usd, tokens = tokens + excluded.tokens
                """)
            for entry in entries {
                try statement.execute(arguments: [context, entry.scope, entry.minute, entry.spend.usd, entry.spend.tokens])
            }
        case let .counterTotals(totals, at):
            try db.execute(sql: "DELETE FROM counter_totals WHERE context = ?", arguments: [context])
            let statement = try db.cachedStatement(sql: "INSERT INTO counter_totals (context, service, key, usd, tokens, at) VALUES (?, ?, ?, ?, ?, ?)")
            for (service, values) in totals.totals {
                for (key, spend) in values {
                    try statement.execute(arguments: [context, service, key, spend.usd, spend.tokens, at.timeIntervalSince1970])
                }
            }
        case let .timeline(entries):
            let statement = try db.cachedStatement(sql: "INSERT INTO timeline (context, time, kind, subject, text, severity) VALUES (?, ?, ?, ?, ?, ?)")
            for entry in entries {
                try statement.execute(arguments: [context, entry.time.timeIntervalSince1970, entry.kind.rawValue, entry.subject, entry.text,
                                                  entry.severity?.rawValue])
            }
        }
    }

    /// Deletes every row before `minute` (all contexts); returns how many.
    @discardableResult
    public func prune(before minute: Int) throws(StoreError) -> Int {
        return try write { db in
            try db.execute(sql: "DELETE FROM spend WHERE minute < ?", arguments: [minute])
            return db.changesCount
        }
    }

    /// Keeps an acknowledgement (replacing an earlier one of the same alert).
    public func save(ack: AlertAck, key: String, context: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO alert_ack (context, key, by, origin, at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [context, key, ack.by, ack.from, ack.at.timeIntervalSince1970])
        }
    }

    /// Keeps a silence until it ends.
    public func save(silence: AlertSilence, context: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO alert_silence (context, id, matcher, until, by, origin, created) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [context, silence.id, silence.matcher, silence.until.timeIntervalSince1970, silence.by, silence.from,
                                  silence.created.timeIntervalSince1970])
        }
    }

    public func delete(silence id: String, context: String) throws(StoreError) {
        try write { db in try db.execute(sql: "DELETE FROM alert_silence WHERE context = ? AND id = ?", arguments: [context, id]) }
    }

    /// The context's silences still running at `now` and acks younger than a day; older rows are deleted.
    public func alertNotes(context: String, now: Date) throws(StoreError) -> (acks: [String: AlertAck], silences: [AlertSilence]) {
        let time = now.timeIntervalSince1970
        try write { db in
            try db.execute(sql: "DELETE FROM alert_silence WHERE until <= ?", arguments: [time])
            try db.execute(sql: "DELETE FROM alert_ack WHERE at < ?", arguments: [time - 86_400])
        }
        return try read { db in
            var acks: [String: AlertAck] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, by, origin, at FROM alert_ack WHERE context = ?", arguments: [context]) {
                acks[row["key"]] = AlertAck(by: row["by"], from: row["origin"], at: Date(timeIntervalSince1970: row["at"]))
            }
            let silences = try Row.fetchAll(db, sql: "SELECT * FROM alert_silence WHERE context = ? ORDER BY created", arguments: [context]).map { row in
                AlertSilence(id: row["id"], matcher: row["matcher"], until: Date(timeIntervalSince1970: row["until"]), by: row["by"],
                             from: row["origin"], created: Date(timeIntervalSince1970: row["created"]))
            }
            return (acks, silences)
        }
    }

    /// Keeps the services' counter totals as of `at`, replacing the context's last ones.
    public func save(totals: CounterTotals, context: String, at: Date) throws(StoreError) {
        try save([.counterTotals(totals, at: at)], context: context)
    }

    /// The context's counter totals as last kept, and when; nil when none were.
    public func counterTotals(context: String) throws(StoreError) -> KeptCounterTotals? {
        return try read { db -> KeptCounterTotals? in
            let rows = try Row.fetchAll(db, sql: "SELECT service, key, usd, tokens, at FROM counter_totals WHERE context = ?", arguments: [context])
            guard !rows.isEmpty else { return nil }
            var totals: [String: [String: Spend]] = [:]
            var at = 0.0
            for row in rows {
                totals[row["service"], default: [:]][row["key"]] = Spend(usd: row["usd"], tokens: row["tokens"])
                at = max(at, row["at"])
            }
            return KeptCounterTotals(totals: CounterTotals(totals), at: Date(timeIntervalSince1970: at))
        }
    }

    /// Keeps timeline entries.
    public func save(timeline entries: [TimelineEntry], context: String) throws(StoreError) {
        try save([.timeline(entries)], context: context)
    }

    /// The context's timeline since `start` (at most the newest `limit`), oldest first; entries older than a week are deleted.
    public func timeline(context: String, since start: Date, limit: Int = 2000) throws(StoreError) -> [TimelineEntry] {
        let weekAgo = Date().timeIntervalSince1970 - 7 * 86_400
        try write { db in try db.execute(sql: "DELETE FROM timeline WHERE time < ?", arguments: [weekAgo]) }
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM (SELECT time, kind, subject, text, severity FROM timeline WHERE context = ? AND time >= ?
                               ORDER BY time DESC LIMIT ?) ORDER BY time
                """, arguments: [context, start.timeIntervalSince1970, limit]).compactMap { row in
                guard let kind = TimelineEntry.Kind(rawValue: row["kind"]) else { return nil }
                let severity: String? = row["severity"]
                return TimelineEntry(time: Date(timeIntervalSince1970: row["time"]), kind: kind, subject: row["subject"],
                                     text: row["text"], severity: severity.flatMap(Alert.Severity.init(rawValue:)))
            }
        }
    }

    /// A write transaction; any failure becomes a `StoreError` naming the file.
    private func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try database.write(body) } catch { throw StoreError(path: path, reason: Self.describe(error)) }
    }

    /// A read; any failure becomes a `StoreError` naming the file.
    private func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try database.read(body) } catch { throw StoreError(path: path, reason: Self.describe(error)) }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}

/// One thing the dashboard writes to the store; several go in one transaction (`LocalStore.save(_:context:)`).
public enum StoreWrite: Sendable {
    /// Spend deltas, added to what is kept per scope and minute.
    case spend([SpendEntry])
    /// The services' counter totals as of a moment, replacing the last ones.
    case counterTotals(CounterTotals, at: Date)
    /// New timeline entries.
    case timeline([TimelineEntry])

    /// Whether it writes nothing.
    public var isEmpty: Bool {
        switch self {
        case let .spend(entries): entries.isEmpty
        case .counterTotals: false
        case let .timeline(entries): entries.isEmpty
        }
    }

    /// What it is, for a log line.
    public var what: String {
        switch self {
        case .spend: "spend"
        case .counterTotals: "counter totals"
        case .timeline: "timeline"
        }
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
