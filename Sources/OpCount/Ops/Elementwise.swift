/// Element-wise ops: activations and math functions of one tensor, arithmetic with a scalar,
/// broadcast arithmetic of two tensors, and sums of many.
///
/// Every element costs the primitives listed with the op. `exps` counts evaluations of special
/// functions (exp, log, sqrt, tanh, erf, pow), one each.
enum ElementwiseOps {
    static let definitions: [OpDefinition] = unary + scalar + binary + [addN, pRelu]

    // MARK: Factories

    /// An op of one tensor whose output has the input's shape.
    static func unaryOp(_ type: String, _ formula: String, _ cost: PerElement) -> OpDefinition {
        OpDefinition(
            type, "element-wise \(formula)", inputs: [.data],
            shape: { q in
                // `withMask`: a second output of the same shape (MXNet rrelu's mask).
                let x = try q.input(0)
                return ShapeResult(outputs: try q.attributes.bool("withMask", default: false) ? [x, x] : [x])
            },
            cost: .formula("\(cost) per element: \(formula)", { q in
                try OpCost(elements: q.outputElements, cost)
            }),
            examples: [example(cost, inputs: [[2, 3]])])
    }

    /// An example on `inputs` whose output is 2×3 = 6 elements.
    private static func example(_ cost: PerElement, inputs: [[Int]]) -> Example {
        Example(
            "2×3 tensor", inputs: inputs, outputs: [[2, 3]],
            cost: .of(muls: 6 * cost.muls, adds: 6 * cost.adds, divs: 6 * cost.divs, exps: 6 * cost.exps,
                      cmps: 6 * cost.cmps),
            arithmetic: "6 elements × (\(cost))")
    }

    static let unary: [OpDefinition] = [
        unaryOp("Relu", "max(x, 0)", PerElement(cmps: 1)),
        unaryOp("Sigmoid", "1 / (1 + e^−x)", PerElement(adds: 1, divs: 1, exps: 1)),
        unaryOp("Tanh", "tanh(x)", PerElement(exps: 1)),
        unaryOp("Softplus", "log(1 + e^x)", PerElement(adds: 1, exps: 2)),
        unaryOp("Softsign", "x / (1 + |x|)", PerElement(adds: 1, divs: 1, cmps: 1)),
        unaryOp("LeakyRelu", "x if x > 0 else α·x", PerElement(muls: 1, cmps: 1)),
        unaryOp("Elu", "x if x > 0 else α·(e^x − 1)", PerElement(muls: 1, adds: 1, exps: 1, cmps: 1)),
        unaryOp("Selu", "λ·(x if x > 0 else α·(e^x − 1))", PerElement(muls: 2, adds: 1, exps: 1, cmps: 1)),
        unaryOp("Gelu", "0.5·x·(1 + erf(x/√2))", PerElement(muls: 3, adds: 1, exps: 1)),
        unaryOp("GeluTanh", "0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))", PerElement(muls: 6, adds: 2, exps: 1)),
        unaryOp("HardSigmoid", "max(0, min(1, α·x + β))", PerElement(muls: 1, adds: 1, cmps: 2)),
        unaryOp("HardSwish", "x · max(0, min(1, x/6 + 1/2))", PerElement(muls: 2, adds: 1, cmps: 2)),
        unaryOp("Clip", "min(max(x, lo), hi)", PerElement(cmps: 2)),
        unaryOp("Exp", "e^x", PerElement(exps: 1)),
        unaryOp("Log", "log(x)", PerElement(exps: 1)),
        unaryOp("Sqrt", "√x", PerElement(exps: 1)),
        unaryOp("Rsqrt", "1/√x", PerElement(divs: 1, exps: 1)),
        unaryOp("Square", "x·x", PerElement(muls: 1)),
        unaryOp("Abs", "|x|", PerElement(cmps: 1)),
        unaryOp("Neg", "−x", PerElement(muls: 1)),
        unaryOp("Reciprocal", "1/x", PerElement(divs: 1)),
        unaryOp("Erf", "erf(x)", PerElement(exps: 1)),
        unaryOp("Sign", "sign(x)", PerElement(cmps: 1)),
        unaryOp("Floor", "floor(x)", PerElement(cmps: 1)),
        unaryOp("Ceil", "ceil(x)", PerElement(cmps: 1)),
        unaryOp("Round", "round(x)", PerElement(cmps: 1)),
        unaryOp("Not", "logical not", PerElement(cmps: 1)),
    ]

    // MARK: Arithmetic with a scalar

    /// `x ∘ c` for a scalar attribute `c`; the reversed forms (`c − x`, `c / x`) cost the same.
    static let scalar: [OpDefinition] = [
        unaryOp("AddScalar", "x ± c or c − x", PerElement(adds: 1)),
        unaryOp("MulScalar", "x · c", PerElement(muls: 1)),
        unaryOp("DivScalar", "x / c or c / x", PerElement(divs: 1)),
        unaryOp("PowScalar", "x^c or c^x", PerElement(exps: 1)),
        unaryOp("MaxScalar", "max(x, c)", PerElement(cmps: 1)),
        unaryOp("MinScalar", "min(x, c)", PerElement(cmps: 1)),
        unaryOp("CompareScalar", "x = c, x > c, … (1 or 0)", PerElement(cmps: 1)),
    ]

    // MARK: Two tensors

    /// `a ∘ b` with NumPy broadcasting, or equal shapes when the attribute `broadcast` is false
    /// (MXNet's `elemwise_*`).
    static func binaryOp(_ type: String, _ formula: String, _ cost: PerElement) -> OpDefinition {
        OpDefinition(
            type, "element-wise \(formula) with broadcasting", inputs: [.data, .data],
            shape: { q in
                let (a, b) = (try q.input(0), try q.input(1))
                if try !q.attributes.bool("broadcast", default: true), a.shape != b.shape {
                    throw RuleError("operand shapes differ: \(formatShape(a.shape)) and \(formatShape(b.shape))")
                }
                return ShapeResult(shape: try ShapeMath.broadcast(a.shape, b.shape), dataType: a.dataType)
            },
            cost: .formula("\(cost) per output element: \(formula)", { q in
                try OpCost(elements: q.outputElements, cost)
            }),
            examples: [example(cost, inputs: [[2, 3], [1, 3]])])
    }

    static let binary: [OpDefinition] = [
        binaryOp("Add", "a + b", PerElement(adds: 1)),
        binaryOp("Sub", "a − b", PerElement(adds: 1)),
        binaryOp("Mul", "a · b", PerElement(muls: 1)),
        binaryOp("Div", "a / b", PerElement(divs: 1)),
        binaryOp("Pow", "a^b", PerElement(exps: 1)),
        binaryOp("Max", "max(a, b)", PerElement(cmps: 1)),
        binaryOp("Min", "min(a, b)", PerElement(cmps: 1)),
        binaryOp("Compare", "a = b, a > b, … (1 or 0)", PerElement(cmps: 1)),
        binaryOp("Logical", "a and b, a or b, …", PerElement(cmps: 1)),
    ]

    static let addN = OpDefinition(
        "AddN", "sum of n tensors of one shape",
        inputs: [.data, .variadic],
        shape: { q in
            let first = try q.input(0)
            for i in 1..<q.count where try q.input(i).shape != first.shape {
                throw RuleError("input \(i) has shape \(formatShape(try q.input(i).shape)), expected \(formatShape(first.shape))")
            }
            return ShapeResult(output: first)
        },
        cost: .formula("(n − 1) adds per element", { q in
            try OpCost(adds: q.outputElements * (q.inputs.count - 1))
        }),
        examples: [
            Example("three 2×3 tensors", inputs: [[2, 3], [2, 3], [2, 3]], outputs: [[2, 3]],
                    cost: .of(adds: 12), arithmetic: "6 elements × 2 adds"),
        ])

    /// Parametric ReLU: the slope is learned, one per channel unless the file declares another
    /// broadcastable shape.
    static let pRelu = OpDefinition(
        "PRelu", "x if x > 0 else α·x with learned α (one per channel)",
        inputs: [.data, .parameter],
        shape: { q in
            let x = try q.input(0)
            if let slope = q.optionalInput(1) {
                _ = try ShapeMath.broadcast(x.shape, slope.shape)
                return ShapeResult(output: x)
            }
            guard x.rank >= 2 else { throw RuleError("PReLU needs an input with a channel axis") }
            return ShapeResult(output: x, inputShapes: [1: [x.shape[1]]])
        },
        cost: .formula("1 cmp + 1 mul per element", { q in
            try OpCost(elements: q.outputElements, PerElement(muls: 1, cmps: 1))
        }),
        examples: [
            Example("per-channel slope", inputs: [[1, 4, 2, 2], nil], outputs: [[1, 4, 2, 2]], derived: [1: [4]],
                    cost: .of(muls: 16, cmps: 16), arithmetic: "16 elements × (1 mul + 1 cmp)"),
        ])
}
