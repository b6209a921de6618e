import Foundation

/// Reductions over `axes` (all when absent; `exclude` reduces all but them), with `keepDims`.
/// Each output element reduces n = input/output elements: sum n−1 adds; mean n−1 adds + 1 div;
/// max and min n−1 cmps; prod n−1 muls.
enum ReductionOps {
    static let definitions: [OpDefinition] = [
        // Each example reduces 2×3×4×4 over the spatial axes: 6 outputs of n = 16 elements.
        reduce(
            "ReduceSum", "sum", value: { $0.reduce(0, +) }, { out, n in try OpCost(adds: out * (n - 1)) },
            "n−1 adds per output",
            example: .of(adds: 90), "6 × 15 adds"),
        reduce(
            "ReduceMean", "mean", value: { $0.reduce(0, +) / Double(max($0.count, 1)) },
            { out, n in try OpCost(adds: out * (n - 1), divs: out) },
            "n−1 adds + 1 div per output",
            example: .of(adds: 90, divs: 6), "6 × (15 adds + 1 div)", head: .anchor(.pooling)),
        reduce(
            "ReduceMax", "maximum", value: { $0.max() ?? -.infinity }, { out, n in try OpCost(cmps: out * (n - 1)) },
            "n−1 cmps per output",
            example: .of(cmps: 90), "6 × 15 cmps"),
        reduce(
            "ReduceMin", "minimum", value: { $0.min() ?? .infinity }, { out, n in try OpCost(cmps: out * (n - 1)) },
            "n−1 cmps per output",
            example: .of(cmps: 90), "6 × 15 cmps"),
        reduce(
            "ReduceProd", "product", value: { $0.reduce(1, *) }, { out, n in try OpCost(muls: out * (n - 1)) },
            "n−1 muls per output",
            example: .of(muls: 90), "6 × 15 muls"),
        reduce(
            "ReduceL1", "sum of absolute values", value: { $0.reduce(0) { $0 + abs($1) } },
            { out, n in try OpCost(adds: out * (n - 1), cmps: out * n) },
            "n cmps (|x|) + n−1 adds per output", example: .of(adds: 90, cmps: 96), "6 × (16 cmps + 15 adds)"),
        reduce(
            "ReduceL2", "Euclidean norm", value: { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() },
            { out, n in try OpCost(muls: out * n, adds: out * (n - 1), exps: out) },
            "n muls + n−1 adds + 1 sqrt per output", example: .of(muls: 96, adds: 90, exps: 6),
            "6 × (16 muls + 15 adds + 1 sqrt)"),
        reduce(
            "ReduceSumSquare", "sum of squares", value: { $0.reduce(0) { $0 + $1 * $1 } },
            { out, n in try OpCost(muls: out * n, adds: out * (n - 1)) },
            "n muls + n−1 adds per output", example: .of(muls: 96, adds: 90), "6 × (16 muls + 15 adds)"),
        reduce(
            "ReduceLogSum", "log of the sum", value: { Foundation.log($0.reduce(0, +)) },
            { out, n in try OpCost(adds: out * (n - 1), exps: out) },
            "n−1 adds + 1 log per output", example: .of(adds: 90, exps: 6), "6 × (15 adds + 1 log)"),
        reduce(
            "ReduceLogSumExp", "log of the sum of exponentials",
            value: { Foundation.log($0.reduce(0) { $0 + Foundation.exp($1) }) },
            { out, n in try OpCost(adds: out * (n - 1), exps: out * n + out) },
            "n exps + n−1 adds + 1 log per output (as defined, without the max shift)",
            example: .of(adds: 90, exps: 102), "6 × (16 exps + 15 adds + 1 log)"),
    ]

    /// A reduction; `example` is the expected cost of the shared worked example, worked out by
    /// hand (`arithmetic`).
    static func reduce(
        _ type: String, _ what: String, value: @escaping @Sendable ([Double]) -> Double,
        _ formula: @escaping @Sendable (Exact, Int) throws -> OpCost,
        _ description: String, example: OpCost, _ arithmetic: String,
        head: HeadRole? = nil
    ) -> OpDefinition {
        OpDefinition(
            type, "\(what) over axes", head: head, inputs: [.data, .optionalData],
            shape: { q in try reducedShape(q, value: value) },
            cost: .formula(
                description,
                { q in
                    let out = q.outputElements
                    let n = try q.input(0).elementCount.get("elements") / max(1, try out.get("elements"))
                    return try formula(out, n)
                }),
            examples: [
                Example(
                    "over the spatial axes, kept", inputs: [[2, 3, 4, 4]],
                    attributes: ["axes": .ints([2, 3]), "keepDims": .bool(true)], outputs: [[2, 3, 1, 1]],
                    cost: example, arithmetic: "6 outputs of 16 elements: " + arithmetic)
            ])
    }

    /// The reduced shape: the reduced axes dropped, or kept as 1 with `keepDims`.
    static func reducedShape(_ q: ShapeQuery, value: (@Sendable ([Double]) -> Double)? = nil) throws -> ShapeResult {
        let x = try q.input(0)
        let given = try q.attributes.has("axes") ? q.attributes.ints("axes") : q.optionalInput(1)?.values
        var axes = try Set((given ?? []).map { try ShapeMath.axis($0, rank: x.rank) })
        let emptyIsNoop = try q.attributes.bool("emptyAxesIsNoop", default: false)
        if try q.attributes.bool("exclude", default: false) {
            axes = Set(0..<x.rank).subtracting(axes)
        } else if (given ?? []).isEmpty && !emptyIsNoop {
            axes = Set(0..<x.rank)
        }
        let keep = try q.attributes.bool("keepDims", default: false)
        var shape: [Int] = []
        for (d, size) in x.shape.enumerated() {
            if !axes.contains(d) { shape.append(size) } else if keep { shape.append(1) }
        }
        if shape.isEmpty, try q.attributes.bool("scalarAsVector", default: false) { shape = [1] }
        var out = TensorInfo(shape: shape, dataType: x.dataType)
        // Known values of a small tensor (shape arithmetic) are reduced too.
        if let value, let numbers = x.numbers, Values.small(x.shape) {
            var groups = [[Double]](repeating: [], count: max(1, shape.reduce(1, *)))
            let kept = (0..<x.rank).filter { !axes.contains($0) }
            let keptShape = kept.map { x.shape[$0] }
            let strides = Values.strides(keptShape)
            for (flat, index) in Values.indices(x.shape).enumerated() {
                let offset = zip(kept.map { index[$0] }, strides).reduce(0) { $0 + $1.0 * $1.1 }
                groups[offset].append(numbers[flat])
            }
            let reduced = groups.map(value)
            if x.dataType.isFloatingPoint {
                out.realValues = reduced
            } else if reduced.allSatisfy({ $0.isFinite && $0.magnitude < 9e18 }) {
                out.values = reduced.map { Int($0.rounded(.towardZero)) }
            }
        }
        return ShapeResult(output: out)
    }
}
