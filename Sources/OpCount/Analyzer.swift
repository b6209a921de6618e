/// A fatal problem with a graph, named precisely enough to find it in the file.
public enum AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The graph's structure is broken (bad references, a cycle).
    case graph(String)
    /// A node's shapes or attributes are impossible.
    case node(name: String, op: String, message: String)
    /// The input bindings do not fit the graph.
    case input(String)

    public var description: String {
        switch self {
        case .graph(let message): message.oneLine
        case .node(let name, let op, let message): "node '\(name)' (\(op)): \(message)".oneLine
        case .input(let message): message.oneLine
        }
    }
}

/// A shape for one graph input. A binding without a name goes to the primary input: the
/// variable called `data` if there is one, else the first unbound input in file order.
public struct InputBinding: Sendable, Hashable {
    public var name: String?
    public var shape: [Int]
    public var dataType: DataType
    /// Known values of a small input (an integer shape vector, say), if any.
    public var values: [Int]?
    public var realValues: [Double]?

    public init(name: String? = nil, shape: [Int], dataType: DataType = .float32, values: [Int]? = nil,
                realValues: [Double]? = nil) {
        self.name = name
        self.shape = shape
        self.dataType = dataType
        self.values = values
        self.realValues = realValues
    }
}

/// Where the backbone ends.
public enum BackboneChoice: Sendable, Hashable {
    /// No backbone figures.
    case none
    /// The named node and its ancestors.
    case node(String)
    /// Let ``BackboneHeuristic`` propose one from the head's shape; none if it finds no head.
    case propose
}

/// Runs shape inference and the cost formulas over a graph: the reader-independent heart.
public struct Analyzer: Sendable {
    public var registry: Registry

    public init(registry: Registry = .standard) { self.registry = registry }

    /// Infers every shape and counts every node.
    /// - Parameters:
    ///   - inputs: shapes of the graph inputs.
    ///   - backboneEnd: the node whose ancestors (inclusive) form the backbone.
    public func analyze(_ graph: Graph, inputs: [InputBinding], backboneEnd: String? = nil) throws -> Analysis {
        try analyze(graph, inputs: inputs, backbone: backboneEnd.map(BackboneChoice.node) ?? .none)
    }

    public func analyze(_ graph: Graph, inputs: [InputBinding], backbone: BackboneChoice) throws -> Analysis {
        var run = try Run(graph: graph, registry: registry)
        try run.bindInputs(inputs)
        try run.inferAndCount()
        switch backbone {
        case .none: return try run.report(backboneEnd: nil)
        case .node(let name): return try run.report(backboneEnd: name)
        case .propose:
            let proposed = run.proposeBackboneEnd()
            var analysis = try run.report(backboneEnd: proposed)
            if let proposed {
                analysis.notices.append("backbone end proposed from the head's shape: '\(proposed)' (set it with --backbone-end)")
            }
            return analysis
        }
    }
}

/// The state of one analysis.
private struct Run {
    let graph: Graph
    let registry: Registry
    /// Node indices, producers before consumers.
    let order: [Int]
    /// For each variable node, how its first consumer uses it.
    var roles: [Int: VariableRole] = [:]
    /// For each variable node, the operation that consumes it first, in topological order.
    var firstConsumer: [Int: Int] = [:]
    /// Known output tensors of each node (`nil`: unknown).
    var tensors: [[TensorInfo]?]
    var bound: [BoundInput] = []
    var layers: [Int: Layer] = [:]
    var unsupported: [String: Int] = [:]
    var unshaped: [String] = []
    var notices: [String] = []

    init(graph: Graph, registry: Registry) throws {
        guard graph.nodes.count <= Limits.nodes else {
            throw AnalysisError.graph("the graph has \(graph.nodes.count) nodes; the limit is \(Limits.nodes)")
        }
        self.graph = graph
        self.registry = registry
        order = try Run.topologicalOrder(graph)
        tensors = Array(repeating: nil, count: graph.nodes.count)
        for index in order {
            guard let operation = graph.nodes[index].operation else { continue }
            let definition = registry[operation.type]
            for (position, ref) in graph.nodes[index].inputs.enumerated() where !ref.isAbsent {
                guard graph.nodes[ref.node].variable != nil, firstConsumer[ref.node] == nil else { continue }
                firstConsumer[ref.node] = index
                roles[ref.node] = definition?.role(at: position)?.variableRole
            }
        }
    }

    /// Kahn's algorithm without recursion, so a million-node chain is fine.
    static func topologicalOrder(_ graph: Graph) throws -> [Int] {
        let count = graph.nodes.count
        var pending = [Int](repeating: 0, count: count)
        var consumers = [[Int]](repeating: [], count: count)
        for (index, node) in graph.nodes.enumerated() {
            for (position, ref) in node.inputs.enumerated() where !ref.isAbsent {
                guard ref.node >= 0, ref.node < count else {
                    throw AnalysisError.graph("node '\(node.name)': input \(position) refers to node \(ref.node), but the graph has \(count) nodes")
                }
                guard ref.output >= 0 else {
                    throw AnalysisError.graph("node '\(node.name)': input \(position) refers to output \(ref.output)")
                }
                if graph.nodes[ref.node].variable != nil, ref.output != 0 {
                    throw AnalysisError.graph("node '\(node.name)': input \(position) refers to output \(ref.output) of variable '\(graph.nodes[ref.node].name)', which has one output")
                }
                pending[index] += 1
                consumers[ref.node].append(index)
            }
        }
        // A file already in topological order keeps its order, so layer indices follow the file.
        if graph.nodes.enumerated().allSatisfy({ index, node in node.inputs.allSatisfy { $0.node < index } }) {
            return Array(0..<count)
        }
        var ready = (0..<count).filter { pending[$0] == 0 }
        var order: [Int] = []
        order.reserveCapacity(count)
        var head = 0
        while head < ready.count {
            let index = ready[head]
            head += 1
            order.append(index)
            for consumer in consumers[index] {
                pending[consumer] -= 1
                if pending[consumer] == 0 { ready.append(consumer) }
            }
        }
        guard order.count == count else {
            let stuck = (0..<count).first { pending[$0] > 0 }!
            throw AnalysisError.graph("the graph has a cycle through node '\(graph.nodes[stuck].name)'")
        }
        return order
    }

    mutating func bindInputs(_ bindings: [InputBinding]) throws {
        var unnamed = bindings.filter { $0.name == nil }
        for binding in bindings where binding.name != nil {
            // Variables are identified by name: every variable of that name gets the shape.
            let matches = graph.nodes.indices.filter { graph.nodes[$0].name == binding.name && graph.nodes[$0].variable != nil }
            guard !matches.isEmpty else {
                let names = candidates().map { "'\(graph.nodes[$0].name)'" }.joined(separator: ", ")
                throw AnalysisError.input("the graph has no input called '\(binding.name!)'" + (names.isEmpty ? "" : "; its inputs: \(names)"))
            }
            for index in matches { try bind(index, binding, record: index == matches[0]) }
        }
        var open = candidates().filter { tensors[$0] == nil }
        if let data = open.firstIndex(where: { graph.nodes[$0].name == "data" }) {
            open.insert(open.remove(at: data), at: 0)
        }
        while !unnamed.isEmpty {
            guard !open.isEmpty else {
                throw AnalysisError.input("more input shapes were given than the graph has inputs")
            }
            try bind(open.removeFirst(), unnamed.removeFirst())
        }
        for index in candidates() where tensors[index] == nil {
            let name = graph.nodes[index].name
            throw AnalysisError.input("input '\(name)' has no shape: give one with --input \(name):SHAPE")
        }
        // Variables that are parameters but which the file declares fully keep their shape.
        for index in order {
            guard let variable = graph.nodes[index].variable, tensors[index] == nil,
                  let shape = variable.completeShape else { continue }
            try checkDimensions(shape, what: "declared shape of '\(graph.nodes[index].name)'", allowZero: true)
            tensors[index] = [TensorInfo(shape: shape, dataType: variable.dataType ?? .float32, values: variable.values,
                                         realValues: variable.realValues)]
        }
    }

    /// Variables that must be given a shape: declared inputs, and variables consumed as
    /// activations that declare no complete shape.
    func candidates() -> [Int] {
        graph.nodes.indices.filter { index in
            guard let variable = graph.nodes[index].variable else { return false }
            if let role = variable.role { return role == .input }
            return firstConsumer[index] != nil && roles[index] == .input && variable.completeShape == nil
        }
    }

    mutating func bind(_ index: Int, _ binding: InputBinding, record: Bool = true) throws {
        let name = graph.nodes[index].name
        guard tensors[index] == nil else { throw AnalysisError.input("input '\(name)' is given two shapes") }
        try checkDimensions(binding.shape, what: "the shape of input '\(name)'", allowZero: binding.values != nil || binding.realValues != nil)
        if let declared = graph.nodes[index].variable?.declaredShape, !Run.fits(binding.shape, declared) {
            throw AnalysisError.input("input '\(name)' is declared as \(Run.format(declared)) but was given \(formatShape(binding.shape))")
        }
        tensors[index] = [TensorInfo(shape: binding.shape, dataType: binding.dataType, values: binding.values,
                                     realValues: binding.realValues)]
        if record { bound.append(BoundInput(name: name, shape: binding.shape)) }
    }

    func checkDimensions(_ shape: [Int], what: String, allowZero: Bool = false) throws {
        if let limit = Limits.violation(shape) { throw AnalysisError.input("\(what): \(limit)") }
        if let bad = shape.first(where: { $0 < (allowZero ? 0 : 1) }) {
            throw AnalysisError.input("\(what) has a dimension of \(bad); dimensions must be positive")
        }
    }

    static func fits(_ shape: [Int], _ declared: [Int?]) -> Bool {
        shape.count == declared.count && zip(shape, declared).allSatisfy { $1 == nil || $0 == $1 }
    }

    static func format(_ declared: [Int?]) -> String {
        "(" + declared.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + ")"
    }

    // MARK: Inference and counting

    mutating func inferAndCount() throws {
        var opIndex = 0
        for index in order {
            let node = graph.nodes[index]
            guard let operation = node.operation else { continue }
            defer { opIndex += 1 }
            var layer = Layer(
                index: opIndex, name: node.name, op: operation.type, sourceOp: operation.sourceType,
                inputShapes: node.inputs.map { tensor($0)?.shape }, outputShapes: [],
                counts: Counts(), mxop: MxopCounts(), inBackbone: false, status: .counted, precision: nil)
            guard let definition = registry[operation.type] else {
                unsupported[operation.type, default: 0] += 1
                layer.status = .unsupported
                layers[index] = layer
                continue
            }
            do {
                try process(index, node, operation, definition, &layer)
            } catch let error as RuleError {
                throw AnalysisError.node(name: node.name, op: operation.sourceType, message: error.message)
            }
            layers[index] = layer
        }
    }

    func tensor(_ ref: TensorRef) -> TensorInfo? {
        guard !ref.isAbsent, let outputs = tensors[ref.node], ref.output < outputs.count else { return nil }
        return outputs[ref.output]
    }

    private mutating func process(_ index: Int, _ node: Node, _ operation: Operation, _ definition: OpDefinition,
                                  _ layer: inout Layer) throws {
        guard node.inputs.count >= definition.requiredInputs else {
            throw RuleError("expects at least \(definition.requiredInputs) inputs, has \(node.inputs.count)")
        }
        var known: [TensorInfo?] = []
        var absent = Set<Int>()
        for (position, ref) in node.inputs.enumerated() {
            guard let role = definition.role(at: position) else {
                throw RuleError("expects at most \(definition.inputs.count) inputs, has \(node.inputs.count)")
            }
            if ref.isAbsent {
                guard !role.isRequired else { throw RuleError("input \(position) is required but left out") }
                absent.insert(position)
                known.append(nil)
                continue
            }
            let info = tensor(ref)
            if info == nil, role.isActivation || graph.nodes[ref.node].variable == nil {
                if graph.nodes[ref.node].variable == nil, tensors[ref.node] != nil {
                    throw RuleError("input \(position) refers to output \(ref.output) of '\(graph.nodes[ref.node].name)', which has \(tensors[ref.node]!.count) outputs")
                }
                // An unsupported or unshaped producer upstream: this node cannot be shaped.
                layer.status = .unshaped
                unshaped.append(node.name)
                return
            }
            known.append(info)
        }
        let result = try definition.shape(ShapeQuery(inputs: known, attributes: operation.attributes, absent: absent))
        for output in result.outputs {
            if let bad = output.shape.first(where: { $0 < 0 }) {
                throw RuleError("inferred a negative dimension \(bad) in \(formatShape(output.shape))")
            }
            // Within the limits, every element count fits in an Int.
            if let limit = Limits.violation(output.shape) { throw RuleError("output \(formatShape(output.shape)): \(limit)") }
        }
        // Derived input shapes: check them against what is known or declared, then record them.
        for (position, shape) in result.inputShapes.sorted(by: { $0.key < $1.key })
        where position < node.inputs.count && !absent.contains(position) {
            let ref = node.inputs[position]
            let producer = graph.nodes[ref.node]
            if let existing = known[position] {
                guard existing.shape == shape else {
                    throw RuleError("input \(position) ('\(producer.name)') has shape \(formatShape(existing.shape)) but this layer needs \(formatShape(shape))")
                }
                continue
            }
            if let declared = producer.variable?.declaredShape, !Run.fits(shape, declared) {
                throw RuleError("parameter '\(producer.name)' is declared as \(Run.format(declared)) but this layer needs \(formatShape(shape))")
            }
            if let bad = shape.first(where: { $0 < 0 }) {
                throw RuleError("parameter '\(producer.name)' would have a negative dimension \(bad) in \(formatShape(shape))")
            }
            if let limit = Limits.violation(shape) { throw RuleError("parameter '\(producer.name)': \(limit)") }
            let info = TensorInfo(shape: shape, dataType: result.inputTypes[position] ?? producer.variable?.dataType ?? .float32)
            tensors[ref.node] = [info]
            known[position] = info
        }
        var inputs: [TensorInfo] = []
        for (position, info) in known.enumerated() {
            if absent.contains(position) {
                inputs.append(TensorInfo(shape: [0]))
                continue
            }
            guard let info else {
                throw RuleError("cannot infer the shape of input \(position) ('\(graph.nodes[node.inputs[position].node].name)'); declare it in the file")
            }
            inputs.append(info)
        }
        for (position, role) in result.inputRoles where position < node.inputs.count && !absent.contains(position) {
            let ref = node.inputs[position]
            if graph.nodes[ref.node].variable != nil, firstConsumer[ref.node] == index { roles[ref.node] = role }
        }
        var outputs = result.outputs
        if case .zero = definition.cost, let carried = inputs.first?.quantizedAs {
            // Moving or selecting dequantized data keeps its precision (QDQ graphs).
            for i in outputs.indices where outputs[i].dataType == inputs[0].dataType && outputs[i].quantizedAs == nil {
                outputs[i].quantizedAs = carried
            }
        }
        tensors[index] = outputs
        layer.inputShapes = inputs.enumerated().map { absent.contains($0.offset) ? nil : $0.element.shape }
        layer.outputShapes = result.outputs.map(\.shape)

        let query = CostQuery(inputs: inputs, outputs: result.outputs, attributes: operation.attributes, absent: absent)
        switch definition.cost {
        case .formula(_, let rule):
            let cost = try rule(query)
            try layer.counts.add(cost)
            if cost.macs > 0 {
                layer.precision = cost.precision ?? Precision(
                    activation: inputs[0].effectiveType, weight: (inputs.count > 1 ? inputs[1] : inputs[0]).effectiveType)
            }
        case .zero:
            layer.status = .zeroCost
        }
        if let mxop = definition.mxop { try layer.mxop.add(try mxop.rule(query)) }
        layer.counts.activations = try result.outputs.map(\.elementCount).exactSum.get("activations")
    }

    // MARK: Report

    mutating func report(backboneEnd: String?) throws -> Analysis {
        // Parameters and buffers, each counted once, at their first consumer.
        var uncounted: [String] = []
        var variableCounts: [Int: Counts] = [:]
        var parameters: [(consumer: Int, position: Int, Parameter)] = []
        for (variable, consumer) in firstConsumer {
            var role = graph.nodes[variable].variable?.role ?? roles[variable] ?? .parameter
            if role == .input && isBoundInput(variable) { continue }
            if role == .input, let type = tensors[variable]?.first?.dataType {
                // A stored tensor used as an activation: learned if floating-point (a position
                // embedding), fixed if integer (shapes, indices).
                role = type.isFloatingPoint ? .parameter : .constant
            }
            guard let info = tensors[variable]?.first else {
                if role != .constant { uncounted.append(graph.nodes[variable].name) }
                continue
            }
            if role == .constant {
                // Labels and other fixed tensors: listed with their shape, counted in neither.
                parameters.append((consumer, variable, Parameter(
                    name: graph.nodes[variable].name, shape: info.shape, dataType: info.dataType,
                    role: .constant, layer: graph.nodes[consumer].name)))
                continue
            }
            var counts = Counts()
            let elements = try info.elementCount.get("parameter elements")
            if role == .buffer { counts.buffers = elements } else {
                counts.params = elements
                counts.paramBytes = try info.dataType.bytes(Exact(elements)).get("parameter bytes")
            }
            variableCounts[variable] = counts
            parameters.append((consumer, variable, Parameter(
                name: graph.nodes[variable].name, shape: info.shape, dataType: info.dataType,
                role: role == .buffer ? .buffer : .parameter, layer: graph.nodes[consumer].name)))
            try layers[consumer]?.counts.add(counts)
            var mxop = MxopCounts()
            mxop.params = elements
            try layers[consumer]?.mxop.add(mxop)
        }

        var backbone: Backbone?
        var inBackbone = Set<Int>()
        if let backboneEnd {
            guard let end = graph.nodes.firstIndex(where: { $0.name == backboneEnd }) else {
                throw AnalysisError.input("the backbone end '\(backboneEnd)' is not a node of this graph")
            }
            inBackbone = ancestors(of: end)
            var counts = Counts(), mx = MxopCounts()
            for index in order where inBackbone.contains(index) {
                if var row = layers[index] {
                    // Parameters are added per variable below, so a weight shared with the head counts here too.
                    row.counts.params = 0; row.counts.buffers = 0; row.counts.paramBytes = 0; row.mxop.params = 0
                    try counts.add(row.counts)
                    try mx.add(row.mxop)
                } else if let v = variableCounts[index] {
                    try counts.add(v)
                    var p = MxopCounts()
                    p.params = v.params + v.buffers
                    try mx.add(p)
                }
            }
            backbone = Backbone(end: backboneEnd, totals: counts, mxop: mx)
        }

        var rows: [Layer] = []
        var totals = Counts(), mxop = MxopCounts()
        for index in order {
            guard var row = layers[index] else { continue }
            row.inBackbone = backboneEnd == nil || inBackbone.contains(index)
            try totals.add(row.counts)
            try mxop.add(row.mxop)
            rows.append(row)
        }

        let analysis = Analysis(
            layers: rows, inputs: bound, totals: totals, mxop: mxop, backbone: backbone,
            unsupported: unsupported.map { OpOccurrence(op: $0.key, count: $0.value) }.sorted { $0.op < $1.op },
            unshapedNodes: unshaped, uncountedParameters: uncounted.sorted(),
            parameters: parameters.sorted { ($0.consumer, $0.position) < ($1.consumer, $1.position) }.map(\.2),
            outputs: graph.outputs.map { tensor($0) },
            notices: notices)
        if analysis.exactBops.value == nil { throw AnalysisError.graph("the model's BOPs exceed the 64-bit range") }
        if analysis.exactStorage.values.contains(where: { $0.bytes.value == nil }) {
            throw AnalysisError.graph("the model's stored bytes exceed the 64-bit range")
        }
        return analysis
    }

    /// The heuristic's proposal, as a node name.
    func proposeBackboneEnd() -> String? {
        guard graph.outputs.count == 1 else { return nil }
        let index = BackboneHeuristic.propose(
            graph: graph, output: graph.outputs[0].node,
            shapeOf: { tensors[$0]?.first?.shape },
            activationInputs: { node in
                // Activations only: not constants, indices or computed shapes (tensors with known values).
                graph.nodes[node].inputs.map(\.node).filter { producer in
                    producer >= 0 && tensors[producer]?.first?.values == nil && tensors[producer]?.first?.realValues == nil
                        && (graph.nodes[producer].operation != nil || roles[producer] == .input)
                }
            })
        return index.map { graph.nodes[$0].name }
    }

    func isBoundInput(_ index: Int) -> Bool { bound.contains { $0.name == graph.nodes[index].name } }

    /// The node and all its ancestors, without recursion.
    func ancestors(of end: Int) -> Set<Int> {
        var seen: Set<Int> = [end]
        var stack = [end]
        while let index = stack.popLast() {
            for ref in graph.nodes[index].inputs where !ref.isAbsent && seen.insert(ref.node).inserted {
                stack.append(ref.node)
            }
        }
        return seen
    }
}
