import Foundation
import ModelFormats
import OpCount

/// A model file to count, with the zoo manifest entry whose defaults apply to it: the one place
/// the CLI turns paths and flags into a call of the ``Pipeline``.
struct ModelJob {
    var file: URL
    /// The entry of the zoo the file belongs to: from the directory's manifest, or the
    /// manifest beside a single file.
    var entry: ZooManifest.Entry?

    /// A single file, with the entry of the manifest beside it if it lists the file. A broken
    /// manifest there is an error.
    init(file: URL) throws {
        self.file = file
        entry = try ZooManifest.entry(for: file)
    }

    init(file: URL, entry: ZooManifest.Entry?) {
        self.file = file
        self.entry = entry
    }

    /// The model files directly in `directory` (`*-symbol.json`, `*.onnx`, and those gzipped),
    /// by name.
    static func modelFiles(in directory: URL) throws -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw CLIError("\(directory.relativePath): cannot list it: \((error as NSError).localizedDescription)")
        }
        return names.filter { name in
            let inner = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
            return !name.hasPrefix(".") && (inner.hasSuffix("-symbol.json") || inner.hasSuffix(".onnx"))
        }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// The model files of a directory without a manifest, with a notice saying so; none is an
    /// error naming `path`.
    static func unlistedFiles(in directory: URL, path: String, doing: String) throws -> [URL] {
        let files = try modelFiles(in: directory)
        guard !files.isEmpty else {
            throw CLIError(
                "\(path): no \(ZooManifest.fileName) and no model files (*-symbol.json, *.onnx, gzipped too)")
        }
        Console.notice(
            "\(path): no \(ZooManifest.fileName); \(doing) its \(files.count) model file\(files.count == 1 ? "" : "s") "
                + "with default inputs (`opcat manifest init \(path)` writes a manifest to complete: docs/manifest.md)")
        return files
    }

    /// A model on standard input, as ``ModelFile/contents(of:)`` reads a file: copied to a
    /// temporary file in pieces (memory stays bounded; an ONNX file's weights are then skipped
    /// as for any file), read, and removed.
    static func standardInput() throws -> Data {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
            "opcat-stdin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
            let out = try? FileHandle(forWritingTo: temporary)
        else { throw CLIError("stdin: cannot make a temporary file in \(temporary.deletingLastPathComponent().path)") }
        var total = 0
        while true {
            let chunk = FileHandle.standardInput.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            total += chunk.count
            guard total <= Limits.fileBytes else {
                try? out.close()
                throw CLIError("stdin: more than \(Limits.fileBytes >> 30) GiB, beyond what opcat reads")
            }
            out.write(chunk)
        }
        try? out.close()
        guard total > 0 else { throw CLIError("stdin: empty; pipe a model file into `opcat count -`") }
        return try ModelFile.contents(of: temporary, named: "stdin")
    }

    /// The model name: the manifest's, else the file's.
    var name: String { entry?.name ?? Pipeline.modelName(for: file.relativePath) }

    /// Counts the file (`contents` if the caller has read it already). Inputs and backbone end
    /// given here win over the manifest's.
    func count(contents: Data? = nil, inputs: [InputBinding], backboneEnd: String?) throws -> CountedModel {
        let data = try contents ?? ModelFile.contents(of: file)
        do {
            if let entry {
                return try Pipeline.count(
                    data, file: file.relativePath, entry: entry, inputs: inputs, backboneEnd: backboneEnd)
            }
            return try Pipeline.count(
                data, file: file.relativePath, inputs: inputs,
                backbone: backboneEnd.map(BackboneChoice.node) ?? .propose)
        } catch let error as CountError {
            throw CLIError(Hints.explain(error))
        }
    }
}

/// The command-line options that settle what the core's messages leave open.
enum Hints {
    /// The option that sets what a notice or error is about.
    static func option(for subject: Notice.Subject?) -> String? {
        switch subject {
        case .input(let name?): "--input \(name):SHAPE"
        case .input(nil): "--input SHAPE"
        case .backboneEnd: "--backbone-end"
        case nil: nil
        }
    }

    /// A notice with the option that changes what it assumed.
    static func explain(_ notice: Notice) -> String {
        option(for: notice.subject).map { "\(notice.message) (set it with \($0))" } ?? notice.message
    }

    /// A count error with the option that fixes it, when one does.
    static func explain(_ error: CountError) -> String {
        option(for: error.subject).map { "\(error.description); set it with \($0)" } ?? error.description
    }
}
