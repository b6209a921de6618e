import ArgumentParser
import OpCount

enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json, csv, markdown
}

/// Which counting rules a table shows.
enum Convention: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// opcat's own: params without buffers, MACs, every primitive.
    case standard
    /// mxop 0.2.0's: params with BatchNorm running statistics, its muls/adds/divs/exps.
    case mxop
}

/// `--input` values: `1x3x224x224` or `name:1x3x224x224`.
struct InputShape: ExpressibleByArgument, Sendable {
    var binding: InputBinding

    init?(argument: String) {
        guard let binding = try? ShapeSyntax.parseBinding(argument) else { return nil }
        self.binding = binding
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// Output options shared by the commands that print tables.
struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text, json, csv or markdown.")
    var format: OutputFormat = .text
}

extension InputShape {
    /// Parses with the exact reason on failure (for `validate()`).
    static func check(_ values: [String]) throws {
        for value in values {
            do { _ = try ShapeSyntax.parseBinding(value) } catch {
                throw ValidationError("--input \(value): \(error)")
            }
        }
    }
}
