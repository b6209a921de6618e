/// The result of analyzing a graph: per-layer rows, totals in both conventions, the backbone
/// cut, and everything that could not be counted.
public struct Analysis: Sendable {
    /// One row per operation node, in topological order.
    public var layers: [Layer]
    public var inputs: [BoundInput]
    public var totals: Counts
    public var mxop: MxopCounts
    public var backbone: Backbone?
    /// Op types outside the registry, with their number of occurrences, by name.
    public var unsupported: [OpOccurrence]
    /// Nodes whose shapes could not be inferred because an unsupported op feeds them.
    public var unshapedNodes: [String]
    /// Parameters whose shape stayed unknown (consumed only by unsupported or unshaped nodes).
    public var uncountedParameters: [String]
    /// Every parameter and buffer with its inferred shape, in the order first consumed.
    public var parameters: [Parameter]
    /// The graph's outputs as inferred (nil where they could not be shaped).
    public var outputs: [TensorInfo?]
    /// Things the user should know that do not stop the count.
    public var notices: [Notice]
    /// Nodes whose output size depends on the data (NonZero, TopK with a computed k, NMS …): their
    /// outputs take the largest size the inputs allow, so every figure downstream is an upper
    /// bound, not an exact count.
    public var bounds: [DataDependentSize] = []
    /// Nodes that need values the graph computes from its data (a Resize size from box
    /// coordinates) and so could not be shaped, with what they lacked. Each is also among
    /// ``unshapedNodes``, and so is everything after it.
    public var unresolved: [UnresolvedNode] = []

    /// True when no size depends on the data: the figures are exact, not upper bounds.
    public var isExact: Bool { bounds.isEmpty }

    /// MACs by the precision they run at (int8×int8, float32×float32 …).
    public var macsByPrecision: [Precision: Int] {
        var result: [Precision: Int] = [:]
        for layer in layers { if let p = layer.precision { result[p, default: 0] += layer.counts.macs } }
        return result
    }

    /// Parameters and buffers by storage type: elements and bytes. (The analyzer refuses a graph
    /// whose storage passes 2^63 - 1 bytes, so the sums here are exact.)
    public var storageByType: [DataType: (elements: Int, bytes: Int)] {
        exactStorage.mapValues { ($0.elements.value ?? .max, $0.bytes.value ?? .max) }
    }

    /// Bit operations: Σ MACs × activation bits × weight bits. (Checked by the analyzer like storage.)
    public var bops: Int { exactBops.value ?? .max }

    var exactStorage: [DataType: (elements: Exact, bytes: Exact)] {
        var result: [DataType: (elements: Exact, bytes: Exact)] = [:]
        for p in parameters where p.role != .constant {
            let elements = p.shape.exactProduct
            result[p.dataType, default: (0, 0)].elements += elements
            result[p.dataType, default: (0, 0)].bytes += p.dataType.bytes(elements)
        }
        return result
    }

    var exactBops: Exact {
        macsByPrecision.reduce(Exact(0)) { $0 + Exact($1.value) * $1.key.bitsProduct }
    }

    /// True when every node was counted.
    public var isComplete: Bool { unsupported.isEmpty && unshapedNodes.isEmpty && uncountedParameters.isEmpty }

    public func layer(named name: String) -> Layer? { layers.first { $0.name == name } }

    /// Where sizes depend on the data, for one line: the first `limit` nodes, then how many more.
    public func boundsSummary(limit: Int = 4) -> String {
        Self.summary(bounds.map { "\($0.op) '\($0.node)' (\($0.bound))" }, limit: limit)
    }

    /// The nodes that need run-time values, for one line: the first `limit`, then how many more.
    public func unresolvedSummary(limit: Int = 4) -> String {
        Self.summary(unresolved.map { "\($0.op) '\($0.node)' (\($0.reason))" }, limit: limit)
    }

    static func summary(_ items: [String], limit: Int) -> String {
        items.prefix(limit).joined(separator: ", ") + (items.count > limit ? " and \(items.count - limit) more" : "")
    }
}

/// A learnable tensor or buffer with its inferred shape and the layer that first uses it.
public struct Parameter: Sendable, Hashable {
    public var name: String
    public var shape: [Int]
    public var dataType: DataType
    public var role: VariableRole
    public var layer: String
}

public struct BoundInput: Sendable, Hashable {
    public var name: String
    public var shape: [Int]
}

/// A node whose output size depends on the data, and the bound taken.
public struct DataDependentSize: Sendable, Hashable, Codable {
    public var node: String
    public var op: String
    /// What was assumed: "at most 300 of 300 elements are non-zero".
    public var bound: String

    public init(node: String, op: String, bound: String) {
        self.node = node
        self.op = op
        self.bound = bound
    }
}

/// A node that could not be shaped because it needs values known only when the model runs.
public struct UnresolvedNode: Sendable, Hashable, Codable {
    public var node: String
    public var op: String
    /// What the node lacked: "the output sizes are not known at analysis time".
    public var reason: String

    public init(node: String, op: String, reason: String) {
        self.node = node
        self.op = op
        self.reason = reason
    }
}

public struct OpOccurrence: Sendable, Hashable, Codable {
    public var op: String
    public var count: Int
    public init(op: String, count: Int) {
        self.op = op
        self.count = count
    }
}

/// The model without its classification head: the ancestors of `end`, inclusive.
public struct Backbone: Sendable {
    public var end: String
    public var totals: Counts
    public var mxop: MxopCounts
}

public struct Layer: Sendable {
    /// Position in topological order among operation nodes.
    public var index: Int
    public var name: String
    /// Canonical op type.
    public var op: String
    /// The op type as the file spells it.
    public var sourceOp: String
    public var inputShapes: [[Int]?]
    public var outputShapes: [[Int]]
    public var counts: Counts
    public var mxop: MxopCounts
    public var inBackbone: Bool
    public var status: Status
    /// For layers with MACs: the element types multiplied.
    public var precision: Precision?

    public enum Status: String, Sendable, Codable {
        /// Counted by a formula.
        case counted
        /// Knowingly zero-cost.
        case zeroCost = "zero_cost"
        /// The op type is not in the registry.
        case unsupported
        /// An input's shape is unknown because of an unsupported op upstream.
        case unshaped
    }
}
