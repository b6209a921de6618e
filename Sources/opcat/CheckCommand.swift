import ArgumentParser
import Catalog
import Foundation
import OpCount

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a catalog file: SQLite's integrity check, its references, its schema.",
        discussion: """
            Reads only. Runs SQLite's full `integrity_check` and `foreign_key_check` and says \
            whether the schema is this opcat's. Writers run SQLite's quick check on every open, \
            and readers when the catalog was not closed cleanly, and refuse a damaged catalog; \
            this lists every problem. Exit status 0 when the catalog is healthy, 1 when not.
            """)

    @OptionGroup var catalog: CatalogOptions

    func run() throws {
        guard FileManager.default.fileExists(atPath: catalog.path) else {
            throw CLIError("\(catalog.path): no catalog here")
        }
        try catalog.checkKind()
        let (problems, schema) = try Catalog.problems(at: catalog.path)
        let known = Set(Catalog.knownMigrations)
        let missing = Catalog.knownMigrations.filter { !schema.contains($0) }
        for problem in problems { print(problem.oneLine) }
        if problems.isEmpty {
            let state =
                missing.isEmpty ? "schema up to date" : "needs `opcat migrate` (\(missing.joined(separator: ", ")))"
            print("ok: \(schema.filter(known.contains).count) migrations applied, \(state)")
        } else {
            Console.error("\(catalog.path): \(problems.count) problem\(problems.count == 1 ? "" : "s") found")
            throw ExitCode(1)
        }
    }
}
