/// A model as opcat sees it: nodes (variables and operations) connected by tensor references.
///
/// Readers build it; ``Analyzer`` gives every tensor a shape and every node its counts.
/// Nodes may appear in any order: the analyzer sorts them and rejects cycles.
public struct Graph: Sendable {
    public var nodes: [Node]
    /// The tensors the model returns.
    public var outputs: [TensorRef]
    /// The subgraphs of control-flow nodes (ONNX `If` branches, `Loop` and `Scan` bodies). Their
    /// nodes are in ``nodes`` with ``Node/region`` set; the analyzer runs a region when its owner
    /// runs: the taken branch, or the body once per iteration.
    public var regions: [Region]

    public init(nodes: [Node], outputs: [TensorRef], regions: [Region] = []) {
        self.nodes = nodes
        self.outputs = outputs
        self.regions = regions
    }

    /// Index of the first node with this name.
    public func index(named name: String) -> Int? { nodes.firstIndex { $0.name == name } }
}

/// One output of one node, or ``absent``: an optional input the file leaves out (ONNX's
/// empty input name), which keeps the positions of the inputs after it.
public struct TensorRef: Sendable, Hashable {
    public var node: Int
    public var output: Int
    public init(node: Int, output: Int = 0) {
        self.node = node
        self.output = output
    }

    public static let absent = TensorRef(node: -1, output: 0)
    public var isAbsent: Bool { node == -1 }
}

public struct Node: Sendable {
    public var name: String
    public var kind: Kind
    public var inputs: [TensorRef]
    /// The region (index into ``Graph/regions``) this node belongs to; `nil` at the top level.
    /// A node may read values of its own region and of the regions around it.
    public var region: Int?
    /// The regions a control-flow node owns, in the order its op defines (`If`: then, else).
    public var subgraphs: [Int] = []

    public enum Kind: Sendable {
        case variable(Variable)
        case operation(Operation)
    }

    public init(name: String, kind: Kind, inputs: [TensorRef] = []) {
        self.name = name
        self.kind = kind
        self.inputs = inputs
    }

    public static func variable(_ name: String, _ variable: Variable = Variable()) -> Node {
        Node(name: name, kind: .variable(variable))
    }

    public static func operation(
        _ name: String, _ type: String, source: String? = nil, _ attributes: Attributes = [:],
        inputs: [TensorRef]
    ) -> Node {
        Node(
            name: name, kind: .operation(Operation(type: type, sourceType: source ?? type, attributes: attributes)),
            inputs: inputs)
    }

    public var variable: Variable? {
        if case .variable(let v) = kind { return v }
        return nil
    }

    public var operation: Operation? {
        if case .operation(let o) = kind { return o }
        return nil
    }
}

/// One subgraph of a control-flow node: the variables that stand for its formal inputs (a
/// `Loop` body's iteration number, condition and carried values), set by the analyzer each time
/// the region runs, and the tensors it returns.
public struct Region: Sendable {
    public var inputs: [Int]
    public var outputs: [TensorRef]

    public init(inputs: [Int] = [], outputs: [TensorRef] = []) {
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// A graph input, parameter, buffer or constant.
public struct Variable: Sendable, Hashable {
    /// The shape the file declares, if any; `nil` entries are dimensions left for inference
    /// (MXNet writes `0` for them).
    public var declaredShape: [Int?]?
    /// The names the file gives symbolic dimensions (ONNX `dim_param`), by axis; `nil` where a
    /// dimension is a number or has no name.
    public var dimensionNames: [String?]?
    public var dataType: DataType?
    /// What the file says the variable is; `nil` lets the analyzer decide from its consumers.
    public var role: VariableRole?
    /// Values of a small integer constant, when the file carries them.
    public var values: [Int]?
    /// Values of a small floating-point constant (e.g. Resize scales), when the file carries them.
    public var realValues: [Double]?

    public init(
        declaredShape: [Int?]? = nil, dataType: DataType? = nil, role: VariableRole? = nil,
        values: [Int]? = nil, realValues: [Double]? = nil
    ) {
        self.declaredShape = declaredShape
        self.dataType = dataType
        self.role = role
        self.values = values
        self.realValues = realValues
    }

    /// The declared shape with each named symbolic dimension sized from `dimensions` (`--dim`;
    /// names may be expressions of names); `nil` entries stay where no size is given.
    public func declaredShape(sizing dimensions: [String: Int]) -> [Int?]? {
        guard var shape = declaredShape else { return nil }
        let names = dimensionNames ?? []
        for axis in shape.indices where shape[axis] == nil && axis < names.count {
            if let name = names[axis] { shape[axis] = DimensionExpression.value(name, dimensions) }
        }
        return shape
    }

    /// The declared shape when every dimension is known.
    public var completeShape: [Int]? {
        guard let declaredShape, declaredShape.allSatisfy({ $0 != nil }) else { return nil }
        return declaredShape.map { $0! }
    }
}

/// How a variable's elements are counted.
public enum VariableRole: String, Sendable, Hashable, Codable {
    /// A model input: its shape comes from the user (`--input`), it counts nothing.
    case input
    /// Learnable weights: counted in `params`.
    case parameter
    /// Stored non-learned state such as BatchNorm running statistics: counted in `buffers`.
    case buffer
    /// Fixed values (shape tensors, labels): counted in neither.
    case constant
}

/// One operation node: its canonical type (a key of the ``Registry``), the type the file
/// spelled, and typed attributes.
public struct Operation: Sendable, Hashable {
    public var type: String
    public var sourceType: String
    public var attributes: Attributes

    public init(type: String, sourceType: String, attributes: Attributes = [:]) {
        self.type = type
        self.sourceType = sourceType
        self.attributes = attributes
    }
}
