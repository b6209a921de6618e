/// The box operations of detection heads as MXNet (GluonCV) writes them: non-maximum suppression
/// that keeps the input's shape, anchor-box decoding, and sorting. Their sizes never depend on
/// the data: suppressed boxes are filled with −1, not removed.
enum DetectionOps {
    static let definitions: [OpDefinition] = [boxNMS, boxDecode, sort]

    /// Rows of `shape` along its last-but-one axis: the batch of box lists and their length.
    static func boxLists(_ x: TensorInfo) throws -> (lists: Int, boxes: Int) {
        guard x.rank >= 2 else { throw RuleError("expects boxes [..., N, K], got \(formatShape(x.shape))") }
        let boxes = x.shape[x.rank - 2]
        let elements = try x.elementCount.get("elements")
        let width = x.shape[x.rank - 1]
        return (boxes * width == 0 ? 0 : elements / (boxes * width), boxes)
    }

    /// MXNet `box_nms`: the boxes sorted by score with the suppressed ones set to −1, same shape.
    /// Only the `topk` best (all when `topk` ≤ 0) take part.
    static let boxNMS = OpDefinition(
        "BoxNMS", "non-maximum suppression in place: boxes sorted by score, the suppressed filled with −1",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            _ = try boxLists(x)
            let width = x.shape[x.rank - 1]
            for key in ["coordStart", "scoreIndex"] {
                let at = try q.attributes.int(key, default: key == "coordStart" ? 2 : 1)
                guard at >= 0, at + (key == "coordStart" ? 4 : 1) <= width else {
                    throw RuleError("\(key) \(at) does not fit boxes of \(width) values")
                }
            }
            return ShapeResult(output: TensorInfo(shape: x.shape, dataType: x.dataType))
        },
        cost: .formula(
            "per list of N boxes (k = min(topk, N) candidates): N cmps (valid score) + N·⌈log₂N⌉ cmps (sort); "
                + "2 adds + 1 mul per candidate (areas); k(k−1)/2 IoU tests of 5 cmps + 4 adds + 1 mul + 1 div "
                + "(an upper bound: suppressed boxes are skipped)",
            { q in
                let (lists, n) = try boxLists(q.inputs[0])
                let topk = try q.attributes.int("topk", default: -1)
                let k = topk > 0 ? min(topk, n) : n
                let pairs = Exact(lists) * (try ShapeMath.times(k, max(k - 1, 0), "box pairs") / 2)
                let sort = try ShapeMath.times(n, DataDependentOps.log2Ceiling(n), "comparisons")
                return try OpCost(
                    muls: Exact(lists) * k + pairs, adds: Exact(lists) * k * 2 + pairs * 4, divs: pairs,
                    cmps: Exact(lists) * (n + sort) + pairs * 5)
            }),
        examples: [
            Example(
                "1 list of 8 boxes [id, score, x1, y1, x2, y2], the best 4 tested", inputs: [[1, 8, 6]],
                attributes: ["topk": .int(4)], outputs: [[1, 8, 6]],
                cost: .of(muls: 10, adds: 32, divs: 6, cmps: 62),
                arithmetic:
                    "cmps 8 + 8·3 + 6 pairs × 5 = 62; areas of 4: 8 adds, 4 muls; 6 pairs: 24 adds, 6 muls, 6 divs")
        ])

    /// MXNet `box_decode`: anchors [1, N, 4] and predicted offsets [B, N, 4] to corner boxes [B, N, 4].
    static let boxDecode = OpDefinition(
        "BoxDecode", "anchor boxes and predicted offsets to corner boxes",
        inputs: [.data, .data],
        shape: { q in
            let (x, anchors) = (try q.input(0), try q.input(1))
            guard x.rank == 3, x.shape[2] == 4, anchors.rank == 3, anchors.shape[2] == 4,
                anchors.shape[1] == x.shape[1], anchors.shape[0] == 1 || anchors.shape[0] == x.shape[0]
            else {
                throw RuleError(
                    "expects offsets [B, N, 4] and anchors [1, N, 4], got \(formatShape(x.shape)) and "
                        + "\(formatShape(anchors.shape))")
            }
            return ShapeResult(output: TensorInfo(shape: x.shape, dataType: x.dataType))
        },
        cost: .formula(
            "per box: centre x, y = offset·std·anchor size + anchor centre (4 muls, 2 adds); half width, height = "
                + "exp(offset·std)·anchor size·½ (6 muls, 2 exps; 2 cmps with a clip); corners (4 adds); corner "
                + "anchors first give their centre and size (4 adds, 2 muls)",
            { q in
                let boxes = try q.inputs[0].elementCount.get("elements") / 4
                let corner = try q.attributes.string("format", default: "center") == "corner"
                let clipped = try q.attributes.float("clip", default: -1) > 0
                return try OpCost(
                    muls: Exact(boxes) * (corner ? 12 : 10), adds: Exact(boxes) * (corner ? 10 : 6),
                    exps: Exact(boxes) * 2, cmps: Exact(boxes) * (clipped ? 2 : 0))
            }),
        examples: [
            Example(
                "1 image, 100 corner anchors, clipped", inputs: [[1, 100, 4], [1, 100, 4]],
                attributes: ["format": .string("corner"), "clip": .float(4.135)], outputs: [[1, 100, 4]],
                cost: .of(muls: 1200, adds: 1000, exps: 200, cmps: 200),
                arithmetic: "100 boxes × (12 muls, 10 adds, 2 exps, 2 cmps)")
        ])

    /// MXNet `sort` and `argsort`: the values, or their indices, sorted along `axis`.
    static let sort = OpDefinition(
        "Sort", "sort along an axis: the values, or the indices that sort them",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            _ = try ShapeMath.axis(q.attributes.int("axis", default: -1), rank: x.rank)
            guard try q.attributes.choice("select", ["value", "indices"], default: "value") == "indices" else {
                return ShapeResult(output: TensorInfo(shape: x.shape, dataType: x.dataType))
            }
            let name = try q.attributes.string("indexType", default: "float32")
            guard let type = DataType(rawValue: name) else { throw RuleError("unknown data type '\(name)'") }
            return ShapeResult(output: TensorInfo(shape: x.shape, dataType: type))
        },
        cost: .formula(
            "n·⌈log₂n⌉ cmps per row of n",
            { q in
                let x = q.inputs[0]
                let n = x.shape[try ShapeMath.axis(q.attributes.int("axis", default: -1), rank: x.rank)]
                let rows = n == 0 ? 0 : try x.elementCount.get("elements") / n
                return try OpCost(
                    cmps: Exact(rows) * ShapeMath.times(n, DataDependentOps.log2Ceiling(n), "comparisons"))
            }),
        examples: [
            Example(
                "argsort 2 rows of 1000 scores", inputs: [[2, 1000]], attributes: ["select": .string("indices")],
                outputs: [[2, 1000]], cost: .of(cmps: 20000), arithmetic: "2 rows × 1000 × ⌈log₂1000⌉ = 2 × 1000 × 10")
        ])
}
