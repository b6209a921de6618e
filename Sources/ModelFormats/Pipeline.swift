import Foundation
import OpCount

/// One model file, read and analyzed.
public struct CountedModel: Sendable {
    /// The model's name: from the file name unless the caller names it (a zoo manifest does).
    public var name: String
    /// The file as the caller named it, for messages and the catalog.
    public var file: String
    public var format: String
    public var analysis: Analysis
    /// What the pipeline assumed (inputs it was not given) before the analysis's own notices.
    public var notices: [Notice]
    /// SHA-256 of the file's bytes, when the caller computed it (ingest does).
    public var sha256 = ""
    /// The zoo entry the caller took defaults from, if any.
    public var zooEntry: ZooManifest.Entry?
    /// The module path of each operation node, by name (``ModulePaths``).
    public var modules: [String: String] = [:]

    /// The module path of a layer: as the reader derived it, else the layer's own name.
    public func module(of layer: Layer) -> String { modules[layer.name] ?? layer.name }
}

/// The counting pipeline: bytes → reader → graph → shapes → counts, one pure function with no
/// file-system look-ups. Defaults from a zoo manifest are the caller's to apply.
public enum Pipeline {
    /// The input used when neither the caller nor the file gives one.
    public static let defaultInput = [1, 3, 224, 224]

    /// Counts the model file `data`, named `file` in messages (its extension hints at the
    /// format). Without `inputs`, the inputs the file declares are used (batch 1 where the batch
    /// is symbolic), else 1×3×224×224; each assumption is a notice.
    public static func count(
        _ data: Data, file: String, inputs: [InputBinding] = [],
        backbone: BackboneChoice = .propose
    ) throws -> CountedModel {
        let (graph, format) = try ModelFile.parse(data, file: file)
        var bindings = inputs
        var notices: [Notice] = []
        if bindings.allSatisfy(\.isDimension) {
            (bindings, notices) = try declaredInputs(graph, file: file, dimensions: inputs.dimensions)
            bindings += inputs
        }
        let analysis: Analysis
        do {
            analysis = try Analyzer().analyze(graph, inputs: bindings, backbone: backbone)
        } catch let error as AnalysisError {
            throw CountError(file: file, error: error)
        }
        return CountedModel(
            name: modelName(for: file), file: file, format: format, analysis: analysis,
            notices: notices + analysis.notices, modules: ModulePaths.modules(graph, format: format))
    }

    /// Inputs from the shapes the file declares (ONNX): symbolic dimensions take the sizes given
    /// by name (`dimensions`, from `--dim`); a symbolic first dimension left is taken as a batch
    /// of 1, with a notice; any other unknown dimension is an error naming the input and its
    /// dimensions. A file that declares nothing (MXNet) gets 1×3×224×224, with a notice.
    public static func declaredInputs(_ graph: Graph, file: String, dimensions: [String: Int] = [:]) throws -> (
        [InputBinding], [Notice]
    ) {
        do { try Analyzer.checkDimensionNames(dimensions, in: graph) } catch let error as AnalysisError {
            throw CountError(file: file, error: error)
        }
        let inputs = graph.nodes.filter { $0.variable?.role == .input }
        guard !inputs.isEmpty, inputs.allSatisfy({ $0.variable?.declaredShape != nil }) else {
            let notice = Notice("no input shape given; assuming \(formatShape(defaultInput))", about: .input(nil))
            return ([InputBinding(shape: defaultInput)], [notice])
        }
        var bindings: [InputBinding] = []
        var notices: [Notice] = []
        for node in inputs {
            var dims = node.variable!.declaredShape(sizing: dimensions)!
            let names = node.variable!.dimensionNames ?? Array(repeating: nil, count: dims.count)
            if dims.count > 1, dims[0] == nil {
                dims[0] = 1
                notices.append(
                    Notice(
                        "input '\(node.name)' has a symbolic batch dimension; counting batch 1",
                        about: .input(node.name)))
            }
            guard dims.allSatisfy({ $0 != nil }) else {
                let shown = dims.indices.map { axis in
                    dims[axis].map(String.init) ?? (axis < names.count ? names[axis] : nil) ?? "?"
                }.joined(separator: "x")
                var open: [String] = []
                for axis in dims.indices where dims[axis] == nil && axis < names.count {
                    for name in DimensionExpression.names(names[axis] ?? "")
                    where !open.contains(name) && dimensions[name] == nil {
                        open.append(name)
                    }
                }
                let hint = open.isEmpty ? "" : "; size them with " + open.map { "--dim \($0)=N" }.joined(separator: " ")
                throw CountError(
                    file: file,
                    error: .input(
                        "input '\(node.name)' has symbolic dimensions (\(shown))\(hint)", about: .input(node.name)))
            }
            bindings.append(
                InputBinding(name: node.name, shape: dims.map { $0! }, dataType: node.variable?.dataType ?? .float32))
        }
        return (bindings, notices)
    }

    /// A model name from its file name: `resnet50_v1-symbol.json` (or `.json.gz`) → `resnet50_v1`.
    public static func modelName(for file: String) -> String {
        var name = URL(fileURLWithPath: Gzip.inner(file)).deletingPathExtension().lastPathComponent
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

    /// What the user can set to fix it, if anything.
    public var subject: Notice.Subject? {
        if case .input(_, let subject) = error { subject } else { nil }
    }

    public var description: String { "\(file): \(error)".oneLine }
}

extension Pipeline {
    /// Counts a model of a zoo: the manifest entry's name, and its input and backbone end where
    /// the caller gives none. The caller found the entry; nothing is looked up here.
    public static func count(
        _ data: Data, file: String, entry: ZooManifest.Entry, inputs: [InputBinding] = [],
        backboneEnd: String? = nil
    ) throws -> CountedModel {
        let backbone = backboneEnd.map(BackboneChoice.node) ?? entry.backbone
        var model = try count(
            data, file: file, inputs: inputs.isEmpty ? entry.inputBindings : inputs, backbone: backbone)
        model.name = entry.name
        model.zooEntry = entry
        return model
    }
}
