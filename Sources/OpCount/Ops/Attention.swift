/// Scaled dot-product attention (ONNX Attention, opset 23): `softmax(scale·QKᵀ + mask)·V`.
///
/// 4-D inputs are (batch, heads, sequence, head size); 3-D inputs fold the heads into the last
/// axis and need `qHeads` / `kvHeads`. Keys and values may be prefixed by `pastKey` /
/// `pastValue` (inputs 4 and 5); with fewer key/value heads than query heads (grouped-query
/// attention) each key/value head serves several query heads.
/// Cost, with T = past + new key length: MACs = B·Hq·L·T·(head size + value head size)
/// (QKᵀ and the weighted sum of V); muls also B·Hq·L·T for the scale; adds: (head − 1) per
/// score, (T − 1) per output element, the softmax over T as in ``SoftmaxOps``, and B·Hq·L·T
/// with a mask.
enum AttentionOps {
    static let definitions: [OpDefinition] = [attention]

    struct Geometry {
        var batch: Int, qHeads: Int, kvHeads: Int, qLength: Int, kvLength: Int, pastLength: Int, headSize: Int,
            valueHeadSize: Int
        var threeD: Bool
        var total: Int { pastLength + kvLength }
    }

    static func geometry(_ q: ShapeQuery) throws -> Geometry {
        let (query, key, value) = (try q.input(0), try q.input(1), try q.input(2))
        guard query.rank == key.rank, key.rank == value.rank, query.rank == 3 || query.rank == 4 else {
            throw RuleError("Q, K and V must all be 3-D or all 4-D")
        }
        let pastLength = try pastSequenceLength(q, batch: query.shape[0])
        if query.rank == 4 {
            guard query.shape[0] == key.shape[0], key.shape[0] == value.shape[0] else {
                throw RuleError("batch sizes differ")
            }
            guard query.shape[3] == key.shape[3] else {
                throw RuleError("Q and K head sizes differ: \(query.shape[3]) and \(key.shape[3])")
            }
            guard key.shape[1] == value.shape[1], key.shape[2] == value.shape[2] else {
                throw RuleError("K and V disagree in heads or length")
            }
            guard query.shape[1] % key.shape[1] == 0 else {
                throw RuleError("\(query.shape[1]) query heads cannot share \(key.shape[1]) key heads")
            }
            return Geometry(
                batch: query.shape[0], qHeads: query.shape[1], kvHeads: key.shape[1], qLength: query.shape[2],
                kvLength: key.shape[2], pastLength: pastLength, headSize: query.shape[3],
                valueHeadSize: value.shape[3], threeD: false)
        }
        let qHeads = try q.attributes.int("qHeads")
        let kvHeads = try q.attributes.int("kvHeads")
        try ShapeMath.requirePositive([qHeads, kvHeads], "head count")
        guard query.shape[2] % qHeads == 0, key.shape[2] % kvHeads == 0, value.shape[2] % kvHeads == 0 else {
            throw RuleError("hidden sizes are not divisible by the head counts")
        }
        guard query.shape[2] / qHeads == key.shape[2] / kvHeads else { throw RuleError("Q and K head sizes differ") }
        guard qHeads % kvHeads == 0 else { throw RuleError("\(qHeads) query heads cannot share \(kvHeads) key heads") }
        return Geometry(
            batch: query.shape[0], qHeads: qHeads, kvHeads: kvHeads, qLength: query.shape[1], kvLength: key.shape[1],
            pastLength: pastLength, headSize: query.shape[2] / qHeads,
            valueHeadSize: value.shape[2] / kvHeads, threeD: true)
    }

    /// The past sequence length P of `pastKey` / `pastValue` (inputs 4 and 5): both
    /// (batch, kv heads, P, head size) and given together; 0 without them.
    static func pastSequenceLength(_ q: ShapeQuery, batch: Int) throws -> Int {
        let (key, value) = (q.optionalInput(4), q.optionalInput(5))
        guard (key == nil) == (value == nil) else { throw RuleError("pastKey and pastValue must be given together") }
        let length = try pastLength(key, "pastKey")
        guard let key, let value else { return 0 }
        guard try pastLength(value, "pastValue") == length, key.shape[0] == batch, value.shape[0] == batch,
            key.shape[1] == value.shape[1]
        else {
            throw RuleError(
                "pastKey \(formatShape(key.shape)) and pastValue \(formatShape(value.shape)) disagree "
                    + "with each other or with the batch \(batch)")
        }
        return length
    }

    /// The past length P of a cache tensor that must be (batch, heads, P, head size); 0 when absent.
    static func pastLength(_ past: TensorInfo?, _ name: String) throws -> Int {
        guard let past else { return 0 }
        guard past.rank == 4 else {
            throw RuleError("\(name) \(formatShape(past.shape)) must be 4-D (batch, heads, past length, head size)")
        }
        return past.shape[2]
    }

    static let attention = OpDefinition(
        "Attention", "scaled dot-product attention: softmax(scale·QKᵀ + mask)·V",
        inputs: [.data, .data, .data, .optionalData, .optionalData, .optionalData, .optionalData],
        shape: attentionShape,
        cost: .formula(
            "MACs = B·Hq·L·T·(head + value head); scale B·Hq·L·T muls; softmax over T; mask B·Hq·L·T adds",
            { q in
                let g = try geometry(
                    ShapeQuery(inputs: q.inputs.map { $0 }, attributes: q.attributes, absent: q.absent))
                return try coreCost(g, mask: q.isPresent(3))
            }),
        examples: [
            Example(
                "4-D, 2 heads, no mask", inputs: [[1, 2, 3, 4], [1, 2, 5, 4], [1, 2, 5, 6]], outputs: [[1, 2, 3, 6]],
                cost: .of(macs: 300, muls: 330, adds: 258, divs: 30, exps: 30),
                arithmetic:
                    "scores 1·2·3·5 = 30; MACs 30·(4+6) = 300; muls + 30 (scale); adds 30·3 (QKᵀ) + 36·4 (AV) + 6·4 (softmax) = 258"
            ),
            Example(
                "3-D with head counts", inputs: [[2, 4, 8], [2, 4, 8], [2, 4, 8]],
                attributes: ["qHeads": .int(2), "kvHeads": .int(2)],
                outputs: [[2, 4, 8]], cost: .of(macs: 512, muls: 576, adds: 432, divs: 64, exps: 64),
                arithmetic: "head 4; scores 2·2·4·4 = 64; MACs 64·8 = 512; adds 64·3 + 64·3 + 16·3 = 432"),
        ])

    /// softmax(scale·QKᵀ + mask)·V for geometry `g`: MACs B·Hq·L·T·(head + value head), the scale
    /// B·Hq·L·T muls, (head − 1) adds per score and (T − 1) per output element, the softmax over
    /// T, and B·Hq·L·T adds with a mask.
    static func coreCost(_ g: Geometry, mask: Bool) throws -> OpCost {
        let scores = Exact(g.batch) * g.qHeads * g.qLength * g.total
        let macs = scores * (g.headSize + g.valueHeadSize)
        let softmax = try SoftmaxOps.softmaxCost(elements: scores, groupSize: g.total, log: false)
        // Dot products of length E for the scores, sums of T products for each output element.
        let outputs = Exact(g.batch) * g.qHeads * g.qLength * g.valueHeadSize
        let adds = scores * (g.headSize - 1) + outputs * (g.total - 1) + Exact(softmax.adds) + (mask ? scores : 0)
        return try OpCost(
            macs: macs, muls: macs + scores, adds: adds, divs: Exact(softmax.divs), exps: Exact(softmax.exps))
    }

    /// The output (3-D or 4-D like the query), then optionally the present key and value, and the scores.
    static func attentionShape(_ q: ShapeQuery) throws -> ShapeResult {
        let g = try geometry(q)
        let type = try q.input(0).dataType
        if let mask = q.optionalInput(3) {
            // The mask may cover only the non-padded keys (opset 24's nonpad_kv_seqlen).
            var scores = [g.batch, g.qHeads, g.qLength, g.total]
            if let last = mask.shape.last, last < g.total { scores[3] = last }
            guard try ShapeMath.broadcast(scores, mask.shape) == scores else {
                throw RuleError(
                    "mask \(formatShape(mask.shape)) does not broadcast to the scores \(formatShape(scores))")
            }
        }
        let y =
            g.threeD
            ? [g.batch, g.qLength, g.qHeads * g.valueHeadSize]
            : [g.batch, g.qHeads, g.qLength, g.valueHeadSize]
        var outputs = [TensorInfo(shape: y, dataType: type)]
        let extra = try q.attributes.int("outputs", default: 1)
        if extra > 1 {
            outputs.append(TensorInfo(shape: [g.batch, g.kvHeads, g.total, g.headSize], dataType: type))
            outputs.append(TensorInfo(shape: [g.batch, g.kvHeads, g.total, g.valueHeadSize], dataType: type))
        }
        if extra > 3 { outputs.append(TensorInfo(shape: [g.batch, g.qHeads, g.qLength, g.total], dataType: type)) }
        return ShapeResult(outputs: outputs)
    }
}
