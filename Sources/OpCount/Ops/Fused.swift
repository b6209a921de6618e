/// The one input order of a fused layer; a slot the layer does not use is absent.
///
/// The calibration ranges (min and max of each 8-bit operand: data, then the sum or the weight
/// and bias) follow from slot ``ranges`` on, in the order the file gives them.
public enum FusedSlot: Int, CaseIterable, Sendable {
    case data, weight, bias, gamma, beta, mean, variance, sum

    /// The first range input.
    public static let ranges = allCases.count
    /// Range inputs a layer may have: min and max of data, weight and bias.
    public static let rangeCount = 6
}

/// MXNet's fused (MKLDNN / oneDNN subgraph) layers: a convolution or dense layer with BatchNorm, a
/// residual sum and an activation folded in, in float or quantized form.
///
/// Inputs come in the fixed order of ``FusedSlot``: data, weight, bias, γ, β, mean, variance, the
/// residual operand, then the ranges. Attributes: `activation`, `quantized`, `int8Weights` (weights
/// stored pre-quantized), `outputType`, `requantize` (a calibrated output range), `rangeOutputs`.
/// Cost: the layer's MACs at its precision; BatchNorm folded into the weights costs nothing;
/// the sum 1 add and the activation 1 cmp per output; a quantized layer with calibrated output
/// range adds a requantize per output (1 mul + 1 add + 2 cmps).
enum FusedOps {
    static let definitions: [OpDefinition] = [
        fused(
            "FusedConvolution", "MXNet fused convolution (+ BatchNorm, sum, activation), float or 8-bit",
            base: ConvolutionOps.convolution,
            example: Example(
                "3×3 conv, BatchNorm and ReLU folded",
                inputs: [[1, 1, 4, 4], nil, nil, nil, nil, nil, nil], absent: [FusedSlot.bias.rawValue],
                attributes: ["kernel": .ints([3, 3]), "channels": .int(2), "activation": .bool(true)],
                outputs: [[1, 2, 2, 2]], derived: [1: [2, 1, 3, 3], 3: [2], 4: [2], 5: [2], 6: [2]],
                cost: .of(macs: 72, muls: 72, adds: 64, cmps: 8),
                arithmetic: "8 outputs × K 9 = 72 MACs; adds 8·8; ReLU 8 cmps")),
        fused(
            "FusedFullyConnected", "MXNet fused dense layer, float or 8-bit", base: LinearOps.fullyConnected,
            example: Example(
                "8-bit weights with ranges",
                inputs: [[2, 3], nil, nil, nil, nil, nil, nil, nil, [1], [1], nil, nil, nil, nil],
                absent: Set(FusedSlot.gamma.rawValue...FusedSlot.sum.rawValue),
                attributes: [
                    "units": .int(4), "quantized": .bool(true), "outputType": .string("int32"),
                    "rangeOutputs": .bool(true),
                ],
                outputs: [[2, 4], [1], [1]],
                derived: [1: [4, 3], 2: [4], 10: [1], 11: [1], 12: [1], 13: [1]],
                cost: .of(macs: 24, muls: 24, adds: 24), arithmetic: "8 outputs × 3; adds 8·2 + 8 (bias)")),
    ]

    /// How each slot is used: γ and β are learned, the statistics and ranges stored, the sum an activation.
    static let roles: [InputRole] =
        [
            .data, .parameter, .optionalParameter, .optionalParameter, .optionalParameter, .optionalBuffer,
            .optionalBuffer, .optionalData,
        ] + Array(repeating: .optionalBuffer, count: FusedSlot.rangeCount)

    static func fused(_ type: String, _ summary: String, base: OpDefinition, example: Example) -> OpDefinition {
        OpDefinition(
            type, summary, inputs: roles,
            shape: { q in try shape(q, base: base) },
            cost: .formula(
                "\(base.type) MACs; folded BatchNorm free; sum 1 add and activation 1 cmp per output; "
                    + "calibrated 8-bit output + a requantize", { q in try cost(q, base: base) }),
            examples: [example])
    }

    // MARK: Shape

    /// The base layer's shapes from data, weight and bias; the folded BatchNorm's per channel;
    /// the ranges' (1,); the output in `outputType`, then its range with `rangeOutputs`.
    static func shape(_ q: ShapeQuery, base: OpDefinition) throws -> ShapeResult {
        let own = Array(q.inputs.prefix(FusedSlot.bias.rawValue + 1))
        var result = try base.shape(ShapeQuery(inputs: own, attributes: q.attributes, absent: q.absent))
        let y = result.outputs[0]
        for slot in [FusedSlot.gamma, .beta, .mean, .variance] where q.isPresent(slot.rawValue) {
            guard y.rank >= 2 else { throw RuleError("BatchNorm folded into a layer without a channel axis") }
            result.inputShapes[slot.rawValue] = [y.shape[1]]
        }
        for slot in FusedSlot.ranges..<max(FusedSlot.ranges, q.count) where isRange(q, slot) {
            result.inputShapes[slot] = [1]
        }
        result.inputTypes = try storedTypes(q.attributes)
        result.outputs = try outputs(y, q.attributes)
        return result
    }

    /// Whether input `slot` is a range the rule gives shape (1,): unshaped, or already (1,).
    static func isRange(_ q: ShapeQuery, _ slot: Int) -> Bool {
        q.isPresent(slot) && (q.inputs[slot] == nil || q.inputs[slot]?.shape == [1])
    }

    /// Weights stored pre-quantized (`int8Weights` on a quantized layer): weight and bias are int8.
    static func storedTypes(_ a: Attributes) throws -> [Int: DataType] {
        guard try a.bool("quantized", default: false), try a.bool("int8Weights", default: false) else { return [:] }
        return [FusedSlot.weight.rawValue: .int8, FusedSlot.bias.rawValue: .int8]
    }

    /// The layer's output as `outputType` (default: the base layer's), then (min, max) with `rangeOutputs`.
    static func outputs(_ y: TensorInfo, _ a: Attributes) throws -> [TensorInfo] {
        let name = try a.string("outputType", default: y.dataType.rawValue)
        guard let type = DataType(rawValue: name) else { throw RuleError("unknown data type '\(name)'") }
        let out = TensorInfo(shape: y.shape, dataType: type)
        let range = [TensorInfo(shape: [1]), TensorInfo(shape: [1])]
        return try a.bool("rangeOutputs", default: false) ? [out] + range : [out]
    }

    // MARK: Cost

    /// The base layer's cost on data, weight and bias, with the sum, activation and requantize added.
    static func cost(_ q: CostQuery, base: OpDefinition) throws -> OpCost {
        guard case .formula(_, let rule) = base.cost else { return .zero }
        let own = Array(q.inputs.prefix(FusedSlot.bias.rawValue + 1))
        let a = q.attributes
        let layer = try rule(CostQuery(inputs: own, outputs: [q.outputs[0]], attributes: a, absent: q.absent))
        let out = q.outputElements
        let sum: Exact = q.isPresent(FusedSlot.sum.rawValue) ? out : 0
        let act: Exact = try a.bool("activation", default: false) ? out : 0
        let requantize: Exact = try a.bool("requantize", default: false) ? out : 0
        var cost = try OpCost(
            macs: Exact(layer.macs), muls: Exact(layer.muls) + requantize,
            adds: Exact(layer.adds) + sum + requantize, divs: Exact(layer.divs),
            exps: Exact(layer.exps), cmps: Exact(layer.cmps) + act + requantize * 2)
        cost.precision =
            try a.bool("quantized", default: false)
            ? Precision(activation: own[0].effectiveType, weight: .int8) : layer.precision
        return cost
    }
}
