/// Everything opcat knows about one canonical op: how inputs are used, how the output shapes
/// follow from the inputs, what the op costs, how mxop 0.2.0 counted it, and worked examples.
///
/// Shape and cost rules are pure functions of shapes and attributes. They never see the graph,
/// a file format or a neighbour.
public struct OpDefinition: Sendable {
    /// The canonical name, the key of the ``Registry``.
    public let type: String
    /// One line for `opcat ops`.
    public let summary: String
    /// What the op can be in a classifier head, for the backbone heuristic; `nil`: it ends the head.
    public let head: HeadRole?
    /// How each input position is used; see ``InputRole``.
    public let inputs: [InputRole]
    public let shape: ShapeRule
    public let cost: Cost
    /// mxop 0.2.0's count for the Gluon block that produces this op, or `nil` when mxop has
    /// no hook for it (it then contributes nothing in the `mxop` convention).
    public let mxop: MxopHook?
    public let examples: [Example]

    public typealias ShapeRule = @Sendable (ShapeQuery) throws -> ShapeResult
    public typealias CostRule = @Sendable (CostQuery) throws -> OpCost
    public typealias MxopRule = @Sendable (CostQuery) throws -> MxopCost

    /// How mxop 0.2.0 counted the op: which Gluon block its hook matched, and the rule.
    public struct MxopHook: Sendable {
        public let description: String
        public let rule: MxopRule
        public init(_ description: String, _ rule: @escaping MxopRule) {
            self.description = description
            self.rule = rule
        }
    }

    /// The op's arithmetic: a formula, or knowingly none.
    public enum Cost: Sendable {
        /// Counted by `rule`; `description` states the formula for `opcat ops`.
        case formula(String, CostRule)
        /// No arithmetic at inference, for the stated reason (a view, a copy, a lookup …).
        case zero(reason: String)
    }

    public init(
        _ type: String, _ summary: String, head: HeadRole? = nil, inputs: [InputRole], shape: @escaping ShapeRule,
        cost: Cost, mxop: MxopHook? = nil, examples: [Example]
    ) {
        self.type = type
        self.summary = summary
        self.head = head
        self.inputs = inputs
        self.shape = shape
        self.cost = cost
        self.mxop = mxop
        self.examples = examples
    }

    /// The role of input `position`, or `nil` past the last accepted input.
    public func role(at position: Int) -> InputRole? {
        if position < inputs.count { return inputs[position] }
        if let last = inputs.last, last == .variadic { return .variadic }
        return nil
    }

    /// The number of inputs a node must have.
    public var requiredInputs: Int { inputs.filter(\.isRequired).count }
}

/// What an op can be in a classifier head: the backbone heuristic (``BackboneHeuristic``) walks
/// back from the output over ops with a role and cuts before the earliest anchor.
public enum HeadRole: Sendable, Hashable {
    /// May sit in a head without deciding where it starts: activations, normalization, softmax, identity.
    case passThrough
    /// Only reshapes or selects what the classifier reads (flatten, transpose, token selection):
    /// before an anchor it joins the head.
    case feedsClassifier
    /// A layer that can start the head.
    case anchor(Anchor)
    /// An element-wise sum, mean or scaling that may join several heads' scores (a distillation
    /// head averaged with the class head): one head's walk stops at it; the walk for several heads
    /// goes through it.
    case combinesHeads

    /// When an anchor starts the head.
    public enum Anchor: Sendable, Hashable {
        /// A dense layer or matrix product: always.
        case dense
        /// A pooling or mean: when it pools to 1×1.
        case pooling
        /// A 1×1 convolution: on 1×1 maps, or feeding such a pooling with no dense layer after it.
        case convolution
    }
}

/// How an op uses one of its inputs. This decides how a variable feeding it is counted.
public enum InputRole: Sendable, Hashable {
    /// An activation; its shape must be known before the op runs.
    case data
    /// An activation that may be absent.
    case optionalData
    /// Any number of further activations (Concat, AddN).
    case variadic
    /// A learnable tensor whose shape the rule derives (weights, gamma, beta): `params`.
    case parameter
    /// A learnable tensor that may be absent (a bias): `params`.
    case optionalParameter
    /// Stored non-learned state (running mean/variance, quantization scales): `buffers`.
    case buffer
    /// Stored state that may be absent (a zero point).
    case optionalBuffer
    /// A training label the rule gives a shape; counted in neither.
    case label

    public var isRequired: Bool {
        switch self {
        case .data, .parameter, .buffer: true
        case .optionalData, .variadic, .optionalParameter, .optionalBuffer, .label: false
        }
    }

    /// Whether the input's shape must be known before the rule runs.
    public var isActivation: Bool { self == .data || self == .optionalData || self == .variadic }

    /// The role a variable consumed here plays in the counts.
    public var variableRole: VariableRole {
        switch self {
        case .parameter, .optionalParameter: .parameter
        case .buffer, .optionalBuffer: .buffer
        case .label: .constant
        case .data, .optionalData, .variadic: .input
        }
    }
}

/// What a shape rule sees: the inputs' known shapes (`nil` for a parameter whose shape the
/// rule must derive) and the attributes.
public struct ShapeQuery: Sendable {
    public let inputs: [TensorInfo?]
    public let attributes: Attributes
    /// Positions of optional inputs the file leaves out.
    public let absent: Set<Int>

    public init(inputs: [TensorInfo?], attributes: Attributes, absent: Set<Int> = []) {
        self.inputs = inputs
        self.attributes = attributes
        self.absent = absent
    }

    /// Whether input `i` exists (it may still need a derived shape).
    public func isPresent(_ i: Int) -> Bool { i < inputs.count && !absent.contains(i) }

    /// Input `i`, which must have a known shape.
    public func input(_ i: Int) throws -> TensorInfo {
        guard i < inputs.count, let info = inputs[i] else {
            throw RuleError("input \(i) has no known shape")
        }
        return info
    }

    /// Input `i` if the node has it and its shape is known.
    public func optionalInput(_ i: Int) -> TensorInfo? { isPresent(i) ? inputs[i] : nil }

    public var count: Int { inputs.count }
}

/// What a shape rule concludes: output tensors and the shapes it derived for its inputs
/// (parameters in particular). The analyzer checks derived shapes against what the file declares.
public struct ShapeResult: Sendable {
    public var outputs: [TensorInfo]
    public var inputShapes: [Int: [Int]]
    /// Element types the rule knows for derived inputs (MXNet's quantized weights carry none).
    public var inputTypes: [Int: DataType] = [:]
    /// How variables at some inputs count, where their role depends on the node (MXNet quantized
    /// layers' range inputs).
    public var inputRoles: [Int: VariableRole] = [:]
    /// Stored tensors at some inputs that pack narrower elements into bytes (onnxruntime's
    /// MatMulNBits weights): the logical shape and element type they count as.
    public var packed: [Int: TensorInfo] = [:]
    /// Set when the output size depends on the data: the bound taken ("at most N of N …").
    public var bound: String?

    public init(outputs: [TensorInfo], inputShapes: [Int: [Int]] = [:]) {
        self.outputs = outputs
        self.inputShapes = inputShapes
    }

    public init(output: TensorInfo, inputShapes: [Int: [Int]] = [:]) {
        self.init(outputs: [output], inputShapes: inputShapes)
    }

    public init(shape: [Int], dataType: DataType = .float32, inputShapes: [Int: [Int]] = [:]) {
        self.init(outputs: [TensorInfo(shape: shape, dataType: dataType)], inputShapes: inputShapes)
    }
}

/// What a cost rule sees: every input and output with its final shape, and the attributes.
public struct CostQuery: Sendable {
    /// Every input; an absent optional input appears as an empty 1-D tensor.
    public let inputs: [TensorInfo]
    public let outputs: [TensorInfo]
    public let attributes: Attributes
    public let absent: Set<Int>

    public init(inputs: [TensorInfo], outputs: [TensorInfo], attributes: Attributes, absent: Set<Int> = []) {
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.absent = absent
    }

    public func isPresent(_ i: Int) -> Bool { i < inputs.count && !absent.contains(i) }

    public func input(_ i: Int) throws -> TensorInfo {
        guard i < inputs.count else { throw RuleError("missing input \(i)") }
        return inputs[i]
    }

    /// Elements of the first output.
    public var outputElements: Exact { outputs.first?.elementCount ?? 0 }

    /// The same inputs as a shape rule sees them (absent ones `nil`), for a cost rule that
    /// recomputes its geometry with the shape rule's helper.
    public var shapeQuery: ShapeQuery {
        ShapeQuery(
            inputs: inputs.enumerated().map { absent.contains($0.offset) ? nil : $0.element }, attributes: attributes,
            absent: absent)
    }
}

/// The arithmetic of one node. `macs` are the multiply-accumulates of linear ops; the other
/// fields count every primitive operation, the linear ops' own multiplies and adds included.
public struct OpCost: Sendable, Hashable {
    public var macs: Int
    public var muls: Int
    public var adds: Int
    public var divs: Int
    public var exps: Int
    public var cmps: Int
    /// The precision of the MACs, when the rule knows it better than the analyzer (which takes
    /// the types of inputs 0 and 1).
    public var precision: Precision?

    public static let zero = OpCost()

    public init() {
        macs = 0
        muls = 0
        adds = 0
        divs = 0
        exps = 0
        cmps = 0
    }

    /// Builds a cost from exact values; throws if any overflowed.
    public init(
        macs: Exact = 0, muls: Exact = 0, adds: Exact = 0, divs: Exact = 0, exps: Exact = 0,
        cmps: Exact = 0
    ) throws {
        self.macs = try macs.get("MACs")
        self.muls = try muls.get("multiplications")
        self.adds = try adds.get("additions")
        self.divs = try divs.get("divisions")
        self.exps = try exps.get("special functions")
        self.cmps = try cmps.get("comparisons")
    }

    /// `count` elements, each costing the primitives in `perElement`.
    public init(elements count: Exact, _ perElement: PerElement) throws {
        try self.init(
            muls: count * perElement.muls, adds: count * perElement.adds,
            divs: count * perElement.divs, exps: count * perElement.exps,
            cmps: count * perElement.cmps)
    }
}

/// The element types a linear op multiplies: activations by weights (int8 × int8, fp32 × fp32 …).
public struct Precision: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var activation: DataType
    public var weight: DataType

    public init(activation: DataType, weight: DataType) {
        self.activation = activation
        self.weight = weight
    }

    /// `int8×int8`, `uint8×int8`, `float32×float32`.
    public var description: String { "\(activation.rawValue)×\(weight.rawValue)" }

    /// Bit operations per MAC: activation bits × weight bits.
    public var bitsProduct: Int { activation.bitWidth * weight.bitWidth }

    public static func < (a: Precision, b: Precision) -> Bool { a.description < b.description }
}

/// Primitive operations spent on one element.
public struct PerElement: Sendable, Hashable, CustomStringConvertible {
    public var muls = 0, adds = 0, divs = 0, exps = 0, cmps = 0

    public init(muls: Int = 0, adds: Int = 0, divs: Int = 0, exps: Int = 0, cmps: Int = 0) {
        self.muls = muls
        self.adds = adds
        self.divs = divs
        self.exps = exps
        self.cmps = cmps
    }

    public var description: String {
        let parts = [("mul", muls), ("add", adds), ("div", divs), ("exp", exps), ("cmp", cmps)]
            .filter { $0.1 > 0 }.map { "\($0.1) \($0.0)" }
        return parts.isEmpty ? "nothing" : parts.joined(separator: " + ")
    }
}

/// mxop 0.2.0's four counters for one Gluon block.
public struct MxopCost: Sendable, Hashable {
    public var muls: Int
    public var adds: Int
    public var divs: Int
    public var exps: Int

    public static let zero = MxopCost()

    public init() {
        muls = 0
        adds = 0
        divs = 0
        exps = 0
    }

    public init(muls: Exact = 0, adds: Exact = 0, divs: Exact = 0, exps: Exact = 0) throws {
        self.muls = try muls.get("mxop multiplications")
        self.adds = try adds.get("mxop additions")
        self.divs = try divs.get("mxop divisions")
        self.exps = try exps.get("mxop exponentials")
    }
}

/// A worked example: input shapes and attributes, with the output shapes, derived parameter
/// shapes and counts that must come out. Every registered op carries some; one test runs them all.
public struct Example: Sendable {
    public let title: String
    /// Input shapes in position order; `nil` for a parameter the rule derives.
    public let inputs: [[Int]?]
    public let attributes: Attributes
    public let outputs: [[Int]]
    /// Parameter shapes the rule must derive, by input position.
    public let derived: [Int: [Int]]
    /// The expected cost; `nil` for knowingly zero-cost ops.
    public let cost: OpCost?
    public let mxop: MxopCost?
    /// The arithmetic behind the expected figures, for the reader.
    public let arithmetic: String
    /// Known values of integer inputs (shape vectors), by position.
    public let values: [Int: [Int]]
    /// Positions of optional inputs left out (their `inputs` entry is `nil`), as a file leaves them.
    public let absent: Set<Int>

    public init(
        _ title: String, inputs: [[Int]?], absent: Set<Int> = [], values: [Int: [Int]] = [:],
        attributes: Attributes = [:], outputs: [[Int]], derived: [Int: [Int]] = [:], cost: OpCost? = nil,
        mxop: MxopCost? = nil, arithmetic: String = ""
    ) {
        precondition(absent.allSatisfy { $0 < inputs.count && inputs[$0] == nil }, "\(title): an absent input is nil")
        self.title = title
        self.values = values
        self.absent = absent
        self.inputs = inputs
        self.attributes = attributes
        self.outputs = outputs
        self.derived = derived
        self.cost = cost
        self.mxop = mxop
        self.arithmetic = arithmetic
    }
}

extension OpCost {
    /// An expected cost for an example (values that cannot overflow).
    public static func of(
        macs: Int = 0, muls: Int = 0, adds: Int = 0, divs: Int = 0, exps: Int = 0,
        cmps: Int = 0
    ) -> OpCost {
        var c = OpCost()
        c.macs = macs
        c.muls = muls
        c.adds = adds
        c.divs = divs
        c.exps = exps
        c.cmps = cmps
        return c
    }
}

extension MxopCost {
    public static func of(muls: Int = 0, adds: Int = 0, divs: Int = 0, exps: Int = 0) -> MxopCost {
        var c = MxopCost()
        c.muls = muls
        c.adds = adds
        c.divs = divs
        c.exps = exps
        return c
    }
}
