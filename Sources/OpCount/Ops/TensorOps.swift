/// Ops that make, select or reshape tensors from values: shape queries, lookups, broadcasts,
/// ranges and constants. They cost no arithmetic (each says why); when their inputs' values are
/// known and small, their outputs carry values too, so run-time shape computations resolve.
enum TensorOps {
    static let definitions: [OpDefinition] = [
        constant, shape, size, constantOfShape, range, gather, gatherElements, expand, tile, select, scatter,
        argExtreme, trilu, cumSum, cumProd,
    ]

    static func dataType(_ name: String) throws -> DataType {
        guard let type = DataType(rawValue: name) else { throw RuleError("unknown data type '\(name)'") }
        return type
    }

    /// A tensor the file spells out: `shape`, `dataType`, and `values` / `realValues` when small.
    static let constant = OpDefinition(
        "Constant", "a tensor given in the file",
        inputs: [],
        shape: { q in
            var out = TensorInfo(
                shape: try q.attributes.ints("shape", default: []),
                dataType: try dataType(q.attributes.string("dataType", default: "float32")))
            if case .ints(let v)? = q.attributes["values"] { out.values = v }
            if case .floats(let v)? = q.attributes["realValues"] { out.realValues = v }
            return ShapeResult(output: out)
        },
        cost: .zero(reason: "a stored tensor: no arithmetic"),
        examples: [
            Example(
                "a shape vector", inputs: [],
                attributes: [
                    "shape": .ints([2]), "dataType": .string("int64"),
                    "values": .ints([1, -1]),
                ], outputs: [[2]])
        ])

    /// The input's shape as a 1-D int64 tensor, optionally `start ..< end` of it.
    static let shape = OpDefinition(
        "Shape", "the input's shape as values",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + x.rank : v, 0), x.rank) }
            let start = clamp(try q.attributes.int("start", default: 0))
            let end = clamp(try q.attributes.int("end", default: x.rank))
            let dims = start < end ? Array(x.shape[start..<end]) : []
            return ShapeResult(output: TensorInfo(shape: [dims.count], dataType: .int64, values: dims))
        },
        cost: .zero(reason: "reads the shape, not the data"),
        examples: [Example("of a 4-D tensor", inputs: [[2, 3, 4, 5]], outputs: [[4]])])

    static let size = OpDefinition(
        "Size", "the input's element count as a scalar",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            return ShapeResult(
                output: TensorInfo(shape: [], dataType: .int64, values: [try x.elementCount.get("elements")]))
        },
        cost: .zero(reason: "reads the shape, not the data"),
        examples: [Example("of a 2×3", inputs: [[2, 3]], outputs: [[]])])

    /// A tensor of the shape given by input 0's values, filled with `value` (default 0.0 float32).
    static let constantOfShape = OpDefinition(
        "ConstantOfShape", "a tensor of a computed shape, filled with one value",
        inputs: [.data],
        shape: { q in
            let spec = try q.input(0)
            guard let dims = spec.values else { throw RuleError.unknown("the shape is not known at analysis time") }
            try ShapeMath.requireNonNegative(dims, "dimension")
            var out = TensorInfo(
                shape: dims, dataType: try dataType(q.attributes.string("dataType", default: "float32")))
            if Values.small(dims) {
                let count = dims.reduce(1, *)
                if case .ints(let v)? = q.attributes["values"], let first = v.first {
                    out.values = Array(repeating: first, count: count)
                }
                if case .floats(let v)? = q.attributes["realValues"], let first = v.first {
                    out.realValues = Array(repeating: first, count: count)
                }
                if q.attributes["values"] == nil, q.attributes["realValues"] == nil {
                    if out.dataType.isFloatingPoint {
                        out.realValues = Array(repeating: 0, count: count)
                    } else {
                        out.values = Array(repeating: 0, count: count)
                    }
                }
            }
            return ShapeResult(output: out)
        },
        cost: .zero(reason: "writes a constant: no arithmetic"),
        examples: [Example("from a shape vector", inputs: [[2]], values: [0: [2, 3]], outputs: [[2, 3]])])

    /// `start, start + delta, …` below `limit`: ⌈(limit − start) / delta⌉ elements (none if negative).
    static let range = OpDefinition(
        "Range", "an arithmetic sequence",
        inputs: [.data, .data, .data],
        shape: rangeShape,
        cost: .zero(reason: "index arithmetic, not counted"),
        examples: [Example("0 to 10 by 3", inputs: [[], [], []], values: [0: [0], 1: [10], 2: [3]], outputs: [[4]])])

    /// The sequence's length, and its values when they are few enough to keep.
    static func rangeShape(_ q: ShapeQuery) throws -> ShapeResult {
        let (s, l, d) = (try q.input(0), try q.input(1), try q.input(2))
        guard let start = s.numbers?.first, let limit = l.numbers?.first, let delta = d.numbers?.first else {
            throw RuleError.unknown("start, limit and delta are not known at analysis time")
        }
        guard delta != 0 else { throw RuleError("delta is 0") }
        let steps = ((limit - start) / delta).rounded(.up)
        guard steps.isFinite, steps < Double(ShapeSyntax.maximumDimension) else {
            throw RuleError("the range is too long")
        }
        let count = max(Int(steps), 0)
        var out = TensorInfo(shape: [count], dataType: s.dataType)
        if count <= TensorInfo.valueLimit {
            let values = (0..<count).map { start + Double($0) * delta }
            if s.dataType.isFloatingPoint {
                out.realValues = values
            } else if values.allSatisfy({ $0.magnitude < 9e18 }) {
                out.values = values.map { Int($0) }
            }
        }
        return ShapeResult(output: out)
    }

    /// `data` indexed along `axis` by `indices` (negative indices count from the end):
    /// output shape = data[..<axis] + indices.shape + data[axis+1...].
    static let gather = OpDefinition(
        "Gather", "select slices along an axis by index (embedding lookup, class token)",
        head: .feedsClassifier,
        inputs: [.data, .data],
        shape: gatherShape,
        cost: .zero(reason: "a lookup: no arithmetic"),
        examples: [
            Example(
                "class token", inputs: [[1, 197, 768], []], values: [1: [0]], attributes: ["axis": .int(1)],
                outputs: [[1, 768]]),
            Example("rows of a table", inputs: [[10, 4], [2, 3]], outputs: [[2, 3, 4]]),
        ])

    /// The gathered shape, and its values when data and indices are known.
    static func gatherShape(_ q: ShapeQuery) throws -> ShapeResult {
        let (data, indices) = (try q.input(0), try q.input(1))
        let axis = try ShapeMath.axis(q.attributes.int("axis", default: 0), rank: data.rank)
        let out = Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...])
        let n = data.shape[axis]
        if let index = indices.values, let bad = index.first(where: { $0 < -n || $0 >= n }) {
            throw RuleError("index \(bad) is out of range for axis \(axis) of size \(n)")
        }
        guard let index = indices.values, data.values != nil || data.realValues != nil else {
            return ShapeResult(shape: out, dataType: data.dataType)
        }
        let strides = Values.strides(data.shape)
        let indexStrides = Values.strides(indices.shape)
        return ShapeResult(
            output: Values.map(data, shape: out) { o in
                let inner = Array(o[axis..<(axis + indices.rank)])
                var k = index[zip(inner, indexStrides).reduce(0) { $0 + $1.0 * $1.1 }]
                if k < 0 { k += n }
                let source = Array(o[..<axis]) + [k] + Array(o[(axis + indices.rank)...])
                return zip(source, strides).reduce(0) { $0 + $1.0 * $1.1 }
            })
    }

    static let gatherElements = OpDefinition(
        "GatherElements", "select elements by an index tensor of the output's shape",
        inputs: [.data, .data],
        shape: { q in
            let (data, indices) = (try q.input(0), try q.input(1))
            _ = try ShapeMath.axis(q.attributes.int("axis", default: 0), rank: data.rank)
            guard indices.rank == data.rank else { throw RuleError("indices must have the data's rank \(data.rank)") }
            return ShapeResult(shape: indices.shape, dataType: data.dataType)
        },
        cost: .zero(reason: "a lookup: no arithmetic"),
        examples: [Example("pairs", inputs: [[2, 2], [2, 2]], attributes: ["axis": .int(1)], outputs: [[2, 2]])])

    /// `input` broadcast against the shape given by input 1's values.
    static let expand = OpDefinition(
        "Expand", "broadcast to a computed shape",
        inputs: [.data, .data],
        shape: { q in
            let (x, spec) = (try q.input(0), try q.input(1))
            guard let dims = spec.values else {
                throw RuleError.unknown("the target shape is not known at analysis time")
            }
            let out = try ShapeMath.broadcast(x.shape, dims)
            let strides = Values.strides(x.shape)
            return ShapeResult(output: Values.map(x, shape: out) { Values.offset($0, in: x.shape, strides: strides) })
        },
        cost: .zero(reason: "a broadcast copy: no arithmetic"),
        examples: [Example("a row to a matrix", inputs: [[1, 3], [2]], values: [1: [4, 3]], outputs: [[4, 3]])])

    /// Repeats along each axis (`repeats` from input 1's values).
    static let tile = OpDefinition(
        "Tile", "repeat a tensor along each axis",
        inputs: [.data, .optionalData],
        shape: { q in
            var x = try q.input(0)
            // MXNet's `reps` attribute: NumPy's rule, the shorter of the two padded with leading 1s.
            var given = q.isPresent(1) ? q.optionalInput(1)?.values : try q.attributes.ints("repeats")
            if var reps = given, !q.isPresent(1) {
                while reps.count < x.rank { reps.insert(1, at: 0) }
                if reps.count > x.rank {
                    x = Values.reshaped(x, to: Array(repeating: 1, count: reps.count - x.rank) + x.shape)
                }
                given = reps
            }
            guard let repeats = given else { throw RuleError.unknown("the repeats are not known at analysis time") }
            guard repeats.count == x.rank else { throw RuleError("\(repeats.count) repeats for rank \(x.rank)") }
            try ShapeMath.requireNonNegative(repeats, "repeat")
            let out = try zip(x.shape, repeats).map { try (Exact($0) * $1).get("tiled size") }
            let strides = Values.strides(x.shape)
            return ShapeResult(
                output: Values.map(x, shape: out) { o in
                    zip(zip(o, x.shape).map { $0 % max($1, 1) }, strides).reduce(0) { $0 + $1.0 * $1.1 }
                })
        },
        cost: .zero(reason: "a copy: no arithmetic"),
        examples: [
            Example("twice along the last axis", inputs: [[2, 3], [2]], values: [1: [1, 2]], outputs: [[2, 6]])
        ])

    /// `condition ? x : y`, broadcast over the three.
    static let select = OpDefinition(
        "Where", "element-wise select by a condition",
        inputs: [.data, .data, .data],
        shape: { q in
            let (c, x, y) = (try q.input(0), try q.input(1), try q.input(2))
            let out = try ShapeMath.broadcast(ShapeMath.broadcast(c.shape, x.shape), y.shape)
            return ShapeResult(
                output: ElementwiseOps.evaluate([c, x, y], out: out, type: x.dataType) { $0[0] != 0 ? $0[1] : $0[2] })
        },
        cost: .zero(reason: "a select: no arithmetic"),
        examples: [Example("broadcast", inputs: [[2, 1], [1, 3], [2, 3]], outputs: [[2, 3]])])

    /// ScatterND / ScatterElements: the output is `data` with some elements replaced, or combined
    /// with the updates (`reduction` add, mul, max, min: 1 add, mul or cmp per update element).
    static let scatter = OpDefinition(
        "Scatter", "write updates into a copy of the data",
        inputs: [.data, .data, .data],
        shape: { q in
            _ = try q.attributes.choice("reduction", ["none", "add", "mul", "max", "min"], default: "none")
            return ShapeResult(output: TensorInfo(shape: try q.input(0).shape, dataType: try q.input(0).dataType))
        },
        cost: .formula(
            "none: a copy with replaced elements, no arithmetic; add/mul/max/min: 1 add/mul/cmp per update element",
            { q in
                let updates = try q.input(2).elementCount
                switch try q.attributes.choice("reduction", ["none", "add", "mul", "max", "min"], default: "none") {
                case "add": return try OpCost(adds: updates)
                case "mul": return try OpCost(muls: updates)
                case "max", "min": return try OpCost(cmps: updates)
                default: return OpCost()
                }
            }),
        examples: [
            Example(
                "rows replaced", inputs: [[4, 4], [2, 1], [2, 4]], outputs: [[4, 4]], cost: .of(),
                arithmetic: "no reduction: a copy"),
            Example(
                "rows added", inputs: [[4, 4], [2, 1], [2, 4]], attributes: ["reduction": .string("add")],
                outputs: [[4, 4]],
                cost: .of(adds: 8), arithmetic: "8 update elements × 1 add"),
        ])

    /// ArgMax / ArgMin along `axis`, int64 indices.
    static let argExtreme = OpDefinition(
        "ArgExtreme", "index of the largest or smallest element along an axis",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            let axis = try ShapeMath.axis(q.attributes.int("axis", default: 0), rank: x.rank)
            var out = x.shape
            if try q.attributes.bool("keepDims", default: true) { out[axis] = 1 } else { out.remove(at: axis) }
            return ShapeResult(shape: out, dataType: .int64)
        },
        cost: .formula(
            "n−1 cmps per output over an axis of n",
            { q in
                let x = try q.input(0)
                let n = x.shape[try ShapeMath.axis(q.attributes.int("axis", default: 0), rank: x.rank)]
                return try OpCost(cmps: q.outputElements * (n - 1))
            }),
        examples: [
            Example(
                "rows", inputs: [[2, 5]], attributes: ["axis": .int(1)], outputs: [[2, 1]], cost: .of(cmps: 8),
                arithmetic: "2 outputs × 4 cmps")
        ])

    static let trilu = OpDefinition(
        "Trilu", "keep the upper or lower triangle of the last two axes",
        inputs: [.data, .optionalData],
        shape: { q in ShapeResult(output: TensorInfo(shape: try q.input(0).shape, dataType: try q.input(0).dataType)) },
        cost: .zero(reason: "a masked copy: no arithmetic"),
        examples: [Example("a matrix", inputs: [[3, 3]], outputs: [[3, 3]])])

    static let cumSum = OpDefinition(
        "CumSum", "running sum along an axis",
        inputs: [.data, .data],
        shape: { q in ShapeResult(output: TensorInfo(shape: try q.input(0).shape, dataType: try q.input(0).dataType)) },
        cost: .formula(
            "1 add per element (the first of each run is free: counted anyway)",
            { q in
                try OpCost(adds: q.outputElements)
            }),
        examples: [Example("a vector", inputs: [[5], []], outputs: [[5]], cost: .of(adds: 5), arithmetic: "5 adds")])

    static let cumProd = OpDefinition(
        "CumProd", "running product along an axis",
        inputs: [.data, .data],
        shape: { q in ShapeResult(output: TensorInfo(shape: try q.input(0).shape, dataType: try q.input(0).dataType)) },
        cost: .formula(
            "1 mul per element (the first of each run is free: counted anyway)",
            { q in
                try OpCost(muls: q.outputElements)
            }),
        examples: [Example("a vector", inputs: [[5], []], outputs: [[5]], cost: .of(muls: 5), arithmetic: "5 muls")])
}
