/// Ops that move, pick or fold elements: block rearrangements, N-dimensional lookups, one-hot
/// codes, identity matrices, casts to another tensor's type, reversed sequences, crops and pads
/// to a computed size, unpooling, and the patch fold `Col2Im` (which adds overlapping patches).
enum RearrangeOps {
    static let definitions: [OpDefinition] = [
        depthToSpace, spaceToDepth, gatherND, oneHot, eyeLike, castLike, reverseSequence, centerCropPad, maxUnpool,
        col2Im, hardmax, random, randomLike, multinomial,
    ]

    /// Random numbers of a shape given as an attribute (RandomNormal, RandomUniform).
    static let random = OpDefinition(
        "Random", "random numbers of a given shape",
        inputs: [],
        shape: { q in
            let shape = try q.attributes.ints("shape")
            try ShapeMath.requireNonNegative(shape, "dimension")
            return ShapeResult(
                shape: shape, dataType: try TensorOps.dataType(q.attributes.string("dataType", default: "float32")))
        },
        cost: .zero(reason: "random numbers: their generation is not counted as arithmetic"),
        examples: [Example("a 2×3 tensor", inputs: [], attributes: ["shape": .ints([2, 3])], outputs: [[2, 3]])])

    /// Random numbers of the input's shape (RandomNormalLike, RandomUniformLike, Bernoulli).
    static let randomLike = OpDefinition(
        "RandomLike", "random numbers of the input's shape",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            return ShapeResult(
                shape: x.shape,
                dataType: try TensorOps.dataType(q.attributes.string("dataType", default: x.dataType.rawValue)))
        },
        cost: .zero(reason: "random numbers: their generation is not counted as arithmetic"),
        examples: [Example("like a 2×3 tensor", inputs: [[2, 3]], outputs: [[2, 3]])])

    /// `sampleSize` class indices drawn per row of [batch, classes] probabilities.
    static let multinomial = OpDefinition(
        "Multinomial", "class indices drawn from each row's distribution",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            guard x.rank == 2 else { throw RuleError("expects [batch, classes]") }
            let samples = try q.attributes.int("sampleSize", default: 1)
            guard samples >= 1 else { throw RuleError("sample size \(samples)") }
            return ShapeResult(
                shape: [x.shape[0], samples],
                dataType: try TensorOps.dataType(q.attributes.string("dataType", default: "int32")))
        },
        cost: .zero(reason: "random sampling: not counted as arithmetic"),
        examples: [Example("4 draws", inputs: [[2, 10]], attributes: ["sampleSize": .int(4)], outputs: [[2, 4]])])

    static func sameShape(_ q: ShapeQuery) throws -> ShapeResult {
        let x = try q.input(0)
        return ShapeResult(output: TensorInfo(shape: x.shape, dataType: x.dataType))
    }

    /// `[N, C, H, W]` → `[N, C/b², H·b, W·b]`.
    static let depthToSpace = OpDefinition(
        "DepthToSpace", "move channel blocks into spatial blocks",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            guard x.rank == 4 else { throw RuleError("depth to space needs a 4-D tensor, got rank \(x.rank)") }
            let b = try q.attributes.int("blockSize")
            guard b >= 1, b <= x.shape[1], x.shape[1] % (b * b) == 0 else {
                throw RuleError("\(x.shape[1]) channels are not a multiple of the block size \(b) squared")
            }
            return ShapeResult(
                shape: [
                    x.shape[0], x.shape[1] / (b * b), try (Exact(x.shape[2]) * b).get("height"),
                    try (Exact(x.shape[3]) * b).get("width"),
                ], dataType: x.dataType)
        },
        cost: .zero(reason: "a permutation of elements: no arithmetic"),
        examples: [
            Example("block 2", inputs: [[1, 8, 2, 3]], attributes: ["blockSize": .int(2)], outputs: [[1, 2, 4, 6]])
        ])

    /// `[N, C, H, W]` → `[N, C·b², H/b, W/b]`.
    static let spaceToDepth = OpDefinition(
        "SpaceToDepth", "move spatial blocks into channels",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            guard x.rank == 4 else { throw RuleError("space to depth needs a 4-D tensor, got rank \(x.rank)") }
            let b = try q.attributes.int("blockSize")
            guard b >= 1, x.shape[2] % b == 0, x.shape[3] % b == 0 else {
                throw RuleError("spatial size \(x.shape[2])×\(x.shape[3]) is not a multiple of the block size \(b)")
            }
            return ShapeResult(
                shape: [x.shape[0], try (Exact(x.shape[1]) * b * b).get("channels"), x.shape[2] / b, x.shape[3] / b],
                dataType: x.dataType)
        },
        cost: .zero(reason: "a permutation of elements: no arithmetic"),
        examples: [
            Example("block 2", inputs: [[1, 2, 4, 6]], attributes: ["blockSize": .int(2)], outputs: [[1, 8, 2, 3]])
        ])

    /// Slices of `data` addressed by the last axis of `indices`:
    /// out = indices[..<-1] + data[(batchDims + indices[-1])...].
    static let gatherND = OpDefinition(
        "GatherND", "select slices by N-dimensional indices",
        inputs: [.data, .data],
        shape: { q in
            let (data, indices) = (try q.input(0), try q.input(1))
            if try q.attributes.bool("indexFirst", default: false) {
                // MXNet's gather_nd: indices [M, Y…] pick data[…M] → [Y…, data[M…]].
                guard indices.rank >= 1, indices.shape[0] <= data.rank else {
                    throw RuleError("indices of \(indices.shape.first ?? 0) coordinates for data of rank \(data.rank)")
                }
                return ShapeResult(
                    shape: Array(indices.shape.dropFirst()) + Array(data.shape[indices.shape[0]...]),
                    dataType: data.dataType)
            }
            let batch = try q.attributes.int("batchDims", default: 0)
            guard indices.rank >= 1, let depth = indices.shape.last else {
                throw RuleError("indices must have at least one axis")
            }
            guard batch >= 0, batch < min(data.rank, indices.rank), batch + depth <= data.rank else {
                throw RuleError(
                    "indices of depth \(depth) with \(batch) batch axes do not fit data of rank \(data.rank)")
            }
            guard Array(data.shape[..<batch]) == Array(indices.shape[..<batch]) else {
                throw RuleError("the batch axes of data and indices differ")
            }
            let out = Array(indices.shape.dropLast()) + Array(data.shape[(batch + depth)...])
            return ShapeResult(shape: out, dataType: data.dataType)
        },
        cost: .zero(reason: "a lookup: no arithmetic"),
        examples: [
            Example("pairs of coordinates", inputs: [[4, 5, 6], [3, 2]], outputs: [[3, 6]]),
            Example(
                "one batch axis", inputs: [[2, 5, 6], [2, 3, 1]], attributes: ["batchDims": .int(1)],
                outputs: [[2, 3, 6]]),
        ])

    /// Indices → one-hot codes of `depth` (input 1's value) at `axis`, typed as `values`.
    static let oneHot = OpDefinition(
        "OneHot", "one-hot codes of indices",
        inputs: [.data, .data, .data],
        shape: { q in
            let (indices, depthInput, values) = (try q.input(0), try q.input(1), try q.input(2))
            guard let depthValue = depthInput.numbers?.first else {
                throw RuleError.unknown("the depth is not known at analysis time")
            }
            guard depthValue >= 1, depthValue < Double(ShapeSyntax.maximumDimension) else {
                throw RuleError("depth \(depthValue) is not a positive size")
            }
            let rank = indices.rank + 1
            let axis = try ShapeMath.axis(q.attributes.int("axis", default: -1), rank: rank)
            var out = indices.shape
            out.insert(Int(depthValue), at: axis)
            return ShapeResult(shape: out, dataType: values.dataType)
        },
        cost: .zero(reason: "writes one of two values per element: no arithmetic"),
        examples: [
            Example("10 classes", inputs: [[2, 3], [], [2]], values: [1: [10]], outputs: [[2, 3, 10]]),
            Example(
                "at axis 0", inputs: [[4], [], [2]], values: [1: [3]], attributes: ["axis": .int(0)],
                outputs: [[3, 4]]),
        ])

    /// A 2-D tensor of the input's shape with ones on diagonal `k`.
    static let eyeLike = OpDefinition(
        "EyeLike", "an identity-like matrix of the input's shape",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            guard x.rank == 2 else { throw RuleError("eye-like needs a 2-D tensor, got rank \(x.rank)") }
            let name = try q.attributes.string("dataType", default: x.dataType.rawValue)
            return ShapeResult(shape: x.shape, dataType: try TensorOps.dataType(name))
        },
        cost: .zero(reason: "writes a constant: no arithmetic"),
        examples: [Example("3×4", inputs: [[3, 4]], outputs: [[3, 4]])])

    /// Input 0 converted to input 1's element type.
    static let castLike = OpDefinition(
        "CastLike", "a type conversion to another tensor's type",
        head: .passThrough,
        inputs: [.data, .data],
        shape: { q in
            let (x, like) = (try q.input(0), try q.input(1))
            var out = TensorInfo(shape: x.shape, dataType: like.dataType)
            if let numbers = x.numbers {
                if like.dataType.isFloatingPoint {
                    out.realValues = numbers
                } else if numbers.allSatisfy({ $0.isFinite && $0.magnitude < 9e18 }) {
                    out.values = numbers.map { Int($0.rounded(.towardZero)) }
                }
            }
            return ShapeResult(output: out)
        },
        cost: .zero(reason: "a type conversion: no arithmetic counted"),
        examples: [Example("to another type", inputs: [[2, 3], [1]], outputs: [[2, 3]])])

    static let reverseSequence = OpDefinition(
        "ReverseSequence", "reverse each sequence up to its length",
        inputs: [.data, .data],
        shape: sameShape,
        cost: .zero(reason: "a copy in another order: no arithmetic"),
        examples: [Example("4 sequences of 5", inputs: [[5, 4, 3], [4]], outputs: [[5, 4, 3]])])

    /// Crops or pads (with zeros) the `axes` to the sizes given by input 1's values, centred.
    static let centerCropPad = OpDefinition(
        "CenterCropPad", "crop or pad to a size, centred",
        inputs: [.data, .data],
        shape: { q in
            let (x, spec) = (try q.input(0), try q.input(1))
            guard let sizes = spec.values else {
                throw RuleError.unknown("the target size is not known at analysis time")
            }
            try ShapeMath.requireNonNegative(sizes, "size")
            let given = try q.attributes.ints("axes", default: [])
            let axes = try (given.isEmpty ? Array(0..<x.rank) : given).map { try ShapeMath.axis($0, rank: x.rank) }
            guard axes.count == sizes.count else {
                throw RuleError("\(sizes.count) sizes for \(axes.count) axes")
            }
            var out = x.shape
            for (axis, size) in zip(axes, sizes) { out[axis] = size }
            return ShapeResult(shape: out, dataType: x.dataType)
        },
        cost: .zero(reason: "a copy with a border of zeros: no arithmetic"),
        examples: [
            Example(
                "an image to 5×5", inputs: [[3, 8, 4], [2]], values: [1: [5, 5]], attributes: ["axes": .ints([1, 2])],
                outputs: [[3, 5, 5]])
        ])

    /// The inverse of max pooling: values written back at their indices, zeros elsewhere. The
    /// size is input 2's values when given, else (in − 1)·stride + kernel − pads.
    static let maxUnpool = OpDefinition(
        "MaxUnpool", "write pooled maxima back at their positions",
        inputs: [.data, .data, .optionalData],
        shape: { q in
            let x = try q.input(0)
            try ShapeMath.requireRank(x, atLeast: 3, "max unpooling")
            if let spec = q.optionalInput(2) {
                guard let dims = spec.values, dims.count == x.rank else {
                    throw RuleError.unknown("the output shape is not known at analysis time")
                }
                try ShapeMath.requireNonNegative(dims, "dimension")
                return ShapeResult(shape: dims, dataType: x.dataType)
            }
            let spatial = x.rank - 2
            let kernel = try q.attributes.ints("kernel").map { try ShapeMath.size($0, "kernel size") }
            guard kernel.count == spatial else { throw RuleError("\(kernel.count) kernel sizes for \(spatial) axes") }
            let stride = try q.attributes.ints("stride", default: Array(repeating: 1, count: spatial)).map {
                try ShapeMath.size($0, "stride")
            }
            let pads = try q.attributes.ints("pads", default: Array(repeating: 0, count: 2 * spatial)).map {
                try ShapeMath.size($0, "pad")
            }
            guard stride.count == spatial, pads.count == 2 * spatial else {
                throw RuleError("strides and pads do not match \(spatial) spatial axes")
            }
            var out = Array(x.shape[..<2])
            for d in 0..<spatial {
                let size =
                    try ShapeMath.times(max(x.shape[d + 2] - 1, 0), stride[d], "unpooled size") + kernel[d] - pads[d]
                    - pads[d + spatial]
                guard size >= 0 else { throw RuleError("the unpooled size of axis \(d + 2) is negative") }
                out.append(size)
            }
            return ShapeResult(shape: out, dataType: x.dataType)
        },
        cost: .zero(reason: "a scatter into zeros: no arithmetic"),
        examples: [
            Example(
                "2×2 by 2", inputs: [[1, 1, 2, 2], [1, 1, 2, 2], nil], absent: [2],
                attributes: ["kernel": .ints([2, 2]), "stride": .ints([2, 2])], outputs: [[1, 1, 4, 4]])
        ])

    /// Folds sliding blocks back into an image: `[N, C·ΠK, L]` → `[N, C, image…]`, summing where
    /// blocks overlap. Per spatial axis, a block position l and kernel tap k land on
    /// p = l·stride + k·dilation − pad_begin; landings inside the image are the contributions, and
    /// each output cell costs (its contributions − 1) adds. Axes are independent, so
    /// adds = N·C·(Π contributions − Π covered cells).
    static let col2Im = OpDefinition(
        "Col2Im", "fold sliding blocks into an image, summing overlaps",
        inputs: [.data, .data, .data],
        shape: { q in
            let (x, image, block) = (try q.input(0), try q.input(1), try q.input(2))
            let geometry = try col2ImGeometry(q.attributes, x: x.shape, image: image.values, block: block.values)
            return ShapeResult(shape: [x.shape[0], geometry.channels] + geometry.image, dataType: x.dataType)
        },
        cost: .formula(
            "N·C·(landings inside the image − covered cells) adds (overlapping blocks summed)",
            { q in
                let g = try col2ImGeometry(
                    q.attributes, x: q.input(0).shape, image: q.input(1).values, block: q.input(2).values)
                let landings = g.axes.reduce(Exact(1)) { $0 * $1.landings }
                let covered = g.axes.reduce(Exact(1)) { $0 * $1.covered }
                let perChannel = try landings.get("landings") - covered.get("cells")
                return try OpCost(adds: Exact(q.input(0).shape[0]) * g.channels * perChannel)
            }),
        examples: [
            Example(
                "5×5 image, 2×2 blocks, stride 1", inputs: [[1, 4, 16], [2], [2]], values: [1: [5, 5], 2: [2, 2]],
                outputs: [[1, 1, 5, 5]], cost: .of(adds: 39),
                arithmetic:
                    "per axis 4 positions × 2 taps = 8 landings on 5 cells: 64 landings − 25 cells = 39 adds"),
            Example(
                "stride 2, no overlap", inputs: [[1, 8, 4], [2], [2]], values: [1: [4, 4], 2: [2, 2]],
                attributes: ["stride": .ints([2, 2])], outputs: [[1, 2, 4, 4]], cost: .of(adds: 0),
                arithmetic: "every cell gets one landing: 2 channels × (16 − 16)"),
        ])

    struct Col2ImGeometry {
        var channels: Int
        var image: [Int]
        var axes: [(landings: Int, covered: Int)]
    }

    static func col2ImGeometry(_ a: Attributes, x: [Int], image: [Int]?, block: [Int]?) throws -> Col2ImGeometry {
        guard let image, let block else {
            throw RuleError.unknown("the image and block shapes are not known at analysis time")
        }
        guard x.count == 3, image.count == block.count, !image.isEmpty else {
            throw RuleError("expects [N, C·ΠK, L] and one image and block size per spatial axis")
        }
        try ShapeMath.requireNonNegative(image, "image size")
        let spatial = image.count
        let stride = try a.ints("stride", default: Array(repeating: 1, count: spatial)).map {
            try ShapeMath.size($0, "stride")
        }
        let dilation = try a.ints("dilation", default: Array(repeating: 1, count: spatial)).map {
            try ShapeMath.size($0, "dilation")
        }
        let pads = try a.ints("pads", default: Array(repeating: 0, count: 2 * spatial)).map {
            try ShapeMath.size($0, "pad")
        }
        for b in block { _ = try ShapeMath.size(b, "block size") }
        guard stride.count == spatial, dilation.count == spatial, pads.count == 2 * spatial,
            block.allSatisfy({ $0 >= 1 }), stride.allSatisfy({ $0 >= 1 }), dilation.allSatisfy({ $0 >= 1 })
        else { throw RuleError("block, strides, dilations and pads do not fit \(spatial) spatial axes") }
        let kernel = try block.reduce(Exact(1)) { $0 * $1 }.get("kernel elements")
        guard x[1] % kernel == 0 else { throw RuleError("\(x[1]) is not a multiple of the block size \(kernel)") }
        var positions: [Int] = []
        var axes: [(Int, Int)] = []
        for d in 0..<spatial {
            let span = try ShapeMath.times(dilation[d], block[d] - 1, "block span") + 1
            let count = (image[d] + pads[d] + pads[d + spatial] - span) / stride[d] + 1
            guard count >= 1 else { throw RuleError("the blocks do not fit in the image along axis \(d)") }
            positions.append(count)
            guard count.multipliedReportingOverflow(by: block[d]).partialValue <= 1 << 20,
                !count.multipliedReportingOverflow(by: block[d]).overflow
            else {
                throw RuleError("too many block positions to follow along axis \(d)")
            }
            var cells = Set<Int>()
            var landings = 0
            for l in 0..<count {
                for k in 0..<block[d] {
                    let p = l * stride[d] + k * dilation[d] - pads[d]
                    if p >= 0 && p < image[d] {
                        landings += 1
                        cells.insert(p)
                    }
                }
            }
            axes.append((landings, cells.count))
        }
        let blocks = try positions.reduce(Exact(1)) { $0 * $1 }.get("blocks")
        guard x[2] == blocks else {
            throw RuleError("\(x[2]) blocks given; the image, block, strides and pads make \(blocks)")
        }
        return Col2ImGeometry(channels: x[1] / kernel, image: image, axes: axes.map { (landings: $0.0, covered: $0.1) })
    }

    /// One-hot of the largest element along `axis` (or, with `throughLast`, of each row of the
    /// axes from `axis` on, flattened: opsets before 13).
    static let hardmax = OpDefinition(
        "Hardmax", "one-hot of the largest element along an axis",
        inputs: [.data],
        shape: sameShape,
        cost: .formula(
            "n−1 cmps per row of n",
            { q in
                let x = try q.input(0)
                let axis = try ShapeMath.axis(q.attributes.int("axis", default: -1), rank: x.rank)
                let row =
                    try q.attributes.bool("throughLast", default: false)
                    ? try ShapeMath.product(x.shape[axis...], "row") : x.shape[axis]
                let rows = try x.elementCount.get("elements") / max(row, 1)
                return try OpCost(cmps: Exact(rows) * max(row - 1, 0))
            }),
        examples: [
            Example(
                "rows of 5", inputs: [[2, 3, 5]], outputs: [[2, 3, 5]], cost: .of(cmps: 24),
                arithmetic: "6 rows × 4 cmps")
        ])
}
