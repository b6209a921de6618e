/// Shape inference and counting, node by node in topological order.
extension Analyzer.Run {
    mutating func inferAndCount() throws { try run(topLevel) }

    /// Shapes and counts the nodes in order. A node that runs again (in a loop body) adds its
    /// counts to its row.
    mutating func run(_ indices: [Int]) throws {
        for index in indices {
            let node = graph.nodes[index]
            guard let operation = node.operation else { continue }
            var layer = Layer(
                index: 0, name: node.name, op: operation.type,
                sourceOp: operation.sourceType, inputShapes: node.inputs.map { tensor($0)?.shape }, outputShapes: [],
                counts: Counts(), mxop: MxopCounts(), inBackbone: false, status: .counted, precision: nil)
            guard let definition = registry[operation.type] else {
                if layers[index] == nil { unsupported[operation.type, default: 0] += 1 }
                layer.status = .unsupported
                try record(layer, at: index)
                continue
            }
            do {
                if node.subgraphs.isEmpty {
                    try process(index, node, operation, definition, &layer)
                } else {
                    try processControlFlow(index, node, operation, definition, &layer)
                }
            } catch let error as RuleError where error.needsRunTimeValues {
                // Not a fault of the file: the size is known only when the model runs.
                markUnshaped(index, &layer)
                if !unresolved.contains(where: { $0.node == node.name }) {
                    unresolved.append(UnresolvedNode(node: node.name, op: operation.sourceType, reason: error.message))
                }
            } catch let error as RuleError {
                throw AnalysisError.node(name: node.name, op: operation.sourceType, message: error.message)
            }
            try record(layer, at: index)
        }
    }

    /// Keeps the row of a node's run; a later run of the same node adds its counts.
    mutating func record(_ layer: Layer, at index: Int) throws {
        guard var row = layers[index] else {
            // Numbered when first recorded: a control-flow node comes after the nodes of its subgraphs.
            var layer = layer
            layer.index = nextLayer
            layers[index] = layer
            nextLayer += 1
            return
        }
        try row.counts.add(layer.counts)
        try row.mxop.add(layer.mxop)
        if layer.status == .unshaped || layer.status == .unsupported { row.status = layer.status }
        layers[index] = row
    }

    /// Lists a node that could not be shaped, once however often it runs.
    mutating func markUnshaped(_ index: Int, _ layer: inout Layer) {
        layer.status = .unshaped
        tensors[index] = nil
        if unshapedSet.insert(index).inserted { unshaped.append(graph.nodes[index].name) }
    }

    /// Records a data-dependent size, once per node.
    mutating func recordBound(_ bound: String, at node: Node, _ operation: Operation) {
        guard !bounds.contains(where: { $0.node == node.name }) else { return }
        bounds.append(DataDependentSize(node: node.name, op: operation.sourceType, bound: bound))
    }

    static func check(_ outputs: [TensorInfo]) throws {
        for output in outputs {
            if let bad = output.shape.first(where: { $0 < 0 }) {
                throw RuleError("inferred a negative dimension \(bad) in \(formatShape(output.shape))")
            }
            // Within the limits, every element count fits in an Int.
            if let limit = Limits.violation(output.shape) {
                throw RuleError("output \(formatShape(output.shape)): \(limit)")
            }
        }
    }

    func tensor(_ ref: TensorRef) -> TensorInfo? {
        guard !ref.isAbsent, let outputs = tensors[ref.node], ref.output < outputs.count else { return nil }
        return outputs[ref.output]
    }

    /// Shapes and counts one supported node into `layer`; leaves it unshaped when an input's
    /// producer could not be shaped.
    mutating func process(
        _ index: Int, _ node: Node, _ operation: Operation, _ definition: OpDefinition,
        _ layer: inout Layer
    ) throws {
        guard let found = try knownInputs(node, definition) else {
            // An unsupported or unshaped producer upstream: this node cannot be shaped.
            markUnshaped(index, &layer)
            return
        }
        var known = found.known
        let absent = found.absent
        let result = try definition.shape(ShapeQuery(inputs: known, attributes: operation.attributes, absent: absent))
        try Self.check(result.outputs)
        if let bound = result.bound { recordBound(bound, at: node, operation) }
        try recordDerived(result, of: node, known: &known, absent: absent)
        for (position, logical) in result.packed where position < node.inputs.count && !absent.contains(position) {
            // The variable counts as its logical elements (N·K 4-bit weights, not N·K/2 bytes).
            let ref = node.inputs[position]
            if graph.nodes[ref.node].variable != nil { tensors[ref.node] = [logical] }
            known[position] = logical
        }
        let inputs = try completeInputs(known, of: node, absent: absent)
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
        if result.bound != nil || inputs.contains(where: \.followsBound) {
            for i in outputs.indices { outputs[i].followsBound = true }
        }
        carry(&outputs, of: node)
        tensors[index] = outputs
        layer.inputShapes = inputs.enumerated().map { absent.contains($0.offset) ? nil : $0.element.shape }
        layer.outputShapes = result.outputs.map(\.shape)
        let query = CostQuery(inputs: inputs, outputs: result.outputs, attributes: operation.attributes, absent: absent)
        try count(query, definition, into: &layer)
    }

    /// Keeps the values computed for `outputs` while the budget for carried values lasts; past
    /// it, they are dropped (shapes that depend on them are then unknown) and a notice says
    /// where. The budget bounds memory and time for graphs built to multiply carried values.
    mutating func carry(_ outputs: inout [TensorInfo], of node: Node) {
        for i in outputs.indices {
            let count = (outputs[i].values?.count ?? 0) + (outputs[i].realValues?.count ?? 0)
            guard count > 0 else { continue }
            if carriedValues + count <= Limits.carriedValues {
                carriedValues += count
                continue
            }
            outputs[i].values = nil
            outputs[i].realValues = nil
            if carriedValues <= Limits.carriedValues {
                carriedValues = Limits.carriedValues + 1
                notices.append(
                    Notice(
                        "node '\(node.name)': the budget of \(Limits.carriedValues) values computed at analysis time is "
                            + "spent; values computed after it are not carried, and shapes that need them are unknown"))
            }
        }
    }

    /// The node's inputs as far as they are known (`nil` for a parameter the rule derives) and
    /// the positions left out; `nil` when an activation's producer has no shape.
    func knownInputs(_ node: Node, _ definition: OpDefinition) throws -> (known: [TensorInfo?], absent: Set<Int>)? {
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
                if graph.nodes[ref.node].variable == nil, let outputs = tensors[ref.node] {
                    throw RuleError(
                        "input \(position) refers to output \(ref.output) of "
                            + "'\(graph.nodes[ref.node].name)', which has \(outputs.count) outputs")
                }
                return nil
            }
            known.append(info)
        }
        return (known, absent)
    }

    /// Checks the input shapes the rule derived against what is known or declared, then records them.
    mutating func recordDerived(
        _ result: ShapeResult, of node: Node, known: inout [TensorInfo?],
        absent: Set<Int>
    ) throws {
        for (position, shape) in result.inputShapes.sorted(by: { $0.key < $1.key })
        where position < node.inputs.count && !absent.contains(position) {
            let ref = node.inputs[position]
            let producer = graph.nodes[ref.node]
            if let existing = known[position] {
                guard existing.shape == shape else {
                    throw RuleError(
                        "input \(position) ('\(producer.name)') has shape \(formatShape(existing.shape)) "
                            + "but this layer needs \(formatShape(shape))")
                }
                continue
            }
            if let declared = producer.variable?.declaredShape, !Self.fits(shape, declared) {
                throw RuleError(
                    "parameter '\(producer.name)' is declared as \(Self.format(declared)) "
                        + "but this layer needs \(formatShape(shape))")
            }
            if let bad = shape.first(where: { $0 < 0 }) {
                throw RuleError(
                    "parameter '\(producer.name)' would have a negative dimension \(bad) in \(formatShape(shape))")
            }
            if let limit = Limits.violation(shape) { throw RuleError("parameter '\(producer.name)': \(limit)") }
            let type = result.inputTypes[position] ?? producer.variable?.dataType ?? .float32
            let info = TensorInfo(shape: shape, dataType: type)
            tensors[ref.node] = [info]
            known[position] = info
        }
    }

    /// Every input with its final shape, an absent one as an empty 1-D tensor.
    func completeInputs(_ known: [TensorInfo?], of node: Node, absent: Set<Int>) throws -> [TensorInfo] {
        try known.enumerated().map { position, info in
            if absent.contains(position) { return TensorInfo(shape: [0]) }
            guard let info else {
                throw RuleError(
                    "cannot infer the shape of input \(position) "
                        + "('\(graph.nodes[node.inputs[position].node].name)'); declare it in the file")
            }
            return info
        }
    }

    /// Runs the cost and mxop rules into `layer`, with the precision of its MACs and its activations.
    func count(_ query: CostQuery, _ definition: OpDefinition, into layer: inout Layer) throws {
        switch definition.cost {
        case .formula(_, let rule):
            let cost = try rule(query)
            try layer.counts.add(cost)
            if cost.macs > 0 {
                let inputs = query.inputs
                let weight = inputs.count > 1 ? inputs[1] : inputs[0]
                layer.precision =
                    cost.precision
                    ?? Precision(activation: inputs[0].effectiveType, weight: weight.effectiveType)
            }
        case .zero:
            layer.status = .zeroCost
        }
        if let mxop = definition.mxop { try layer.mxop.add(try mxop.rule(query)) }
        layer.counts.activations = try query.outputs.map(\.elementCount).exactSum.get("activations")
    }
}
