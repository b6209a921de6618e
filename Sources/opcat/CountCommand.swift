import ArgumentParser
import Foundation
import ModelFormats
import OpCount

struct CountCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Count one model file, or every model of a zoo directory; store nothing.",
        discussion: """
            Each PATH is a model file, a zoo directory, or - for a model on standard input. A \
            directory's models are those its manifest.json lists, or without one its model files \
            (*-symbol.json, *.onnx, gzipped too; a notice says so). A file inside a zoo directory \
            takes its input shape and backbone end from the manifest unless given here; any \
            other file defaults to an input of 1x3x224x224.

            One model file prints its counts in detail (--layers: every layer too); several \
            paths or a directory print one row per model. CSV is one row per model either way, \
            with the same header, so outputs concatenate: \
            find models -name '*.onnx' | xargs opcat count --format csv

            The standard convention counts learnable params (buffers apart), MACs of linear ops \
            and every primitive operation (FLOPs = muls + adds + divs + exps + cmps). The mxop \
            convention reproduces mxop 0.2.0: params include BatchNorm running statistics, and \
            muls are conv + dense (with mxop's in_features − 1) + one per BatchNorm element.

            The backbone is the model without its classification head: the ancestors of the \
            backbone end node. Exit status: 0 counted; 1 an error; 3 with --strict when a count \
            is partial (an op opcat does not support).
            """)

    @Argument(
        help: ArgumentHelp(
            "Model files (MXNet -symbol.json or ONNX .onnx, also gzipped), zoo directories, or - for one model on standard input.",
            valueName: "path"),
        completion: .file(extensions: ["json", "onnx", "gz"]))
    var paths: [String] = []

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

    func validate() throws {
        guard !paths.isEmpty else {
            throw ValidationError("give a model file, a zoo directory, or - for a model on standard input")
        }
        guard paths.filter({ $0 == "-" }).count <= 1 else {
            throw ValidationError("- (standard input) can be given once")
        }
    }

    func run() throws {
        let bindings = try inputs.bindings()
        if paths.count == 1, paths[0] == "-" || !Self.isDirectory(paths[0]) {
            let model = try countFile(paths[0], bindings)
            for notice in model.notices { Console.notice(Hints.explain(notice)) }
            Console.reportPartial(model)
            let renderer = CountRenderer(convention: convention)
            if output.format == .csv && !layers {
                renderer.table([model]).print(.csv)
            } else {
                renderer.document(model, layers: layers).print(output.format)
            }
            if strict && !model.analysis.isComplete { throw ExitCode(3) }
            return
        }
        guard !layers else { throw ValidationError("--layers needs a single model file") }
        var models: [CountedModel] = []
        var failures = 0
        func attempt(_ body: () throws -> CountedModel) {
            do {
                let model = try body()
                Console.reportPartial(model)
                models.append(model)
            } catch {
                Console.error("\(error)")
                failures += 1
            }
        }
        for path in paths {
            if path != "-" && Self.isDirectory(path) {
                let jobs: [ModelJob]
                do { jobs = try Self.zooJobs(path) } catch {
                    Console.error("\(error)")
                    failures += 1
                    continue
                }
                for job in jobs { attempt { try job.count(inputs: bindings, backboneEnd: nil) } }
            } else {
                attempt { try countFile(path, bindings) }
            }
        }
        // Nothing counted and something failed: the errors say it all, no empty table.
        if !models.isEmpty || failures == 0 { CountRenderer(convention: convention).table(models).print(output.format) }
        if failures > 0 { throw ExitCode(1) }
        if strict && models.contains(where: { !$0.analysis.isComplete }) { throw ExitCode(3) }
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// One model file, or `-`: the model on standard input.
    func countFile(_ path: String, _ bindings: [InputBinding]) throws -> CountedModel {
        if path == "-" {
            let data = try ModelJob.standardInput()
            return try ModelJob(file: URL(fileURLWithPath: "stdin"), entry: nil).count(
                contents: data, inputs: bindings, backboneEnd: backboneEnd)
        }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else { throw PathProblem.missing(path) }
        return try ModelJob(file: url).count(inputs: bindings, backboneEnd: backboneEnd)
    }

    /// A directory's models: its manifest's, else its model files (with a notice).
    static func zooJobs(_ path: String) throws -> [ModelJob] {
        let directory = URL(fileURLWithPath: path)
        if ZooManifest.exists(in: directory) {
            let manifest = try ZooManifest.load(directory: directory)
            return manifest.models.map { ModelJob(file: directory.appendingPathComponent($0.file), entry: $0) }
        }
        return try ModelJob.unlistedFiles(in: directory, path: path, doing: "counting").map {
            ModelJob(file: $0, entry: nil)
        }
    }
}
