/// Ops whose output size depends on the values of their inputs. When those values are known at
/// analysis time (shape arithmetic), the size is exact; otherwise the output takes the largest
/// size the inputs allow and the node is recorded as a bound, so the totals are upper bounds and
/// say so.
enum DataDependentOps {
    static let definitions: [OpDefinition] = [nonZero, topK, nonMaxSuppression, compress, unique]

    /// ⌈log₂ n⌉ for n ≥ 1: the comparisons per element of a sort, as this catalog states it.
    static func log2Ceiling(_ n: Int) -> Int { n <= 1 ? 0 : Int.bitWidth - (n - 1).leadingZeroBitCount }

    /// The indices of the non-zero elements: [rank, count], count ≤ elements.
    static let nonZero = OpDefinition(
        "NonZero", "indices of the non-zero elements",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            let elements = try x.elementCount.get("elements")
            if let numbers = x.numbers {
                let count = numbers.filter { $0 != 0 }.count
                return ShapeResult(shape: [x.rank, count], dataType: .int64)
            }
            var result = ShapeResult(shape: [x.rank, elements], dataType: .int64)
            result.bound = "at most all \(elements) elements are non-zero"
            return result
        },
        cost: .formula("1 cmp per input element", { q in try OpCost(cmps: q.input(0).elementCount) }),
        examples: [
            Example(
                "a 2×3 tensor of unknown values", inputs: [[2, 3]], outputs: [[2, 6]], cost: .of(cmps: 6),
                arithmetic: "at most 6 non-zero: [2, 6]; 6 cmps"),
            Example(
                "known values", inputs: [[4]], values: [0: [0, 3, 0, 1]], outputs: [[1, 2]], cost: .of(cmps: 4),
                arithmetic: "2 non-zero"),
        ])

    /// TopK's axis, its length and k: input 1's value, or the attribute (before opset 10; MXNet);
    /// `nil` when computed at run time. MXNet's k ≤ 0 (`kNotPositiveTakesAll`) is the whole axis.
    static func topKSelection(_ q: ShapeQuery) throws -> (axis: Int, length: Int, k: Int?) {
        let x = try q.input(0)
        let axis = try ShapeMath.axis(q.attributes.int("axis", default: -1), rank: x.rank)
        let n = x.shape[axis]
        var k = q.isPresent(1) ? q.optionalInput(1)?.values?.first : try q.attributes.int("k")
        if let given = k, given <= 0, try q.attributes.bool("kNotPositiveTakesAll", default: false) { k = n }
        if let k, k < 0 || k > n { throw RuleError("k = \(k) is outside 0…\(n)") }
        return (axis, n, k)
    }

    /// The k largest (or smallest) along `axis`, values and indices. k is input 1's value; when it
    /// is computed at run time, k = the axis length (a bound). Cost: k passes of a selection,
    /// k·(n − 1) − k·(k − 1)/2 cmps per row.
    static let topK = OpDefinition(
        "TopK", "the k largest or smallest elements along an axis",
        inputs: [.data, .optionalData],
        shape: { q in
            let x = try q.input(0)
            let (axis, n, given) = try topKSelection(q)
            var out = x.shape
            var bound: String?
            if let k = given {
                out[axis] = k
            } else {
                out[axis] = n
                bound = "k computed at run time, taken as the whole axis (\(n))"
            }
            // MXNet's topk returns what `select` asks for: values, indices (of `indexType`), both, or a
            // mask of the input's shape.
            let indexName = try q.attributes.string("indexType", default: "int64")
            guard let indexType = DataType(rawValue: indexName) else {
                throw RuleError("unknown index type '\(indexName)'")
            }
            let values = TensorInfo(shape: out, dataType: x.dataType)
            let indices = TensorInfo(shape: out, dataType: indexType)
            let outputs: [TensorInfo]
            switch try q.attributes.choice("select", ["both", "value", "indices", "mask"], default: "both") {
            case "value": outputs = [values]
            case "indices": outputs = [indices]
            case "mask": outputs = [TensorInfo(shape: x.shape, dataType: x.dataType)]
            default: outputs = [values, indices]
            }
            var result = ShapeResult(outputs: outputs)
            result.bound = bound
            return result
        },
        cost: .formula(
            "k·(n − 1) − k·(k − 1)/2 cmps per row of n (k passes of a selection)",
            { q in
                let x = try q.input(0)
                let (_, n, given) = try topKSelection(q.shapeQuery)
                let k = given ?? n
                let rows = try x.elementCount.get("elements") / max(1, n)
                let passes =
                    try ShapeMath.times(k, max(n - 1, 0), "comparisons") - ShapeMath.times(
                        k, max(k - 1, 0), "comparisons") / 2
                return try OpCost(cmps: Exact(rows) * passes)
            }),
        examples: [
            Example(
                "top 3 of 10 per row", inputs: [[2, 10], [1]], values: [1: [3]], outputs: [[2, 3], [2, 3]],
                cost: .of(cmps: 48), arithmetic: "2 rows × (3·9 − 3) = 48 cmps"),
            Example(
                "MXNet topk, indices only", inputs: [[2, 10]],
                attributes: ["k": .int(3), "select": .string("indices"), "indexType": .string("float32")],
                outputs: [[2, 3]], cost: .of(cmps: 48), arithmetic: "the same 48 cmps; one output"),
            Example(
                "MXNet topk, a mask", inputs: [[2, 10]], attributes: ["k": .int(3), "select": .string("mask")],
                outputs: [[2, 10]], cost: .of(cmps: 48), arithmetic: "the same 48 cmps; a mask of the input's shape"),
            Example(
                "MXNet topk with k = 0: the whole axis", inputs: [[2, 7]],
                attributes: ["k": .int(0), "kNotPositiveTakesAll": .bool(true), "select": .string("value")],
                outputs: [[2, 7]], cost: .of(cmps: 42), arithmetic: "2 rows × (7·6 − 7·6/2) = 42 cmps"),
        ])

    /// Boxes kept by non-maximum suppression: [selected, 3] (batch, class, box), at most
    /// B·C·min(N, max per class). Always a bound: how many survive depends on the boxes. Cost,
    /// as an upper bound: box areas (2 adds + 1 mul per box and batch); per batch and class, N
    /// cmps for the score threshold and N(N − 1)/2 IoU tests of 5 cmps + 4 adds + 1 mul + 1 div.
    static let nonMaxSuppression = OpDefinition(
        "NonMaxSuppression", "indices of the boxes non-maximum suppression keeps",
        inputs: [.data, .data, .optionalData, .optionalData, .optionalData],
        shape: { q in
            let (boxes, scores) = (try q.input(0), try q.input(1))
            guard boxes.rank == 3, scores.rank == 3, boxes.shape[2] == 4, boxes.shape[0] == scores.shape[0],
                boxes.shape[1] == scores.shape[2]
            else { throw RuleError("expects boxes [B, N, 4] and scores [B, C, N]") }
            let (b, c, n) = (boxes.shape[0], scores.shape[1], boxes.shape[1])
            var perClass = n
            if let limit = q.optionalInput(2)?.values?.first { perClass = min(n, max(0, limit)) }
            let most = try (Exact(b) * c * perClass).get("selected boxes")
            var result = ShapeResult(shape: [most, 3], dataType: .int64)
            result.bound = "at most \(most) boxes kept (\(b) batch × \(c) classes × \(perClass))"
            return result
        },
        cost: .formula(
            "upper bound: 2 adds + 1 mul per box (areas); per batch and class N cmps + N(N−1)/2 IoU tests of 5 cmps + 4 adds + 1 mul + 1 div",
            { q in
                let (boxes, scores) = (try q.input(0), try q.input(1))
                let (b, c, n) = (boxes.shape[0], scores.shape[1], boxes.shape[1])
                let pairs = Exact(b) * c * (try ShapeMath.times(n, max(n - 1, 0), "box pairs") / 2)
                let areas = Exact(b) * n
                return try OpCost(
                    muls: areas + pairs, adds: areas * 2 + pairs * 4, divs: pairs,
                    cmps: Exact(b) * c * n + pairs * 5)
            }),
        examples: [
            Example(
                "1 image, 2 classes, 4 boxes, 2 per class", inputs: [[1, 4, 4], [1, 2, 4], [1], nil, nil],
                absent: [3, 4], values: [2: [2]], outputs: [[4, 3]],
                cost: .of(muls: 16, adds: 56, divs: 12, cmps: 68),
                arithmetic: "areas 4 (8 adds, 4 muls); 2 classes × 6 pairs = 12 IoU tests; cmps 8 + 60")
        ])

    /// The slices along `axis` (or elements of the flattened input) where the condition is true.
    static let compress = OpDefinition(
        "Compress", "select slices where a condition is true",
        inputs: [.data, .data],
        shape: { q in
            let (x, condition) = (try q.input(0), try q.input(1))
            let axis = try q.attributes.has("axis") ? ShapeMath.axis(q.attributes.int("axis"), rank: x.rank) : nil
            let length = try axis.map { x.shape[$0] } ?? x.elementCount.get("elements")
            let usable = min(length, condition.shape.first ?? 0)
            var kept = usable
            var bound: String?
            if let flags = condition.numbers {
                kept = flags.prefix(usable).filter { $0 != 0 }.count
            } else {
                bound = "at most all \(usable) selected"
            }
            var out = [kept]
            if let axis {
                out = x.shape
                out[axis] = kept
            }
            var result = ShapeResult(shape: out, dataType: x.dataType)
            result.bound = bound
            return result
        },
        cost: .zero(reason: "a selection: no arithmetic"),
        examples: [
            Example(
                "rows by a known mask", inputs: [[3, 2], [3]], values: [1: [1, 0, 1]], attributes: ["axis": .int(0)],
                outputs: [[2, 2]])
        ])

    /// The distinct elements (or slices along `axis`), their first indices, the inverse map and the
    /// counts. How many are distinct depends on the data: at most all of them (a bound). Cost: a
    /// sort, n·⌈log₂ n⌉ cmps, and n − 1 cmps to find the runs.
    static let unique = OpDefinition(
        "Unique", "the distinct elements or slices",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            let axis = try q.attributes.has("axis") ? ShapeMath.axis(q.attributes.int("axis"), rank: x.rank) : nil
            let n = try axis.map { x.shape[$0] } ?? x.elementCount.get("elements")
            var distinct = n
            var bound: String? = "at most all \(n) distinct"
            if axis == nil, let numbers = x.numbers {
                distinct = Set(numbers).count
                bound = nil
            }
            var y = [distinct]
            if let axis {
                y = x.shape
                y[axis] = distinct
            }
            var result = ShapeResult(outputs: [
                TensorInfo(shape: y, dataType: x.dataType), TensorInfo(shape: [distinct], dataType: .int64),
                TensorInfo(shape: [n], dataType: .int64), TensorInfo(shape: [distinct], dataType: .int64),
            ])
            result.bound = bound
            return result
        },
        cost: .formula(
            "n·⌈log₂ n⌉ + n − 1 cmps (a sort, then the runs) over the n elements or slices",
            { q in
                let x = try q.input(0)
                let axis = try q.attributes.has("axis") ? ShapeMath.axis(q.attributes.int("axis"), rank: x.rank) : nil
                let n = try axis.map { x.shape[$0] } ?? x.elementCount.get("elements")
                return try OpCost(cmps: Exact(n) * log2Ceiling(n) + max(n - 1, 0))
            }),
        examples: [
            Example(
                "8 values", inputs: [[8]], outputs: [[8], [8], [8], [8]], cost: .of(cmps: 31),
                arithmetic: "8·3 + 7 cmps; at most 8 distinct")
        ])
}
