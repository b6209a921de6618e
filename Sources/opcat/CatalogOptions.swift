import ArgumentParser
import Catalog
import Foundation

/// `--db`, shared by every command that uses the catalog.
struct CatalogOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The catalog file (default: $OPCAT_DB, else ./opcat.sqlite).", valueName: "file"))
    var db: String?

    /// `--db`, else `OPCAT_DB`, else `./opcat.sqlite`.
    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["OPCAT_DB"], !env.isEmpty { return env }
        return "opcat.sqlite"
    }

    func open() throws -> Catalog { try Catalog(path: path) }

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
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("\(path): no catalog here; create one with `opcat ingest data/zoo` (or pass --db)")
        }
    }
}
