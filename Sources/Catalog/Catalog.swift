import Foundation
import GRDB

/// The one owner of opcat's SQLite catalog. Opening it checks that the file is an opcat catalog
/// of a schema this build knows, then applies the embedded `migrations/*.sql` in order.
/// Every write is a named method running one transaction.
public final class Catalog: Sendable {
    /// `PRAGMA application_id` of an opcat catalog: "opca".
    public static let applicationID: Int32 = 0x6F70_6361
    /// Seconds a writer waits for another process's lock before giving up: 30, or
    /// `OPCAT_BUSY_TIMEOUT`.
    public static let busyTimeout: Int = {
        if let text = ProcessInfo.processInfo.environment["OPCAT_BUSY_TIMEOUT"], let seconds = Int(text), seconds >= 0 {
            return seconds
        }
        return 30
    }()

    public let path: String
    let writer: any DatabaseWriter
    /// SQLite's quick check of an existing catalog, owed before this writer's first write (see
    /// ``checkExisting(_:)``); a session that writes nothing never reads the whole file.
    private let pendingCheck: PendingCheck
    /// Opened for reading only: nothing is written, migrated or waited for.
    public let isReadOnly: Bool

    /// Opens (creating if needed) the catalog at `path`.
    public init(path: String) throws {
        self.path = path
        isReadOnly = false
        let owed = try Catalog.checkExisting(path)
        try Catalog.checkWritable(path)
        try Catalog.createIfNeeded(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(TimeInterval(Catalog.busyTimeout))
        configuration.foreignKeysEnabled = true
        // In WAL mode, NORMAL syncs the log at checkpoints rather than at every commit: a
        // commit is not a wait on the disk (an ingest commits once per model), and the file
        // stays consistent through a crash or power loss, which can lose only the last
        // transactions, never half of one.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        // Switching a new file to WAL needs a moment with no other connection in a transaction,
        // and SQLite does not wait for it: retry within the busy timeout.
        let deadline = Date().addingTimeInterval(TimeInterval(Catalog.busyTimeout))
        while true {
            do {
                writer = try DatabasePool(path: path, configuration: configuration)
                break
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            } catch {
                throw Catalog.translate(error, path: path)
            }
        }
        pendingCheck = PendingCheck(owed: owed)
        try migrate()
    }

    /// A fresh catalog in memory, for tests.
    public init(inMemory: Void = ()) throws {
        path = ":memory:"
        isReadOnly = false
        pendingCheck = PendingCheck(owed: false)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        writer = try DatabaseQueue(configuration: configuration)
        try migrate()
    }

    /// Opens the existing catalog at `path` for reading only, for queries: no write, no
    /// migration, no pragma that writes. In WAL mode a reader sees the last committed state at
    /// once, whatever a writer is doing. A catalog that needs a migration is refused with the
    /// command that migrates it. On a read-only directory or mount, where SQLite cannot create
    /// the WAL index beside the file, the file is read as immutable.
    public init(readingAt path: String) throws {
        self.path = path
        isReadOnly = true
        pendingCheck = PendingCheck(owed: false)
        guard try Catalog.checkHeader(path) else {
            throw CatalogError.database(path: path, message: "the file is empty, not a catalog yet")
        }
        try Catalog.checkLog(path)
        let applied: [String]
        do {
            writer = try Catalog.openReader(path, Catalog.readerConfiguration)
            applied = try writer.read { db in try Catalog.verify(db, path: path) }
        } catch {
            throw Catalog.translate(error, path: path)
        }
        // A catalog that was not closed cleanly (a WAL left with frames in it) is checked first.
        if Catalog.logHasFrames(path) {
            try quickCheck()
        }
        let missing = EmbeddedMigrations.all.map(\.identifier).filter { !applied.contains($0) }
        guard missing.isEmpty else {
            throw CatalogError.needsMigration(path: path, missing: missing)
        }
    }

    /// A read-only connection; where SQLite cannot open the WAL index (a read-only directory or
    /// mount, and no `-shm` file), the file is opened as immutable, which nothing can be
    /// writing to there.
    private static func openReader(_ path: String, _ configuration: Configuration) throws -> DatabaseQueue {
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            // The WAL index is opened on the first read, not by the open.
            try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return queue
        } catch let error as DatabaseError where [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(error.resultCode) {
            let directory = (path as NSString).deletingLastPathComponent
            guard access(directory.isEmpty ? "." : directory, W_OK) != 0 || access(path, W_OK) != 0 else { throw error }
            // Read as immutable, SQLite ignores the WAL: changes still in it would be missed.
            if Catalog.logHasFrames(path) {
                throw CatalogError.database(
                    path: path,
                    message:
                        "changes not yet folded into the file lie in \(path)-wal, and SQLite cannot read them in a directory it cannot write; open the catalog once where it is writable (any opcat ingest or migrate) to fold them in"
                )
            }
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            var allowed = CharacterSet.urlPathAllowed
            allowed.remove(charactersIn: "?#")
            let escaped = absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute
            return try DatabaseQueue(path: "file:\(escaped)?immutable=1", configuration: configuration)
        }
    }

    /// Applies the migrations this catalog lacks, in order, in one IMMEDIATE transaction: two
    /// processes opening a new catalog at once cannot both run them, and a failed migration
    /// leaves the file as it was. Applied identifiers are kept in `grdb_migrations`.
    private func migrate() throws {
        do {
            try writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    // After a rolled-back interrupted write, the file may be anything: check it.
                    try Catalog.verify(db, path: path)
                    try db.execute(
                        sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                    let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
                    let known = Set(EmbeddedMigrations.all.map(\.identifier))
                    let unknown = applied.subtracting(known).sorted()
                    guard unknown.isEmpty else { throw CatalogError.newerSchema(path: path, unknown: unknown) }
                    let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                    // A catalog with every migration applied is opened without a write.
                    guard !known.isSubset(of: applied) || id != Catalog.applicationID else { return .commit }
                    for migration in EmbeddedMigrations.all where !applied.contains(migration.identifier) {
                        try db.execute(sql: migration.sql)
                        try db.execute(
                            sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)",
                            arguments: [migration.identifier])
                    }
                    try db.execute(sql: "PRAGMA application_id = \(Catalog.applicationID)")
                    try Catalog.markTransaction(db)
                    if try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") != nil {
                        throw CatalogError.database(
                            path: path, message: "the catalog's foreign keys are inconsistent after migration")
                    }
                    return .commit
                }
            }
        } catch {
            throw Catalog.translate(error, path: path)
        }
    }

    /// A writer needs to write the file and create its WAL beside it: say which is refused
    /// (a read-only mount, an immutable file, no permission) before SQLite's "unable to open".
    static func checkWritable(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let exists = FileManager.default.fileExists(atPath: path)
        // SQLite creates the WAL and its index beside the file when they are not there.
        let sideFiles = ["-wal", "-shm"].allSatisfy { FileManager.default.fileExists(atPath: path + $0) }
        var targets: [(String, String)] = sideFiles ? [] : [(directory.isEmpty ? "." : directory, "its directory")]
        if exists { targets.append((path, "the file")) }
        for (target, what) in targets where access(target, W_OK) != 0 {
            let reason =
                errno == EROFS
                ? "\(what) is on a read-only file system"
                : "\(what) cannot be written (\(String(cString: strerror(errno))))"
            throw CatalogError.database(
                path: path,
                message: "cannot write the catalog here: \(reason)" + (exists ? "; queries can still read it" : ""))
        }
    }

    /// A new catalog gets opcat's application id in its first transaction, in rollback-journal
    /// mode, before it is switched to WAL: a file is never opcat's without it, and a `kill -9`
    /// in that transaction leaves a journal that rolls the file back to empty.
    static func createIfNeeded(_ path: String) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
        guard size ?? 0 == 0, !hotJournal(path) else { return }
        var configuration = Configuration()
        configuration.busyMode = .timeout(TimeInterval(busyTimeout))
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                    let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                    if id == 0 && tables == 0 {
                        try db.execute(sql: "PRAGMA application_id = \(applicationID)")
                    }
                    return .commit
                }
            }
        } catch {
            throw translate(error, path: path)
        }
    }

    /// Refuses, without writing to it, a file that is not SQLite, not an opcat catalog, or from
    /// a newer schema; returns whether SQLite's quick check of it is still owed. A writer never
    /// writes into a damaged file, and the quick check reads all of it (seconds for a catalog of
    /// the whole bundled zoo): it runs here when opening will write (a migration to apply, a
    /// log with frames to fold in), else before the writer's first write, so that an ingest
    /// with nothing to do does not pay it.
    static func checkExisting(_ path: String) throws -> Bool {
        // An interrupted write (a hot journal): the writer's read-write open rolls it back, and
        // migrate() checks what is left.
        if hotJournal(path) { return false }
        guard try checkHeader(path) else { return false }
        try checkLog(path)
        do {
            let queue = try openReader(path, readerConfiguration)
            defer { try? queue.close() }
            return try queue.read { db in
                let applied = try verify(db, path: path)
                if Set(applied) == Set(knownMigrations) && !logHasFrames(path) { return true }
                // Opening for writing writes (a migration, a checkpoint of the log): checked first.
                let problems = try String.fetchAll(db, sql: "PRAGMA quick_check(5)")
                guard problems == ["ok"] else { throw CatalogError.damaged(path: path, problems: problems) }
                return false
            }
        } catch {
            throw translate(error, path: path)
        }
    }

    /// Reads the 100-byte SQLite header of `path` itself, before SQLite opens the file: a file
    /// that is not SQLite, or an SQLite database of another application (empty or not), is
    /// refused without SQLite ever touching it (no `-wal` or `-shm` beside it, nothing adopted).
    /// Only a file whose header has opcat's application id passes (a new catalog gets it in its
    /// first transaction). Returns false when there is no file or it is empty (a new catalog).
    static func checkHeader(_ path: String) throws -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        if header.isEmpty { return false }
        let magic = Data("SQLite format 3".utf8) + Data([0])
        guard header.count == 100, header.prefix(16) == magic else {
            if hotJournal(path) { throw CatalogError.interrupted(path: path) }
            throw CatalogError.notADatabase(path: path)
        }
        func word(_ offset: Int) -> UInt32 {
            header[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
        let applicationID = Int32(bitPattern: word(68))
        guard applicationID == Catalog.applicationID else {
            if hotJournal(path) { throw CatalogError.interrupted(path: path) }
            throw CatalogError.notACatalog(path: path)
        }
        return true
    }

    /// Whether a rollback journal with content lies beside the file: a write was interrupted
    /// (a `kill -9` while a catalog was being created, say) and must be rolled back first.
    static func hotJournal(_ path: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-journal"))?[.size] as? Int
        return (size ?? 0) > 0
    }

    static var readerConfiguration: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(TimeInterval(busyTimeout))
        // A query's intermediate results (a ranking's sort, a materialized scope) stay in memory
        // rather than in temporary files, and its pages are read from the file once: the cache
        // grows only as far as pages are read.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536")
        }
        return configuration
    }

    /// Checks, reading only, that `db` is an opcat catalog of no newer schema than this build's.
    /// Returns the applied migrations, in order.
    @discardableResult
    static func verify(_ db: Database, path: String) throws -> [String] {
        let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        if id != applicationID {
            // Only an in-memory catalog before its first migration (files are checked by their header).
            let ours = tables.contains("models") && tables.contains("grdb_migrations")
            guard tables.isEmpty || ours else { throw CatalogError.notACatalog(path: path) }
        }
        guard tables.contains("grdb_migrations") else { return [] }
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        let known = Set(EmbeddedMigrations.all.map(\.identifier))
        let unknown = applied.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty { throw CatalogError.newerSchema(path: path, unknown: unknown) }
        return applied
    }

    /// Whether a write-ahead log with frames in it lies beside the catalog at `path`.
    static func logHasFrames(_ path: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? Int ?? 0) > 0
    }

    static func translate(_ error: any Error, path: String) -> CatalogError {
        if let error = error as? CatalogError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB: return .notADatabase(path: path)
            case .SQLITE_CORRUPT:
                return .damaged(path: path, problems: [error.message ?? "database disk image is malformed"])
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path, seconds: busyTimeout)
            case .SQLITE_READONLY:
                return .database(path: path, message: "the catalog is read-only here (\(error.message ?? "read-only"))")
            case .SQLITE_FULL:
                return .database(path: path, message: "the disk is full; the transaction was rolled back")
            case .SQLITE_IOERR:
                return .database(
                    path: path, message: "could not write (disk full or an I/O error); the transaction was rolled back")
            case .SQLITE_CANTOPEN:
                return .database(path: path, message: "cannot open the catalog (\(error.message ?? "no access"))")
            default: return .database(path: path, message: error.message ?? "\(error)")
            }
        }
        return .database(path: path, message: "\(error)")
    }

    /// Runs `body` in one write transaction, translating database errors.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try pendingCheck.settle { try quickCheck() }
        do {
            return try writer.write { db in
                let result = try body(db)
                try Catalog.markTransaction(db)
                return result
            }
        } catch {
            throw Catalog.translate(error, path: path)
        }
    }

    /// Closes the catalog's connections: the last one checkpoints the write-ahead log into the
    /// file and removes it, so the next process finds a cleanly closed catalog (a process that
    /// exits with a connection open leaves the log, and the next writer checks the whole file).
    public func close() throws {
        // Readers first (GRDB closes a pool's writer first): the writer, closing last, can
        // checkpoint the log and remove it.
        (writer as? DatabasePool)?.releaseMemory()
        do { try writer.close() } catch { throw Catalog.translate(error, path: path) }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw Catalog.translate(error, path: path)
        }
    }

    /// A check owed once, before the first write; a failed check fails every write.
    private final class PendingCheck: @unchecked Sendable {
        private let lock = NSLock()
        private var owed: Bool
        private var failure: (any Error)?

        init(owed: Bool) { self.owed = owed }

        func settle(_ check: () throws -> Void) throws {
            lock.lock()
            defer { lock.unlock() }
            if let failure { throw failure }
            guard owed else { return }
            do { try check() } catch {
                failure = error
                throw error
            }
            owed = false
        }
    }

    /// The migrations this opcat knows, in order.
    public static var knownMigrations: [String] { EmbeddedMigrations.all.map(\.identifier) }

    /// The identifiers of the applied migrations.
    public func appliedMigrations() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
    }

    /// `PRAGMA integrity_check` and `foreign_key_check` results (`["ok"]` and `[]` when healthy).
    /// `PRAGMA quick_check`: a damaged catalog is refused with its first problems.
    func quickCheck() throws {
        let problems: [String]
        do {
            problems = try writer.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
        } catch {
            throw Catalog.translate(error, path: path)
        }
        guard problems == ["ok"] else { throw CatalogError.damaged(path: path, problems: problems) }
    }

    /// Everything wrong with the catalog file at `path`, read-only: SQLite's `integrity_check`,
    /// `foreign_key_check`, and whether its schema is this opcat's; empty when healthy.
    public static func problems(at path: String) throws -> (problems: [String], schema: [String]) {
        guard try checkHeader(path) else { return (["the file is empty, not a catalog yet"], []) }
        try checkLog(path)
        do {
            let queue = try openReader(path, readerConfiguration)
            defer { try? queue.close() }
            return try queue.read { db in
                let applied = try verify(db, path: path)
                var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check(100)").filter { $0 != "ok" }
                let orphans = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
                if !orphans.isEmpty { problems.append("\(orphans.count) rows refer to rows that do not exist") }
                return (problems, applied)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
            return ([error.message ?? "database disk image is malformed"], [])
        } catch {
            throw translate(error, path: path)
        }
    }

    public func check() throws -> (integrity: [String], foreignKeys: Int) {
        try read { db in
            (
                try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count
            )
        }
    }
}
