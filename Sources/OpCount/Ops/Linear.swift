/// Fully connected layers and matrix products.
///
/// `FullyConnected` attributes: `units`, `flatten` (default true: all non-batch dimensions are
/// the features; false: only the last). Inputs: data, weight `(units, features)`, optional bias.
/// `MatMul` attributes: `transposeA`, `transposeB` (swap the last two axes), `broadcast`
/// (default true: NumPy batch broadcasting; false: batch dimensions must match).
/// `Dot` is MXNet's `dot`: the last axis of the first operand against the first of the second,
/// where transposing an operand reverses all its axes.
enum LinearOps {
    static let definitions: [OpDefinition] = [fullyConnected, matMul, dot, gemm, einsum]

    /// ONNX Gemm: `alpha · A′B′ + beta · C` with A′, B′ optionally transposed and C broadcast.
    static let gemm = OpDefinition(
        "Gemm", "general matrix product: alpha·A·B + beta·C",
        head: .anchor(.dense),
        inputs: [.data, .parameter, .optionalParameter],
        shape: gemmShape,
        cost: .formula(
            "MACs = M·N·K; adds = M·N·(K − 1), + M·N with C; muls + M·N for alpha ≠ 1 and for beta ≠ 1 with C",
            { q in
                let a = try q.input(0)
                let k = try q.attributes.bool("transposeA", default: false) ? a.shape[0] : a.shape[1]
                let out = q.outputElements
                let withC = q.isPresent(2)
                let alpha = try q.attributes.float("alpha", default: 1)
                let beta = try q.attributes.float("beta", default: 1)
                let extraMuls: Exact = (alpha != 1 ? out : 0) + (withC && beta != 1 ? out : 0)
                return try OpCost(macs: out * k, muls: out * k + extraMuls, adds: out * (k - 1) + (withC ? out : 0))
            }),
        examples: [
            Example(
                "a classifier: B transposed, bias", inputs: [[2, 16], [10, 16], [10]],
                attributes: ["transposeB": .bool(true)],
                outputs: [[2, 10]], cost: .of(macs: 320, muls: 320, adds: 320),
                arithmetic: "M 2, N 10, K 16: MACs 320; adds 20·15 + 20"),
            Example(
                "alpha and beta", inputs: [[3, 4], [4, 5], [1, 5]],
                attributes: ["alpha": .float(0.5), "beta": .float(2)],
                outputs: [[3, 5]], cost: .of(macs: 60, muls: 90, adds: 60),
                arithmetic: "out 15 × K 4 = 60 MACs; muls + 15 (alpha) + 15 (beta); adds 15·3 + 15"),
        ])

    /// The `M × N` product of A′ (M × K) and B′ (K × N); C must broadcast to it.
    static func gemmShape(_ q: ShapeQuery) throws -> ShapeResult {
        let a = try q.input(0)
        guard a.rank == 2 else { throw RuleError("A must be 2-D, got \(formatShape(a.shape))") }
        let ta = try q.attributes.bool("transposeA", default: false)
        let tb = try q.attributes.bool("transposeB", default: false)
        let (m, k) = ta ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        guard let b = q.optionalInput(1) else { throw RuleError("B has no known shape") }
        guard b.rank == 2 else { throw RuleError("B must be 2-D, got \(formatShape(b.shape))") }
        let (k2, n) = tb ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == k2 else { throw RuleError("inner dimensions differ: \(k) and \(k2)") }
        if let c = q.optionalInput(2) {
            guard try ShapeMath.broadcast([m, n], c.shape) == [m, n] else {
                throw RuleError("C of shape \(formatShape(c.shape)) does not broadcast to \(m)x\(n)")
            }
        }
        return ShapeResult(shape: [m, n], dataType: a.dataType)
    }

    /// Einstein summation over one or more operands (`equation` like `bij,bjk->bik`). Every
    /// combination of all index values costs one multiply per extra operand; the products are
    /// summed into the output: MACs = muls = (operands − 1) × Π all index sizes,
    /// adds = Π all index sizes − output elements.
    static let einsum = OpDefinition(
        "Einsum", "Einstein summation (contractions, batched products, transposes)",
        inputs: [.data, .variadic],
        shape: { q in
            let operands = try (0..<q.count).map { try q.input($0) }
            let (sizes, output) = try Einsum.parse(try q.attributes.string("equation"), operands.map(\.shape))
            return ShapeResult(shape: output.map { sizes[$0]! }, dataType: operands[0].dataType)
        },
        cost: .formula(
            "MACs = (operands − 1) × Π index sizes; adds = Π index sizes − output",
            { q in
                let (sizes, _) = try Einsum.parse(try q.attributes.string("equation"), q.inputs.map(\.shape))
                let all = sizes.values.exactProduct
                let products = all * (q.inputs.count - 1)
                return try OpCost(macs: products, muls: products, adds: all - q.outputElements)
            }),
        examples: [
            Example(
                "batched matrix product", inputs: [[2, 3, 4], [2, 4, 5]],
                attributes: ["equation": .string("bij,bjk->bik")],
                outputs: [[2, 3, 5]], cost: .of(macs: 120, muls: 120, adds: 90),
                arithmetic: "b2 i3 j4 k5: 120 products; adds 120 − 30"),
            Example(
                "attention scores with ellipsis", inputs: [[1, 2, 3, 8], [1, 2, 5, 8]],
                attributes: ["equation": .string("...qd,...kd->...qk")],
                outputs: [[1, 2, 3, 5]], cost: .of(macs: 240, muls: 240, adds: 210),
                arithmetic: "2·3·5·8 = 240; adds 240 − 30"),
            Example(
                "ellipsis over eleven batch axes",
                inputs: [
                    [2] + Array(repeating: 1, count: 10) + [3, 4], [2] + Array(repeating: 1, count: 10) + [4, 5],
                ],
                attributes: ["equation": .string("...ij,...jk->...ik")],
                outputs: [[2] + Array(repeating: 1, count: 10) + [3, 5]], cost: .of(macs: 120, muls: 120, adds: 90),
                arithmetic: "batch 2, i3 j4 k5: 120 products; adds 120 − 30"),
            Example(
                "implicit output: transpose", inputs: [[2, 3]], attributes: ["equation": .string("ji")],
                outputs: [[3, 2]], cost: .of(),
                arithmetic: "one operand, nothing summed"),
        ])

    static let fullyConnected = OpDefinition(
        "FullyConnected", "dense layer: y = x·Wᵀ + b",
        head: .anchor(.dense),
        inputs: [.data, .parameter, .optionalParameter],
        shape: fullyConnectedShape,
        cost: .formula(
            "MACs = output elements × input features; adds = output × (features − 1), + output with a bias",
            { q in
                let out = q.outputElements
                let weight = try q.input(1).shape
                guard weight.count == 2 else { throw RuleError("the weight \(formatShape(weight)) is not a matrix") }
                let features = weight[1]
                let bias: Exact = q.isPresent(2) ? out : 0
                return try OpCost(macs: out * features, muls: out * features, adds: out * (features - 1) + bias)
            }),
        mxop: .init(
            "Dense hook with its off-by-one: n = prod(input[1:]) − 1; muls = output × n, adds = output × (n − 1)"
        ) { q in
            // mxop's count_fc: n_features = prod(x.shape[1:]) − 1 (its off-by-one), times output size.
            let features = try q.input(0).shape.dropFirst().exactProduct - 1
            let out = q.outputElements
            return try MxopCost(muls: out * features, adds: out * (features - 1))
        },
        examples: [
            Example(
                "classifier on a flattened feature map, with bias", inputs: [[2, 4, 2, 2], nil, nil],
                attributes: ["units": .int(10)],
                outputs: [[2, 10]], derived: [1: [10, 16], 2: [10]],
                cost: .of(macs: 320, muls: 320, adds: 320),
                mxop: .of(muls: 300, adds: 280),
                arithmetic:
                    "features 16, out 20: MACs 320, adds 20·15 + 20; mxop: 20·(16−1) = 300 muls, 20·14 = 280 adds"),
            Example(
                "flatten=false applies to the last axis", inputs: [[2, 5, 8], nil],
                attributes: ["units": .int(3), "flatten": .bool(false)],
                outputs: [[2, 5, 3]], derived: [1: [3, 8]],
                cost: .of(macs: 240, muls: 240, adds: 210),
                mxop: .of(muls: 1170, adds: 1140),
                arithmetic: "out 30 × 8 = 240 MACs; adds 30·7; mxop uses prod(x.shape[1:]) − 1 = 39: 30·39, 30·38"),
        ])

    /// The output, with the weight `(units, features)` and bias shapes it implies.
    static func fullyConnectedShape(_ q: ShapeQuery) throws -> ShapeResult {
        let x = try q.input(0)
        try ShapeMath.requireRank(x, atLeast: 1, "a fully connected layer")
        let units =
            try q.attributes.has("units")
            ? q.attributes.int("units")
            : (q.optionalInput(1)?.shape.first).orThrow("missing attribute 'units'")
        try ShapeMath.requirePositive([units], "units")
        let flatten = try q.attributes.bool("flatten", default: true)
        let features: Int
        let out: [Int]
        if flatten {
            // A rank-1 input is a batch of scalars (MXNet).
            features = try ShapeMath.product(x.shape.dropFirst(), "input features")
            out = [x.shape[0], units]
        } else {
            features = x.shape[x.rank - 1]
            out = Array(x.shape.dropLast()) + [units]
        }
        var derived: [Int: [Int]] = [1: [units, features]]
        if q.isPresent(2) { derived[2] = [units] }
        return ShapeResult(shape: out, dataType: x.dataType, inputShapes: derived)
    }

    static let matMul = OpDefinition(
        "MatMul", "matrix product with batch dimensions (NumPy matmul semantics)",
        head: .anchor(.dense),
        inputs: [.data, .data],
        shape: matMulShape,
        cost: .formula(
            "MACs = output elements × inner dimension; adds = output × (inner − 1)",
            { q in
                let a = try q.input(0)
                let ta = try q.attributes.bool("transposeA", default: false)
                let k = a.rank == 1 ? a.shape[0] : (ta ? a.shape[a.rank - 2] : a.shape[a.rank - 1])
                let out = q.outputElements
                return try OpCost(macs: out * k, muls: out * k, adds: out * (k - 1))
            }),
        examples: [
            Example(
                "batched product (batch_dot)", inputs: [[4, 2, 3], [4, 3, 5]],
                outputs: [[4, 2, 5]], cost: .of(macs: 120, muls: 120, adds: 80),
                arithmetic: "out 4·2·5 = 40, inner 3: MACs 120, adds 40·2"),
            Example(
                "broadcast batch and transposed second operand", inputs: [[2, 1, 4, 6], [3, 5, 6]],
                attributes: ["transposeB": .bool(true)],
                outputs: [[2, 3, 4, 5]], cost: .of(macs: 720, muls: 720, adds: 600),
                arithmetic: "out 2·3·4·5 = 120, inner 6: MACs 720, adds 120·5"),
            Example(
                "vector times matrix", inputs: [[3], [3, 2]],
                outputs: [[2]], cost: .of(macs: 6, muls: 6, adds: 4),
                arithmetic: "out 2, inner 3"),
        ])

    /// The NumPy matmul shape: broadcast batch axes, then M × N; a 1-D operand's added axis is dropped again.
    static func matMulShape(_ q: ShapeQuery) throws -> ShapeResult {
        let (a, b) = (try q.input(0), try q.input(1))
        guard a.rank >= 1, b.rank >= 1 else { throw RuleError("matmul operands must have rank 1 or more") }
        let ta = try q.attributes.bool("transposeA", default: false)
        let tb = try q.attributes.bool("transposeB", default: false)
        var lhs = a.shape
        var rhs = b.shape
        if ta && lhs.count >= 2 { lhs.swapAt(lhs.count - 1, lhs.count - 2) }
        if tb && rhs.count >= 2 { rhs.swapAt(rhs.count - 1, rhs.count - 2) }
        let lhsVector = lhs.count == 1
        let rhsVector = rhs.count == 1
        if lhsVector { lhs = [1] + lhs }
        if rhsVector { rhs = rhs + [1] }
        let (m, k) = (lhs[lhs.count - 2], lhs[lhs.count - 1])
        let (k2, n) = (rhs[rhs.count - 2], rhs[rhs.count - 1])
        guard k == k2 else {
            throw RuleError("inner dimensions differ: \(formatShape(a.shape)) × \(formatShape(b.shape))")
        }
        var out = try batchShape(
            Array(lhs.dropLast(2)), Array(rhs.dropLast(2)),
            broadcast: q.attributes.bool("broadcast", default: true))
        if !lhsVector { out.append(m) }
        if !rhsVector { out.append(n) }
        return ShapeResult(shape: out, dataType: a.dataType)
    }

    /// The batch axes of a matrix product: broadcast, or required equal.
    static func batchShape(_ a: [Int], _ b: [Int], broadcast: Bool) throws -> [Int] {
        if broadcast { return try ShapeMath.broadcast(a, b) }
        guard a == b else { throw RuleError("batch dimensions differ: \(formatShape(a)) and \(formatShape(b))") }
        return a
    }

    static let dot = OpDefinition(
        "Dot", "MXNet dot: contracts the last axis of A with the first axis of B",
        inputs: [.data, .data],
        shape: { q in
            let (a, b) = (try q.input(0), try q.input(1))
            guard a.rank >= 1, b.rank >= 1 else { throw RuleError("dot operands must have rank 1 or more") }
            let lhs = try q.attributes.bool("transposeA", default: false) ? Array(a.shape.reversed()) : a.shape
            let rhs = try q.attributes.bool("transposeB", default: false) ? Array(b.shape.reversed()) : b.shape
            guard lhs.last == rhs.first else {
                throw RuleError(
                    "dot shapes \(formatShape(lhs)) and \(formatShape(rhs)) do not share the contracted dimension")
            }
            var out = Array(lhs.dropLast()) + Array(rhs.dropFirst())
            if out.isEmpty { out = [1] }
            return ShapeResult(shape: out, dataType: a.dataType)
        },
        cost: .formula(
            "MACs = output elements × contracted dimension; adds = output × (contracted − 1)",
            { q in
                let a = try q.input(0)
                let k = try q.attributes.bool("transposeA", default: false) ? a.shape[0] : a.shape[a.rank - 1]
                let out = q.outputElements
                return try OpCost(macs: out * k, muls: out * k, adds: out * (k - 1))
            }),
        examples: [
            Example(
                "matrix × matrix with the first transposed", inputs: [[3, 2], [3, 4]],
                attributes: ["transposeA": .bool(true)],
                outputs: [[2, 4]], cost: .of(macs: 24, muls: 24, adds: 16),
                arithmetic: "out 8, contracted 3"),
            Example(
                "3-D by matrix", inputs: [[2, 3, 4], [4, 5]],
                outputs: [[2, 3, 5]], cost: .of(macs: 120, muls: 120, adds: 90),
                arithmetic: "out 30, contracted 4"),
        ])
}

extension Optional {
    /// The value, or a ``RuleError`` with `message`.
    func orThrow(_ message: @autoclosure () -> String) throws -> Wrapped {
        guard let self else { throw RuleError(message()) }
        return self
    }
}
