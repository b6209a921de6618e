import Foundation
import OpCount

/// One model file, read and analyzed.
public struct CountedModel: Sendable {
    public var name: String
    public var file: URL
    public var format: String
    public var analysis: Analysis
    /// SHA-256 of the file's bytes (empty when the caller asked for no hash).
    public var sha256: String
    /// The zoo entry the file belongs to, if any.
    public var zooEntry: ZooManifest.Entry?
}

/// Read → analyze, with defaults from a zoo manifest when the file lies in a zoo.
public enum ModelCounter {
    /// The input used when neither the user nor a manifest gives one.
    public static let defaultInput = [1, 3, 224, 224]

    /// Counts `file`. Missing inputs and backbone end come from the zoo manifest beside the file,
    /// if it lists the file; otherwise the input defaults to 1×3×224×224 and the backbone end is
    /// proposed by ``BackboneHeuristic`` (each with a notice).
    /// `sha256`: the file's digest if the caller has it; `hash: false` skips computing it.
    public static func count(file: URL, contents: Data? = nil, sha256: String? = nil, hash: Bool = true,
                             inputs: [InputBinding] = [], backboneEnd: String? = nil,
                             entry: ZooManifest.Entry? = nil) throws -> CountedModel {
        let entry = entry ?? ZooManifest.entry(for: file)
        let data = try contents ?? ModelFile.contents(of: file)
        let (graph, format) = try ModelFile.parse(data, url: file)
        var bindings = inputs
        var notices: [String] = []
        if bindings.isEmpty {
            if let entry {
                bindings = [InputBinding(name: entry.input.name, shape: entry.input.shape)]
            } else {
                (bindings, notices) = try declaredInputs(graph, file: file)
            }
        }
        var analysis: Analysis
        do {
            let end = backboneEnd ?? entry?.backboneEnd
            analysis = try Analyzer().analyze(graph, inputs: bindings, backbone: end.map(BackboneChoice.node) ?? .propose)
        } catch let error as AnalysisError {
            throw CountError(file: file.relativePath, error: error)
        }
        analysis.notices = notices + analysis.notices
        let name = entry?.name ?? Self.modelName(for: file)
        return CountedModel(name: name, file: file, format: format, analysis: analysis,
                            sha256: sha256 ?? (hash ? SHA256.hex(data) : ""),
                            zooEntry: entry)
    }

    /// Inputs from the shapes the file declares (ONNX): a symbolic first dimension is taken as a
    /// batch of 1, with a notice; any other unknown dimension needs `--input`. A file that declares
    /// nothing (MXNet) gets 1×3×224×224, with a notice.
    public static func declaredInputs(_ graph: Graph, file: URL) throws -> ([InputBinding], [String]) {
        let inputs = graph.nodes.filter { $0.variable?.role == .input }
        guard !inputs.isEmpty, inputs.allSatisfy({ $0.variable?.declaredShape != nil }) else {
            return ([InputBinding(shape: defaultInput)], ["no --input given; assuming \(formatShape(defaultInput))"])
        }
        var bindings: [InputBinding] = [], notices: [String] = []
        for node in inputs {
            var dims = node.variable!.declaredShape!
            if dims.count > 1, dims[0] == nil {
                dims[0] = 1
                notices.append("input '\(node.name)' has a symbolic batch dimension; counting batch 1 (set it with --input \(node.name):SHAPE)")
            }
            guard dims.allSatisfy({ $0 != nil }) else {
                let shown = dims.map { $0.map(String.init) ?? "?" }.joined(separator: "x")
                throw CountError(file: file.relativePath, error: .input(
                    "input '\(node.name)' has symbolic dimensions (\(shown)); give its shape with --input \(node.name):SHAPE"))
            }
            bindings.append(InputBinding(name: node.name, shape: dims.map { $0! }, dataType: node.variable?.dataType ?? .float32))
        }
        return (bindings, notices)
    }

    /// A model name from its file name: `resnet50_v1-symbol.json` → `resnet50_v1`.
    public static func modelName(for file: URL) -> String {
        var name = file.deletingPathExtension().lastPathComponent
        for suffix in ["-symbol", "_symbol", ".symbol"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
        }
        return name
    }
}

/// An analysis failure, with the file it happened in.
public struct CountError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var error: AnalysisError
    public var description: String { "\(file): \(error)".oneLine }
}
