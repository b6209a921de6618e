/// Quantized graphs: converting between float and integer tensors, and the integer forms of the
/// linear and element-wise ops (ONNX QOperator and Integer ops, MXNet's quantized and fused ops).
///
/// Conversions cost, per element: quantize x/s + z rounded and saturated = 1 div + 1 add + 2 cmps;
/// dequantize (x − z)·s = 1 add + 1 mul; requantize (rescale an int32 accumulator to 8 bits) =
/// 1 mul + 1 add + 2 cmps. Scales, zero points and calibration ranges are buffers.
/// A quantized linear op counts its float form's MACs, at the precision of its operands; its
/// output rescaling counts as a requantize per output element.
enum QuantizationOps {
    static let definitions: [OpDefinition] = [
        quantize, dequantize, requantize, dynamicQuantize,
        remapped(
            "QLinearConv", "ONNX QLinearConv: an 8-bit convolution with rescaled output",
            base: ConvolutionOps.convolution,
            positions: [0, 3, 8],
            roles: [.data, .buffer, .buffer, .parameter, .buffer, .buffer, .buffer, .buffer, .optionalParameter],
            outputType: .zeroPointAt(7), rescale: true,
            examples: [
                Example(
                    "2×2 kernel, no bias", inputs: [[1, 1, 3, 3], [], [], nil, [], [], [], []],
                    attributes: ["kernel": .ints([2, 2]), "channels": .int(1)], outputs: [[1, 1, 2, 2]],
                    derived: [3: [1, 1, 2, 2]], cost: .of(macs: 16, muls: 20, adds: 16, cmps: 8),
                    arithmetic: "4 outputs × K 4 = 16 MACs; adds 4·3; rescale 4 × (mul + add + 2 cmps)")
            ]),
        remapped(
            "ConvInteger", "ONNX ConvInteger: an 8-bit convolution into int32", base: ConvolutionOps.convolution,
            positions: [0, 1], roles: [.data, .parameter, .optionalBuffer, .optionalBuffer], outputType: .fixed(.int32),
            rescale: false,
            examples: [
                Example(
                    "2×2 kernel", inputs: [[1, 1, 3, 3], nil],
                    attributes: ["kernel": .ints([2, 2]), "channels": .int(1)],
                    outputs: [[1, 1, 2, 2]], derived: [1: [1, 1, 2, 2]], cost: .of(macs: 16, muls: 16, adds: 12),
                    arithmetic: "4 outputs × K 4")
            ]),
        remapped(
            "QLinearMatMul", "ONNX QLinearMatMul: an 8-bit matrix product with rescaled output", base: LinearOps.matMul,
            positions: [0, 3], roles: [.data, .buffer, .buffer, .parameter, .buffer, .buffer, .buffer, .buffer],
            outputType: .zeroPointAt(7), rescale: true,
            examples: [
                Example(
                    "2×3 by 3×4", inputs: [[2, 3], [], [], [3, 4], [], [], [], []], outputs: [[2, 4]],
                    cost: .of(macs: 24, muls: 32, adds: 24, cmps: 16),
                    arithmetic: "8 outputs × 3; adds 8·2; rescale 8 × (mul + add + 2 cmps)")
            ]),
        remapped(
            "MatMulInteger", "ONNX MatMulInteger: an 8-bit matrix product into int32", base: LinearOps.matMul,
            positions: [0, 1], roles: [.data, .parameter, .optionalBuffer, .optionalBuffer], outputType: .fixed(.int32),
            rescale: false,
            examples: [
                Example(
                    "2×3 by 3×4", inputs: [[2, 3], [3, 4]], outputs: [[2, 4]], cost: .of(macs: 24, muls: 24, adds: 16),
                    arithmetic: "8 outputs × 3; adds 8·2")
            ]),
        remapped(
            "QGemm", "com.microsoft QGemm: an 8-bit Gemm, float or rescaled 8-bit output", base: LinearOps.gemm,
            positions: [0, 3, 6],
            roles: [
                .data, .buffer, .buffer, .parameter, .buffer, .buffer, .optionalParameter, .optionalBuffer,
                .optionalBuffer,
            ],
            outputType: .zeroPointAt(8, otherwise: .float32), rescale: true,
            examples: [
                Example(
                    "B transposed, float output", inputs: [[2, 3], [], [], [4, 3], [], []],
                    attributes: ["transposeB": .bool(true)], outputs: [[2, 4]],
                    cost: .of(macs: 24, muls: 32, adds: 24, cmps: 16),
                    arithmetic: "8 outputs × 3; adds 8·2; rescale 8 × (mul + add + 2 cmps)")
            ]),
        remapped(
            "QLinearAdd", "com.microsoft QLinearAdd: 8-bit addition with rescaling", base: ElementwiseOps.add,
            positions: [0, 3], roles: [.data, .buffer, .buffer, .data, .buffer, .buffer, .buffer, .optionalBuffer],
            outputType: .zeroPointAt(7), rescale: true,
            examples: [
                Example(
                    "broadcast row", inputs: [[2, 3], [], [], [1, 3], [], [], [], []], outputs: [[2, 3]],
                    cost: .of(muls: 6, adds: 12, cmps: 12), arithmetic: "6 adds; rescale 6 × (mul + add + 2 cmps)")
            ]),
        remapped(
            "QLinearMul", "com.microsoft QLinearMul: 8-bit multiplication with rescaling", base: ElementwiseOps.mul,
            positions: [0, 3], roles: [.data, .buffer, .buffer, .data, .buffer, .buffer, .buffer, .optionalBuffer],
            outputType: .zeroPointAt(7), rescale: true,
            examples: [
                Example(
                    "broadcast row", inputs: [[2, 3], [], [], [1, 3], [], [], [], []], outputs: [[2, 3]],
                    cost: .of(muls: 12, adds: 6, cmps: 12), arithmetic: "6 muls; rescale 6 × (mul + add + 2 cmps)")
            ]),
        remapped(
            "QLinearGlobalAveragePool", "com.microsoft QLinearGlobalAveragePool: 8-bit global average",
            base: PoolingOps.pooling,
            positions: [0], roles: [.data, .buffer, .buffer, .buffer, .buffer], outputType: .zeroPointAt(4),
            rescale: true,
            attributes: ["mode": .string("avg"), "global": .bool(true)],
            examples: [
                Example(
                    "2 channels of 2×2", inputs: [[1, 2, 2, 2], [], [], [], []], outputs: [[1, 2, 1, 1]],
                    cost: .of(muls: 2, adds: 8, divs: 2, cmps: 4),
                    arithmetic: "2 × (3 adds + div); rescale 2 × (mul + add + 2 cmps)")
            ]),
        remapped(
            "QuantizedConvolution", "MXNet _contrib_quantized_conv: 8-bit convolution into int32 with its range",
            base: ConvolutionOps.convolution, positions: [0, 1, 2],
            roles: mxnetRoles([.data, .parameter, .optionalParameter]),
            outputType: .fixed(.int32), rescale: false, rangeOutputs: true, weightType: .int8,
            examples: [
                Example(
                    "no bias: its slot absent, then the ranges",
                    inputs: [[1, 1, 3, 3], nil, nil, [1], [1], [1], [1]], absent: [2],
                    attributes: ["kernel": .ints([2, 2]), "channels": .int(1)],
                    outputs: [[1, 1, 2, 2], [1], [1]], derived: [1: [1, 1, 2, 2]],
                    cost: .of(macs: 16, muls: 16, adds: 12), arithmetic: "4 outputs × K 4")
            ]),
        remapped(
            "QuantizedFullyConnected", "MXNet _contrib_quantized_fully_connected: 8-bit dense layer into int32",
            base: LinearOps.fullyConnected, positions: [0, 1, 2],
            roles: mxnetRoles([.data, .parameter, .optionalParameter]),
            outputType: .fixed(.int32), rescale: false, rangeOutputs: true, weightType: .int8,
            examples: [
                Example(
                    "no bias", inputs: [[2, 3], nil, nil, [1], [1], [1], [1]], absent: [2],
                    attributes: ["units": .int(4)], outputs: [[2, 4], [1], [1]],
                    derived: [1: [4, 3]], cost: .of(macs: 24, muls: 24, adds: 16), arithmetic: "8 outputs × 3")
            ]),
        remapped(
            "QuantizedPooling", "MXNet _contrib_quantized_pooling", base: PoolingOps.pooling, positions: [0],
            roles: mxnetRoles([.data]), outputType: .input, rescale: false, rangeOutputs: true,
            examples: [
                Example(
                    "2×2 max", inputs: [[1, 1, 4, 4], [1], [1]],
                    attributes: ["mode": .string("max"), "kernel": .ints([2, 2]), "stride": .ints([2, 2])],
                    outputs: [[1, 1, 2, 2], [1], [1]], cost: .of(cmps: 12), arithmetic: "4 outputs × 3 cmps")
            ]),
        remapped(
            "QuantizedFlatten", "MXNet _contrib_quantized_flatten", base: ShapeOps.flatten, positions: [0],
            roles: mxnetRoles([.data]), outputType: .input, rescale: false, rangeOutputs: true,
            examples: [
                Example(
                    "to 2-D", inputs: [[1, 2, 3], [1], [1]], outputs: [[1, 6], [1], [1]], cost: .of(),
                    arithmetic: "a view")
            ]),
        remapped(
            "QuantizedAdd", "MXNet _contrib_quantized_elemwise_add: 8-bit addition with rescaling",
            base: ElementwiseOps.add, positions: [0, 1], roles: mxnetRoles([.data, .data]),
            outputType: .fixed(.int32), rescale: true, rangeOutputs: true,
            examples: [
                Example(
                    "equal shapes", inputs: [[2, 3], [2, 3], [1], [1], [1], [1]], outputs: [[2, 3], [1], [1]],
                    cost: .of(muls: 6, adds: 12, cmps: 12), arithmetic: "6 adds; rescale 6 × (mul + add + 2 cmps)")
            ]),
        remapped(
            "QLinearAveragePool", "com.microsoft QLinearAveragePool: 8-bit average pooling", base: PoolingOps.pooling,
            positions: [0], roles: [.data, .buffer, .buffer, .buffer, .buffer], outputType: .zeroPointAt(4),
            rescale: true,
            attributes: ["mode": .string("avg")],
            examples: [
                Example(
                    "2×2 windows", inputs: [[1, 1, 4, 4], [], [], [], []],
                    attributes: ["kernel": .ints([2, 2]), "stride": .ints([2, 2])], outputs: [[1, 1, 2, 2]],
                    cost: .of(muls: 4, adds: 16, divs: 4, cmps: 8),
                    arithmetic: "4 × (3 adds + div); rescale 4 × (mul + add + 2 cmps)")
            ]),
        remapped(
            "QuantizedBatchNorm", "MXNet _contrib_quantized_batch_norm", base: NormalizationOps.batchNorm,
            positions: [0, 1, 2, 3, 4], roles: mxnetRoles([.data, .parameter, .parameter, .buffer, .buffer]),
            outputType: .fixed(.int8), rescale: false, rangeOutputs: true,
            examples: [
                Example(
                    "per channel", inputs: [[1, 2, 2, 2], nil, nil, nil, nil, [1], [1]],
                    outputs: [[1, 2, 2, 2], [1], [1]],
                    derived: [1: [2], 2: [2], 3: [2], 4: [2]], cost: .of(muls: 8, adds: 8),
                    arithmetic: "8 × (mul + add)")
            ]),
        remapped(
            "QuantizedActivation", "MXNet _contrib_quantized_act (ReLU)", base: ElementwiseOps.relu,
            positions: [0], roles: mxnetRoles([.data]), outputType: .input, rescale: false, rangeOutputs: true,
            examples: [
                Example(
                    "ReLU", inputs: [[2, 3], [1], [1]], outputs: [[2, 3], [1], [1]], cost: .of(cmps: 6),
                    arithmetic: "6 cmps")
            ]),
    ]

    /// MXNet quantized ops: `roles`, then ranges (min, max of each operand) — scalar arguments
    /// that declare no shape when the layer's weights were quantized ahead of time.
    static func mxnetRoles(_ roles: [InputRole]) -> [InputRole] {
        roles + Array(repeating: .optionalParameter, count: 8)
    }

    /// Where a quantized op's output type comes from.
    enum OutputType: Sendable {
        case fixed(DataType)
        /// The type of the zero point at that input (uint8 when absent, or `otherwise`).
        case zeroPointAt(Int, otherwise: DataType = .uint8)
        /// The type of input 0.
        case input
    }

    /// How a quantized op sits on its float form.
    struct Form: Sendable {
        /// Where the float op's inputs are among the node's, in the float op's order.
        var positions: [Int]
        var outputType: OutputType
        /// Whether the output is rescaled: a requantize per output element.
        var rescale: Bool
        /// MXNet: range inputs follow the layer's own, and the output comes with its range (min, max).
        var rangeOutputs: Bool
        /// The stored type of weight and bias, which MXNet's pre-quantized arguments do not declare.
        var weightType: DataType?
        /// Attributes the float op needs that the node does not carry.
        var attributes: Attributes
    }

    /// A quantized op as its float form (`base`) over the inputs at `positions`, with the
    /// output type set, the output rescaling counted, and for MXNet two range outputs (min, max).
    static func remapped(
        _ type: String, _ summary: String, base: OpDefinition, positions: [Int], roles: [InputRole],
        outputType: OutputType, rescale: Bool, rangeOutputs: Bool = false, weightType: DataType? = nil,
        attributes extra: Attributes = [:], examples: [Example]
    ) -> OpDefinition {
        precondition(positions.allSatisfy { $0 < roles.count }, "\(type): a position past its inputs")
        let form = Form(
            positions: positions, outputType: outputType, rescale: rescale, rangeOutputs: rangeOutputs,
            weightType: weightType, attributes: extra)
        return OpDefinition(
            type, summary, inputs: roles,
            shape: { q in try remappedShape(q, base: base, form: form) },
            cost: .formula(
                "as \(base.type) at 8 bits\(rescale ? ", + a requantize per output element" : "")",
                { q in
                    try remappedCost(q, base: base, form: form)
                }),
            examples: examples)
    }

    // MARK: Shape of a remapped op

    /// The float op's shapes at the node's positions, the ranges' shapes, the stored types and the
    /// output type; with `rangeOutputs`, the output's range follows it.
    static func remappedShape(_ q: ShapeQuery, base: OpDefinition, form: Form) throws -> ShapeResult {
        let (inputs, missing) = floatInputs(q.inputs, absent: q.absent, positions: form.positions, filler: nil)
        var result = try base.shape(
            ShapeQuery(
                inputs: inputs, attributes: merged(q.attributes, form.attributes),
                absent: missing))
        result.inputShapes = try moved(result.inputShapes, to: form.positions, base: base.type)
        if let weight = form.weightType {
            // Weight and bias.
            let stored = form.positions.dropFirst().prefix(2)
            result.inputTypes = Dictionary(uniqueKeysWithValues: stored.map { ($0, weight) })
        }
        if form.rangeOutputs { rangeInputs(q, after: form.positions, &result) }
        result.outputs = try outputs(result.outputs[0], q, form)
        return result
    }

    /// The float op's output `y` as the form's output type, then its range (min, max) with `rangeOutputs`.
    static func outputs(_ y: TensorInfo, _ q: ShapeQuery, _ form: Form) throws -> [TensorInfo] {
        var out = y
        out.dataType = try outputType(q, form.outputType)
        out.quantizedAs = nil
        out.values = nil
        return form.rangeOutputs ? [out, TensorInfo(shape: [1]), TensorInfo(shape: [1])] : [out]
    }

    /// The float op's inputs, taken from the node's `positions`; an absent one becomes `filler`,
    /// and absent ones at the end are left off.
    static func floatInputs<T>(_ inputs: [T], absent: Set<Int>, positions: [Int], filler: T) -> ([T], Set<Int>) {
        var out: [T] = []
        var missing = Set<Int>()
        for (i, p) in positions.enumerated() {
            if p < inputs.count, !absent.contains(p) {
                out.append(inputs[p])
            } else {
                out.append(filler)
                missing.insert(i)
            }
        }
        while let last = out.indices.last, missing.contains(last) {
            out.removeLast()
            missing.remove(last)
        }
        return (out, missing)
    }

    /// `a` with the float op's own `extra` attributes set.
    static func merged(_ a: Attributes, _ extra: Attributes) -> Attributes {
        var merged = a
        for (k, v) in extra.values { merged[k] = v }
        return merged
    }

    /// Shapes the float op derives for its inputs, moved to the node's input `positions`.
    static func moved(_ shapes: [Int: [Int]], to positions: [Int], base: String) throws -> [Int: [Int]] {
        var result: [Int: [Int]] = [:]
        for (i, shape) in shapes {
            guard i < positions.count else { throw RuleError("no input position for \(base) input \(i)") }
            result[positions[i]] = shape
        }
        return result
    }

    /// Range scalars after the layer's own inputs that declare no shape: shape (1,), counted as buffers.
    static func rangeInputs(_ q: ShapeQuery, after positions: [Int], _ result: inout ShapeResult) {
        let first = (positions.max() ?? 0) + 1
        result.inputRoles = [:]
        for k in first..<max(first, q.count) where q.isPresent(k) && q.inputs[k] == nil {
            result.inputShapes[k] = [1]
            result.inputRoles[k] = .buffer
        }
    }

    /// The output type `source` names.
    static func outputType(_ q: ShapeQuery, _ source: OutputType) throws -> DataType {
        switch source {
        case .fixed(let t): return t
        case .input: return try q.input(0).dataType
        case .zeroPointAt(let i, let otherwise): return q.optionalInput(i)?.dataType ?? otherwise
        }
    }

    // MARK: Cost of a remapped op

    /// The float op's cost on its inputs, a requantize per output element when rescaled, and the
    /// precision of its MACs (the weight's stored type if the form names one).
    static func remappedCost(_ q: CostQuery, base: OpDefinition, form: Form) throws -> OpCost {
        let (inputs, missing) = floatInputs(
            q.inputs, absent: q.absent, positions: form.positions,
            filler: TensorInfo(shape: [0]))
        var cost = OpCost.zero
        if case .formula(_, let rule) = base.cost {
            cost = try rule(
                CostQuery(
                    inputs: inputs, outputs: [q.outputs[0]],
                    attributes: merged(q.attributes, form.attributes), absent: missing))
        }
        if form.rescale { cost = try requantized(cost, elements: q.outputElements) }
        if cost.macs > 0 {
            let weight = inputs.count > 1 ? inputs[1].effectiveType : inputs[0].effectiveType
            cost.precision = Precision(activation: inputs[0].effectiveType, weight: form.weightType ?? weight)
        }
        return cost
    }

    /// `cost` with a requantize (1 mul + 1 add + 2 cmps) on each of `elements` outputs.
    static func requantized(_ cost: OpCost, elements out: Exact) throws -> OpCost {
        try OpCost(
            macs: Exact(cost.macs), muls: Exact(cost.muls) + out, adds: Exact(cost.adds) + out,
            divs: Exact(cost.divs), exps: Exact(cost.exps), cmps: Exact(cost.cmps) + out * 2)
    }

    /// ONNX QuantizeLinear (x, scale, zero point) and MXNet `_contrib_quantize_v2` (x → x, min,
    /// max). The output type is `outputType`, else the zero point's, else uint8.
    static let quantize = OpDefinition(
        "Quantize", "float to 8-bit: round(x / scale) + zero point, saturated",
        inputs: [.data, .optionalBuffer, .optionalBuffer],
        shape: { q in
            let x = try q.input(0)
            let name = try q.attributes.string("outputType", default: q.optionalInput(2)?.dataType.rawValue ?? "uint8")
            guard let type = DataType(rawValue: name) else { throw RuleError("unknown data type '\(name)'") }
            if let scale = q.optionalInput(1), scale.rank > 0, scale.shape.reduce(1, *) > 1 {
                let axis = try ShapeMath.axis(q.attributes.int("axis", default: 1), rank: x.rank)
                let blocked = try q.attributes.int("blockSize", default: 0)
                guard blocked > 0 || scale.shape == [x.shape[axis]] else {
                    throw RuleError(
                        "per-axis scale \(formatShape(scale.shape)) does not match axis \(axis) of \(formatShape(x.shape))"
                    )
                }
            }
            let y = TensorInfo(shape: x.shape, dataType: type)
            return ShapeResult(
                outputs: try q.attributes.bool("rangeOutputs", default: false)
                    ? [y, TensorInfo(shape: [1]), TensorInfo(shape: [1])] : [y])
        },
        cost: .formula(
            "1 div + 1 add + 2 cmps per element",
            { q in
                try OpCost(elements: q.outputElements, PerElement(adds: 1, divs: 1, cmps: 2))
            }),
        examples: [
            Example(
                "per-tensor to uint8", inputs: [[1, 3, 2, 2], [], []], outputs: [[1, 3, 2, 2]],
                cost: .of(adds: 12, divs: 12, cmps: 24), arithmetic: "12 elements × (div + add + 2 cmps)")
        ])

    /// ONNX DequantizeLinear (x, scale, zero point) and MXNet `_contrib_dequantize` (x, min, max):
    /// float output that remembers its integer type, so the layer it feeds counts at 8 bits.
    static let dequantize = OpDefinition(
        "Dequantize", "8-bit to float: (x − zero point) · scale",
        inputs: [.parameter, .optionalBuffer, .optionalBuffer],
        shape: { q in
            guard let x = q.optionalInput(0) else { throw RuleError("the quantized input has no known shape") }
            let name = try q.attributes.string(
                "outputType", default: q.optionalInput(1)?.dataType.rawValue ?? "float32")
            guard let type = DataType(rawValue: name), type.isFloatingPoint else {
                throw RuleError("unknown float type '\(name)'")
            }
            var y = TensorInfo(shape: x.shape, dataType: type)
            y.quantizedAs = x.dataType.isFloatingPoint ? x.quantizedAs : x.dataType
            return ShapeResult(output: y)
        },
        cost: .formula(
            "1 add + 1 mul per element",
            { q in
                try OpCost(elements: q.outputElements, PerElement(muls: 1, adds: 1))
            }),
        examples: [
            Example(
                "a weight tensor", inputs: [[4, 3], [], []], outputs: [[4, 3]], cost: .of(muls: 12, adds: 12),
                arithmetic: "12 elements × (add + mul)")
        ])

    /// MXNet `_contrib_requantize`: int32 accumulators (with their range) to 8 bits.
    static let requantize = OpDefinition(
        "Requantize", "int32 to 8-bit with a new scale (and its range outputs)",
        inputs: [.data, .variadic],
        shape: { q in
            let x = try q.input(0)
            let name = try q.attributes.string("outputType", default: "int8")
            guard let type = DataType(rawValue: name) else { throw RuleError("unknown data type '\(name)'") }
            return ShapeResult(outputs: [
                TensorInfo(shape: x.shape, dataType: type), TensorInfo(shape: [1]), TensorInfo(shape: [1]),
            ])
        },
        cost: .formula(
            "1 mul + 1 add + 2 cmps per element",
            { q in
                try OpCost(elements: q.outputElements, PerElement(muls: 1, adds: 1, cmps: 2))
            }),
        examples: [
            Example(
                "a feature map", inputs: [[1, 2, 2, 2], [1], [1]], outputs: [[1, 2, 2, 2], [1], [1]],
                cost: .of(muls: 8, adds: 8, cmps: 16), arithmetic: "8 elements × (mul + add + 2 cmps)")
        ])

    /// ONNX DynamicQuantizeLinear: uint8 output with the scale and zero point found at run time.
    static let dynamicQuantize = OpDefinition(
        "DynamicQuantize", "float to uint8 with a run-time range: min/max search, then quantize",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            return ShapeResult(outputs: [
                TensorInfo(shape: x.shape, dataType: .uint8), TensorInfo(shape: [], dataType: .float32),
                TensorInfo(shape: [], dataType: .uint8),
            ])
        },
        cost: .formula(
            "2(E − 1) cmps for the range, then 1 div + 1 add + 2 cmps per element",
            { q in
                let e = q.outputElements
                return try OpCost(adds: e, divs: e, cmps: (e - 1) * 2 + e * 2)
            }),
        examples: [
            Example(
                "a row", inputs: [[1, 8]], outputs: [[1, 8], [], []], cost: .of(adds: 8, divs: 8, cmps: 30),
                arithmetic: "range 2·7 cmps; quantize 8 × (div + add + 2 cmps)")
        ])
}
