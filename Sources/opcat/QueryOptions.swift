import ArgumentParser
import Catalog
import ModelFormats
import OpCount

/// Which profiles a query reads.
struct SelectionOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only models of these families: repeat it, or use shell-style patterns ('resnet*'); case-insensitive.",
            valueName: "family"))
    var family: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only these models: repeat it, or use shell-style patterns ('mobilenet*'); case-insensitive.",
            valueName: "model"))
    var model: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("Use the profiles at this input shape (default: each model's own).", valueName: "shape"))
    var input: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Only models read from this file format: mxnet-symbol or onnx.", valueName: "format"))
    var fileFormat: String?

    @Flag(name: .long, help: "Leave out quantized models (those with a float parent).")
    var excludeQuantized = false

    func validate() throws {
        _ = try inputKey()
        if let fileFormat, !ModelFile.formats.contains(fileFormat) {
            throw ValidationError(
                "unknown file format '\(fileFormat)'; choose from \(ModelFile.formats.joined(separator: ", "))")
        }
    }

    /// The `--input` profiles to read, nil for each model's default input.
    func inputKey() throws -> InputKey? {
        try input.map { InputKey(try InputOption.bindings([$0])) }
    }

    /// Profiles of a convention, or a clear error when there are none. With `--input`, the
    /// models in the selection that have no profile there are named on stderr.
    func summaries(_ catalog: Catalog, convention: Convention = .standard) throws -> [ProfileSummary] {
        let key = try inputKey()
        let rows = try catalog.summaries(
            convention: convention, input: key, families: family, models: model, format: fileFormat
        )
        .filter { !excludeQuantized || $0.floatParent == nil }
        if let key {
            let present = Set(rows.map(\.model))
            let missing = try catalog.summaries(
                convention: convention, families: family, models: model, format: fileFormat
            )
            .filter { (!excludeQuantized || $0.floatParent == nil) && !present.contains($0.model) }.map(\.model)
            if !missing.isEmpty {
                Console.notice(
                    "\(Console.count(missing)) have no profile at \(key.shapes) and are left out "
                        + "(\(Console.names(missing))); add one with `opcat ingest FILE --input \(key.shapes)`")
            }
        }
        if rows.isEmpty {
            let what = [
                family.isEmpty ? nil : "family " + family.map { "'\($0)'" }.joined(separator: " or "),
                model.isEmpty ? nil : "model " + model.map { "'\($0)'" }.joined(separator: " or "),
                input.map { "input \($0)" }, fileFormat.map { "format \($0)" },
            ]
            .compactMap { $0 }.joined(separator: " and ")
            let known = family.isEmpty ? "" : "; its families: " + (try catalog.families()).joined(separator: ", ")
            throw CLIError(
                "\(catalog.path): no models"
                    + (what.isEmpty ? "; ingest some with `opcat ingest data/zoo`" : " for \(what)\(known)"))
        }
        return rows
    }
}

extension Measure: ExpressibleByArgument {}

/// An accuracy metric.
enum AccuracyMetric: String, ExpressibleByArgument, CaseIterable {
    case top1, top5
    var title: String { self == .top1 ? "top-1" : "top-5" }
}
