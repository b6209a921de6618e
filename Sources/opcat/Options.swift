import ArgumentParser
import OpCount

extension OutputFormat: ExpressibleByArgument {}

extension Convention: ExpressibleByArgument {}

/// Output options shared by the commands that print tables.
struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Output format: \(FormatOptions.choices)."))
    var format: OutputFormat = .text

    /// `text, json, csv or markdown`, from the formats there are.
    static var choices: String {
        let names = OutputFormat.allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}

/// `--input` for the commands that count: the shapes to bind to the graph's inputs.
struct InputOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Input shape, e.g. 1x3x224x224, or name:SHAPE for a named input; repeat for several inputs.",
            valueName: "shape"))
    var input: [String] = []

    func validate() throws { _ = try bindings() }

    func bindings() throws -> [InputBinding] { try InputOption.bindings(input) }
}

/// `--input` values (`1x3x224x224` or `name:1x3x224x224`), parsed with the exact reason on
/// failure, for `validate()` and `run()`.
enum InputOption {
    static func bindings(_ values: [String]) throws -> [InputBinding] {
        try values.map { value in
            do { return try ShapeSyntax.parseBinding(value) } catch {
                throw ValidationError("--input \(value): \(error)")
            }
        }
    }
}
