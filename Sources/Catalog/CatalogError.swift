/// Why a catalog cannot be used. Every case names the database file and says what to do.
public enum CatalogError: Error, Sendable, CustomStringConvertible {
    /// The file is not SQLite at all.
    case notADatabase(path: String)
    /// SQLite, but not an opcat catalog.
    case notACatalog(path: String)
    /// Written by a newer opcat: its schema has migrations this one does not know.
    case newerSchema(path: String, unknown: [String])
    /// Written by an older opcat: a reader does not migrate it.
    case needsMigration(path: String, missing: [String])
    /// A write was interrupted (a hot journal beside the file); a writer rolls it back.
    case interrupted(path: String)
    /// A write-ahead log lies beside the file that was not written on it (another copy's).
    case foreignLog(path: String)
    /// SQLite's own check found the file damaged.
    case damaged(path: String, problems: [String])
    /// The database could not be opened, read or written.
    case database(path: String, message: String)
    /// Another process holds the write lock past the busy timeout.
    case busy(path: String, seconds: Int)
    /// A query names something the catalog does not have.
    case notFound(String)

    public var description: String {
        switch self {
        case .notADatabase(let path): "\(path): not an SQLite database (opcat leaves it untouched; choose another --db)"
        case .notACatalog(let path):
            "\(path): an SQLite database, but not an opcat catalog (opcat leaves it untouched; choose another --db)"
        case .newerSchema(let path, let unknown):
            "\(path): written by a newer opcat (schema \(unknown.joined(separator: ", "))); upgrade opcat to use it (the file is left untouched)"
        case .needsMigration(let path, let missing):
            "\(path): written by an older opcat (it lacks \(missing.joined(separator: ", "))); queries do not change a catalog: run `opcat migrate --db \(path)` once to bring it up to date"
        case .interrupted(let path):
            "\(path): a write to the catalog was interrupted (a hot journal lies beside it); run `opcat migrate --db \(path)` to roll it back (queries do not write)"
        case .foreignLog(let path):
            "\(path): the write-ahead log beside it (\(path)-wal) was not written on this file (it comes from another copy of the catalog); opcat will not replay it: move it away to use the catalog as it was last checkpointed, or put it back beside the catalog it belongs to"
        case .damaged(let path, let problems):
            "\(path): the catalog is damaged (\(problems.prefix(3).joined(separator: "; "))); opcat will not read or write it: restore a copy, or ingest into a new catalog (`opcat check` lists every problem)"
        case .database(let path, let message): "\(path): \(message)"
        case .busy(let path, let seconds):
            "\(path): another process kept the catalog locked for \(seconds) s; try again"
        case .notFound(let message): message
        }
    }
}
