/// Softmax and log-softmax, counted by their mathematical definition over groups of n
/// elements (the max-subtraction of numerically stable implementations is not counted):
/// softmax E exps + G·(n−1) adds + E divs; log-softmax E exps + G·(n−1) adds + G exps (log) + E adds.
enum SoftmaxOps {
    static let definitions: [OpDefinition] = [softmax, logSoftmax, softmaxOutput]

    /// Cost of a softmax of `elements` in groups of `n`.
    static func softmaxCost(elements e: Exact, groupSize n: Int, log: Bool) throws -> OpCost {
        let groups = try Exact(e.get("elements") / max(1, n))
        if log {
            return try OpCost(adds: groups * (n - 1) + e, exps: e + groups)
        }
        return try OpCost(adds: groups * (n - 1), divs: e, exps: e)
    }

    /// The length of the softmax axis, or of every axis from it on with `throughLast` (ONNX
    /// opsets before 13).
    static func axisLength(_ q: CostQuery) throws -> Int {
        let x = try q.input(0)
        let axis = try ShapeMath.axis(q.attributes.int("axis", default: -1), rank: x.rank)
        return try q.attributes.bool("throughLast", default: false)
            ? ShapeMath.product(x.shape[axis...], "softmax size") : x.shape[axis]
    }

    /// The input's shape, once `axis` is checked against its rank.
    static func sameShapeAlongAxis(_ q: ShapeQuery) throws -> ShapeResult {
        let x = try q.input(0)
        _ = try ShapeMath.axis(q.attributes.int("axis", default: -1), rank: x.rank)
        return ShapeResult(output: x)
    }

    static let softmax = OpDefinition(
        "Softmax", "e^x / Σ e^x along `axis` (default -1)",
        head: .passThrough,
        inputs: [.data, .optionalData],
        shape: sameShapeAlongAxis,
        cost: .formula(
            "E exps + G·(n−1) adds + E divs",
            { q in
                try softmaxCost(elements: q.outputElements, groupSize: axisLength(q), log: false)
            }),
        examples: [
            Example(
                "rows of 5", inputs: [[2, 5]], outputs: [[2, 5]], cost: .of(adds: 8, divs: 10, exps: 10),
                arithmetic: "E 10, G 2: 10 exps, 2·4 adds, 10 divs")
        ])

    static let logSoftmax = OpDefinition(
        "LogSoftmax", "x − log Σ e^x along `axis` (default -1)",
        head: .passThrough,
        inputs: [.data, .optionalData],
        shape: sameShapeAlongAxis,
        cost: .formula(
            "E + G exps + G·(n−1) + E adds",
            { q in
                try softmaxCost(elements: q.outputElements, groupSize: axisLength(q), log: true)
            }),
        examples: [
            Example(
                "rows of 5", inputs: [[2, 5]], outputs: [[2, 5]], cost: .of(adds: 18, exps: 12),
                arithmetic: "E 10, G 2: 12 exps, 8 + 10 adds")
        ])

    /// MXNet's `SoftmaxOutput` / `SoftmaxActivation` at inference: a softmax over the channel
    /// axis (`multiOutput`, or `mode` channel), over the last axis (`preserveShape`), or over
    /// all non-batch elements (the default, and `mode` instance). The label input, if any,
    /// gets the shape MXNet gives it and counts nothing.
    static let softmaxOutput = OpDefinition(
        "SoftmaxOutput", "softmax over channels, the last axis, or each sample",
        head: .passThrough,
        inputs: [.data, .label],
        shape: { q in
            let x = try q.input(0)
            try ShapeMath.requireRank(x, atLeast: 1, "SoftmaxOutput")
            let grouping = try grouping(q.attributes)
            var derived: [Int: [Int]] = [:]
            if q.isPresent(1), q.optionalInput(1) == nil {
                // MXNet's label shapes: (N, spatial elements) per pixel, else the data without its last axis.
                if grouping == "channel" {
                    derived[1] = [x.shape[0], try ShapeMath.product(x.shape.dropFirst(2), "label size")]
                } else {
                    derived[1] = Array(x.shape.dropLast())
                }
            }
            return ShapeResult(output: x, inputShapes: derived)
        },
        cost: .formula(
            "as Softmax, over the chosen grouping",
            { q in
                let x = try q.input(0)
                let n: Int
                switch try grouping(q.attributes) {
                case "channel": n = x.rank > 1 ? x.shape[1] : x.shape[0]
                case "last": n = x.shape[x.rank - 1]
                default: n = try ShapeMath.product(x.shape.dropFirst(), "sample size")
                }
                return try softmaxCost(elements: x.elementCount, groupSize: n, log: false)
            }),
        examples: [
            Example(
                "classifier output with a label", inputs: [[4, 10], nil], outputs: [[4, 10]], derived: [1: [4]],
                cost: .of(adds: 36, divs: 40, exps: 40), arithmetic: "E 40, G 4: 40 exps, 4·9 adds, 40 divs"),
            Example(
                "per-pixel (multi-output)", inputs: [[1, 3, 2, 2], nil], attributes: ["grouping": .string("channel")],
                outputs: [[1, 3, 2, 2]], derived: [1: [1, 4]],
                cost: .of(adds: 8, divs: 12, exps: 12), arithmetic: "E 12, n 3, G 4: 12 exps, 4·2 adds, 12 divs"),
        ])

    static func grouping(_ a: Attributes) throws -> String {
        try a.choice("grouping", ["sample", "channel", "last"], default: "sample")
    }
}
