/// Batch, instance, layer and group normalization at inference.
///
/// BatchNorm uses stored statistics, so per element it is one multiply and one add
/// (`y = x·s + t` with per-channel `s = γ/√(σ²+ε)` and `t = β − μ·s`, folded once when the
/// model loads and not counted). The others compute statistics over groups of `n` elements
/// at run time (G groups, E = G·n elements):
/// - mean: G·(n−1) adds, G divs; variance: E adds (centre), E muls (square), G·(n−1) adds, G divs
/// - 1/√(var+ε): G adds, G exps (sqrt), G divs; normalize: E muls
/// - affine scale and shift (when present): E muls, E adds.
enum NormalizationOps {
    static let definitions: [OpDefinition] = [
        batchNorm, instanceNorm, layerNorm, groupNorm, rmsNorm, lrn, lpNorm, meanVarianceNorm,
    ]

    /// The run-time statistics cost of normalizing `elements` in `groups` groups.
    static func statisticsCost(elements e: Exact, groups g: Exact, scale: Bool, shift: Bool) throws -> OpCost {
        let n = try (e.get("elements") / max(1, try g.get("groups")))
        let reduce = g * (n - 1)
        return try OpCost(
            muls: e * 2 + (scale ? e : 0), adds: reduce * 2 + e + g + (shift ? e : 0),
            divs: g * 3, exps: g)
    }

    static let batchNorm = OpDefinition(
        "BatchNorm", "batch normalization with stored statistics (inference)",
        head: .passThrough,
        inputs: [.data, .parameter, .parameter, .buffer, .buffer],
        shape: { q in
            let x = try q.input(0)
            try ShapeMath.requireRank(x, atLeast: 1, "batch normalization")
            let axis = try ShapeMath.axis(q.attributes.int("axis", default: 1), rank: x.rank)
            let c = [x.shape[axis]]
            var outputs = [x]
            if try q.attributes.bool("outputMeanVar", default: false) {
                outputs += [TensorInfo(shape: c, dataType: x.dataType), TensorInfo(shape: c, dataType: x.dataType)]
            }
            return ShapeResult(outputs: outputs, inputShapes: [1: c, 2: c, 3: c, 4: c])
        },
        cost: .formula(
            "1 mul + 1 add per element (scale and shift folded from the stored statistics)",
            { q in try OpCost(elements: q.input(0).elementCount, PerElement(muls: 1, adds: 1)) }),
        mxop: .init("BatchNorm hook: 1 mul, 2 adds, 1 div per element") { q in
            // mxop's count_bn: (γ·(x − μ))/√σ² + β as 1 mul, 2 adds and 1 div per element.
            let e = try q.input(0).elementCount
            return try MxopCost(muls: e, adds: e * 2, divs: e)
        },
        examples: [
            Example(
                "per-channel statistics on axis 1", inputs: [[2, 3, 4, 4], nil, nil, nil, nil],
                outputs: [[2, 3, 4, 4]], derived: [1: [3], 2: [3], 3: [3], 4: [3]],
                cost: .of(muls: 96, adds: 96), mxop: .of(muls: 96, adds: 192, divs: 96),
                arithmetic: "E = 96: 96 muls + 96 adds; mxop 96, 2·96, 96"),
            Example(
                "channel-last axis", inputs: [[2, 5, 7], nil, nil, nil, nil], attributes: ["axis": .int(-1)],
                outputs: [[2, 5, 7]], derived: [1: [7], 2: [7], 3: [7], 4: [7]],
                cost: .of(muls: 70, adds: 70), mxop: .of(muls: 70, adds: 140, divs: 70),
                arithmetic: "E = 70"),
        ])

    static let instanceNorm = OpDefinition(
        "InstanceNorm", "instance normalization: statistics per sample and channel",
        inputs: [.data, .parameter, .parameter],
        shape: { q in
            let x = try q.input(0)
            try ShapeMath.requireRank(x, atLeast: 3, "instance normalization")
            return ShapeResult(output: x, inputShapes: [1: [x.shape[1]], 2: [x.shape[1]]])
        },
        cost: .formula(
            "statistics over each (sample, channel) group + affine; see NormalizationOps",
            { q in
                let x = try q.input(0)
                return try statisticsCost(
                    elements: x.elementCount, groups: Exact(x.shape[0]) * x.shape[1], scale: true, shift: true)
            }),
        examples: [
            Example(
                "2 samples × 3 channels of 4×4", inputs: [[2, 3, 4, 4], nil, nil],
                outputs: [[2, 3, 4, 4]], derived: [1: [3], 2: [3]],
                cost: .of(muls: 288, adds: 378, divs: 18, exps: 6),
                arithmetic: "E 96, G 6, n 16: muls 2·96+96; adds 2·6·15 + 96 + 6 + 96; divs 18; exps 6")
        ])

    static let layerNorm = OpDefinition(
        "LayerNorm", "layer normalization over one axis (MXNet) or all axes from `axis` on (ONNX)",
        head: .passThrough,
        inputs: [.data, .parameter, .optionalParameter],
        shape: { q in
            let x = try q.input(0)
            let axis = try ShapeMath.axis(q.attributes.int("axis", default: -1), rank: x.rank)
            let normalized =
                try q.attributes.bool("throughLast", default: false)
                ? Array(x.shape[axis...]) : [x.shape[axis]]
            var derived: [Int: [Int]] = [1: normalized]
            if q.isPresent(2) { derived[2] = normalized }
            var outputs = [x]
            if try q.attributes.bool("outputMeanVar", default: false) {
                var stat = x.shape
                for d in axis..<(try q.attributes.bool("throughLast", default: false) ? x.rank : axis + 1) {
                    stat[d] = 1
                }
                outputs += [
                    TensorInfo(shape: stat, dataType: x.dataType), TensorInfo(shape: stat, dataType: x.dataType),
                ]
            }
            return ShapeResult(outputs: outputs, inputShapes: derived)
        },
        cost: .formula(
            "statistics over each normalized group + affine; see NormalizationOps",
            { q in
                let x = try q.input(0)
                let normalized = try q.input(1).elementCount
                let groups = try Exact(x.elementCount.get("elements") / max(1, normalized.get("elements")))
                return try statisticsCost(elements: x.elementCount, groups: groups, scale: true, shift: q.isPresent(2))
            }),
        examples: [
            Example(
                "transformer tokens, last axis", inputs: [[1, 4, 8], nil, nil],
                outputs: [[1, 4, 8]], derived: [1: [8], 2: [8]],
                cost: .of(muls: 96, adds: 124, divs: 12, exps: 4),
                arithmetic: "E 32, G 4, n 8: muls 64+32; adds 2·4·7 + 32 + 4 + 32; divs 12; exps 4"),
            Example(
                "ONNX-style: all axes from 1", inputs: [[2, 3, 4], nil],
                attributes: ["axis": .int(1), "throughLast": .bool(true)],
                outputs: [[2, 3, 4]], derived: [1: [3, 4]],
                cost: .of(muls: 72, adds: 70, divs: 6, exps: 2),
                arithmetic: "E 24, G 2, n 12, no shift: muls 48+24; adds 2·2·11 + 24 + 2; divs 6; exps 2"),
        ])

    static let groupNorm = OpDefinition(
        "GroupNorm", "group normalization: statistics per sample and channel group",
        inputs: [.data, .parameter, .parameter],
        shape: { q in
            let x = try q.input(0)
            try ShapeMath.requireRank(x, atLeast: 2, "group normalization")
            let groups = try q.attributes.int("groups", default: 1)
            guard groups >= 1, x.shape[1] % groups == 0 else {
                throw RuleError("\(x.shape[1]) channels cannot be split into \(groups) groups")
            }
            // MXNet 1.x and ONNX opset 18 keep one γ/β per group; ONNX opset 21 one per channel.
            let perChannel =
                try q.attributes.choice("paramsPer", ["group", "channel"], default: "channel") == "channel"
            let p = [perChannel ? x.shape[1] : groups]
            return ShapeResult(output: x, inputShapes: [1: p, 2: p])
        },
        cost: .formula(
            "statistics over each (sample, group) + affine; see NormalizationOps",
            { q in
                let x = try q.input(0)
                let groups = try q.attributes.int("groups", default: 1)
                return try statisticsCost(
                    elements: x.elementCount, groups: Exact(x.shape[0]) * groups, scale: true, shift: true)
            }),
        examples: [
            Example(
                "2 groups of 2 channels", inputs: [[1, 4, 2, 2], nil, nil], attributes: ["groups": .int(2)],
                outputs: [[1, 4, 2, 2]], derived: [1: [4], 2: [4]],
                cost: .of(muls: 48, adds: 62, divs: 6, exps: 2),
                arithmetic: "E 16, G 2, n 8: muls 32+16; adds 2·2·7 + 16 + 2 + 16; divs 6; exps 2")
        ])

    /// Root-mean-square normalization over the axes from `axis` on (ONNX opset 23, and
    /// onnxruntime's SimplifiedLayerNormalization), then a learned scale: per group of n,
    /// n muls (squares) + n−1 adds + 1 div (mean) + 1 add (ε) + 1 sqrt + 1 div (reciprocal),
    /// then n muls (normalize) + n muls (scale).
    static let rmsNorm = OpDefinition(
        "RMSNorm", "root-mean-square normalization over the last axes, then a scale",
        head: .passThrough,
        inputs: [.data, .parameter],
        shape: { q in
            let x = try q.input(0)
            let axis = try ShapeMath.axis(q.attributes.int("axis", default: -1), rank: x.rank)
            return ShapeResult(
                output: TensorInfo(shape: x.shape, dataType: x.dataType), inputShapes: [1: Array(x.shape[axis...])])
        },
        cost: .formula(
            "per group of n: 3n muls + n adds + 2 divs + 1 sqrt (squares, mean, ε, reciprocal, normalize, scale)",
            { q in
                let x = try q.input(0)
                let n = try q.input(1).elementCount.get("elements")
                let groups = Exact(try x.elementCount.get("elements") / max(1, n))
                return try OpCost(muls: groups * n * 3, adds: groups * n, divs: groups * 2, exps: groups)
            }),
        examples: [
            Example(
                "transformer tokens", inputs: [[1, 4, 8], nil], outputs: [[1, 4, 8]], derived: [1: [8]],
                cost: .of(muls: 96, adds: 32, divs: 8, exps: 4),
                arithmetic: "4 groups of 8: muls 4·24; adds 4·(7 + 1); divs 4·2; exps 4")
        ])

    /// Local response normalization across channels: y = x / (bias + α/size · Σ x²)^β over a
    /// window of `size` channels centred on each (clipped at the ends). Squares E muls; each
    /// output sums its window (w − 1 adds), then 1 mul (α/size), 1 add (bias), 1 pow, 1 div.
    static let lrn = OpDefinition(
        "LRN", "local response normalization across channels",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            try ShapeMath.requireRank(x, atLeast: 2, "local response normalization")
            return ShapeResult(output: TensorInfo(shape: x.shape, dataType: x.dataType))
        },
        cost: .formula(
            "E muls (squares) + per output (window − 1) adds + 1 mul + 1 add + 1 pow + 1 div",
            { q in
                let x = try q.input(0)
                let size = try ShapeMath.size(q.attributes.int("size"), "window size")
                guard size >= 1 else { throw RuleError("size \(size) is not positive") }
                let channels = x.shape[1]
                let before = (size - 1) / 2
                let after = size - 1 - before
                // Σ over channels of (window − 1): C·size less what the ends clip, less C.
                func clipped(_ reach: Int) throws -> Int {
                    let m = min(reach, channels)
                    return try ShapeMath.times(m, reach, "window") - ShapeMath.times(m, max(m - 1, 0), "window") / 2
                }
                let windowAdds =
                    try ShapeMath.times(channels, size, "window") - clipped(before) - clipped(after) - channels
                let e = x.elementCount
                let outer = try e.get("elements") / max(1, channels)
                return try OpCost(muls: e * 2, adds: Exact(outer) * windowAdds + e, divs: e, exps: e)
            }),
        examples: [
            Example(
                "3 channels, window 3", inputs: [[1, 3, 2, 2]], attributes: ["size": .int(3)], outputs: [[1, 3, 2, 2]],
                cost: .of(muls: 24, adds: 28, divs: 12, exps: 12),
                arithmetic: "windows 2, 3, 2 → 1 + 2 + 1 adds × 4 cells = 16, + 12; muls 12 + 12; 12 pows, 12 divs")
        ])

    /// Each vector along `axis` divided by its L1 or L2 norm: per vector of n, p = 2: n muls +
    /// n−1 adds + 1 sqrt; p = 1: n cmps (|x|) + n−1 adds; then n divs.
    static let lpNorm = OpDefinition(
        "LpNorm", "divide each vector along an axis by its L1 or L2 norm",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            _ = try ShapeMath.axis(q.attributes.int("axis", default: -1), rank: x.rank)
            let p = try q.attributes.int("p", default: 2)
            guard p == 1 || p == 2 else { throw RuleError("p = \(p); only 1 and 2 are defined") }
            return ShapeResult(output: TensorInfo(shape: x.shape, dataType: x.dataType))
        },
        cost: .formula(
            "per vector of n: p = 2: n muls + n−1 adds + 1 sqrt; p = 1: n cmps + n−1 adds; then n divs",
            { q in
                let x = try q.input(0)
                let n = x.shape[try ShapeMath.axis(q.attributes.int("axis", default: -1), rank: x.rank)]
                let e = x.elementCount
                let vectors = Exact(try e.get("elements") / max(1, n))
                let two = try q.attributes.int("p", default: 2) == 2
                return try OpCost(
                    muls: two ? e : 0, adds: vectors * max(n - 1, 0), divs: e, exps: two ? vectors : 0,
                    cmps: two ? 0 : e)
            }),
        examples: [
            Example(
                "L2 over the last axis", inputs: [[2, 3, 4]], outputs: [[2, 3, 4]],
                cost: .of(muls: 24, adds: 18, divs: 24, exps: 6),
                arithmetic: "6 vectors of 4: 24 muls, 6·3 adds, 6 sqrts, 24 divs"),
            Example(
                "L1 over axis 1", inputs: [[2, 3, 4]], attributes: ["axis": .int(1), "p": .int(1)],
                outputs: [[2, 3, 4]], cost: .of(adds: 16, divs: 24, cmps: 24),
                arithmetic: "8 vectors of 3: 24 cmps, 8·2 adds, 24 divs"),
        ])

    /// (x − E[x]) / (√(E[x²] − E[x]²) + ε) over `axes` (default 0, 2, 3), as ONNX's function body
    /// defines it (squares counted as muls): per group of n, 2(n−1) adds + 2 divs for the two
    /// means, n + 1 muls for the squares, 1 add (variance), 1 sqrt, 1 add (ε), n adds (centre),
    /// n divs.
    static let meanVarianceNorm = OpDefinition(
        "MeanVarianceNorm", "mean-variance normalization over axes",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            _ = try meanVarianceAxes(q.attributes, rank: x.rank)
            return ShapeResult(output: TensorInfo(shape: x.shape, dataType: x.dataType))
        },
        cost: .formula(
            "per group of n: n + 1 muls, 3n adds, n + 2 divs, 1 sqrt",
            { q in
                let x = try q.input(0)
                let axes = try meanVarianceAxes(q.attributes, rank: x.rank)
                let n = try axes.reduce(Exact(1)) { $0 * x.shape[$1] }.get("group")
                let groups = Exact(try x.elementCount.get("elements") / max(1, n))
                return try OpCost(
                    muls: groups * n + groups, adds: groups * n * 3, divs: groups * n + groups * 2, exps: groups)
            }),
        examples: [
            Example(
                "per channel", inputs: [[2, 3, 2, 2]], outputs: [[2, 3, 2, 2]],
                cost: .of(muls: 27, adds: 72, divs: 30, exps: 3),
                arithmetic: "3 groups of 8: muls 3·9, adds 3·24, divs 3·10, 3 sqrts")
        ])

    static func meanVarianceAxes(_ a: Attributes, rank: Int) throws -> Set<Int> {
        Set(try a.ints("axes", default: [0, 2, 3]).map { try ShapeMath.axis($0, rank: rank) })
    }
}
