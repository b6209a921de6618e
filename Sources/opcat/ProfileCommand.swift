import ArgumentParser
import Catalog
import Foundation
import ModelFormats
import OpCount

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Add profiles at a new input to the catalog's models, from the definitions it stores.",
        discussion: """
            The catalog keeps every model's definition file (compressed; ONNX without its weights), \
            so a profile at another input needs no model files: `opcat profile --input 1x3x512x512` \
            counts every model (or a --family/--model selection) at 512² and stores both \
            conventions, as `opcat ingest FILE --input 1x3x512x512` would; --dim sizes a symbolic \
            dimension by name in every model that declares it. Models that already have \
            a profile there are skipped. A model whose file fixes a size derived from its input \
            (a 224²-shaped Reshape target, a position embedding of 197 tokens) fails naming that \
            node; the others are stored, and the exit status is 1.

            Examples:
              opcat profile --input 1x3x512x512
              opcat profile --input 1x3x640x640 --family 'resnet*' --model mobilenet_v3_large
              opcat profile --dim sequence_length=512 --family bert
            """)

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var quiet: QuietOption

    @OptionGroup var inputs: InputOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only models of these families: repeat it, or use shell-style patterns ('resnet*').", valueName: "family"),
        completion: CatalogCompletion.families)
    var family: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("Only these models: repeat it, or use shell-style patterns.", valueName: "model"),
        completion: CatalogCompletion.models)
    var model: [String] = []

    func validate() throws {
        guard try !inputs.bindings().isEmpty else {
            throw ValidationError("give the input to profile at, e.g. --input 1x3x512x512 or --dim sequence_length=128")
        }
    }

    func run() throws {
        let bindings = try inputs.bindings()
        let key = InputKey(bindings)
        // With --dim the inputs' shapes are known only once each definition is read.
        let sizedByName = bindings.contains(where: \.isDimension)
        let at = ([key.inputs.isEmpty ? nil : key.shapes] + inputs.dim.map { Optional($0) }).compactMap { $0 }
            .joined(separator: " ")
        let catalog = try self.catalog.openExisting()
        let found = try catalog.definitions(families: family, models: model)
        if found.definitions.isEmpty && found.missing.isEmpty {
            let known = family.isEmpty ? "" : "; its families: " + (try catalog.families()).joined(separator: ", ")
            throw CLIError("\(catalog.path): no models for this selection\(known)")
        }
        var added: [String] = []
        var present = 0
        var failures: [String] = []
        var layerRows = 0
        let started = Date()
        let progress = Progress(total: found.definitions.count)
        for (i, definition) in found.definitions.enumerated() {
            progress.show(i, definition.model)
            if !sizedByName, definition.hasProfile(at: key) {
                present += 1
                continue
            }
            do {
                let counted = try definition.count(inputs: bindings)
                let outcome = try catalog.ingest(counted, record: ModelRecord(name: definition.model))
                if outcome != .skipped {
                    added.append(definition.model)
                    layerRows += 2 * counted.analysis.layers.count
                } else {
                    present += 1
                }
                if !counted.analysis.isComplete || !counted.analysis.isExact { Console.reportPartial(counted) }
            } catch let error as CatalogError {
                progress.clear()
                throw CLIError("\(error) (storing \(definition.model); nothing of it was kept)")
            } catch {
                progress.clear()
                Console.error("\(definition.model): \(error)")
                failures.append(definition.model)
            }
        }
        progress.clear()
        if !found.missing.isEmpty {
            Console.notice(
                "\(Console.count(found.missing)) have no stored definition (ingested by an opcat before schema 3): "
                    + "\(Console.names(found.missing)); ingest their files again to store them")
        }
        let parts =
            ["\(added.count) profiled at \(at)"] + (present == 0 ? [] : ["\(present) already there"])
            + (failures.isEmpty ? [] : ["\(failures.count) failed (\(Console.names(failures)))"])
        let total = found.definitions.count
        Console.notice(
            "\(total) model\(total == 1 ? "" : "s"): \(parts.joined(separator: ", ")); \(layerRows) layer rows in "
                + "\(String(format: "%.2f", Date().timeIntervalSince(started))) s → \(catalog.path)")
        if !failures.isEmpty || (!found.missing.isEmpty && found.definitions.isEmpty) { throw ExitCode(1) }
    }
}
