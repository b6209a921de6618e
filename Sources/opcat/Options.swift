import ArgumentParser
import OpCount

extension OutputFormat: ExpressibleByArgument {}

extension Convention: ExpressibleByArgument {}

/// Output options shared by the commands that print tables.
struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Output format: \(FormatOptions.choices)."))
    var format: OutputFormat = .text

    @OptionGroup var quiet: QuietOption

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

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A symbolic dimension's size by name, e.g. sequence_length=128, wherever the file's inputs declare it; repeat for several.",
            valueName: "name=size"))
    var dim: [String] = []

    func validate() throws { _ = try bindings() }

    func bindings() throws -> [InputBinding] { try InputOption.bindings(input) + InputOption.dimensions(dim) }
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

    /// `--dim` values (`name=size`).
    static func dimensions(_ values: [String]) throws -> [InputBinding] {
        var seen: Set<String> = []
        return try values.map { value in
            let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--dim \(value): expected NAME=SIZE, e.g. sequence_length=128")
            }
            let name = String(parts[0])
            guard let size = Int(parts[1]), size >= 0, size <= ShapeSyntax.maximumDimension else {
                throw ValidationError(
                    "--dim \(value): the size must be a whole number from 0 to \(ShapeSyntax.maximumDimension)")
            }
            guard seen.insert(name).inserted else { throw ValidationError("--dim \(name) is given twice") }
            return InputBinding.dimension(name, size)
        }
    }
}

/// `--quiet`, for every command that prints notices.
struct QuietOption: ParsableArguments {
    @Flag(name: .long, help: "Print no notices or progress on stderr (errors and partial-count warnings still show).")
    var quiet = false

    func validate() throws { if quiet { Console.quiet = true } }
}
