import ArgumentParser
import Catalog
import Foundation
import ModelFormats
import OpCount

@main
struct Opcat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opcat",
        abstract: "Count parameters and multiply-accumulates of neural-network graph files, without running them.",
        discussion: """
            opcat reads model graphs (MXNet -symbol.json, ONNX), infers every tensor's shape from the \
            input shape, and counts parameters, MACs and every primitive operation per layer. \
            Every op is counted, knowingly zero-cost, or reported as unsupported; totals that miss \
            an op say so.

            Examples:
              opcat count data/zoo/resnet50_v1-symbol.json
              opcat count model-symbol.json --input 1x3x320x320 --layers
              opcat count data/zoo --convention mxop --format markdown
              opcat ingest data/zoo && opcat table --sort macs
              opcat profile --input 1x3x512x512
              opcat best --max-macs 1.5G --backbone --input 1x3x512x512
              opcat metrics import figures.csv
              opcat ops
            """,
        version: OpcatVersion.current,
        subcommands: [
            CountCommand.self, IngestCommand.self, ProfileCommand.self, MetricsCommand.self, TableCommand.self,
            ParetoCommand.self, BestCommand.self, SpeedCommand.self, LayersCommand.self, DiffCommand.self,
            ExportCommand.self,
            ManifestCommand.self, OpsCommand.self,
            MigrateCommand.self, CheckCommand.self,
        ])

    /// Errors become one line on stderr and exit status 1; usage errors keep ArgumentParser's
    /// message and status 64.
    static func main() {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // Help and --version print as usual; a usage error is one line naming the fix.
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            Console.error(message(for: error) + " (see 'opcat --help')")
            Foundation.exit(code.rawValue)
        }
        do {
            try command.run()
        } catch {
            // opcat's own errors already read as one line naming the file, node or model.
            let ours: [any Error.Type] = [
                CLIError.self, ModelFormatError.self, CountError.self, AnalysisError.self,
                CatalogError.self, RuleError.self,
            ]
            guard ours.contains(where: { type(of: error) == $0 }) else { exit(withError: error) }
            Console.error("\(error)")
            Foundation.exit(1)
        }
    }
}
