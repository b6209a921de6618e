import Catalog
import Foundation
import ModelFormats
import OpCount

/// stderr messages: errors, notices and partial-count warnings. Data goes to stdout only.
enum Console {
    /// `--quiet`: no notices and no progress (errors and partial-count warnings still show).
    /// Set once, while the command line is parsed, before any work starts.
    nonisolated(unsafe) static var quiet = false

    static func error(_ message: String) { write("opcat: error: \(message)") }
    static func notice(_ message: String) { if !quiet { write("opcat: \(message)") } }

    /// Says on stderr that a model's totals miss something, and what.
    static func reportPartial(_ model: CountedModel) {
        let a = model.analysis
        if !a.isExact {
            write(
                "opcat: warning: \(model.name): figures are upper bounds: sizes depend on the data at "
                    + a.boundsSummary())
        }
        guard !a.isComplete else { return }
        var parts: [String] = []
        if !a.unsupported.isEmpty {
            parts.append("unsupported ops " + a.unsupported.map { "\($0.op) ×\($0.count)" }.joined(separator: ", "))
        }
        if !a.unresolved.isEmpty { parts.append("sizes known only at run time at " + a.unresolvedSummary()) }
        if !a.unshapedNodes.isEmpty {
            // After an unsupported or unresolved node, or where a notice above says why (a loop not counted).
            let after = a.unsupported.isEmpty && a.unresolved.isEmpty ? "" : " after them"
            parts.append("\(a.unshapedNodes.count) nodes\(after) could not be shaped")
        }
        if !a.uncountedParameters.isEmpty { parts.append("\(a.uncountedParameters.count) parameters of unknown shape") }
        write("opcat: warning: \(model.name): totals are partial: " + parts.joined(separator: "; "))
    }

    /// Says on stderr that a stored profile's totals miss something (its unsupported ops), or are
    /// upper bounds, as the other reportPartial does for a model counted now.
    static func reportPartial(_ profile: ProfileSummary) {
        if let bound = profile.upperBound {
            write("opcat: warning: \(profile.model): figures are upper bounds: sizes depend on the data at \(bound)")
        }
        guard !profile.complete else { return }
        let ops = profile.unsupported.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }
        write(
            "opcat: warning: \(profile.model): totals are partial"
                + (ops.isEmpty ? "" : ": unsupported ops " + ops.joined(separator: ", ")))
    }

    /// `1 model` / `3 models`.
    static func count(_ names: [String]) -> String { "\(names.count) model\(names.count == 1 ? "" : "s")" }

    /// Up to eight names, then how many more.
    static func names(_ names: [String]) -> String {
        names.prefix(8).joined(separator: ", ") + (names.count > 8 ? " and \(names.count - 8) more" : "")
    }

    /// `1 model` / `3 models`, of a list a query counted.
    static func count(_ list: NameList) -> String { "\(list.count) model\(list.count == 1 ? "" : "s")" }

    /// The list's first eight names, then how many more.
    static func names(_ list: NameList) -> String {
        list.names.prefix(8).joined(separator: ", ") + (list.count > 8 ? " and \(list.count - 8) more" : "")
    }

    /// One line, whatever names from files it quotes.
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line.oneLine + "\n").utf8))
    }
}

/// A user-facing failure: printed as one line, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Why a path given on the command line cannot be read, said as it is: missing, a symbolic
/// link that leads nowhere (a loop or a missing target).
enum PathProblem {
    static func missing(_ path: String) -> CLIError {
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            var target = stat()
            if stat(path, &target) != 0, errno == ELOOP {
                return CLIError("\(path): a loop of symbolic links")
            }
            return CLIError("\(path): a symbolic link to a file that does not exist")
        }
        return CLIError("\(path): no such file or directory")
    }
}
