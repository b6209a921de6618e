import ArgumentParser
import Foundation
import ModelFormats
import OpCount

struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Count one model file, or every model of a zoo directory; store nothing.",
        discussion: """
            PATH is a model file or a zoo directory (one with a manifest.json). A file inside a \
            zoo directory takes its input shape and backbone end from the manifest unless given \
            here; any other file defaults to an input of 1x3x224x224.

            The standard convention counts learnable params (buffers apart), MACs of linear ops \
            and every primitive operation (FLOPs = muls + adds + divs + exps + cmps). The mxop \
            convention reproduces mxop 0.2.0: params include BatchNorm running statistics, and \
            muls are conv + dense (with mxop's in_features − 1) + one per BatchNorm element.

            The backbone is the model without its classification head: the ancestors of the \
            backbone end node. Exit status: 0 counted; 1 an error; 3 with --strict when a count \
            is partial (an op opcat does not support).
            """)

    @Argument(help: "A model file (MXNet -symbol.json or ONNX .onnx) or a zoo directory.")
    var path: String

    @OptionGroup var inputs: InputOptions

    @Option(
        name: .long,
        help: ArgumentHelp("The node that ends the backbone (its ancestors are the backbone).", valueName: "node"))
    var backboneEnd: String?

    @Option(name: .long, help: "Counting convention: standard or mxop.")
    var convention: Convention = .standard

    @Flag(name: .long, help: "Also print one row per layer.")
    var layers = false

    @Flag(name: .long, help: "Exit with status 3 when a count is partial.")
    var strict = false

    @OptionGroup var output: FormatOptions

    func run() throws {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw PathProblem.missing(path)
        }
        let bindings = try inputs.bindings()
        if isDirectory.boolValue {
            guard !layers else { throw ValidationError("--layers needs a single model file, not a zoo directory") }
            try countZoo(url, bindings)
            return
        }
        let model = try ModelJob(file: url).count(inputs: bindings, backboneEnd: backboneEnd)
        for notice in model.notices { Console.notice(Hints.explain(notice)) }
        Console.reportPartial(model)
        CountRenderer(convention: convention).document(model, layers: layers).print(output.format)
        if strict && !model.analysis.isComplete { throw ExitCode(3) }
    }

    func countZoo(_ directory: URL, _ bindings: [InputBinding]) throws {
        guard ZooManifest.exists(in: directory) else {
            throw CLIError("\(path): a directory needs a \(ZooManifest.fileName) listing its models")
        }
        let manifest = try ZooManifest.load(directory: directory)
        var models: [CountedModel] = []
        var failures = 0
        for entry in manifest.models {
            do {
                let job = ModelJob(file: directory.appendingPathComponent(entry.file), entry: entry)
                let model = try job.count(inputs: bindings, backboneEnd: nil)
                Console.reportPartial(model)
                models.append(model)
            } catch {
                Console.error("\(error)")
                failures += 1
            }
        }
        CountRenderer(convention: convention).table(models).print(output.format)
        if failures > 0 { throw ExitCode(1) }
        if strict && models.contains(where: { !$0.analysis.isComplete }) { throw ExitCode(3) }
    }
}
