import OpCount

/// The module each operation node belongs to, as the exporter's names say it: `layer1.0.conv1`
/// for the PyTorch exporters, `stage1.conv0` for a Gluon symbol. Modules are dotted paths from
/// the model's root (the root itself is the empty path); a node whose names say nothing of its
/// module falls back to its own name.
public enum ModulePaths {
    /// Module path by operation node name.
    public static func modules(_ graph: Graph, format: String) -> [String: String] {
        format == MXNetSymbolReader.formatName ? gluon(graph) : onnx(graph)
    }

    /// `/layer1/layer1.0/conv1/Conv` → `layer1.0.conv1` (TorchScript-based exporter: one
    /// segment per module scope, the last the node's own op); `/Constant` → the root. A child of a
    /// container is written with the container's name (`layer1` then `layer1.0`, `mlp` then
    /// `mlp.0`): it replaces that segment rather than nesting under it. Nil for a name not
    /// written that way.
    public static func scoped(_ name: String) -> String? {
        guard name.hasPrefix("/") else { return nil }
        var path: [Substring] = []
        for segment in name.split(separator: "/", omittingEmptySubsequences: true).dropLast() {
            if let last = path.last, segment.hasPrefix(last + ".") {
                path[path.count - 1] = segment.dropFirst(last.count + 1).isEmpty ? last : segment
            } else {
                path.append(segment)
            }
        }
        return path.joined(separator: ".")
    }

    /// `blocks.1.mlp.fc2.weight` → `blocks.1.mlp.fc2`: the module a parameter belongs to, for
    /// names as `torch.nn.Module.named_parameters` writes them; nil for a name without a dot.
    public static func ofParameter(_ name: String) -> String? {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return String(name[..<dot])
    }

    /// `resnetv10_stage1_conv0_fwd` → `stage1.conv0`: a Gluon name without the network's own
    /// prefix (`resnetv10_`, shared by the graph's nodes) and the `_fwd` suffix, its underscores
    /// as the module separators.
    public static func gluon(_ name: String, prefix: String) -> String {
        var rest = Substring(name)
        if !prefix.isEmpty, rest.hasPrefix(prefix) { rest = rest.dropFirst(prefix.count) }
        for suffix in ["_fwd", "_output"] where rest.hasSuffix(suffix) {
            rest = rest.dropLast(suffix.count)
        }
        return rest.split(separator: "_").joined(separator: ".")
    }

    /// The prefix most operation nodes share up to their first underscore (`resnetv10_`), or
    /// none when fewer than half do.
    static func gluonPrefix(_ graph: Graph) -> String {
        var counts: [Substring: Int] = [:]
        var operations = 0
        for node in graph.nodes where node.operation != nil {
            operations += 1
            if let cut = node.name.firstIndex(of: "_") { counts[node.name[...cut], default: 0] += 1 }
        }
        guard let (prefix, count) = counts.max(by: { $0.value < $1.value }), count * 2 > operations else { return "" }
        return String(prefix)
    }

    static func gluon(_ graph: Graph) -> [String: String] {
        let prefix = gluonPrefix(graph)
        var result: [String: String] = [:]
        for node in graph.nodes where node.operation != nil {
            result[node.name] = gluon(node.name, prefix: prefix)
        }
        return result
    }

    /// ONNX: the scoped name where the exporter wrote one; else the module of the node's
    /// parameters, also through the nodes that only transform parameters (the dynamo exporter's
    /// `Transpose` of a weight before its `MatMul`); else the node's name.
    static func onnx(_ graph: Graph) -> [String: String] {
        // The module of each node's first output when it is derived from parameters alone.
        var fromParameters: [String?] = Array(repeating: nil, count: graph.nodes.count)
        var result: [String: String] = [:]
        for (i, node) in graph.nodes.enumerated() {
            switch node.kind {
            case .variable(let variable):
                if variable.role != .input { fromParameters[i] = ofParameter(node.name) }
            case .operation:
                let inputs = node.inputs.filter { !$0.isAbsent && $0.node < graph.nodes.count }
                let parameterModule = inputs.lazy.compactMap { fromParameters[$0.node] }.first
                if let scoped = scoped(node.name) {
                    result[node.name] = scoped
                } else {
                    result[node.name] = parameterModule ?? node.name
                }
                // A node whose every input comes from parameters (or constants) is part of them.
                let onlyParameters =
                    !inputs.isEmpty
                    && inputs.allSatisfy { ref in
                        fromParameters[ref.node] != nil || graph.nodes[ref.node].variable?.role == .constant
                    }
                if onlyParameters, let parameterModule { fromParameters[i] = parameterModule }
            }
        }
        return result
    }
}
