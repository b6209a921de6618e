import ArgumentParser
import Foundation
import ModelFormats
import OpCount

struct ManifestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest",
        abstract: "Zoo manifests: the manifest.json that lists a directory's models (docs/manifest.md).",
        subcommands: [ManifestInit.self])
}

struct ManifestInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a manifest.json for a directory of model files.",
        discussion: """
            Lists every model file directly in DIR (*-symbol.json, *.onnx, gzipped too) with its \
            name (from the file name), format, input (as the file declares it, else 1x3x224x224) \
            and the backbone end opcat proposes, each found by counting the file. Add families, \
            checkpoints and their figures by hand; docs/manifest.md describes every field and \
            docs/manifest.schema.json checks them. A file that cannot be counted is named and left \
            out (exit status 1); an existing manifest is kept unless --force.

            Examples:
              opcat manifest init models/
              opcat manifest init models/ --zoo mine --force
            """)

    @Argument(help: ArgumentHelp("The directory of model files.", valueName: "dir"), completion: .directory)
    var dir: String

    @Option(name: .long, help: ArgumentHelp("The zoo's name, stored with each model.", valueName: "name"))
    var zoo: String?

    @Flag(name: .long, help: "Replace an existing manifest.json.")
    var force = false

    @OptionGroup var quiet: QuietOption

    func run() throws {
        let directory = URL(fileURLWithPath: dir)
        guard CountCommand.isDirectory(dir) else { throw CLIError("\(dir): not a directory") }
        let target = directory.appendingPathComponent(ZooManifest.fileName)
        if ZooManifest.exists(in: directory) && !force {
            throw CLIError("\(target.relativePath): exists; pass --force to replace it")
        }
        if let reason = zoo?.unprintableReason("zoo name") { throw ValidationError(reason) }
        let files = try ModelJob.modelFiles(in: directory)
        guard !files.isEmpty else {
            throw CLIError("\(dir): no model files (*-symbol.json, *.onnx, gzipped too)")
        }
        var entries: [JSON] = []
        var failures = 0
        for file in files {
            do {
                // A name a manifest refuses (control or bidi characters) leaves that file out, not the rest.
                if let reason = Pipeline.modelName(for: file.lastPathComponent).unprintableReason("model name") {
                    throw CLIError("\(file.relativePath): \(reason); rename the file")
                }
                let model = try ModelJob(file: file, entry: nil).count(inputs: [], backboneEnd: nil)
                let inputs = model.analysis.inputs
                guard inputs.count == 1, let input = inputs.first else {
                    throw CLIError(
                        "\(file.relativePath): \(inputs.count) inputs; a manifest entry has one, so count or ingest "
                            + "this file by path with --input")
                }
                var fields: [(String, JSON)] = [
                    ("name", .string(Pipeline.modelName(for: file.lastPathComponent))),
                    ("format", .string(model.format)), ("file", .string(file.lastPathComponent)),
                    ("input", .object([("name", .string(input.name)), ("shape", .array(input.shape.map(JSON.int)))])),
                ]
                if let end = model.analysis.backbone?.end { fields.append(("backbone_end", .string(end))) }
                fields.append(("metrics", .array([])))
                entries.append(.object(fields))
            } catch {
                Console.error("\(error)")
                failures += 1
            }
        }
        var top: [(String, JSON)] = [("format_version", .int(ZooManifest.supportedFormatVersion))]
        if let zoo { top.append(("zoo", .string(zoo))) }
        top.append(("generated_by", .string("opcat manifest init")))
        top.append(("models", .array(entries)))
        let text = JSON.object(top).rendered()
        // What is written must read back as a manifest.
        _ = try ZooManifest.decode(Data(text.utf8), file: target.relativePath)
        do { try text.write(to: target, atomically: true, encoding: .utf8) } catch {
            throw CLIError("\(target.relativePath): cannot write it: \((error as NSError).localizedDescription)")
        }
        Console.notice(
            "\(target.relativePath): \(entries.count) model\(entries.count == 1 ? "" : "s"); add families, checkpoints "
                + "and metrics by hand (docs/manifest.md)")
        if failures > 0 { throw ExitCode(1) }
    }
}
