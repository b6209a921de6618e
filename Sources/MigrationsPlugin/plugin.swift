import Foundation
import PackagePlugin

/// Embeds `migrations/*.sql` into the Catalog module as Swift constants, so the installed
/// binary carries its schema and reads nothing from the source tree at run time.
/// (`Sources/Catalog/Migrations` is a symlink to `migrations/`: inside the target, SwiftPM
/// notices added and removed files.)
@main
struct MigrationsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "Sources/Catalog/Migrations")
            .resolvingSymlinksInPath()
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "Migrations.generated.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) SQL migrations",
                executable: try context.tool(named: "MigrationsGen").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files, outputFiles: [output])
        ]
    }
}
