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

    /// Opens (creating if needed) the catalog at `path`.
    public init(path: String) throws {
        self.path = path
        try Catalog.checkExisting(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(TimeInterval(Catalog.busyTimeout))
        configuration.foreignKeysEnabled = true
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
        try migrate()
    }

    /// A fresh catalog in memory, for tests.
    public init(inMemory: Void = ()) throws {
        path = ":memory:"
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        writer = try DatabaseQueue(configuration: configuration)
        try migrate()
    }

    /// Applies the migrations this catalog lacks, in order, in one IMMEDIATE transaction: two
    /// processes opening a new catalog at once cannot both run them, and a failed migration
    /// leaves the file as it was. Applied identifiers are kept in `grdb_migrations`.
    private func migrate() throws {
        do {
            try writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(
                        sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                    let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
                    let known = Set(EmbeddedMigrations.all.map(\.identifier))
                    let unknown = applied.subtracting(known).sorted()
                    guard unknown.isEmpty else { throw CatalogError.newerSchema(path: path, unknown: unknown) }
                    for migration in EmbeddedMigrations.all where !applied.contains(migration.identifier) {
                        try db.execute(sql: migration.sql)
                        try db.execute(
                            sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)",
                            arguments: [migration.identifier])
                    }
                    try db.execute(sql: "PRAGMA application_id = \(Catalog.applicationID)")
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

    /// Refuses, without writing to it, a file that is not SQLite, not an opcat catalog, or from a
    /// newer schema.
    static func checkExisting(_ path: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? Int, size > 0
        else { return }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(TimeInterval(busyTimeout))
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.read { db in
                let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                if id != applicationID {
                    // A catalog caught between creation and its first migration has no tables yet.
                    let ours = tables.contains("models") && tables.contains("grdb_migrations")
                    guard tables.isEmpty || ours else { throw CatalogError.notACatalog(path: path) }
                }
                if tables.contains("grdb_migrations") {
                    let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                    let known = Set(EmbeddedMigrations.all.map(\.identifier))
                    let unknown = applied.filter { !known.contains($0) }.sorted()
                    if !unknown.isEmpty { throw CatalogError.newerSchema(path: path, unknown: unknown) }
                }
            }
        } catch let error as CatalogError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw CatalogError.notADatabase(path: path)
        } catch {
            throw translate(error, path: path)
        }
    }

    static func translate(_ error: any Error, path: String) -> CatalogError {
        if let error = error as? CatalogError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB: return .notADatabase(path: path)
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
        do {
            return try writer.write(body)
        } catch {
            throw Catalog.translate(error, path: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read(body)
        } catch {
            throw Catalog.translate(error, path: path)
        }
    }

    /// The identifiers of the applied migrations.
    public func appliedMigrations() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
    }

    /// `PRAGMA integrity_check` and `foreign_key_check` results (`["ok"]` and `[]` when healthy).
    public func check() throws -> (integrity: [String], foreignKeys: Int) {
        try read { db in
            (
                try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count
            )
        }
    }
}
