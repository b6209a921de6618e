import Foundation

/// Element-wise ops: activations and math functions of one tensor, arithmetic with a scalar,
/// broadcast arithmetic of two tensors, and sums of many.
///
/// Every element costs the primitives listed with the op. `exps` counts evaluations of special
/// functions (exp, log, sqrt, tanh, erf, pow), one each.
enum ElementwiseOps {
    static let definitions: [OpDefinition] = unary + scalar + binary + [addN, pRelu]

    /// Values of an element-wise result when every operand's values are known: computed in
    /// floating point, truncated toward zero for integer outputs.
    static func evaluate(_ operands: [TensorInfo], out: [Int], type: DataType, _ f: ([Double]) -> Double) -> TensorInfo
    {
        var result = TensorInfo(shape: out, dataType: type)
        let numbers = operands.map(\.numbers)
        guard numbers.allSatisfy({ $0 != nil }) else { return result }
        let operandValues = zip(operands, numbers).map { (shape: $0.shape, values: $1!) }
        guard let values = Values.broadcast(operandValues, to: out, f) else { return result }
        if type.isFloatingPoint {
            result.realValues = values
        } else if values.allSatisfy({ $0.isFinite && $0.magnitude < 9e18 }) {
            result.values = values.map { Int($0.rounded(.towardZero)) }
        }
        return result
    }

    /// The float forms the quantized ops count as, by name.
    static let add = named("Add", in: binary), mul = named("Mul", in: binary), relu = named("Relu", in: unary)

    /// The definition of `type` in `family`; a missing one stops the program at start-up.
    static func named(_ type: String, in family: [OpDefinition]) -> OpDefinition {
        guard let definition = family.first(where: { $0.type == type }) else { preconditionFailure("no op '\(type)'") }
        return definition
    }

    // MARK: Factories

    /// An op of one tensor whose output has the input's shape; `value` computes known values.
    /// `bounds`: optional lower and upper bound inputs (ONNX Clip since opset 11). `example`: the
    /// expected cost of a 2×3 input, worked out by hand in `arithmetic`.
    static func unaryOp(
        _ type: String, _ formula: String, _ cost: PerElement, example: OpCost, _ arithmetic: String,
        value: (@Sendable (Double) -> Double)? = nil, bounds: Bool = false,
        head: HeadRole? = nil
    ) -> OpDefinition {
        OpDefinition(
            type, "element-wise \(formula)", head: head,
            inputs: bounds ? [.data, .optionalData, .optionalData] : [.data],
            shape: { q in
                // `withMask`: a second output of the same shape (MXNet rrelu's mask).
                let x = try q.input(0)
                let outputType = try q.attributes.string("outputType", default: x.dataType.rawValue)
                guard let type = DataType(rawValue: outputType) else {
                    throw RuleError("unknown data type '\(outputType)'")
                }
                var y = TensorInfo(shape: x.shape, dataType: type)
                if let value { y = evaluate([x], out: x.shape, type: type) { value($0[0]) } }
                if bounds, let (lo, hi) = try clipBounds(q) {
                    y = evaluate([x], out: x.shape, type: type) { Swift.min(Swift.max($0[0], lo), hi) }
                }
                return ShapeResult(outputs: try q.attributes.bool("withMask", default: false) ? [y, y] : [y])
            },
            cost: .formula(
                "\(cost) per element: \(formula)",
                { q in
                    try OpCost(elements: q.outputElements, cost)
                }),
            examples: [
                Example(
                    "2×3 tensor", inputs: [[2, 3]], outputs: [[2, 3]], cost: example,
                    arithmetic: arithmetic)
            ])
    }

    /// Clip's bounds when known: inputs 1 and 2 (ONNX opset 11 on), else the attributes `min` and
    /// `max` (earlier opsets, MXNet's `a_min`/`a_max` as translated), else unbounded; nil when a
    /// bound input's value is computed at run time.
    static func clipBounds(_ q: ShapeQuery) throws -> (Double, Double)? {
        var bounds: [Double] = []
        for (i, key, fallback) in [(1, "min", -Double.infinity), (2, "max", Double.infinity)] {
            if q.isPresent(i) {
                guard let v = q.optionalInput(i)?.numbers?.first else { return nil }
                bounds.append(v)
            } else {
                bounds.append(try q.attributes.float(key, default: fallback))
            }
        }
        return (bounds[0], bounds[1])
    }

    static let unary: [OpDefinition] = [
        unaryOp(
            "Relu", "max(x, 0)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp", value: { $0 > 0 ? $0 : 0 }, head: .passThrough),
        unaryOp(
            "Sigmoid", "1 / (1 + e^−x)", PerElement(adds: 1, divs: 1, exps: 1),
            example: .of(adds: 6, divs: 6, exps: 6), "6 elements × (1 add + 1 div + 1 exp)", head: .passThrough),
        unaryOp(
            "Tanh", "tanh(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp", head: .passThrough),
        unaryOp(
            "Softplus", "log(1 + e^x)", PerElement(adds: 1, exps: 2),
            example: .of(adds: 6, exps: 12), "6 elements × (1 add + 2 exps)", head: .passThrough),
        unaryOp(
            "Softsign", "x / (1 + |x|)", PerElement(adds: 1, divs: 1, cmps: 1),
            example: .of(adds: 6, divs: 6, cmps: 6), "6 elements × (1 add + 1 div + 1 cmp)"),
        unaryOp(
            "LeakyRelu", "x if x > 0 else α·x", PerElement(muls: 1, cmps: 1),
            example: .of(muls: 6, cmps: 6), "6 elements × (1 mul + 1 cmp)", head: .passThrough),
        unaryOp(
            "Elu", "x if x > 0 else α·(e^x − 1)", PerElement(muls: 1, adds: 1, exps: 1, cmps: 1),
            example: .of(muls: 6, adds: 6, exps: 6, cmps: 6), "6 elements × (1 mul + 1 add + 1 exp + 1 cmp)",
            head: .passThrough),
        unaryOp(
            "Selu", "λ·(x if x > 0 else α·(e^x − 1))", PerElement(muls: 2, adds: 1, exps: 1, cmps: 1),
            example: .of(muls: 12, adds: 6, exps: 6, cmps: 6), "6 elements × (2 muls + 1 add + 1 exp + 1 cmp)",
            head: .passThrough),
        unaryOp(
            "Gelu", "0.5·x·(1 + erf(x/√2))", PerElement(muls: 3, adds: 1, exps: 1),
            example: .of(muls: 18, adds: 6, exps: 6), "6 elements × (3 muls + 1 add + 1 exp)", head: .passThrough),
        unaryOp(
            "GeluTanh", "0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))", PerElement(muls: 6, adds: 2, exps: 1),
            example: .of(muls: 36, adds: 12, exps: 6), "6 elements × (6 muls + 2 adds + 1 exp)"),
        unaryOp(
            "HardSigmoid", "max(0, min(1, α·x + β))", PerElement(muls: 1, adds: 1, cmps: 2),
            example: .of(muls: 6, adds: 6, cmps: 12), "6 elements × (1 mul + 1 add + 2 cmps)", head: .passThrough),
        unaryOp(
            "HardSwish", "x · max(0, min(1, x/6 + 1/2))", PerElement(muls: 2, adds: 1, cmps: 2),
            example: .of(muls: 12, adds: 6, cmps: 12), "6 elements × (2 muls + 1 add + 2 cmps)", head: .passThrough),
        unaryOp(
            "Clip", "min(max(x, lo), hi)", PerElement(cmps: 2),
            example: .of(cmps: 12), "6 elements × 2 cmps", bounds: true, head: .passThrough),
        unaryOp(
            "Mish", "x · tanh(log(1 + e^x))", PerElement(muls: 1, adds: 1, exps: 3),
            example: .of(muls: 6, adds: 6, exps: 18), "6 elements × (1 mul + 1 add + 3 exps)"),
        unaryOp(
            "Sin", "sin(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Cos", "cos(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Tan", "tan(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Asin", "asin(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Acos", "acos(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Atan", "atan(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Sinh", "sinh(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Cosh", "cosh(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Asinh", "asinh(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Acosh", "acosh(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Atanh", "atanh(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "ThresholdedRelu", "x if x > α else 0", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp"),
        unaryOp(
            "Celu", "max(0, x) + min(0, α·(e^(x/α) − 1))",
            PerElement(muls: 1, adds: 2, divs: 1, exps: 1, cmps: 2),
            example: .of(muls: 6, adds: 12, divs: 6, exps: 6, cmps: 12),
            "6 elements × (1 mul + 2 adds + 1 div + 1 exp + 2 cmps)"),
        unaryOp(
            "Shrink", "x ± bias outside [−λ, λ], else 0", PerElement(adds: 1, cmps: 2),
            example: .of(adds: 6, cmps: 12), "6 elements × (1 add + 2 cmps)"),
        unaryOp(
            "IsSpecial", "isnan(x) or isinf(x)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp"),
        unaryOp(
            "Exp", "e^x", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Log", "log(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Sqrt", "√x", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp", value: { $0.squareRoot() }),
        unaryOp(
            "Rsqrt", "1/√x", PerElement(divs: 1, exps: 1),
            example: .of(divs: 6, exps: 6), "6 elements × (1 div + 1 exp)"),
        unaryOp(
            "Square", "x·x", PerElement(muls: 1),
            example: .of(muls: 6), "6 elements × 1 mul"),
        unaryOp(
            "Abs", "|x|", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp", value: { abs($0) }),
        unaryOp(
            "Neg", "−x", PerElement(muls: 1),
            example: .of(muls: 6), "6 elements × 1 mul", value: { -$0 }),
        unaryOp(
            "Reciprocal", "1/x", PerElement(divs: 1),
            example: .of(divs: 6), "6 elements × 1 div", value: { 1 / $0 }),
        unaryOp(
            "Erf", "erf(x)", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "Sign", "sign(x)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp", value: { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }),
        unaryOp(
            "Floor", "floor(x)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp", value: { $0.rounded(.down) }),
        unaryOp(
            "Ceil", "ceil(x)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp", value: { $0.rounded(.up) }),
        unaryOp(
            "Round", "round(x)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp"),
        unaryOp(
            "Not", "logical not", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp", value: { $0 == 0 ? 1 : 0 }),
        unaryOp(
            "BitwiseNot", "~x (bits inverted; a logic op, counted as 1 cmp)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp", value: { Double(~bits($0)) }),
        unaryOp(
            "Swish", "x · σ(α·x)", PerElement(muls: 2, adds: 1, divs: 1, exps: 1),
            example: .of(muls: 12, adds: 6, divs: 6, exps: 6), "6 elements × (2 muls + 1 add + 1 div + 1 exp)",
            head: .passThrough),
    ]

    /// An integer carried as a Double, as bits (values carried here are integers well inside Int).
    static func bits(_ x: Double) -> Int { Int(exactly: x.rounded(.towardZero)) ?? 0 }

    // MARK: Arithmetic with a scalar

    /// `x ∘ c` for a scalar attribute `c`; the reversed forms (`c − x`, `c / x`) cost the same.
    static let scalar: [OpDefinition] = [
        unaryOp(
            "AddScalar", "x ± c or c − x", PerElement(adds: 1),
            example: .of(adds: 6), "6 elements × 1 add"),
        unaryOp(
            "MulScalar", "x · c", PerElement(muls: 1),
            example: .of(muls: 6), "6 elements × 1 mul"),
        unaryOp(
            "DivScalar", "x / c or c / x", PerElement(divs: 1),
            example: .of(divs: 6), "6 elements × 1 div"),
        unaryOp(
            "PowScalar", "x^c or c^x", PerElement(exps: 1),
            example: .of(exps: 6), "6 elements × 1 exp"),
        unaryOp(
            "MaxScalar", "max(x, c)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp"),
        unaryOp(
            "MinScalar", "min(x, c)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp"),
        unaryOp(
            "CompareScalar", "x = c, x > c, … (1 or 0)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 elements × 1 cmp"),
    ]

    // MARK: Two tensors

    /// `a ∘ b ∘ …` over two or more operands with NumPy broadcasting, or equal shapes when the
    /// attribute `broadcast` is false (MXNet's `elemwise_*`). n operands cost n − 1 steps per
    /// output element; `value` computes known values (shape arithmetic). `outputType` overrides
    /// the result's element type (ONNX comparisons give bool). `example`: the expected cost of a
    /// 2×3 tensor with a 1×3 one, worked out by hand in `arithmetic`.
    static func binaryOp(
        _ type: String, _ formula: String, _ cost: PerElement, final: PerElement = PerElement(),
        example: OpCost, _ arithmetic: String, value: Evaluator? = nil, head: HeadRole? = nil
    ) -> OpDefinition {
        OpDefinition(
            type, "element-wise \(formula) with broadcasting", head: head, inputs: [.data, .variadic],
            shape: { q in try broadcastShape(q, value: value) },
            cost: .formula(
                "\(cost) per output element and extra operand\(final == PerElement() ? "" : ", then \(final)"): \(formula)",
                { q in
                    let steps = try OpCost(elements: q.outputElements * (q.inputs.count - 1), cost)
                    let last = try OpCost(elements: q.outputElements, final)
                    return try OpCost(
                        muls: Exact(steps.muls) + last.muls, adds: Exact(steps.adds) + last.adds,
                        divs: Exact(steps.divs) + last.divs, exps: Exact(steps.exps) + last.exps,
                        cmps: Exact(steps.cmps) + last.cmps)
                }),
            examples: [
                Example(
                    "2×3 tensor", inputs: [[2, 3], [1, 3]], outputs: [[2, 3]], cost: example,
                    arithmetic: arithmetic)
            ])
    }

    /// How a binary op computes known values: from the node's attributes, a function of two
    /// operands, or `nil` when the attributes name none.
    typealias Evaluator = @Sendable (Attributes) throws -> ((Double, Double) -> Double)?

    /// The broadcast shape of all operands (or their one shape, with `broadcast` false), and the
    /// values when `value` can compute them.
    static func broadcastShape(_ q: ShapeQuery, value: Evaluator?) throws -> ShapeResult {
        let operands = try (0..<q.count).map { try q.input($0) }
        var shape = operands[0].shape
        for other in operands.dropFirst() {
            if try !q.attributes.bool("broadcast", default: true), other.shape != shape {
                throw RuleError("operand shapes differ: \(formatShape(shape)) and \(formatShape(other.shape))")
            }
            shape = try ShapeMath.broadcast(shape, other.shape)
        }
        let name = try q.attributes.string("outputType", default: operands[0].dataType.rawValue)
        guard let outputType = DataType(rawValue: name) else { throw RuleError("unknown data type '\(name)'") }
        if let value, let f = try value(q.attributes) {
            let values = evaluate(operands, out: shape, type: outputType) { $0.dropFirst().reduce($0[0], f) }
            return ShapeResult(output: values)
        }
        return ShapeResult(shape: shape, dataType: outputType)
    }

    /// The comparison an attribute `comparison` names, as a 1/0 function.
    static let comparisons: [String: @Sendable (Double, Double) -> Double] = [
        "equal": { $0 == $1 ? 1 : 0 }, "not_equal": { $0 != $1 ? 1 : 0 }, "greater": { $0 > $1 ? 1 : 0 },
        "greater_equal": { $0 >= $1 ? 1 : 0 }, "less": { $0 < $1 ? 1 : 0 }, "less_equal": { $0 <= $1 ? 1 : 0 },
        "and": { $0 != 0 && $1 != 0 ? 1 : 0 }, "or": { $0 != 0 || $1 != 0 ? 1 : 0 },
        "xor": { ($0 != 0) != ($1 != 0) ? 1 : 0 },
        "bitand": { Double(bits($0) & bits($1)) }, "bitor": { Double(bits($0) | bits($1)) },
        "bitxor": { Double(bits($0) ^ bits($1)) },
    ]

    static let binary: [OpDefinition] = [
        binaryOp(
            "Add", "a + b", PerElement(adds: 1),
            example: .of(adds: 6), "6 outputs × 1 extra operand × 1 add", value: { _ in { $0 + $1 } },
            head: .combinesHeads),
        binaryOp(
            "Sub", "a − b", PerElement(adds: 1),
            example: .of(adds: 6), "6 outputs × 1 extra operand × 1 add", value: { _ in { $0 - $1 } }),
        binaryOp(
            "Mul", "a · b", PerElement(muls: 1),
            example: .of(muls: 6), "6 outputs × 1 extra operand × 1 mul", value: { _ in { $0 * $1 } },
            head: .combinesHeads),
        binaryOp(
            "Div", "a / b", PerElement(divs: 1),
            example: .of(divs: 6), "6 outputs × 1 extra operand × 1 div",
            value: { a in
                // Integer division truncates toward zero (the result type decides).
                { $1 == 0 ? .nan : $0 / $1 }
            },
            head: .combinesHeads),
        binaryOp(
            "Pow", "a^b", PerElement(exps: 1),
            example: .of(exps: 6), "6 outputs × 1 extra operand × 1 exp",
            value: { _ in { Foundation.pow($0, $1) } }),
        binaryOp(
            "Mod", "a mod b (floored, or truncated with fmod)", PerElement(divs: 1),
            example: .of(divs: 6), "6 outputs × 1 extra operand × 1 div",
            value: { a in
                let truncated = try a.bool("fmod", default: false)
                return { x, y in
                    guard y != 0 else { return .nan }
                    let r = Foundation.fmod(x, y)
                    return truncated || r == 0 || (r < 0) == (y < 0) ? r : r + y
                }
            }),
        binaryOp(
            "Max", "max(a, b, …)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 outputs × 1 extra operand × 1 cmp", value: { _ in { Swift.max($0, $1) } }),
        binaryOp(
            "Min", "min(a, b, …)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 outputs × 1 extra operand × 1 cmp", value: { _ in { Swift.min($0, $1) } }),
        binaryOp(
            "Mean", "(a + b + …) / n", PerElement(adds: 1), final: PerElement(divs: 1),
            example: .of(adds: 6, divs: 6), "6 outputs × 1 extra operand × 1 add, then 6 × 1 div", head: .combinesHeads),
        binaryOp(
            "Compare", "a = b, a > b, … (1 or 0)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 outputs × 1 extra operand × 1 cmp",
            value: { a in
                comparisons[try a.string("comparison", default: "")]
            }),
        binaryOp(
            "BitShift", "a << b or a >> b (a logic op, counted as 1 cmp)", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 outputs × 1 extra operand × 1 cmp",
            value: { a in
                let left = try a.choice("direction", ["left", "right"], default: "left") == "left"
                return { x, y in
                    let (v, n) = (UInt64(truncatingIfNeeded: bits(x)), bits(y))
                    guard n >= 0, n < 64 else { return 0 }
                    return Double(left ? v << UInt64(n) : v >> UInt64(n))
                }
            }),
        binaryOp(
            "Logical", "a and b, a or b, …", PerElement(cmps: 1),
            example: .of(cmps: 6), "6 outputs × 1 extra operand × 1 cmp",
            value: { a in
                comparisons[try a.string("comparison", default: "")]
            }),
    ]

    static let addN = OpDefinition(
        "AddN", "sum of n tensors of one shape", head: .combinesHeads,
        inputs: [.data, .variadic],
        shape: { q in
            let first = try q.input(0)
            for i in 1..<q.count where try q.input(i).shape != first.shape {
                throw RuleError(
                    "input \(i) has shape \(formatShape(try q.input(i).shape)), expected \(formatShape(first.shape))")
            }
            return ShapeResult(output: first)
        },
        cost: .formula(
            "(n − 1) adds per element",
            { q in
                try OpCost(adds: q.outputElements * (q.inputs.count - 1))
            }),
        examples: [
            Example(
                "three 2×3 tensors", inputs: [[2, 3], [2, 3], [2, 3]], outputs: [[2, 3]],
                cost: .of(adds: 12), arithmetic: "6 elements × 2 adds")
        ])

    /// Parametric ReLU: the slope is learned, one per channel unless the file declares another
    /// broadcastable shape.
    static let pRelu = OpDefinition(
        "PRelu", "x if x > 0 else α·x with learned α (one per channel)",
        head: .passThrough,
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
        cost: .formula(
            "1 cmp + 1 mul per element",
            { q in
                try OpCost(elements: q.outputElements, PerElement(muls: 1, cmps: 1))
            }),
        examples: [
            Example(
                "per-channel slope", inputs: [[1, 4, 2, 2], nil], outputs: [[1, 4, 2, 2]], derived: [1: [4]],
                cost: .of(muls: 16, cmps: 16), arithmetic: "16 elements × (1 mul + 1 cmp)")
        ])
}
