import ArgumentParser
import Catalog
import Foundation

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring a catalog written by an earlier opcat up to this opcat's schema.",
        discussion: """
            Queries (table, pareto, best, layers, export) only read a catalog and never change \
            it, so a catalog from an earlier opcat is refused by them until it is migrated. \
            Commands that write (ingest, profile, metrics import) migrate it themselves. The \
            migrations run in one transaction: a failure leaves the file as it was. Every figure \
            is kept (a schema-2 figure becomes one of its model's default checkpoint). A write \
            that was interrupted (a hot journal beside the file) is rolled back first.
            """)

    @OptionGroup var catalog: CatalogOptions

    func run() throws {
        guard FileManager.default.fileExists(atPath: catalog.path) else {
            throw CLIError("\(catalog.path): no catalog here; create one with `opcat ingest data/zoo` (or pass --db)")
        }
        var missing: [String] = []
        do {
            _ = try Catalog(readingAt: catalog.path)
        } catch CatalogError.needsMigration(_, let lacking) {
            missing = lacking
        } catch CatalogError.interrupted {
            // The writer's open below rolls the interrupted write back.
            missing = Catalog.knownMigrations
        }
        let after = try Catalog(path: catalog.path).appliedMigrations()
        let applied = after.filter(missing.contains)
        Console.notice(
            applied.isEmpty
                ? "\(catalog.path) is up to date (\(after.last ?? "no schema"))"
                : "\(catalog.path): applied \(applied.joined(separator: ", "))")
    }
}
