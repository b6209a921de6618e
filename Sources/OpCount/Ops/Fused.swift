/// MXNet's fused (MKLDNN subgraph) layers: a convolution or dense layer with BatchNorm, a
/// residual sum and an activation folded in, in float or quantized form. The reader lays out the
/// inputs from the node's flags; the attributes say where each one is:
/// `positions` (data, weight, optional bias), `bnAt` (γ, β, mean, variance from there, or -1),
/// `sumAt` (the residual operand, or -1), `rangesAt` (the first of the min/max inputs, or -1),
/// `activation`, `quantized`, `outputType`, `rangeOutputs`.
/// Cost: the layer's MACs at its precision; BatchNorm folded into the weights costs nothing;
/// the sum 1 add and the activation 1 cmp per output; a quantized layer with calibrated output
/// range adds a requantize per output (1 mul + 1 add + 2 cmps).
enum FusedOps {
    static let definitions: [OpDefinition] = [
        fused("FusedConvolution", "MXNet fused convolution (+ BatchNorm, sum, activation), float or 8-bit", base: ConvolutionOps.convolution,
              example: Example("3×3 conv, BatchNorm and ReLU folded", inputs: [[1, 1, 4, 4], nil, nil, nil, nil, nil],
                               attributes: ["kernel": .ints([3, 3]), "channels": .int(2), "positions": .ints([0, 1]), "bnAt": .int(2),
                                            "activation": .bool(true)],
                               outputs: [[1, 2, 2, 2]], derived: [1: [2, 1, 3, 3], 2: [2], 3: [2], 4: [2], 5: [2]],
                               cost: .of(macs: 72, muls: 72, adds: 64, cmps: 8),
                               arithmetic: "8 outputs × K 9 = 72 MACs; adds 8·8; ReLU 8 cmps")),
        fused("FusedFullyConnected", "MXNet fused dense layer, float or 8-bit", base: LinearOps.fullyConnected,
              example: Example("8-bit weights with ranges", inputs: [[2, 3], nil, nil, [1], [1], nil, nil, nil, nil],
                               attributes: ["units": .int(4), "positions": .ints([0, 1, 2]), "rangesAt": .int(3),
                                            "quantized": .bool(true), "outputType": .string("int32"), "rangeOutputs": .bool(true)],
                               outputs: [[2, 4], [1], [1]], derived: [1: [4, 3], 2: [4], 5: [1], 6: [1], 7: [1], 8: [1]],
                               cost: .of(macs: 24, muls: 24, adds: 24), arithmetic: "8 outputs × 3; adds 8·2 + 8 (bias)")),
    ]

    static func fused(_ type: String, _ summary: String, base: OpDefinition, example: Example) -> OpDefinition {
        OpDefinition(
            type, summary, inputs: [.data] + Array(repeating: InputRole.optionalParameter, count: 12),
            shape: { q in
                let a = q.attributes
                let positions = try a.ints("positions")
                // Positions come from the reader; still, an index outside the node is an error, not a trap.
                for key in ["bnAt", "rangesAt"] where try a.int(key, default: -1) > q.count {
                    throw RuleError("attribute '\(key)' points past the node's \(q.count) inputs")
                }
                guard positions.count >= 2, positions.allSatisfy({ $0 >= 0 }), positions[..<2].allSatisfy({ q.isPresent($0) }) else {
                    throw RuleError("attribute 'positions' \(formatShape(positions)) does not name the node's inputs")
                }
                let inner = ShapeQuery(inputs: positions.map { $0 < q.count ? q.inputs[$0] : nil }, attributes: a,
                                       absent: Set(positions.indices.filter { !q.isPresent(positions[$0]) }))
                var result = try base.shape(inner)
                var derived = try QuantizationOps.moved(result.inputShapes, to: positions, base: base.type)
                var types: [Int: DataType] = [:], roles: [Int: VariableRole] = [:]
                let y = result.outputs[0]
                let channels = [y.shape[1]]
                if let bn = try? a.int("bnAt", default: -1), bn >= 0 {
                    for k in 0..<4 { derived[bn + k] = channels }
                    roles[bn + 2] = .buffer
                    roles[bn + 3] = .buffer
                }
                let quantized = try a.bool("quantized", default: false)
                if quantized, try a.bool("int8Weights", default: false) {
                    types[positions[1]] = .int8
                    if positions.count > 2 { types[positions[2]] = .int8 }
                }
                let ranges = try a.int("rangesAt", default: -1)
                if ranges >= 0 {
                    for k in ranges..<q.count where q.optionalInput(k) == nil || q.optionalInput(k)?.shape == [1] {
                        derived[k] = [1]
                        roles[k] = .buffer
                    }
                }
                result.inputShapes = derived
                result.inputTypes = types
                result.inputRoles = roles
                let name = try a.string("outputType", default: y.dataType.rawValue)
                guard let outputType = DataType(rawValue: name) else { throw RuleError("unknown data type '\(name)'") }
                let out = TensorInfo(shape: y.shape, dataType: outputType)
                result.outputs = try a.bool("rangeOutputs", default: false) ? [out, TensorInfo(shape: [1]), TensorInfo(shape: [1])] : [out]
                return result
            },
            cost: .formula("\(base.type) MACs; folded BatchNorm free; sum 1 add and activation 1 cmp per output; calibrated 8-bit output + a requantize", { q in
                let a = q.attributes
                let positions = try a.ints("positions")
                let inputs = positions.map { $0 < q.inputs.count ? q.inputs[$0] : TensorInfo(shape: [0]) }
                let absent = Set(positions.indices.filter { !q.isPresent(positions[$0]) })
                guard case .formula(_, let rule) = base.cost else { return .zero }
                var cost = try rule(CostQuery(inputs: inputs, outputs: [q.outputs[0]], attributes: a, absent: absent))
                let out = q.outputElements
                let sum: Exact = try a.int("sumAt", default: -1) >= 0 ? out : 0
                let act: Exact = try a.bool("activation", default: false) ? out : 0
                let requantize: Exact = try a.bool("requantize", default: false) ? out : 0
                let precision = try a.bool("quantized", default: false)
                    ? Precision(activation: inputs[0].effectiveType, weight: .int8) : cost.precision
                cost = try OpCost(macs: Exact(cost.macs), muls: Exact(cost.muls) + requantize, adds: Exact(cost.adds) + sum + requantize,
                                  divs: Exact(cost.divs), exps: Exact(cost.exps), cmps: Exact(cost.cmps) + act + requantize * 2)
                cost.precision = precision
                return cost
            }),
            examples: [example])
    }
}
