/// Array ops of MXNet (and GluonCV's detectors) that move or repeat elements: stacking,
/// reversing, repeating, broadcasting to a given or another tensor's shape; and L2
/// normalization over instance, channel or spatial axes.
enum ArrayOps {
    static let definitions: [OpDefinition] = [
        stack, reverse, repeatOp, broadcastTo, broadcastLike, broadcastAxis, l2Norm, sliceLike, arange,
    ]

    /// The leading part of `data` of another tensor's size along `axes` (all when none are given).
    static let sliceLike = OpDefinition(
        "SliceLike", "slice to another tensor's size",
        inputs: [.data, .data],
        shape: { q in
            let (x, like) = (try q.input(0), try q.input(1))
            let given = try q.attributes.ints("axes", default: [])
            let axes = try (given.isEmpty ? Array(0..<min(x.rank, like.rank)) : given).map {
                try ShapeMath.axis($0, rank: x.rank)
            }
            var out = x.shape
            for axis in axes {
                guard axis < like.rank, like.shape[axis] <= x.shape[axis] else {
                    throw RuleError(
                        "cannot slice axis \(axis) of \(formatShape(x.shape)) like \(formatShape(like.shape))")
                }
                out[axis] = like.shape[axis]
            }
            return ShapeResult(shape: out, dataType: x.dataType)
        },
        cost: .zero(reason: "a view: no arithmetic"),
        examples: [Example("like a smaller map", inputs: [[4, 6, 8], [2, 3, 8]], outputs: [[2, 3, 8]])])

    /// start, start + step, … below stop, each `repeat` times (MXNet's arange; stop absent:
    /// 0 to start).
    static let arange = OpDefinition(
        "Arange", "an arithmetic sequence given by attributes",
        inputs: [],
        shape: { q in
            var start = try q.attributes.float("start", default: 0)
            var stop = try q.attributes.float("stop", default: .nan)
            if stop.isNaN { (start, stop) = (0, start) }
            let step = try q.attributes.float("step", default: 1)
            let repeats = try ShapeMath.size(q.attributes.int("repeat", default: 1), "repeat")
            guard step != 0, step.isFinite, start.isFinite, stop.isFinite, repeats >= 1 else {
                throw RuleError("start, stop, step and repeat do not make a sequence")
            }
            let steps = ((stop - start) / step).rounded(.up)
            guard steps < Double(Limits.dimension) else { throw RuleError("the range is too long") }
            let count = try ShapeMath.times(steps > 0 ? Int(steps) : 0, repeats, "length")
            var out = TensorInfo(
                shape: [count], dataType: try TensorOps.dataType(q.attributes.string("dataType", default: "float32")))
            if count <= TensorInfo.valueLimit {
                let values = (0..<count).map { start + Double($0 / repeats) * step }
                if out.dataType.isFloatingPoint {
                    out.realValues = values
                } else if values.allSatisfy({ $0.magnitude < 9e18 }) {
                    out.values = values.map { Int($0) }
                }
            }
            return ShapeResult(output: out)
        },
        cost: .zero(reason: "index arithmetic, not counted"),
        examples: [
            Example(
                "0 to 10 by 3", inputs: [], attributes: ["start": .float(0), "stop": .float(10), "step": .float(3)],
                outputs: [[4]])
        ])

    /// n tensors of one shape joined along a new axis.
    static let stack = OpDefinition(
        "Stack", "join tensors of one shape along a new axis",
        inputs: [.data, .variadic],
        shape: { q in
            let first = try q.input(0)
            for i in 1..<q.count where try q.input(i).shape != first.shape {
                throw RuleError("stacked tensors differ in shape")
            }
            let axis = try ShapeMath.axis(q.attributes.int("axis", default: 0), rank: first.rank + 1)
            var out = first.shape
            out.insert(q.count, at: axis)
            return ShapeResult(shape: out, dataType: first.dataType)
        },
        cost: .zero(reason: "a copy: no arithmetic"),
        examples: [Example("two rows", inputs: [[2, 3], [2, 3]], outputs: [[2, 2, 3]])])

    static let reverse = OpDefinition(
        "Reverse", "reverse the order along axes",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            for axis in try q.attributes.ints("axes", default: []) { _ = try ShapeMath.axis(axis, rank: x.rank) }
            return ShapeResult(shape: x.shape, dataType: x.dataType)
        },
        cost: .zero(reason: "a copy in another order: no arithmetic"),
        examples: [
            Example("along axis 1", inputs: [[2, 3, 4]], attributes: ["axes": .ints([1])], outputs: [[2, 3, 4]])
        ])

    /// Each element (along `axis`, or of the flattened input) repeated `repeats` times.
    static let repeatOp = OpDefinition(
        "Repeat", "repeat each element along an axis",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            let repeats = try ShapeMath.size(q.attributes.int("repeats"), "repeats")
            guard q.attributes.has("axis") else {
                return ShapeResult(shape: [try (x.elementCount * repeats).get("elements")], dataType: x.dataType)
            }
            let axis = try ShapeMath.axis(q.attributes.int("axis"), rank: x.rank)
            var out = x.shape
            out[axis] = try ShapeMath.times(out[axis], repeats, "repeated size")
            return ShapeResult(shape: out, dataType: x.dataType)
        },
        cost: .zero(reason: "a copy: no arithmetic"),
        examples: [
            Example(
                "3 times along axis 1", inputs: [[2, 3]], attributes: ["repeats": .int(3), "axis": .int(1)],
                outputs: [[2, 9]])
        ])

    /// Broadcast to `shape` (0 keeps the input's size there).
    static let broadcastTo = OpDefinition(
        "BroadcastTo", "broadcast to a given shape",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            let target = try q.attributes.ints("shape")
            guard target.count == x.rank else { throw RuleError("shape \(formatShape(target)) for rank \(x.rank)") }
            var out = target
            for d in out.indices {
                if out[d] == 0 { out[d] = x.shape[d] }
                guard x.shape[d] == out[d] || x.shape[d] == 1, out[d] >= 0 else {
                    throw RuleError("cannot broadcast \(formatShape(x.shape)) to \(formatShape(target))")
                }
            }
            return ShapeResult(shape: out, dataType: x.dataType)
        },
        cost: .zero(reason: "a broadcast copy: no arithmetic"),
        examples: [
            Example(
                "size-1 axes", inputs: [[1, 3, 1]], attributes: ["shape": .ints([4, 3, 5])], outputs: [[4, 3, 5]])
        ])

    /// Broadcast to another tensor's shape (or, with `lhsAxes`/`rhsAxes`, some of its axes).
    static let broadcastLike = OpDefinition(
        "BroadcastLike", "broadcast to another tensor's shape",
        inputs: [.data, .data],
        shape: { q in
            let (x, like) = (try q.input(0), try q.input(1))
            let lhs = try q.attributes.ints("lhsAxes", default: [])
            let rhs = try q.attributes.ints("rhsAxes", default: [])
            var out = like.shape
            if !lhs.isEmpty || !rhs.isEmpty {
                guard lhs.count == rhs.count else { throw RuleError("lhs and rhs axes differ in number") }
                out = x.shape
                for (l, r) in zip(lhs, rhs) {
                    out[try ShapeMath.axis(l, rank: x.rank)] = like.shape[try ShapeMath.axis(r, rank: like.rank)]
                }
            }
            guard out.count == x.rank, zip(x.shape, out).allSatisfy({ $0 == $1 || $0 == 1 }) else {
                throw RuleError("cannot broadcast \(formatShape(x.shape)) to \(formatShape(out))")
            }
            return ShapeResult(shape: out, dataType: x.dataType)
        },
        cost: .zero(reason: "a broadcast copy: no arithmetic"),
        examples: [Example("to a matrix", inputs: [[1, 3], [4, 3]], outputs: [[4, 3]])])

    /// Size-1 `axes` broadcast to `sizes`.
    static let broadcastAxis = OpDefinition(
        "BroadcastAxis", "broadcast size-1 axes to given sizes",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            let axes = try q.attributes.ints("axes", default: [])
            let sizes = try q.attributes.ints("sizes", default: [])
            guard axes.count == sizes.count else { throw RuleError("\(sizes.count) sizes for \(axes.count) axes") }
            var out = x.shape
            for (a, s) in zip(axes, sizes) {
                let axis = try ShapeMath.axis(a, rank: x.rank)
                guard out[axis] == 1 || out[axis] == s else {
                    throw RuleError("axis \(axis) has size \(out[axis]), not 1")
                }
                out[axis] = try ShapeMath.size(s, "size")
            }
            return ShapeResult(shape: out, dataType: x.dataType)
        },
        cost: .zero(reason: "a broadcast copy: no arithmetic"),
        examples: [
            Example(
                "axis 1 to 4", inputs: [[2, 1, 3]], attributes: ["axes": .ints([1]), "sizes": .ints([4])],
                outputs: [[2, 4, 3]])
        ])

    /// x / √(Σx² + ε) over `axes` (MXNet's L2Normalization: instance = all but the batch axis,
    /// channel = axis 1, spatial = the axes after 1): per group of n, n muls + n − 1 adds + 1 add
    /// (ε) + 1 sqrt, then n divs.
    static let l2Norm = OpDefinition(
        "L2Norm", "L2 normalization over instance, channel or spatial axes",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            _ = try l2Axes(q.attributes, rank: x.rank)
            return ShapeResult(shape: x.shape, dataType: x.dataType)
        },
        cost: .formula(
            "per group of n: n muls + n adds + 1 sqrt, then n divs",
            { q in
                let x = try q.input(0)
                let axes = try l2Axes(q.attributes, rank: x.rank)
                let n = try axes.reduce(Exact(1)) { $0 * x.shape[$1] }.get("group")
                let e = x.elementCount
                let groups = Exact(try e.get("elements") / max(1, n))
                return try OpCost(muls: e, adds: e, divs: e, exps: groups)
            }),
        examples: [
            Example(
                "per instance", inputs: [[2, 3, 2, 2]], outputs: [[2, 3, 2, 2]],
                cost: .of(muls: 24, adds: 24, divs: 24, exps: 2),
                arithmetic: "2 groups of 12: 24 muls, 2·(11 + 1) adds, 2 sqrts, 24 divs")
        ])

    static func l2Axes(_ a: Attributes, rank: Int) throws -> [Int] {
        guard rank >= 2 else { throw RuleError("L2 normalization needs a batch axis and more") }
        switch try a.choice("mode", ["instance", "channel", "spatial"], default: "instance") {
        case "channel": return [1]
        case "spatial":
            guard rank >= 3 else { throw RuleError("spatial L2 normalization needs spatial axes") }
            return Array(2..<rank)
        default: return Array(1..<rank)
        }
    }
}
