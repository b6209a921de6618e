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
            valueName: "family"),
        completion: CatalogCompletion.families)
    var family: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only these models: repeat it, or use shell-style patterns ('mobilenet*'); case-insensitive.",
            valueName: "model"),
        completion: CatalogCompletion.models)
    var model: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("Use the profiles at this input shape (default: each model's own).", valueName: "shape"))
    var input: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Only models read from this file format: mxnet-symbol or onnx.", valueName: "format"))
    var fileFormat: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only models of these zoos (seed, gluoncv, torchvision, timm …): repeat it, or use patterns.",
            valueName: "zoo"))
    var zoo: [String] = []

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

    /// The profiles these options select, in a convention.
    func scope(_ convention: Convention = .standard) throws -> QueryScope {
        QueryScope(
            convention: convention, input: try inputKey(), families: family, models: model, zoos: zoo,
            format: fileFormat, excludeQuantized: excludeQuantized)
    }

    /// The scope when the catalog's stored profiles answer it alone, for a query SQLite answers:
    /// nil when, at `--input`, some selected model has no stored profile there (it is counted
    /// from its stored definition, in memory, by ``summaries(_:convention:)``).
    func storedScope(_ catalog: Catalog, convention: Convention = .standard) throws -> QueryScope? {
        let scope = try scope(convention)
        return try catalog.modelsWithoutProfile(scope).isEmpty ? scope : nil
    }

    /// Profiles of a convention, or a clear error when there are none. With `--input`, a model
    /// in the selection with no stored profile there is counted now from its stored definition
    /// (nothing is written; a notice says so and how to store it); those that cannot be are
    /// named on stderr with the reason.
    func summaries(_ catalog: Catalog, convention: Convention = .standard) throws -> [ProfileSummary] {
        let scope = try scope(convention)
        var rows = try catalog.summaries(scope)
        if let key = scope.input {
            let everyModel = try catalog.summaries(scope.atOwnInputs)
            rows = try completed(rows, selection: everyModel, at: key, catalog: catalog, convention: convention)
        }
        if rows.isEmpty { throw try noModels(catalog) }
        return rows
    }

    /// The error of a selection that holds no model, saying what was asked.
    func noModels(_ catalog: Catalog) throws -> CLIError {
        func named(_ what: String, _ values: [String]) -> String? {
            values.isEmpty ? nil : what + " " + values.map { "'\($0)'" }.joined(separator: " or ")
        }
        let parts: [String?] = [
            named("family", family), named("model", model), named("zoo", zoo), input.map { "input \($0)" },
            fileFormat.map { "format \($0)" },
        ]
        let what = parts.compactMap { $0 }.joined(separator: " and ")
        let known = family.isEmpty ? "" : "; its families: " + (try catalog.families()).joined(separator: ", ")
        return CLIError(
            "\(catalog.path): no models"
                + (what.isEmpty ? "; ingest some with `opcat ingest data/zoo`" : " for \(what)\(known)"))
    }
}

extension SelectionOptions {
    /// `rows` at `key`, with the models of `selection` that have no stored profile there counted
    /// from their stored definitions, in the selection's order.
    func completed(
        _ rows: [ProfileSummary], selection: [ProfileSummary], at key: InputKey, catalog: Catalog,
        convention: Convention
    ) throws -> [ProfileSummary] {
        var byModel = Dictionary(grouping: rows, by: \.model)
        var order: [String] = []
        for row in selection where order.last != row.model { order.append(row.model) }
        let missing = order.filter { byModel[$0] == nil }
        guard !missing.isEmpty else { return rows }
        let shape = key.shapes
        var counted: [String] = []
        let found = try catalog.definitions(named: missing)
        let bindings = key.inputs.map { InputBinding(name: $0.name, shape: $0.shape) }
        for definition in found.definitions {
            do {
                byModel[definition.model] = try catalog.summaries(
                    counting: definition, inputs: bindings, convention: convention)
                counted.append(definition.model)
            } catch {
                Console.notice("\(definition.model) cannot be counted at \(shape) and is left out: \(error)")
            }
        }
        if !counted.isEmpty {
            Console.notice(
                "\(Console.count(counted)) had no stored profile at \(shape) and were counted from their stored "
                    + "definitions for this answer (\(Console.names(counted))); store them with "
                    + "`opcat profile --input \(shape)`")
        }
        if !found.missing.isEmpty {
            Console.notice(
                "\(Console.count(found.missing)) have no profile at \(shape) and no stored definition, and are left "
                    + "out (\(Console.names(found.missing))); add one with `opcat ingest FILE --input \(shape)`")
        }
        return order.flatMap { byModel[$0] ?? [] }
    }
}

extension Measure: ExpressibleByArgument {}

/// What `pareto --x` plots cost as: a counted measure, or the measured speed.
enum CostAxis: ExpressibleByArgument, CustomStringConvertible {
    case measure(Measure)
    case throughput

    var description: String {
        switch self {
        case .measure(let measure): measure.key
        case .throughput: "throughput"
        }
    }

    init?(argument: String) {
        if argument == "throughput" {
            self = .throughput
        } else if let measure = Measure(rawValue: argument) {
            self = .measure(measure)
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] { Measure.allCases.map(\.key) + ["throughput"] }
}

/// An accuracy metric.
enum AccuracyMetric: String, ExpressibleByArgument, CaseIterable {
    case top1, top5
    var title: String { self == .top1 ? "top-1" : "top-5" }
}

/// Which measured speed a query reads: the samples per second of a model at its input on one
/// device (at one precision and batch size, when the catalog holds several).
struct SpeedOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The device of the measured throughput, as the catalog names it (e.g. 'RTX 4090'); case-insensitive.",
            valueName: "device"))
    var device: String?

    @Option(
        name: .long, help: ArgumentHelp("The precision of the measurement (e.g. amp, fp32).", valueName: "precision"))
    var precision: String?

    @Option(name: .long, help: ArgumentHelp("The batch size of the measurement.", valueName: "n"))
    var batchSize: Int?

    static let metric = "samples_per_sec"

    /// The samples-per-second measurements of `summary` these options select.
    func matching(_ summary: ProfileSummary) -> [MeasuredSpeed] {
        summary.measurements.filter { m in
            m.metric == Self.metric && device.map { m.device.lowercased() == $0.lowercased() } ?? true
                && precision.map { m.precision.lowercased() == $0.lowercased() } ?? true
                && batchSize.map { m.batchSize == $0 } ?? true
        }
    }

    /// The one measurement of `summary` these options pick, nil when there is none; several
    /// that match are an error naming what tells them apart.
    func pick(_ summary: ProfileSummary) throws -> MeasuredSpeed? {
        let matching = matching(summary)
        guard matching.count <= 1 else {
            throw CLIError(
                "\(summary.model) has \(matching.count) throughput measurements at \(summary.input) ("
                    + matching.map(\.setting).joined(separator: "; ")
                    + "); choose one with --device, --precision or --batch-size")
        }
        return matching.first
    }

    /// `samples/s on RTX 4090` with what was chosen.
    var described: String {
        "samples/s" + (device.map { " on \($0)" } ?? "") + (precision.map { ", \($0)" } ?? "")
            + (batchSize.map { ", batch \($0)" } ?? "")
    }
}
