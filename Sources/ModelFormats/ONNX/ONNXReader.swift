import Foundation
import OpCount
import SwiftProtobuf

/// Reads ONNX ModelProto files into opcat's graph IR. Weights are never decoded: the payload
/// filter drops large tensor data before parsing, so a model with external data, stripped
/// weights or full weights counts the same, and a large file is held once (memory-mapped).
public enum ONNXReader {
    public static let formatName = "onnx"

    public static func read(_ data: Data, file: String) throws -> Graph {
        let model: Onnx_ModelProto
        do {
            let structure = try ONNXPayloadFilter.filter(data)
            var options = BinaryDecodingOptions()
            options.discardUnknownFields = true
            model = try Onnx_ModelProto(serializedBytes: structure, options: options)
        } catch let error as ONNXPayloadFilter.Malformed {
            throw ModelFormatError.malformed(file: file, reason: "not a valid ONNX file: \(error.reason)")
        } catch {
            throw ModelFormatError.malformed(file: file, reason: "not a valid ONNX file (\(error))")
        }
        guard model.hasGraph else {
            throw ModelFormatError.malformed(file: file, reason: "the ONNX model has no graph")
        }
        var opsets: [String: Int] = [:]
        for entry in model.opsetImport { opsets[entry.domain == "ai.onnx" ? "" : entry.domain] = Int(entry.version) }
        if opsets[""] == nil { opsets[""] = 1 }
        var builder = Builder(file: file, opsets: opsets)
        return try builder.build(model.graph)
    }

    struct Builder {
        let file: String
        let opsets: [String: Int]
        var nodes: [Node] = []
        /// Value name → the tensor that produces it, in the scope being read.
        var producers: [String: TensorRef] = [:]
        var usedNames: Set<String> = []
        var regions: [Region] = []
        /// The region whose nodes are being read; `nil` at the top level.
        var currentRegion: Int?
        /// For each region being read, what the names it defines meant around it.
        var scopes: [[String: TensorRef?]] = []

        init(file: String, opsets: [String: Int]) {
            self.file = file
            self.opsets = opsets
        }

        func fail(_ node: String, _ op: String, _ reason: String) -> ModelFormatError {
            .node(file: file, node: node, op: op, reason: reason)
        }

        mutating func build(_ graph: Onnx_GraphProto) throws -> Graph {
            try checkSize(adding: graph)
            for tensor in graph.initializer {
                try addInitializer(tensor)
            }
            for input in graph.input where producers[input.name] == nil {
                try addInput(input)
            }
            usedNames = Set(nodes.map(\.name))
            for (index, proto) in graph.node.enumerated() {
                try addNode(proto, name: uniqueName(proto, index))
            }
            var outputs: [TensorRef] = []
            for output in graph.output {
                guard let ref = producers[output.name] else {
                    throw ModelFormatError.malformed(
                        file: file, reason: "graph output '\(output.name)' is produced by no node")
                }
                outputs.append(ref)
            }
            return Graph(nodes: nodes, outputs: outputs, regions: regions)
        }

        func checkSize(adding graph: Onnx_GraphProto) throws {
            let total = nodes.count + graph.node.count + graph.initializer.count + graph.input.count
            guard total <= Limits.nodes else {
                throw ModelFormatError.malformed(
                    file: file, reason: "the graph has \(total) nodes and tensors; the limit is \(Limits.nodes)")
            }
        }

        /// The node's name, else its first output's; made unique with its position.
        mutating func uniqueName(_ proto: Onnx_NodeProto, _ index: Int) -> String {
            var name =
                proto.name.isEmpty ? (proto.output.first { !$0.isEmpty } ?? "\(proto.opType)_\(index)") : proto.name
            if usedNames.contains(name) { name += "#\(index)" }
            usedNames.insert(name)
            return name
        }

        /// Adds one subgraph of a control-flow node as a region: its initializers, formal inputs
        /// and nodes, which may read the values of the scopes around it. The names it defines are
        /// visible only inside it.
        mutating func addRegion(_ graph: Onnx_GraphProto, owner: String, op: String) throws -> Int {
            try checkSize(adding: graph)
            let region = regions.count
            regions.append(Region())
            let outer = currentRegion
            currentRegion = region
            scopes.append([:])
            defer {
                for (name, previous) in scopes.removeLast() { producers[name] = previous }
                currentRegion = outer
            }
            for tensor in graph.initializer {
                try addInitializer(tensor)
            }
            for input in graph.input {
                define(input.name, TensorRef(node: nodes.count))
                regions[region].inputs.append(nodes.count)
                var node = Node.variable(input.name)
                node.region = region
                nodes.append(node)
            }
            for proto in graph.node {
                try addNode(proto, name: uniqueName(proto, nodes.count))
            }
            regions[region].outputs = try graph.output.map { output in
                guard let ref = producers[output.name] else {
                    throw fail(owner, op, "its subgraph's output '\(output.name)' is produced by no node")
                }
                return ref
            }
            return region
        }

        /// Makes `name` mean `ref` in the scope being read; leaving a region restores the meaning around it.
        mutating func define(_ name: String, _ ref: TensorRef) {
            if let last = scopes.indices.last, scopes[last][name] == nil { scopes[last][name] = .some(producers[name]) }
            producers[name] = ref
        }

        mutating func addInitializer(_ tensor: Onnx_TensorProto) throws {
            let code = Int(tensor.dataType)
            guard let type = ONNXTensors.dataType(code) else {
                throw fail(tensor.name, "initializer", "element type \(ONNXTensors.typeName(code)) is not supported")
            }
            if let bad = tensor.dims.first(where: { $0 < 0 || $0 > Int64(Limits.dimension) }) {
                throw fail(tensor.name, "initializer", "dimension \(bad) is out of range (0 to \(Limits.dimension))")
            }
            if tensor.dims.count > Limits.rank {
                throw fail(
                    tensor.name, "initializer", "rank \(tensor.dims.count) exceeds the limit of \(Limits.rank) axes")
            }
            let (ints, reals) = ONNXTensors.values(tensor, type: type)
            // The consumer decides: weights (quantized ones included) are params, scales and zero
            // points buffers; integer tensors used as activations (shapes, indices) count as neither.
            let variable = Variable(
                declaredShape: tensor.dims.map { Int($0) }, dataType: type,
                values: ints, realValues: reals)
            define(tensor.name, TensorRef(node: nodes.count))
            var node = Node(name: tensor.name, kind: .variable(variable))
            node.region = currentRegion
            nodes.append(node)
        }

        mutating func addInput(_ input: Onnx_ValueInfoProto) throws {
            var variable = Variable(role: .input)
            if input.type.tensorType.hasElemType {
                let code = Int(input.type.tensorType.elemType)
                variable.dataType = ONNXTensors.dataType(code)
            }
            if input.type.tensorType.hasShape {
                let dims = input.type.tensorType.shape.dim
                guard dims.count <= Limits.rank else {
                    throw fail(input.name, "input", "rank \(dims.count) exceeds the limit of \(Limits.rank) axes")
                }
                variable.declaredShape = dims.map { dim in
                    if case .dimValue(let v)? = dim.value, v > 0, v <= Int64(Limits.dimension) { return Int(v) }
                    return nil
                }
                let names = dims.map { dim -> String? in
                    if case .dimParam(let name)? = dim.value, !name.isEmpty { return name }
                    return nil
                }
                if names.contains(where: { $0 != nil }) { variable.dimensionNames = names }
            }
            producers[input.name] = TensorRef(node: nodes.count)
            nodes.append(Node(name: input.name, kind: .variable(variable)))
        }

        mutating func addNode(_ proto: Onnx_NodeProto, name: String) throws {
            let domain = proto.domain == "ai.onnx" ? "" : proto.domain
            let attributes = ONNXAttributes(proto, opset: opsets[domain] ?? 1)
            let outputCount = (proto.output.lastIndex { !$0.isEmpty } ?? -1) + 1
            let translated: (type: String, attributes: Attributes)
            do {
                translated = try ONNXOps.translate(proto.opType, domain: domain, attributes, outputs: outputCount)
            } catch let error as RuleError {
                throw fail(name, proto.opType, error.message)
            }
            var inputs: [TensorRef] = []
            for (position, value) in proto.input.enumerated() {
                if value.isEmpty {
                    inputs.append(.absent)
                    continue
                }
                guard let ref = producers[value] else {
                    throw fail(
                        name, proto.opType,
                        "input \(position) '\(value)' is produced by no earlier node, initializer or graph input")
                }
                inputs.append(ref)
            }
            while inputs.last?.isAbsent == true { inputs.removeLast() }
            // The subgraphs come before their owner, so a file in order stays in order.
            var subgraphs: [Int] = []
            if domain.isEmpty, let names = ONNXOps.subgraphAttributes[proto.opType] {
                for attribute in names {
                    guard let graph = attributes.graph(attribute) else {
                        throw fail(name, proto.opType, "the subgraph attribute '\(attribute)' is missing")
                    }
                    subgraphs.append(try addRegion(graph, owner: name, op: proto.opType))
                }
            }
            let index = nodes.count
            var node = Node(
                name: name,
                kind: .operation(
                    Operation(
                        type: translated.type,
                        sourceType: domain.isEmpty ? proto.opType : "\(domain):\(proto.opType)",
                        attributes: translated.attributes)), inputs: inputs)
            node.region = currentRegion
            node.subgraphs = subgraphs
            nodes.append(node)
            for (position, value) in proto.output.enumerated() where !value.isEmpty {
                define(value, TensorRef(node: index, output: position))
            }
        }
    }
}
