/// onnxruntime's fused ops (`com.microsoft` domain), as its transformer optimizer writes them.
/// Each costs what its unfused form costs, from onnxruntime's documented semantics
/// (onnxruntime/docs/ContribOperators.md): the same MACs as the MatMuls it replaces, the same
/// primitives as the adds, normalizations and activations it folds.
enum ContribOps {
    static let definitions: [OpDefinition] = [
        skipLayerNorm, skipRMSNorm, embedLayerNorm, projectedAttention, multiHeadAttention, groupQueryAttention,
        biasGelu, fastGelu, biasAdd, biasSplitGelu, fusedMatMul, fusedConv, rotaryEmbedding, nchwcReorder,
    ]

    /// onnxruntime's NCHWc layout changes (`com.microsoft.nchwc` ReorderInput, ReorderOutput), which
    /// its CPU optimizer puts around the blocked-channel kernels. opcat keeps tensors in their
    /// logical NCHW shape: into the layout (`toBlocked`), an NHWC input (`channelsLast`) becomes
    /// NCHW; out of it, the first `channels` channels are kept, in NHWC with `channelsLast`.
    static let nchwcReorder = OpDefinition(
        "NCHWcReorder", "onnxruntime's change into or out of its blocked-channel (NCHWc) layout",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            guard x.rank >= 3 else { throw RuleError("expects [N, C, spatial…], got \(formatShape(x.shape))") }
            let last = try q.attributes.bool("channelsLast", default: false)
            var shape = x.shape
            if try q.attributes.bool("toBlocked", default: true) {
                if last { shape = [shape[0], shape[shape.count - 1]] + shape[1..<(shape.count - 1)] }
                return ShapeResult(shape: shape, dataType: x.dataType)
            }
            let channels = try q.attributes.int("channels", default: x.shape[1])
            guard channels >= 1, channels <= x.shape[1] else {
                throw RuleError("\(channels) channels out of a tensor of \(x.shape[1])")
            }
            shape[1] = channels
            if last { shape = [shape[0]] + shape[2...] + [channels] }
            return ShapeResult(shape: shape, dataType: x.dataType)
        },
        cost: .zero(reason: "moves elements between layouts: no arithmetic"),
        examples: [
            Example(
                "out of the blocked layout into NHWC", inputs: [[1, 32, 7, 7]],
                attributes: ["toBlocked": .bool(false), "channels": .int(32), "channelsLast": .bool(true)],
                outputs: [[1, 7, 7, 32]])
        ])

    /// The sum of several costs, exact or an error.
    static func sum(_ costs: [OpCost]) throws -> OpCost {
        var (macs, muls, adds, divs, exps, cmps): (Exact, Exact, Exact, Exact, Exact, Exact) = (0, 0, 0, 0, 0, 0)
        for c in costs {
            macs += Exact(c.macs)
            muls += Exact(c.muls)
            adds += Exact(c.adds)
            divs += Exact(c.divs)
            exps += Exact(c.exps)
            cmps += Exact(c.cmps)
        }
        return try OpCost(macs: macs, muls: muls, adds: adds, divs: divs, exps: exps, cmps: cmps)
    }

    /// The cost rule of `definition` (a counted op).
    static func rule(of definition: OpDefinition) -> OpDefinition.CostRule {
        guard case .formula(_, let rule) = definition.cost else {
            preconditionFailure("\(definition.type) is zero-cost")
        }
        return rule
    }

    /// Outputs of a skip normalization: the result; then mean and 1/σ (the last axis reduced to 1,
    /// float32); then the sum input + skip (+ bias), as many as the node has.
    static func skipOutputs(_ x: TensorInfo, count: Int) -> [TensorInfo] {
        var reduced = x.shape
        if !reduced.isEmpty { reduced[reduced.count - 1] = 1 }
        let all = [
            x, TensorInfo(shape: reduced, dataType: .float32), TensorInfo(shape: reduced, dataType: .float32),
            TensorInfo(shape: x.shape, dataType: x.dataType),
        ]
        return Array(all.prefix(max(1, min(count, all.count))))
    }

    static func checkSkip(_ x: TensorInfo, _ skip: TensorInfo) throws -> Int {
        guard let hidden = x.shape.last, x.rank >= 2 else { throw RuleError("the input needs a hidden axis") }
        guard try ShapeMath.broadcast(x.shape, skip.shape) == x.shape else {
            throw RuleError("skip \(formatShape(skip.shape)) does not broadcast to the input \(formatShape(x.shape))")
        }
        return hidden
    }

    /// LayerNorm(input + skip (+ bias)) over the hidden axis: E adds for the skip, E for a bias,
    /// then layer normalization's statistics with γ (and β).
    static let skipLayerNorm = OpDefinition(
        "SkipLayerNorm", "layer normalization of input + skip (+ bias), onnxruntime's fused form",
        head: .passThrough,
        inputs: [.data, .data, .parameter, .optionalParameter, .optionalParameter],
        shape: { q in
            let (x, skip) = (try q.input(0), try q.input(1))
            let h = try checkSkip(x, skip)
            var derived: [Int: [Int]] = [2: [h]]
            for i in [3, 4] where q.isPresent(i) { derived[i] = [h] }
            return ShapeResult(
                outputs: skipOutputs(x, count: try q.attributes.int("outputs", default: 1)), inputShapes: derived)
        },
        cost: .formula(
            "E adds (skip) + E adds (bias, if any) + LayerNorm over the hidden axis with γ (and β)",
            { q in
                let x = try q.input(0)
                let e = x.elementCount
                let groups = Exact(try e.get("elements") / max(1, x.shape.last ?? 1))
                let norm = try NormalizationOps.statisticsCost(
                    elements: e, groups: groups, scale: true, shift: q.isPresent(3))
                return try sum([OpCost(adds: e + (q.isPresent(4) ? e : 0)), norm])
            }),
        examples: [
            Example(
                "tokens with γ and β", inputs: [[1, 4, 8], [1, 4, 8], nil, nil], absent: [], outputs: [[1, 4, 8]],
                derived: [2: [8], 3: [8]], cost: .of(muls: 96, adds: 156, divs: 12, exps: 4),
                arithmetic: "32 skip adds + LayerNorm of 4 groups of 8 (muls 96, adds 124, divs 12, exps 4)")
        ])

    /// RMSNorm(input + skip (+ bias)) with γ: onnxruntime's SkipSimplifiedLayerNormalization.
    static let skipRMSNorm = OpDefinition(
        "SkipRMSNorm", "root-mean-square normalization of input + skip (+ bias), onnxruntime's fused form",
        head: .passThrough,
        inputs: [.data, .data, .parameter, .optionalParameter],
        shape: { q in
            let (x, skip) = (try q.input(0), try q.input(1))
            let h = try checkSkip(x, skip)
            var derived: [Int: [Int]] = [2: [h]]
            if q.isPresent(3) { derived[3] = [h] }
            return ShapeResult(
                outputs: skipOutputs(x, count: try q.attributes.int("outputs", default: 1)), inputShapes: derived)
        },
        cost: .formula(
            "E adds (skip) + E adds (bias, if any) + RMSNorm over the hidden axis",
            { q in
                let x = try q.input(0)
                let e = x.elementCount
                let n = x.shape.last ?? 1
                let groups = Exact(try e.get("elements") / max(1, n))
                let norm = try OpCost(muls: groups * n * 3, adds: groups * n, divs: groups * 2, exps: groups)
                return try sum([OpCost(adds: e + (q.isPresent(3) ? e : 0)), norm])
            }),
        examples: [
            Example(
                "tokens", inputs: [[1, 4, 8], [1, 4, 8], nil, nil], absent: [3], outputs: [[1, 4, 8]],
                derived: [2: [8]], cost: .of(muls: 96, adds: 64, divs: 8, exps: 4),
                arithmetic: "32 skip adds + RMSNorm of 4 groups of 8 (muls 96, adds 32, divs 8, exps 4)")
        ])

    /// Word + position (+ segment) embeddings, then LayerNorm; the mask's per-sequence sum as
    /// mask_index. Inputs: input_ids, segment_ids, word, position and segment tables, γ, β,
    /// mask, position_ids.
    static let embedLayerNorm = OpDefinition(
        "EmbedLayerNorm", "embedding lookups summed, then layer normalization (BERT's embeddings)",
        inputs: [
            .data, .optionalData, .data, .data, .optionalData, .parameter, .parameter, .optionalData, .optionalData,
        ],
        shape: { q in
            let (ids, words, positions) = (try q.input(0), try q.input(2), try q.input(3))
            guard ids.rank == 2, words.rank == 2, positions.rank == 2, words.shape[1] == positions.shape[1] else {
                throw RuleError("expects ids [B, S] and tables [V, H] and [P, H] of one hidden size")
            }
            let (b, s, h) = (ids.shape[0], ids.shape[1], words.shape[1])
            let type = words.dataType
            var outputs = [
                TensorInfo(shape: [b, s, h], dataType: type), TensorInfo(shape: [b], dataType: .int32),
            ]
            if try q.attributes.int("outputs", default: 2) > 2 {
                outputs.append(TensorInfo(shape: [b, s, h], dataType: type))
            }
            return ShapeResult(outputs: outputs, inputShapes: [5: [h], 6: [h]])
        },
        cost: .formula(
            "E adds per table beyond the first; LayerNorm with γ and β; B·(S−1) adds for mask_index",
            { q in
                let ids = try q.input(0)
                let e = q.outputElements
                let tables = q.isPresent(4) ? 2 : 1
                let h = try q.input(2).shape[1]
                let norm = try NormalizationOps.statisticsCost(
                    elements: e, groups: Exact(try e.get("elements") / max(1, h)), scale: true, shift: true)
                let mask: Exact = q.isPresent(7) ? Exact(ids.shape[0]) * max(ids.shape[1] - 1, 0) : 0
                return try sum([OpCost(adds: e * tables + mask), norm])
            }),
        examples: [
            Example(
                "word and position tables", inputs: [[1, 4], nil, [100, 8], [16, 8], nil, nil, nil, nil, nil],
                absent: [1, 4, 7, 8], outputs: [[1, 4, 8], [1]], derived: [5: [8], 6: [8]],
                cost: .of(muls: 96, adds: 156, divs: 12, exps: 4),
                arithmetic: "32 adds (word + position) + LayerNorm of 4 groups of 8")
        ])

    /// onnxruntime's Attention: one projection of the input to Q, K and V (weights
    /// [input hidden, Q + K + V], optional bias), then softmax(scale·QKᵀ + mask)·V per head, with an
    /// optional cache of past keys and values ([2, B, N, P, head]).
    static let projectedAttention = OpDefinition(
        "ProjectedAttention", "input projection to Q, K, V, then multi-head attention (onnxruntime's Attention)",
        inputs: [.data, .data, .optionalData, .optionalData, .optionalData, .optionalData, .optionalData],
        shape: { q in
            let g = try projectedGeometry(q)
            let type = try q.input(0).dataType
            var outputs = [TensorInfo(shape: [g.core.batch, g.core.qLength, g.sizes[2]], dataType: type)]
            if try q.attributes.int("outputs", default: 1) > 1 {
                outputs.append(
                    TensorInfo(
                        shape: [2, g.core.batch, g.core.qHeads, g.core.total, g.core.headSize], dataType: type))
            }
            return ShapeResult(outputs: outputs)
        },
        cost: .formula(
            "projection MACs B·S·In·(Q+K+V) (+ bias adds); then attention as Attention: MACs B·N·S·T·(head + value head)",
            { q in
                let g = try projectedGeometry(
                    ShapeQuery(inputs: q.inputs.map { $0 }, attributes: q.attributes, absent: q.absent))
                let rows = Exact(g.core.batch) * g.core.qLength
                let width = g.sizes.reduce(0, +)
                let projection = try OpCost(
                    macs: rows * g.input * width, muls: rows * g.input * width,
                    adds: rows * (g.input - 1) * width + (q.isPresent(2) ? rows * width : 0))
                let mask = q.isPresent(3) || q.isPresent(5)
                return try sum([projection, AttentionOps.coreCost(g.core, mask: mask)])
            }),
        examples: [
            Example(
                "2 heads, no cache", inputs: [[1, 4, 8], [8, 24], [24], nil, nil, nil, nil], absent: [3, 4, 5, 6],
                attributes: ["numHeads": .int(2)], outputs: [[1, 4, 8]],
                cost: .of(macs: 1024, muls: 1056, adds: 984, divs: 32, exps: 32),
                arithmetic:
                    "projection 4·8·24 = 768 MACs, adds 4·7·24 + 96 = 768; scores 2·4·4 = 32; attention MACs 32·8 = 256, muls + 32, adds 32·3 + 32·3 + 8·3 = 216; total adds 768 + 216 + 24 (softmax)"
            )
        ])

    struct ProjectedGeometry {
        var core: AttentionOps.Geometry
        var input: Int
        var sizes: [Int]
    }

    static func projectedGeometry(_ q: ShapeQuery) throws -> ProjectedGeometry {
        let (x, w) = (try q.input(0), try q.input(1))
        guard x.rank == 3, w.rank == 2, w.shape[0] == x.shape[2] else {
            throw RuleError("expects input [B, S, In] and weights [In, Q + K + V]")
        }
        let heads = try ShapeMath.size(q.attributes.int("numHeads"), "head count")
        var sizes = try q.attributes.ints("qkvHiddenSizes", default: []).map { try ShapeMath.size($0, "hidden size") }
        if sizes.isEmpty {
            guard w.shape[1] % 3 == 0 else {
                throw RuleError("weights of width \(w.shape[1]) do not split into Q, K, V")
            }
            sizes = Array(repeating: w.shape[1] / 3, count: 3)
        }
        guard sizes.count == 3, sizes.reduce(0, +) == w.shape[1], heads >= 1, sizes[0] == sizes[1],
            sizes.allSatisfy({ $0 % heads == 0 })
        else { throw RuleError("hidden sizes \(sizes) do not fit weights of width \(w.shape[1]) and \(heads) heads") }
        let past = q.optionalInput(4)
        if let past, past.rank != 5 || past.shape[0] != 2 { throw RuleError("the past must be [2, B, N, P, head]") }
        let core = AttentionOps.Geometry(
            batch: x.shape[0], qHeads: heads, kvHeads: heads, qLength: x.shape[1], kvLength: x.shape[1],
            pastLength: past?.shape[3] ?? 0, headSize: sizes[0] / heads, valueHeadSize: sizes[2] / heads,
            threeD: true)
        return ProjectedGeometry(core: core, input: x.shape[2], sizes: sizes)
    }

    /// onnxruntime's MultiHeadAttention: Q, K and V already projected ([B, S, D] each, or K and V
    /// as [B, N, L, head], or packed as [B, S, N, 3, head] / [B, L, N, 2, head]), an optional bias
    /// on all three, key padding mask, attention bias, and past key and value ([B, N, P, head]).
    static let multiHeadAttention = OpDefinition(
        "MultiHeadAttention", "multi-head attention of projected Q, K, V (onnxruntime's MultiHeadAttention)",
        inputs: Array(repeating: InputRole.optionalData, count: 10).enumerated().map {
            $0.offset == 0 ? .data : $0.element
        },
        shape: { q in
            let g = try multiHeadGeometry(q)
            let type = try q.input(0).dataType
            var outputs = [TensorInfo(shape: [g.batch, g.qLength, g.qHeads * g.valueHeadSize], dataType: type)]
            if try q.attributes.int("outputs", default: 1) > 1 {
                outputs.append(TensorInfo(shape: [g.batch, g.kvHeads, g.total, g.headSize], dataType: type))
                outputs.append(TensorInfo(shape: [g.batch, g.kvHeads, g.total, g.valueHeadSize], dataType: type))
            }
            return ShapeResult(outputs: outputs)
        },
        cost: .formula(
            "bias adds on Q, K, V (if any); then attention as Attention",
            { q in
                let g = try multiHeadGeometry(
                    ShapeQuery(inputs: q.inputs.map { $0 }, attributes: q.attributes, absent: q.absent))
                let new = Exact(g.batch) * g.kvHeads * g.kvLength
                let bias: Exact =
                    q.isPresent(3)
                    ? Exact(g.batch) * g.qHeads * g.qLength * g.headSize + new * g.headSize + new * g.valueHeadSize : 0
                return try sum([OpCost(adds: bias), AttentionOps.coreCost(g, mask: q.isPresent(4) || q.isPresent(5))])
            }),
        examples: [
            Example(
                "3-D Q, K, V, 2 heads", inputs: [[1, 4, 8], [1, 4, 8], [1, 4, 8]], attributes: ["numHeads": .int(2)],
                outputs: [[1, 4, 8]], cost: .of(macs: 256, muls: 288, adds: 216, divs: 32, exps: 32),
                arithmetic: "scores 2·4·4 = 32; MACs 32·(4 + 4); adds 32·3 + 32·3 + 8·3")
        ])

    static func multiHeadGeometry(_ q: ShapeQuery) throws -> AttentionOps.Geometry {
        let query = try q.input(0)
        let heads = try q.attributes.int("numHeads")
        guard heads >= 1 else { throw RuleError("\(heads) heads") }
        let (b, s) = (query.shape.first ?? 0, query.rank > 1 ? query.shape[1] : 0)
        if query.rank == 5 {
            // Packed Q, K, V: [B, S, N, 3, head].
            guard query.shape[2] == heads, query.shape[3] == 3 else {
                throw RuleError("packed QKV must be [B, S, N, 3, head]")
            }
            return AttentionOps.Geometry(
                batch: b, qHeads: heads, kvHeads: heads, qLength: s, kvLength: s, pastLength: 0,
                headSize: query.shape[4], valueHeadSize: query.shape[4], threeD: true)
        }
        guard query.rank == 3, query.shape[2] % heads == 0 else { throw RuleError("the query must be [B, S, N·head]") }
        let head = query.shape[2] / heads
        guard let key = q.optionalInput(1) else { throw RuleError("the key is missing") }
        switch key.rank {
        case 5:
            guard key.shape[2] == heads, key.shape[3] == 2 else {
                throw RuleError("packed KV must be [B, L, N, 2, head]")
            }
            return AttentionOps.Geometry(
                batch: b, qHeads: heads, kvHeads: heads, qLength: s, kvLength: key.shape[1], pastLength: 0,
                headSize: head, valueHeadSize: key.shape[4], threeD: true)
        case 4:
            // Keys and values given per head already include what came before.
            let value = try q.input(2)
            return AttentionOps.Geometry(
                batch: b, qHeads: heads, kvHeads: key.shape[1], qLength: s, kvLength: key.shape[2], pastLength: 0,
                headSize: head, valueHeadSize: value.rank == 4 ? value.shape[3] : head, threeD: true)
        case 3:
            let value = try q.input(2)
            guard value.rank == 3, value.shape[2] % heads == 0 else {
                throw RuleError("the value must be [B, L, N·head]")
            }
            return AttentionOps.Geometry(
                batch: b, qHeads: heads, kvHeads: heads, qLength: s, kvLength: key.shape[1],
                pastLength: try AttentionOps.pastLength(q.optionalInput(6), "the past key"), headSize: head,
                valueHeadSize: value.shape[2] / heads, threeD: true)
        default: throw RuleError("the key must be 3-D, 4-D or packed 5-D")
        }
    }

    /// onnxruntime's GroupQueryAttention: Hq query heads share Hkv key/value heads; Q, K, V are
    /// [B, S, H·head] (or packed in the query), past key and value [B, Hkv, P, head], the total
    /// sequence length an input; with `doRotary`, Q and K are rotated first (cos/sin caches).
    static let groupQueryAttention = OpDefinition(
        "GroupQueryAttention", "grouped-query attention with a KV cache (onnxruntime's GroupQueryAttention)",
        inputs: Array(repeating: InputRole.optionalData, count: 12).enumerated().map {
            $0.offset == 0 ? .data : $0.element
        },
        shape: { q in
            let g = try groupQueryGeometry(q)
            let type = try q.input(0).dataType
            let present = max(g.total, try AttentionOps.pastLength(q.optionalInput(3), "the past key"))
            var outputs = [TensorInfo(shape: [g.batch, g.qLength, g.qHeads * g.headSize], dataType: type)]
            let count = try q.attributes.int("outputs", default: 3)
            while outputs.count < min(count, 3) {
                outputs.append(TensorInfo(shape: [g.batch, g.kvHeads, present, g.headSize], dataType: type))
            }
            return ShapeResult(outputs: outputs)
        },
        cost: .formula(
            "attention as Attention over T = the total sequence length; with rotary, 2 muls + 1 add per rotated element of Q and K",
            { q in
                let shapeQuery = ShapeQuery(inputs: q.inputs.map { $0 }, attributes: q.attributes, absent: q.absent)
                let g = try groupQueryGeometry(shapeQuery)
                var costs = [try AttentionOps.coreCost(g, mask: q.isPresent(10))]
                if try q.attributes.bool("doRotary", default: false) {
                    let cos = try q.input(7)
                    let dim = 2 * (cos.shape.last ?? 0)
                    let rotated = Exact(g.batch) * g.qLength * (g.qHeads + g.kvHeads) * min(dim, g.headSize)
                    costs.append(try OpCost(muls: rotated * 2, adds: rotated))
                }
                return try sum(costs)
            }),
        examples: [
            Example(
                "4 query heads on 2 KV heads, 3 past tokens",
                inputs: [
                    [1, 2, 16], [1, 2, 8], [1, 2, 8], [1, 2, 3, 4], [1, 2, 3, 4], [1], [], nil, nil, nil, nil, nil,
                ],
                absent: [7, 8, 9, 10, 11], values: [6: [5]],
                attributes: ["numHeads": .int(4), "kvHeads": .int(2)],
                outputs: [[1, 2, 16], [1, 2, 5, 4], [1, 2, 5, 4]],
                cost: .of(macs: 320, muls: 360, adds: 280, divs: 40, exps: 40),
                arithmetic: "scores 1·4·2·5 = 40; MACs 40·8; adds 40·3 + 32·4 + 8·4 (softmax)")
        ])

    static func groupQueryGeometry(_ q: ShapeQuery) throws -> AttentionOps.Geometry {
        let query = try q.input(0)
        let heads = try ShapeMath.size(q.attributes.int("numHeads"), "head count")
        let kvHeads = try ShapeMath.size(q.attributes.int("kvHeads"), "key/value head count")
        guard heads >= 1, kvHeads >= 1, heads % kvHeads == 0, query.rank == 3 else {
            throw RuleError(
                "\(heads) query heads cannot share \(kvHeads) key/value heads, or the query is not [B, S, D]")
        }
        let packed = q.optionalInput(1) == nil
        let width = query.shape[2]
        let head = packed ? width / (heads + 2 * kvHeads) : width / heads
        guard head >= 1, packed ? width == head * (heads + 2 * kvHeads) : width == head * heads else {
            throw RuleError("hidden size \(width) does not split into \(heads) + 2·\(kvHeads) heads")
        }
        let (b, s) = (query.shape[0], query.shape[1])
        let past = try AttentionOps.pastLength(q.optionalInput(3), "the past key")
        var total = past + s
        if let given = q.optionalInput(6)?.values?.first, given >= s {
            total = try ShapeMath.size(given, "total sequence length")
        }
        return AttentionOps.Geometry(
            batch: b, qHeads: heads, kvHeads: kvHeads, qLength: s, kvLength: s, pastLength: total - s,
            headSize: head, valueHeadSize: head, threeD: true)
    }

    static func elementwise(
        _ type: String, _ summary: String, _ perElement: PerElement, inputs: [InputRole],
        output: @escaping @Sendable (ShapeQuery) throws -> TensorInfo,
        _ description: String, example: Example
    ) -> OpDefinition {
        OpDefinition(
            type, summary, head: .passThrough, inputs: inputs,
            shape: { q in ShapeResult(output: try output(q)) },
            cost: .formula(description, { q in try OpCost(elements: q.outputElements, perElement) }),
            examples: [example])
    }

    static func broadcastOutput(_ q: ShapeQuery) throws -> TensorInfo {
        var shape = try q.input(0).shape
        for i in 1..<q.count where q.isPresent(i) { shape = try ShapeMath.broadcast(shape, try q.input(i).shape) }
        return TensorInfo(shape: shape, dataType: try q.input(0).dataType)
    }

    static let biasGelu = elementwise(
        "BiasGelu", "Gelu(x + bias) (erf form)", PerElement(muls: 3, adds: 2, exps: 1), inputs: [.data, .data],
        output: broadcastOutput, "1 add + Gelu (3 muls + 1 add + 1 erf) per element",
        example: Example(
            "tokens", inputs: [[1, 2, 4], [4]], outputs: [[1, 2, 4]], cost: .of(muls: 24, adds: 16, exps: 8),
            arithmetic: "8 elements × (3 muls + 2 adds + 1 erf)"))

    /// Gelu's tanh approximation, after an optional bias add.
    static let fastGelu = OpDefinition(
        "FastGelu", "Gelu's tanh approximation of x (+ bias)", head: .passThrough, inputs: [.data, .optionalData],
        shape: { q in ShapeResult(output: try broadcastOutput(q)) },
        cost: .formula(
            "6 muls + 2 adds + 1 tanh per element, + 1 add with a bias",
            { q in
                let e = q.outputElements
                return try OpCost(muls: e * 6, adds: e * (q.isPresent(1) ? 3 : 2), exps: e)
            }),
        examples: [
            Example(
                "with a bias", inputs: [[1, 2, 4], [4]], outputs: [[1, 2, 4]], cost: .of(muls: 48, adds: 24, exps: 8),
                arithmetic: "8 elements × (6 muls + 3 adds + 1 tanh)")
        ])

    static let biasAdd = elementwise(
        "BiasAdd", "x + bias + skip", PerElement(adds: 2), inputs: [.data, .data, .data], output: broadcastOutput,
        "2 adds per element",
        example: Example(
            "channels last", inputs: [[1, 4, 8], [8], [1, 4, 8]], outputs: [[1, 4, 8]], cost: .of(adds: 64),
            arithmetic: "32 elements × 2 adds"))

    /// (x + bias) split in two halves along the last axis: a · Gelu(b).
    static let biasSplitGelu = elementwise(
        "BiasSplitGelu", "a · Gelu(b) of the two halves of x + bias", PerElement(muls: 4, adds: 3, exps: 1),
        inputs: [.data, .data],
        output: { q in
            let x = try q.input(0)
            guard let last = x.shape.last, last % 2 == 0 else { throw RuleError("the last axis must be even") }
            return TensorInfo(shape: x.shape.dropLast() + [last / 2], dataType: x.dataType)
        }, "per output element: 2 adds (bias) + Gelu (3 muls + 1 add + 1 erf) + 1 mul",
        example: Example(
            "2×8 channels", inputs: [[1, 2, 8], [8]], outputs: [[1, 2, 4]], cost: .of(muls: 32, adds: 24, exps: 8),
            arithmetic: "8 outputs × (4 muls + 3 adds + 1 erf)"))

    /// MatMul with transposes and a scale α (1 mul per output when α ≠ 1).
    static let fusedMatMul = OpDefinition(
        "FusedMatMul", "α·(A·B) with optional transposes (onnxruntime's FusedMatMul)",
        head: .anchor(.dense), inputs: [.data, .data],
        shape: { q in try LinearOps.matMulShape(q) },
        cost: .formula(
            "MatMul's MACs; α·result 1 mul per output when α ≠ 1",
            { q in
                let base = try rule(of: LinearOps.matMul)(q)
                let alpha = try q.attributes.float("alpha", default: 1)
                return try sum([base, OpCost(muls: alpha == 1 ? 0 : q.outputElements)])
            }),
        examples: [
            Example(
                "Bᵀ, α = 0.125", inputs: [[2, 3], [4, 3]],
                attributes: ["transposeB": .bool(true), "alpha": .float(0.125)], outputs: [[2, 4]],
                cost: .of(macs: 24, muls: 32, adds: 16), arithmetic: "8 outputs × 3; 8 scale muls; adds 8·2")
        ])

    /// The activations a FusedConv may fold, with their cost per output element.
    static let activations: [String: PerElement] = [
        "relu": PerElement(cmps: 1), "tanh": PerElement(exps: 1), "sigmoid": PerElement(adds: 1, divs: 1, exps: 1),
        "leakyrelu": PerElement(muls: 1, cmps: 1), "clip": PerElement(cmps: 2),
        "hardsigmoid": PerElement(muls: 1, adds: 1, cmps: 2),
    ]

    /// Conv (+ Z) then an activation, onnxruntime's FusedConv: inputs X, W, B, Z.
    static let fusedConv = OpDefinition(
        "FusedConv", "convolution (+ a sum) and an activation (onnxruntime's FusedConv)",
        head: .anchor(.convolution), inputs: [.data, .parameter, .optionalParameter, .optionalData],
        shape: { q in
            let conv = ShapeQuery(
                inputs: Array(q.inputs.prefix(3)), attributes: q.attributes, absent: q.absent.filter { $0 < 3 })
            return try ConvolutionOps.convolution.shape(conv)
        },
        cost: .formula(
            "Convolution's cost; Z 1 add per output; the activation per output (Relu 1 cmp, Sigmoid 1 add + 1 div + 1 exp, …)",
            { q in
                let conv = CostQuery(
                    inputs: Array(q.inputs.prefix(3)), outputs: q.outputs, attributes: q.attributes,
                    absent: q.absent.filter { $0 < 3 })
                let name = try q.attributes.string("activation", default: "")
                guard let activation = name.isEmpty ? PerElement() : activations[name.lowercased()] else {
                    throw RuleError("activation '\(name)' is not one FusedConv folds")
                }
                let e = q.outputElements
                return try sum([
                    rule(of: ConvolutionOps.convolution)(conv), OpCost(adds: q.isPresent(3) ? e : 0),
                    OpCost(elements: e, activation),
                ])
            }),
        examples: [
            Example(
                "3×3 and ReLU", inputs: [[1, 1, 4, 4], [2, 1, 3, 3], nil, nil], absent: [2, 3],
                attributes: ["kernel": .ints([3, 3]), "activation": .string("Relu")], outputs: [[1, 2, 2, 2]],
                derived: [1: [2, 1, 3, 3]], cost: .of(macs: 72, muls: 72, adds: 64, cmps: 8),
                arithmetic: "8 outputs × 9 MACs; adds 8·8; 8 cmps")
        ])

    /// Rotary position embedding of the first `rotaryDim` elements of each head: each pair
    /// (x₁, x₂) → (x₁·cos − x₂·sin, x₁·sin + x₂·cos), 2 muls + 1 add per rotated element. The
    /// caches are [positions, rotaryDim/2]; `cosInput` says where the cos cache is (ONNX: input 1,
    /// onnxruntime: input 2).
    static let rotaryEmbedding = OpDefinition(
        "RotaryEmbedding", "rotary position embedding of each head's first dimensions",
        inputs: [.data, .data, .data, .optionalData],
        shape: { q in
            let x = try q.input(0)
            _ = try rotaryGeometry(q.attributes, x: x, cos: try q.input(try q.attributes.int("cosInput", default: 1)))
            return ShapeResult(output: TensorInfo(shape: x.shape, dataType: x.dataType))
        },
        cost: .formula(
            "2 muls + 1 add per rotated element (rotary dimensions of every head and position)",
            { q in
                let x = try q.input(0)
                let (head, dim) = try rotaryGeometry(
                    q.attributes, x: x, cos: try q.input(try q.attributes.int("cosInput", default: 1)))
                let rotated = Exact(try x.elementCount.get("elements") / max(1, head)) * dim
                return try OpCost(muls: rotated * 2, adds: rotated)
            }),
        examples: [
            Example(
                "4-D, half of each head", inputs: [[1, 2, 3, 8], [16, 2], [16, 2], nil], absent: [3],
                outputs: [[1, 2, 3, 8]], cost: .of(muls: 48, adds: 24),
                arithmetic: "6 heads·positions × 4 rotated dims = 24: 48 muls, 24 adds")
        ])

    /// Head size and rotary dimensions of a RotaryEmbedding input.
    static func rotaryGeometry(_ a: Attributes, x: TensorInfo, cos: TensorInfo) throws -> (head: Int, dim: Int) {
        let given = try a.int("rotaryDim", default: 0)
        let dim = given > 0 ? given : 2 * (cos.shape.last ?? 0)
        let head: Int
        switch x.rank {
        case 4: head = x.shape[3]
        case 3:
            let heads = try a.int("numHeads", default: 0)
            head = heads > 0 ? x.shape[2] / heads : dim
        default: throw RuleError("the input must be [B, S, hidden] or [B, N, S, head]")
        }
        guard dim >= 2, dim <= head, dim % 2 == 0, head >= 1 else {
            throw RuleError("rotary dimensions \(dim) do not fit a head of \(head)")
        }
        return (head, dim)
    }
}

/// onnxruntime's MatMulNBits: A [..., K] times a weight of N × K elements of `bits` bits, stored
/// packed in bytes ([N, ⌈K/block⌉, block·bits/8]) with one scale per block (and optional zero
/// points and bias). It counts as its unfused form, a blockwise DequantizeLinear of the weight
/// (1 add + 1 mul per weight element) and a MatMul at activation × n-bit precision; the weight
/// counts N·K parameters of `bits` bits.
enum NBitsOps {
    static let definitions: [OpDefinition] = [matMulNBits]

    static func weightType(bits: Int) throws -> DataType {
        switch bits {
        case 2: .uint2
        case 4: .uint4
        case 8: .uint8
        default: throw RuleError("\(bits)-bit weights are not supported (2, 4 and 8 are)")
        }
    }

    static let matMulNBits = OpDefinition(
        "MatMulNBits", "matrix product with n-bit blockwise-quantized weights (onnxruntime's MatMulNBits)",
        head: .anchor(.dense),
        inputs: [.data, .parameter, .buffer, .optionalBuffer, .optionalBuffer, .optionalParameter],
        shape: { q in
            let a = try q.input(0)
            let (k, n) = (
                try ShapeMath.size(q.attributes.int("k"), "K"), try ShapeMath.size(q.attributes.int("n"), "N")
            )
            let bits = try q.attributes.int("bits", default: 4)
            let block = try ShapeMath.size(q.attributes.int("blockSize"), "block size")
            let type = try weightType(bits: bits)
            guard k >= 1, n >= 1, block >= 16, block & (block - 1) == 0 else {
                throw RuleError("K \(k), N \(n) and block size \(block) (a power of 2, at least 16) do not fit")
            }
            guard a.rank >= 1, a.shape.last == k else {
                throw RuleError("A \(formatShape(a.shape)) does not end in K = \(k)")
            }
            let blocks = (k + block - 1) / block
            let packed = [n, blocks, block * bits / 8]
            var derived: [Int: [Int]] = [:]
            let weight = q.optionalInput(1)
            // A weight already counted as its logical elements (shared by another node) is accepted too.
            if weight?.shape != [n, k] || weight?.dataType != type { derived[1] = packed }
            if q.isPresent(5) { derived[5] = [n] }
            var result = ShapeResult(
                output: TensorInfo(shape: a.shape.dropLast() + [n], dataType: a.dataType), inputShapes: derived)
            result.inputTypes[1] = .uint8
            result.packed[1] = TensorInfo(shape: [n, k], dataType: type)
            return result
        },
        cost: .formula(
            "dequantize N·K weights (1 add + 1 mul each); MACs = output elements × K at activation × n-bit precision; adds = output × (K − 1), + output with a bias",
            { q in
                let (k, n) = (try q.attributes.int("k"), try q.attributes.int("n"))
                let out = q.outputElements
                let weights = Exact(n) * k
                var cost = try OpCost(
                    macs: out * k, muls: out * k + weights, adds: out * (k - 1) + weights + (q.isPresent(5) ? out : 0))
                cost.precision = Precision(
                    activation: try q.input(0).effectiveType,
                    weight: try weightType(bits: q.attributes.int("bits", default: 4)))
                return cost
            }),
        examples: [
            Example(
                "4-bit, block 32", inputs: [[1, 2, 64], [4, 2, 16], [8], nil, nil, nil], absent: [3, 4, 5],
                attributes: ["k": .int(64), "n": .int(4), "bits": .int(4), "blockSize": .int(32)],
                outputs: [[1, 2, 4]], cost: .of(macs: 512, muls: 768, adds: 760),
                arithmetic: "8 outputs × K 64 = 512 MACs; dequantize 256 weights (256 muls, 256 adds); adds 8·63 + 256")
        ])
}
