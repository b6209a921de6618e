import ArgumentParser
import Catalog
import Foundation

/// `--db`, shared by every command that uses the catalog.
struct CatalogOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The catalog file (default: $OPCAT_DB, else ./opcat.sqlite).", valueName: "file"),
        completion: .file(extensions: ["sqlite", "db"]))
    var db: String?

    /// `--db`, else `OPCAT_DB`, else `./opcat.sqlite`.
    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["OPCAT_DB"], !env.isEmpty { return env }
        return "opcat.sqlite"
    }

    func open() throws -> Catalog {
        try checkKind()
        return try Catalog(path: path)
    }

    /// A directory, FIFO or device given as `--db` is said to be one (SQLite would call it an
    /// I/O error or a full disk).
    func checkKind() throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw CLIError("\(path): a directory, not a catalog file; pass --db DIR/opcat.sqlite")
        default: throw CLIError("\(path): not a regular file (a FIFO, socket or device); a catalog is a file")
        }
    }

    /// Opens an existing catalog for writing (it is migrated if it needs to be): a missing file
    /// is an error, not a new catalog.
    func openExisting() throws -> Catalog {
        try requireFile()
        return try Catalog(path: path)
    }

    /// Opens an existing catalog for a query: read-only, never migrated.
    func openForReading() throws -> Catalog {
        try requireFile()
        return try Catalog(readingAt: path)
    }

    private func requireFile() throws {
        try checkKind()
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("\(path): no catalog here; create one with `opcat ingest data/zoo` (or pass --db)")
        }
    }
}
