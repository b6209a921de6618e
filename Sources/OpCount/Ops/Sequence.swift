/// Operators of recent ONNX opsets for sequence models and the like: deformable and stateful
/// causal convolution, linear attention, the KV-cache update, the determinant, and the bit-level
/// reinterpretation of a tensor.
enum SequenceOps {
    static let definitions: [OpDefinition] = [
        deformConv, causalConv, linearAttention, tensorScatter, determinant, bitCast,
    ]

    // MARK: Convolutions

    /// Deformable convolution (inputs X, W, offset, bias, mask): a convolution whose every tap
    /// samples the input at a learned offset, bilinearly.
    static let deformConv = OpDefinition(
        "DeformConv", "deformable convolution: each kernel tap samples at a learned offset",
        inputs: [.data, .parameter, .data, .optionalParameter, .optionalData],
        shape: { q in
            let base = try ConvolutionOps.convolutionShape(
                ShapeQuery(
                    inputs: [try q.input(0), q.optionalInput(1), q.isPresent(3) ? q.optionalInput(3) : nil],
                    attributes: q.attributes, absent: q.isPresent(3) ? [] : [2]))
            let out = base.outputs[0]
            let kernel = Array((base.inputShapes[1] ?? []).dropFirst(2))
            let taps = kernel.reduce(1) { $0 * $1 }
            let groups = try q.attributes.int("offsetGroups", default: 1)
            try ShapeMath.requirePositive([groups], "offset groups")
            let spatial = Array(out.shape.dropFirst(2))
            let offset = try q.input(2)
            let sampled = try ShapeMath.times(groups, taps, "offset channels")
            let expected = [out.shape[0], try ShapeMath.times(sampled, kernel.count, "offset channels")] + spatial
            guard offset.shape == expected else {
                throw RuleError(
                    "the offsets are \(formatShape(offset.shape)); this convolution needs \(formatShape(expected))")
            }
            let maskShape = [out.shape[0], sampled] + spatial
            if let mask = q.optionalInput(4), mask.shape != maskShape {
                throw RuleError(
                    "the mask is \(formatShape(mask.shape)); this convolution needs \(formatShape(maskShape))")
            }
            var derived: [Int: [Int]] = [:]
            if let weight = base.inputShapes[1] { derived[1] = weight }
            if let bias = base.inputShapes[2] { derived[3] = bias }
            return ShapeResult(output: out, inputShapes: derived)
        },
        cost: .formula(
            "the convolution's MACs (output × input channels / groups × kernel); per sampling point (offset group × "
                + "tap × output position): 2 adds for its position, 2 cmps (floor), 4 adds + 4 muls for the bilinear "
                + "weights; per sampled value (channel × tap × output position): 4 muls + 3 adds, 1 mul more with a mask; "
                + "1 add per output with a bias",
            { q in
                let (x, weight, offset) = (q.inputs[0], q.inputs[1], q.inputs[2])
                let out = q.outputElements
                let perOutput = weight.shape.dropFirst().exactProduct
                let macs = out * perOutput
                let positions = offset.shape.dropFirst(2).exactProduct * offset.shape[0]
                let taps = weight.shape.dropFirst(2).exactProduct
                let groups = try q.attributes.int("offsetGroups", default: 1)
                let points = positions * taps * groups
                let values = positions * taps * x.shape[1]
                let masked = q.isPresent(4)
                return try OpCost(
                    macs: macs, muls: macs + points * 4 + values * (masked ? 5 : 4),
                    adds: out * (perOutput - 1) + (q.isPresent(3) ? out : 0) + points * 6 + values * 3,
                    cmps: points * 2)
            }),
        examples: [
            Example(
                "1 channel 3×3, a 2×2 kernel, no padding", inputs: [[1, 1, 3, 3], [1, 1, 2, 2], [1, 8, 2, 2]],
                outputs: [[1, 1, 2, 2]], cost: .of(macs: 16, muls: 144, adds: 156, cmps: 32),
                arithmetic: "MACs 4 × 4; 16 points (4 positions × 4 taps): 64 muls, 96 adds, 32 cmps; 16 values: "
                    + "64 muls, 48 adds; accumulation 4 × 3 adds")
        ])

    /// A causal depthwise 1-D convolution that carries its last k − 1 inputs (inputs: input
    /// [B, C, L], weight [C, 1, k], bias, past state [B, C, k − 1]; outputs: output, present state).
    static let causalConv = OpDefinition(
        "CausalConvWithState", "causal depthwise 1-D convolution carrying its last k − 1 inputs as state",
        inputs: [.data, .parameter, .optionalParameter, .optionalData],
        shape: { q in
            let (x, weight) = (try q.input(0), try q.input(1))
            guard x.rank == 3, weight.rank == 3, weight.shape[0] == x.shape[1], weight.shape[1] == 1,
                weight.shape[2] >= 1
            else {
                throw RuleError(
                    "expects input [B, C, L] and weight [C, 1, k], got \(formatShape(x.shape)) and "
                        + "\(formatShape(weight.shape))")
            }
            let state = [x.shape[0], x.shape[1], weight.shape[2] - 1]
            if let past = q.optionalInput(3), past.shape != state {
                throw RuleError("the past state is \(formatShape(past.shape)); it must be \(formatShape(state))")
            }
            var result = ShapeResult(outputs: [
                TensorInfo(shape: x.shape, dataType: x.dataType), TensorInfo(shape: state, dataType: x.dataType),
            ])
            if q.isPresent(2) { result.inputShapes[2] = [x.shape[1]] }
            return result
        },
        cost: .formula(
            "MACs = output elements × k; adds = output × (k − 1), + output with a bias; SiLU 1 mul + 1 add + 1 div + 1 exp per output",
            { q in
                let out = q.outputs[0].elementCount
                let k = q.inputs[1].shape[2]
                let macs = out * k
                let silu = try ["silu", "swish"].contains(q.attributes.string("activation", default: "none"))
                return try OpCost(
                    macs: macs, muls: macs + (silu ? out : 0),
                    adds: out * (k - 1) + (q.isPresent(2) ? out : 0) + (silu ? out : 0), divs: silu ? out : 0,
                    exps: silu ? out : 0)
            }),
        examples: [
            Example(
                "2 × 4 channels × 8 steps, kernel 4, SiLU", inputs: [[2, 4, 8], [4, 1, 4]],
                attributes: ["activation": .string("silu")], outputs: [[2, 4, 8], [2, 4, 3]],
                cost: .of(macs: 256, muls: 320, adds: 256, divs: 64, exps: 64),
                arithmetic: "64 outputs × 4 taps = 256 MACs; 64 × 3 accumulating adds + 64 SiLUs")
        ])

    // MARK: Linear attention

    /// The head geometry of linear attention: query [B, T, Hq·dk], key [B, T, Hkv·dk], value
    /// [B, T, Hkv·dv], state [B, Hkv, dk, dv].
    static func linearGeometry(_ q: ShapeQuery) throws -> (b: Int, t: Int, hq: Int, hkv: Int, dk: Int, dv: Int) {
        let (query, key, value) = (try q.input(0), try q.input(1), try q.input(2))
        let hq = try q.attributes.int("qHeads")
        let hkv = try q.attributes.int("kvHeads")
        guard query.rank == 3, key.rank == 3, value.rank == 3, hq >= 1, hkv >= 1, hq % hkv == 0,
            query.shape[2] % hq == 0, value.shape[2] % hkv == 0, key.shape[2] == query.shape[2] / hq * hkv,
            key.shape[0] == query.shape[0], key.shape[1] == query.shape[1], value.shape[0] == query.shape[0],
            value.shape[1] == query.shape[1]
        else {
            throw RuleError(
                "expects query [B, T, Hq·dk], key [B, T, Hkv·dk], value [B, T, Hkv·dv] with \(hq) query and \(hkv) "
                    + "key/value heads, got \(formatShape(query.shape)), \(formatShape(key.shape)), \(formatShape(value.shape))"
            )
        }
        return (query.shape[0], query.shape[1], hq, hkv, query.shape[2] / hq, value.shape[2] / hkv)
    }

    static let linearAttention = OpDefinition(
        "LinearAttention",
        "linear attention: a recurrent key–value state updated per token (linear, gated, delta rules)",
        inputs: [.data, .data, .data, .optionalData, .optionalData, .optionalData],
        shape: { q in
            let g = try linearGeometry(q)
            let state = [g.b, g.hkv, g.dk, g.dv]
            if let past = q.optionalInput(3), past.shape != state {
                throw RuleError("the past state is \(formatShape(past.shape)); it must be \(formatShape(state))")
            }
            let type = try q.input(0).dataType
            return ShapeResult(outputs: [
                TensorInfo(shape: [g.b, g.t, g.hq * g.dv], dataType: type), TensorInfo(shape: state, dataType: type),
            ])
        },
        cost: .formula(
            "per token and key/value head: the state update k⊗v (dk·dv MACs); delta rules also Sᵀk (dk·dv MACs), "
                + "v − Sᵀk (dv adds) and β· (dv muls); gated rules exp(g) (1 exp per decay value) and the decayed "
                + "state (dk·dv muls); per token and query head: qᵀS (dk·dv MACs) and the scale (dv muls)",
            { q in
                let g = try linearGeometry(
                    q.shapeQuery)
                let rule = try q.attributes.choice(
                    "updateRule", ["linear", "gated", "delta", "gated_delta"], default: "gated_delta")
                let delta = rule.hasSuffix("delta")
                let gated = rule.hasPrefix("gated")
                let tokens = Exact(g.b) * g.t
                let state = Exact(g.dk) * g.dv
                let perKV = state * (delta ? 2 : 1)
                let macs = tokens * (perKV * g.hkv + state * g.hq)
                var muls = macs + tokens * g.hq * g.dv
                var adds = macs
                var exps = Exact(0)
                if delta {
                    muls = muls + tokens * g.hkv * g.dv
                    adds = adds + tokens * g.hkv * g.dv
                }
                if gated, q.isPresent(4) {
                    exps = q.inputs[4].elementCount
                    muls = muls + tokens * g.hkv * state
                }
                return try OpCost(macs: macs, muls: muls, adds: adds, exps: exps)
            }),
        examples: [
            Example(
                "linear rule: 2 × 4 tokens, 4 heads of 8", inputs: [[2, 4, 32], [2, 4, 32], [2, 4, 32]],
                attributes: ["qHeads": .int(4), "kvHeads": .int(4), "updateRule": .string("linear")],
                outputs: [[2, 4, 32], [2, 4, 8, 8]], cost: .of(macs: 4096, muls: 4352, adds: 4096),
                arithmetic: "8 tokens × (4 heads × 64 update + 4 heads × 64 read) = 4096 MACs; scale 8 × 4 × 8 muls"),
            Example(
                "gated delta rule with a per-head decay",
                inputs: [[2, 4, 32], [2, 4, 32], [2, 4, 32], nil, [2, 4, 4], [2, 4, 4]],
                absent: [3], attributes: ["qHeads": .int(4), "kvHeads": .int(4)],
                outputs: [[2, 4, 32], [2, 4, 8, 8]], cost: .of(macs: 6144, muls: 8704, adds: 6400, exps: 32),
                arithmetic: "MACs 8 × (4 × 128 + 4 × 64); muls + scale 256 + β 256 + decay 8 × 4 × 64; exps 32"),
        ])

    // MARK: Cache, determinant, reinterpretation

    /// Writes `update` into `past_cache` along `axis` at each batch entry's write index.
    static let tensorScatter = OpDefinition(
        "TensorScatter", "write a KV-cache update into the cache along the sequence axis",
        inputs: [.data, .data, .optionalData],
        shape: { q in
            let (cache, update) = (try q.input(0), try q.input(1))
            let axis = try ShapeMath.axis(q.attributes.int("axis", default: -2), rank: cache.rank)
            guard update.rank == cache.rank, axis >= 1,
                (0..<cache.rank).allSatisfy({ $0 == axis || update.shape[$0] == cache.shape[$0] }),
                update.shape[axis] <= cache.shape[axis]
            else {
                throw RuleError(
                    "the update \(formatShape(update.shape)) does not fit the cache \(formatShape(cache.shape)) along axis \(axis)"
                )
            }
            return ShapeResult(output: TensorInfo(shape: cache.shape, dataType: cache.dataType))
        },
        cost: .zero(reason: "copies the update into the cache: no arithmetic"),
        examples: [
            Example(
                "one new token into a cache of 4", inputs: [[2, 1, 4, 5], [2, 1, 1, 5], [2]], outputs: [[2, 1, 4, 5]])
        ])

    /// The determinant of each trailing M × M matrix, by Gaussian elimination with partial pivoting.
    static let determinant = OpDefinition(
        "Det", "determinant of square matrices (batched)",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            guard x.rank >= 2, x.shape[x.rank - 1] == x.shape[x.rank - 2] else {
                throw RuleError("expects square matrices [..., M, M], got \(formatShape(x.shape))")
            }
            return ShapeResult(shape: Array(x.shape.dropLast(2)), dataType: x.dataType)
        },
        cost: .formula(
            "per M × M matrix (elimination with partial pivoting): Σ(M−k−1)² muls and adds for the updates, "
                + "M(M−1)/2 divs, M(M+1)/2 cmps for the pivots, M − 1 muls for the diagonal's product",
            { q in
                let x = q.inputs[0]
                let m = x.shape[x.rank - 1]
                let matrices = q.outputElements
                // Σ_{k<m} (m−k−1)² = (m−1)m(2m−1)/6.
                let updates = try (Exact(max(0, m - 1)) * m * (2 * m - 1)).get("elimination steps") / 6
                let updatesTotal = matrices * updates
                return try OpCost(
                    muls: updatesTotal + matrices * max(0, m - 1), adds: updatesTotal,
                    divs: matrices * ((Exact(m) * max(0, m - 1)).get("pivots") / 2),
                    cmps: matrices * ((Exact(m) * (m + 1)).get("pivot comparisons") / 2))
            }),
        examples: [
            Example(
                "three 3 × 3 matrices", inputs: [[3, 3, 3]], outputs: [[3]],
                cost: .of(muls: 21, adds: 15, divs: 9, cmps: 18),
                arithmetic: "per matrix: updates 4 + 1 = 5 (muls and adds), 2 muls for the diagonal, 3 divs, 6 cmps")
        ])

    /// The same bits read as another type of the same width.
    static let bitCast = OpDefinition(
        "BitCast", "reinterpret the bits as another type of the same width",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            let name = try q.attributes.string("to")
            guard let type = DataType(rawValue: name) else { throw RuleError("unknown data type '\(name)'") }
            guard type.bitWidth == x.dataType.bitWidth else {
                throw RuleError(
                    "\(x.dataType.rawValue) (\(x.dataType.bitWidth) bits) cannot be read as \(name) (\(type.bitWidth) bits)"
                )
            }
            return ShapeResult(shape: x.shape, dataType: type)
        },
        cost: .zero(reason: "the same bytes, read as another type"),
        examples: [
            Example(
                "float32 read as int32", inputs: [[2, 3]], attributes: ["to": .string("int32")], outputs: [[2, 3]])
        ])
}
