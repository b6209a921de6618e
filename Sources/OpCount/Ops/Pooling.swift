/// Window pooling (max, average, sum, Lp), global pooling and adaptive average pooling.
///
/// `Pooling` attributes: `mode` (`max`, `avg`, `sum`, `lp`), `kernel`, `stride` (default 1),
/// `pads`, `dilation`, `global`, `convention` (`valid` rounds the output size down, `full`
/// rounds it up, `same` gives ⌈input/stride⌉), `autoPad` (ONNX), `countIncludePad`, `p` (Lp).
/// Per output element over a window of K inputs: max K−1 cmps; avg K−1 adds + 1 div;
/// sum K−1 adds; Lp K exps (|x|^p) + K−1 adds + 1 exp (the root). Windows are counted at their
/// full size K, padding included.
enum PoolingOps {
    static let definitions: [OpDefinition] = [pooling, adaptiveAvgPool]

    static let modes = ["max", "avg", "sum", "lp"]

    static let pooling = OpDefinition(
        "Pooling", "max / average / sum / Lp pooling over windows or the whole spatial extent",
        head: .anchor(.pooling),
        inputs: [.data],
        shape: poolingShape,
        cost: .formula(
            "per output over a K-element window: max K−1 cmps; avg K−1 adds + 1 div; sum K−1 adds; Lp K+1 exps + K−1 adds",
            { q in
                let out = q.outputElements
                let k = try windowSize(q)
                switch try q.attributes.string("mode", default: "max") {
                case "avg": return try OpCost(adds: out * (k - 1), divs: out)
                case "sum": return try OpCost(adds: out * (k - 1))
                case "lp": return try OpCost(adds: out * (k - 1), exps: out * (k + 1))
                default: return try OpCost(cmps: out * (k - 1))
                }
            }),
        mxop: .init("MaxPool hooks count 0; AvgPool: K − 1 adds + 1 div per output; global pooling not hooked (0)") {
            q in
            // mxop hooks MaxPool1/2/3D (counting nothing) and AvgPool1/2/3D (K−1 adds and 1 div per
            // output, K from the block's pool_size). Global pooling blocks have no hook.
            guard try !q.attributes.bool("global", default: false),
                try q.attributes.string("mode", default: "max") == "avg"
            else { return .zero }
            let out = q.outputElements
            return try MxopCost(adds: out * (try windowSize(q) - 1), divs: out)
        },
        examples: [
            Example(
                "3×3 max pool, stride 2, pad 1", inputs: [[1, 2, 8, 8]],
                attributes: [
                    "mode": .string("max"), "kernel": .ints([3, 3]), "stride": .ints([2, 2]), "pads": .ints([1, 1]),
                ],
                outputs: [[1, 2, 4, 4]], cost: .of(cmps: 256), mxop: .zero,
                arithmetic: "(8+2−3)/2+1 = 4; out 32 × 8 cmps"),
            Example(
                "2×2 average pool, stride 2", inputs: [[1, 3, 4, 4]],
                attributes: ["mode": .string("avg"), "kernel": .ints([2, 2]), "stride": .ints([2, 2])],
                outputs: [[1, 3, 2, 2]], cost: .of(adds: 36, divs: 12), mxop: .of(adds: 36, divs: 12),
                arithmetic: "out 12 × 3 adds, 12 divs"),
            Example(
                "full convention rounds up", inputs: [[1, 1, 6, 6]],
                attributes: [
                    "mode": .string("max"), "kernel": .ints([3, 3]), "stride": .ints([2, 2]),
                    "convention": .string("full"),
                ],
                outputs: [[1, 1, 3, 3]], cost: .of(cmps: 72), mxop: .zero,
                arithmetic: "⌈(6−3)/2⌉+1 = 3; out 9 × 8 cmps"),
            Example(
                "global average pool: mxop has no hook", inputs: [[2, 4, 7, 7]],
                attributes: ["mode": .string("avg"), "global": .bool(true)],
                outputs: [[2, 4, 1, 1]], cost: .of(adds: 384, divs: 8), mxop: .zero,
                arithmetic: "out 8 × (49 − 1) adds, 8 divs"),
            Example(
                "L2 pool", inputs: [[1, 1, 4]],
                attributes: ["mode": .string("lp"), "kernel": .ints([2]), "stride": .ints([2])],
                outputs: [[1, 1, 2]], cost: .of(adds: 2, exps: 6), mxop: .zero,
                arithmetic: "out 2 × (1 add, 3 exps)"),
        ])

    /// The output shape of window or global pooling, with MaxPool's optional int64 indices of
    /// the maxima as a second output.
    static func poolingShape(_ q: ShapeQuery) throws -> ShapeResult {
        let x = try q.input(0)
        try ShapeMath.requireRank(x, atLeast: 3, "pooling")
        _ = try q.attributes.choice("mode", modes, default: "max")
        let withIndices = try q.attributes.bool("withIndices", default: false)
        let spatial =
            try q.attributes.bool("global", default: false)
            ? [Int](repeating: 1, count: x.rank - 2) : try windowedSizes(q, x)
        let y = TensorInfo(shape: Array(x.shape[..<2]) + spatial, dataType: x.dataType)
        return ShapeResult(outputs: withIndices ? [y, TensorInfo(shape: y.shape, dataType: .int64)] : [y])
    }

    /// The spatial output sizes of window pooling over `x`. MXNet's `same` convention is SAME
    /// auto padding (⌈input / stride⌉ outputs) and takes no explicit padding.
    static func windowedSizes(_ q: ShapeQuery, _ x: TensorInfo) throws -> [Int] {
        let n = x.rank - 2
        let kernel = try q.attributes.ints("kernel")
        guard kernel.count == n else {
            throw RuleError(
                "kernel \(formatShape(kernel)) has \(kernel.count) dimensions but the input has \(n) spatial dimensions"
            )
        }
        let stride = try ShapeMath.spatial(q.attributes, "stride", count: n, default: 1)
        let dilation = try ShapeMath.spatial(q.attributes, "dilation", count: n, default: 1)
        let convention = try q.attributes.choice("convention", ["valid", "full", "same"], default: "valid")
        let same = convention == "same"
        let (padBegin, padEnd) = try pads(q.attributes, count: n, same: same)
        let windows = try ShapeMath.window(
            kernel: kernel, stride: stride, dilation: dilation, padding: padBegin + padEnd)
        let autoPad = try same ? "SAME_UPPER" : ShapeMath.autoPad(q.attributes)
        let clip = try convention == "full" && q.attributes.bool("clipLastWindow", default: false)
        return try (0..<n).map { d in
            let input = x.shape[2 + d]
            if autoPad.hasPrefix("SAME") {
                return ShapeMath.samePadding(size: input, stride: stride[d], window: windows[d]).output
            }
            let (begin, end) = autoPad == "VALID" ? (0, 0) : (padBegin[d], padEnd[d])
            return try pooledSize(
                input, d, begin: begin, end: end, window: windows[d], stride: stride[d],
                roundUp: convention == "full", clip: clip)
        }
    }

    /// Begin and end padding from `pads`; none for the `same` convention, which refuses any.
    static func pads(_ attributes: Attributes, count n: Int, same: Bool) throws -> (begin: [Int], end: [Int]) {
        guard same else { return try ShapeMath.pads(attributes, count: n) }
        // MXNet accepts any number of zeros here.
        guard try attributes.ints("pads", default: []).allSatisfy({ $0 == 0 }) else {
            throw RuleError("the 'same' pooling convention takes no explicit padding")
        }
        let none = [Int](repeating: 0, count: n)
        return (none, none)
    }

    /// The output size of spatial dimension `d`, `input` positions padded by `begin` and `end`:
    /// rounded down (`valid`) or up (`full`); `clip` drops a last window that would start in the
    /// end padding (ONNX `ceil_mode`, PyTorch).
    static func pooledSize(
        _ input: Int, _ d: Int, begin: Int, end: Int, window: Int, stride: Int,
        roundUp: Bool, clip: Bool
    ) throws -> Int {
        let padded = input + begin + end
        guard padded >= window else {
            throw RuleError(
                "pooling window \(window) is larger than the padded input \(padded) in spatial dimension \(d)")
        }
        let size = roundUp ? (padded - window + stride - 1) / stride + 1 : (padded - window) / stride + 1
        return roundUp && clip && (size - 1) * stride >= input + begin ? size - 1 : size
    }

    /// The elements of one window (the whole spatial extent for global pooling).
    static func windowSize(_ q: CostQuery) throws -> Exact {
        if try q.attributes.bool("global", default: false) {
            return try q.input(0).shape.dropFirst(2).exactProduct
        }
        return try q.attributes.ints("kernel").exactProduct
    }

    /// Σ over cells i < S of ⌈(i+1)·L/S⌉ − ⌊i·L/S⌋, the inputs the cells of one axis read, in
    /// closed form: Σ⌈(i+1)L/S⌉ = Σ⌊iL/S⌋ (i = 1…S) + S − gcd(L, S) (a ceiling exceeds the floor
    /// unless S divides iL, which happens for gcd(L, S) of the i), and the floor sums differ by the
    /// last term, L. So the sum is L + S − gcd(L, S): no loop over S cells, no product i·L.
    static func cellSizeSum(length: Int, cells: Int) -> Exact {
        var (a, b) = (length, cells)
        while b != 0 { (a, b) = (b, a % b) }
        return Exact(length) + cells - a
    }

    /// Adaptive average pooling to a fixed output size: output cell i of an axis of length L
    /// split into S cells averages inputs ⌊i·L/S⌋ ..< ⌈(i+1)·L/S⌉.
    static let adaptiveAvgPool = OpDefinition(
        "AdaptiveAvgPool", "average pooling to a fixed output size (cells may overlap)",
        head: .anchor(.pooling),
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            try ShapeMath.requireRank(x, atLeast: 3, "adaptive pooling")
            let size = try ShapeMath.spatial(q.attributes, "outputSize", count: x.rank - 2, default: 1)
            try ShapeMath.requirePositive(size, "output size")
            return ShapeResult(shape: Array(x.shape[..<2]) + size, dataType: x.dataType)
        },
        cost: .formula(
            "per output cell of W inputs: W−1 adds + 1 div; an axis of L inputs in S cells reads L + S − gcd(L, S)",
            { q in
                let x = try q.input(0)
                let y = q.outputs[0]
                var reads = Exact(x.shape[0]) * x.shape[1]
                for d in 2..<x.rank {
                    reads = reads * cellSizeSum(length: x.shape[d], cells: y.shape[d])
                }
                let out = q.outputElements
                return try OpCost(adds: reads - out, divs: out)
            }),
        examples: [
            Example(
                "5 → 3 cells per axis (overlapping)", inputs: [[1, 1, 5, 5]],
                attributes: ["outputSize": .ints([3, 3])],
                outputs: [[1, 1, 3, 3]], cost: .of(adds: 40, divs: 9),
                arithmetic: "cells [0,2) [1,4) [3,5): sizes 2+3+2 = 7 per axis; reads 49; adds 49 − 9"),
            Example(
                "to 1×1 equals global average", inputs: [[1, 2, 4, 4]],
                outputs: [[1, 2, 1, 1]], cost: .of(adds: 30, divs: 2),
                arithmetic: "2 × (16 − 1) adds"),
        ])
}
