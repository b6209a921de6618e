/// Spatial resizing of channel-first tensors (`N, C, spatial…`).
///
/// The output size comes from `sizes` (spatial sizes), `scales` (per spatial axis, output =
/// ⌊input·scale⌋), or the spatial shape of input 1 (`like`). MXNet's BilinearResize2D size
/// modes are `sizeMode`: `odd_scale`, `to_even_down`, `to_even_up`, `to_odd_down`, `to_odd_up`.
/// Cost per output element: nearest none (an index computation); linear 2^d muls + (2^d − 1)
/// adds over its 2^d neighbours in d spatial axes; cubic 4^d muls + (4^d − 1) adds.
enum ResizeOps {
    static let definitions: [OpDefinition] = [resize, upsampleJoin]

    static let resize = OpDefinition(
        "Resize", "nearest / linear / cubic spatial resizing",
        inputs: [.data, .optionalData, .optionalData, .optionalData],
        shape: resizeShape,
        cost: .formula(
            "per output, over the d resized axes: nearest nothing; linear 2^d muls + 2^d−1 adds; cubic 4^d muls + 4^d−1 adds",
            { q in
                let x = try q.input(0)
                let d = zip(x.shape, q.outputs[0].shape).filter { $0 != $1 }.count
                let taps: Int
                switch try q.attributes.string("mode", default: "nearest") {
                case "linear": taps = 1 << d
                case "cubic": taps = 1 << (2 * d)
                default: return .zero
                }
                let out = q.outputElements
                return try OpCost(muls: out * taps, adds: out * (taps - 1))
            }),
        examples: [
            Example(
                "bilinear to a fixed size", inputs: [[1, 2, 4, 4]],
                attributes: ["mode": .string("linear"), "sizes": .ints([8, 6])], outputs: [[1, 2, 8, 6]],
                cost: .of(muls: 384, adds: 288), arithmetic: "96 outputs × (4 muls + 3 adds)"),
            Example(
                "nearest 2× upsampling", inputs: [[1, 3, 5, 5]],
                attributes: ["mode": .string("nearest"), "scales": .floats([2, 2])], outputs: [[1, 3, 10, 10]],
                cost: .zero, arithmetic: "an index computation per output"),
        ])

    /// The resized shape: batch and channels kept, spatial sizes from sizes, scales, a 'like' input or a size mode.
    static func resizeShape(_ q: ShapeQuery) throws -> ShapeResult {
        let x = try q.input(0)
        if try q.attributes.bool("allDims", default: false) { return try onnxShape(q, x) }
        try ShapeMath.requireRank(x, atLeast: 3, "resize")
        _ = try q.attributes.choice("mode", ["nearest", "linear", "cubic"], default: "nearest")
        let sizeMode = try q.attributes.string("sizeMode", default: "size")
        let given = try givenSizes(q, x, like: sizeMode == "like")
        let spatial = try sizes(given, of: Array(x.shape[2...]), mode: sizeMode, q.attributes)
        try ShapeMath.requirePositive(spatial, "output size")
        return ShapeResult(shape: Array(x.shape[..<2]) + spatial, dataType: x.dataType)
    }

    /// The spatial output size as given: by the `like` input, `sizes`, or `scales` (rounded down).
    static func givenSizes(_ q: ShapeQuery, _ x: TensorInfo, like: Bool) throws -> [Int] {
        let n = x.rank - 2
        var spatial: [Int]
        if like {
            let other = try q.input(1)
            guard other.rank == x.rank else { throw RuleError("the 'like' input must have rank \(x.rank)") }
            spatial = Array(other.shape[2...])
        } else if q.attributes.has("sizes") {
            spatial = try q.attributes.ints("sizes")
        } else if case .floats(let scales)? = q.attributes["scales"] {
            guard scales.count == n else { throw RuleError("\(scales.count) scales for \(n) spatial axes") }
            spatial = try zip(x.shape[2...], scales).map {
                try ShapeMath.size((Double($0) * $1).rounded(.down), "output size")
            }
        } else {
            throw RuleError("the output size is not given (sizes, scales or a 'like' input)")
        }
        guard spatial.count == n else { throw RuleError("\(spatial.count) output sizes for \(n) spatial axes") }
        return spatial
    }

    /// The spatial output size under MXNet's size mode `mode`, from the `given` size and the `input` size.
    static func sizes(_ given: [Int], of input: [Int], mode: String, _ attributes: Attributes) throws -> [Int] {
        switch mode {
        case "odd_scale":
            // MXNet: odd sizes keep their centre pixel aligned: (size − 1)·scale + 1.
            guard case .floats(let scales)? = attributes["scales"] else { throw RuleError("odd_scale needs scales") }
            return try zip(input, scales).map {
                $0 % 2 == 1
                    ? try ShapeMath.size(Double($0 - 1) * $1, "output size") + 1
                    : try ShapeMath.size(Double($0) * $1, "output size")
            }
        case "to_even_down": return input.map { $0 % 2 == 0 ? $0 : $0 - 1 }
        case "to_even_up": return input.map { $0 % 2 == 0 ? $0 : $0 + 1 }
        case "to_odd_down": return input.map { $0 % 2 == 1 ? $0 : $0 - 1 }
        case "to_odd_up": return input.map { $0 % 2 == 1 ? $0 : $0 + 1 }
        case "size", "like": return given
        default: throw RuleError("unknown size mode '\(mode)'")
        }
    }

    /// MXNet's multi-input nearest `UpSampling`: every input is enlarged to the first input's
    /// size × `scale`, then the results are concatenated on channels (`join` concat) or summed.
    static let upsampleJoin = OpDefinition(
        "UpsampleJoin", "nearest upsampling of several inputs to one size, joined by concat or sum",
        inputs: [.data, .variadic],
        shape: upsampleJoinShape,
        cost: .formula(
            "concat: nothing (copies); sum: n−1 adds per output element",
            { q in
                guard try q.attributes.string("join", default: "concat") == "sum" else { return .zero }
                return try OpCost(adds: q.outputElements * (q.inputs.count - 1))
            }),
        examples: [
            Example(
                "concat of two scales", inputs: [[1, 4, 8, 8], [1, 3, 4, 4]], attributes: ["scale": .int(2)],
                outputs: [[1, 7, 16, 16]], cost: .zero, arithmetic: "copies only"),
            Example(
                "sum of two scales", inputs: [[1, 4, 8, 8], [1, 4, 4, 4]],
                attributes: ["scale": .int(2), "join": .string("sum")],
                outputs: [[1, 4, 16, 16]], cost: .of(adds: 1024), arithmetic: "1024 outputs × 1 add"),
        ])

    /// The joined shape: the first input's spatial size × `scale`; channels added up for concat.
    static func upsampleJoinShape(_ q: ShapeQuery) throws -> ShapeResult {
        let first = try q.input(0)
        try ShapeMath.requireRank(first, atLeast: 3, "upsampling")
        let scale = try q.attributes.int("scale")
        try ShapeMath.requirePositive([scale], "scale")
        let spatial = try first.shape.dropFirst(2).map { try (Exact($0) * scale).get("upsampled size") }
        let sum = try q.attributes.choice("join", ["concat", "sum"], default: "concat") == "sum"
        var channels = 0
        for i in 0..<q.count {
            let x = try q.input(i)
            guard x.rank == first.rank, x.shape[0] == first.shape[0] else {
                throw RuleError(
                    "input \(i) has shape \(formatShape(x.shape)), which cannot join \(formatShape(first.shape))")
            }
            for (size, target) in zip(x.shape.dropFirst(2), spatial) where target % size != 0 {
                throw RuleError("input \(i) of size \(size) cannot be upsampled to \(target) by a whole factor")
            }
            if sum, x.shape[1] != first.shape[1] {
                throw RuleError("summed inputs need equal channels: \(x.shape[1]) vs \(first.shape[1])")
            }
            channels = try (Exact(channels) + x.shape[1]).get("joined channels")
        }
        return ShapeResult(
            shape: [first.shape[0], sum ? first.shape[1] : channels] + spatial, dataType: first.dataType)
    }

    /// ONNX Resize and Upsample: `scales` (attribute, or input `scalesInput`) or `sizes` (input
    /// `sizesInput`) for every axis, or for the listed `axes`; scaled sizes round down; `sizes`
    /// with `aspectPolicy` `not_larger` / `not_smaller` keep the aspect ratio.
    static func onnxShape(_ q: ShapeQuery, _ x: TensorInfo) throws -> ShapeResult {
        let axes = try q.attributes.ints("axes", default: Array(0..<x.rank))
            .map { try ShapeMath.axis($0, rank: x.rank) }
        let scalesAt = try q.attributes.int("scalesInput", default: -1)
        let sizesAt = try q.attributes.int("sizesInput", default: -1)
        let resized: [Int]
        if sizesAt >= 0, let sizes = q.optionalInput(sizesAt), sizes.elementCount.value != 0 {
            guard let values = sizes.values, values.count == axes.count else {
                throw RuleError.unknown("the output sizes are not known at analysis time, or do not match the axes")
            }
            let policy = try q.attributes.string("aspectPolicy", default: "stretch")
            resized = try onnxSizes(values, axes: axes, x.shape, policy: policy)
        } else {
            resized = try onnxScaled(q, at: scalesAt, axes: axes, x.shape)
        }
        var out = x.shape
        for (axis, size) in zip(axes, resized) { out[axis] = size }
        try ShapeMath.requireNonNegative(out, "output size")
        return ShapeResult(shape: out, dataType: x.dataType)
    }

    /// The sizes of `axes` from the given `sizes`: as given (`stretch`), or one scale for all
    /// that keeps the aspect ratio, `not_larger` or `not_smaller` than the given sizes.
    static func onnxSizes(_ sizes: [Int], axes: [Int], _ shape: [Int], policy: String) throws -> [Int] {
        guard policy == "not_larger" || policy == "not_smaller" else { return sizes }
        guard !axes.isEmpty, axes.allSatisfy({ shape[$0] > 0 }) else {
            throw RuleError("keeping the aspect ratio needs non-empty axes of positive size")
        }
        let ratios = zip(sizes, axes).map { Double($0) / Double(shape[$1]) }
        let scale = (policy == "not_larger" ? ratios.min() : ratios.max()) ?? 1
        return try axes.map { try ShapeMath.size((Double(shape[$0]) * scale).rounded(.toNearestOrEven), "output size") }
    }

    /// The sizes of `axes` scaled, rounded down, by the `scales` attribute or the input at `position`.
    static func onnxScaled(_ q: ShapeQuery, at position: Int, axes: [Int], _ shape: [Int]) throws -> [Int] {
        let scales: [Double]
        if case .floats(let given)? = q.attributes["scales"] {
            scales = given
        } else if position >= 0, let input = q.optionalInput(position), let values = input.numbers {
            scales = values
        } else {
            throw RuleError.unknown("the scales are not known at analysis time")
        }
        guard scales.count == axes.count else { throw RuleError("\(scales.count) scales for \(axes.count) axes") }
        return try zip(axes, scales).map { axis, scale in
            guard scale > 0 else { throw RuleError("scale \(scale) must be positive") }
            return try ShapeMath.size((Double(shape[axis]) * scale).rounded(.down), "output size")
        }
    }
}
