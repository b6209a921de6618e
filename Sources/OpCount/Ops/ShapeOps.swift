/// Ops that move, copy, select or fill data without arithmetic. Each is knowingly zero-cost
/// (the reason is stated with it); their outputs still count as activations.
enum ShapeOps {
    static let definitions: [OpDefinition] = [
        flatten, reshape, transpose, swapAxes, unsqueeze, squeeze, concat, split, slice, pad,
        identity, cast, fill, embedding,
    ]

    static let flatten = OpDefinition(
        "Flatten", "collapse to 2-D: dimensions before `axis` and from `axis` on (default 1)",
        head: .feedsClassifier,
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            let axis = try q.attributes.int("axis", default: 1)
            let a = axis < 0 ? axis + x.rank : axis
            guard a >= 0, a <= x.rank else {
                throw RuleError("flatten axis \(axis) is out of range for rank \(x.rank)")
            }
            let shape = [try ShapeMath.product(x.shape[..<a], "rows"), try ShapeMath.product(x.shape[a...], "columns")]
            return ShapeResult(output: Values.reshaped(x, to: shape))
        },
        cost: .zero(reason: "a view: no element changes"),
        examples: [Example("NCHW to N×CHW", inputs: [[2, 3, 4, 5]], outputs: [[2, 60]])])

    /// Reshape with a target whose entries are literal sizes or the codes 0 (copy the input
    /// dimension), -1 (infer), -2 (copy all remaining), -3 (merge two), -4 (split one into the
    /// next two entries); `reverse` applies the target from the right. `allowZero` makes 0 a
    /// literal size (ONNX). The target is the attribute `shape` or the values of input 1.
    static let reshape = OpDefinition(
        "Reshape", "new shape, same elements (codes 0, -1, -2, -3, -4, reverse)",
        head: .feedsClassifier,
        inputs: [.data, .optionalData],
        shape: { q in
            let x = try q.input(0)
            let target: [Int]
            if q.attributes.has("shape") {
                target = try q.attributes.ints("shape")
            } else if let values = q.optionalInput(1)?.values {
                target = values
            } else {
                throw RuleError("the target shape is neither an attribute nor a known constant")
            }
            let out = try reshaped(
                x.shape, target, reverse: q.attributes.bool("reverse", default: false),
                allowZero: q.attributes.bool("allowZero", default: false))
            return ShapeResult(output: Values.reshaped(x, to: out))
        },
        cost: .zero(reason: "a view: no element changes"),
        examples: [
            Example(
                "codes 0 and -1", inputs: [[2, 3, 4]], attributes: ["shape": .ints([0, -1])], outputs: [[2, 12]]),
            Example(
                "codes -3 and -2", inputs: [[2, 3, 4, 5]], attributes: ["shape": .ints([-3, -2])], outputs: [[6, 4, 5]]),
            Example(
                "code -4 splits a dimension", inputs: [[2, 12]], attributes: ["shape": .ints([0, -4, 3, -1])],
                outputs: [[2, 3, 4]]),
            Example(
                "reverse", inputs: [[10, 5, 4]], attributes: ["shape": .ints([-1, 0]), "reverse": .bool(true)],
                outputs: [[50, 4]]),
        ])

    /// MXNet's reshape target semantics (a superset of ONNX's).
    static func reshaped(_ input: [Int], _ target: [Int], reverse: Bool, allowZero: Bool) throws -> [Int] {
        let source = reverse ? Array(input.reversed()) : input
        let spec = reverse ? Array(target.reversed()) : target
        var out: [Int] = []
        var src = 0
        var inferred: Int?
        func sourceDim() throws -> Int {
            guard src < source.count else {
                throw RuleError(
                    "target \(formatShape(target)) refers past the last input dimension of \(formatShape(input))")
            }
            defer { src += 1 }
            return source[src]
        }
        var i = 0
        while i < spec.count {
            let p = spec[i]
            switch p {
            case let size where size > 0:
                out.append(size)
                src += 1
            case 0 where allowZero:
                out.append(0)
                src += 1
            case 0:
                out.append(try sourceDim())
            case -1:
                guard inferred == nil else { throw RuleError("target \(formatShape(target)) has more than one -1") }
                inferred = out.count
                out.append(1)
                src += 1
            case -2:
                out.append(contentsOf: source[min(src, source.count)...])
                src = source.count
            case -3:
                let a = try sourceDim()
                let b = try sourceDim()
                out.append(try (Exact(a) * b).get("merged dimension"))
            case -4:
                guard i + 2 < spec.count else { throw RuleError("code -4 must be followed by two sizes") }
                out += try splitDimension(try sourceDim(), spec[i + 1], spec[i + 2])
                i += 2
            default:
                throw RuleError("invalid reshape code \(p)")
            }
            i += 1
        }
        out = try inferring(out, at: inferred, input: input, target: target)
        return reverse ? out.reversed() : out
    }

    /// MXNet's code −4: `whole` split into `d0 × d1`, one of which may be −1 (inferred).
    static func splitDimension(_ whole: Int, _ d0: Int, _ d1: Int) throws -> [Int] {
        var (a, b) = (d0, d1)
        if a == -1, b > 0 { a = whole / b }
        if b == -1, a > 0 { b = whole / a }
        guard a > 0, b > 0, (Exact(a) * b).value == whole else {
            throw RuleError("code -4 cannot split \(whole) into \(d0) × \(d1)")
        }
        return [a, b]
    }

    /// `out` with the −1 placeholder at `position` (if any) set so it holds the input's elements,
    /// checked to hold exactly them.
    static func inferring(_ out: [Int], at position: Int?, input: [Int], target: [Int]) throws -> [Int] {
        var out = out
        let total = try input.exactProduct.get("elements")
        if let position {
            let others = out.enumerated().filter { $0.offset != position }.map(\.element)
            let known = try others.exactProduct.get("elements")
            guard known > 0, total % known == 0 else {
                throw RuleError("cannot reshape \(formatShape(input)) (\(total) elements) to \(formatShape(target))")
            }
            out[position] = total / known
        }
        guard try out.exactProduct.get("elements") == total else {
            throw RuleError("cannot reshape \(formatShape(input)) (\(total) elements) to \(formatShape(target))")
        }
        return out
    }

    static let transpose = OpDefinition(
        "Transpose", "permute axes (`perm`; default reverses them)",
        head: .feedsClassifier,
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            let perm = try q.attributes.ints("perm", default: [])
            let order =
                perm.isEmpty ? Array((0..<x.rank).reversed()) : try perm.map { try ShapeMath.axis($0, rank: x.rank) }
            guard order.count == x.rank, Set(order).count == x.rank else {
                throw RuleError("permutation \(formatShape(perm)) does not fit rank \(x.rank)")
            }
            let out = order.map { x.shape[$0] }
            let strides = Values.strides(x.shape)
            return ShapeResult(
                output: Values.map(x, shape: out) { index in
                    zip(order, index).reduce(0) { $0 + strides[$1.0] * $1.1 }
                })
        },
        cost: .zero(reason: "a copy in another order: no arithmetic"),
        examples: [
            Example(
                "explicit permutation", inputs: [[2, 3, 4]], attributes: ["perm": .ints([0, 2, 1])],
                outputs: [[2, 4, 3]]),
            Example("default reverses", inputs: [[2, 3, 4]], outputs: [[4, 3, 2]]),
        ])

    static let swapAxes = OpDefinition(
        "SwapAxes", "exchange two axes (`dim1`, `dim2`)",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            var shape = x.shape
            let a = try ShapeMath.axis(q.attributes.int("dim1", default: 0), rank: x.rank)
            let b = try ShapeMath.axis(q.attributes.int("dim2", default: 0), rank: x.rank)
            shape.swapAt(a, b)
            return ShapeResult(shape: shape, dataType: x.dataType)
        },
        cost: .zero(reason: "a copy in another order: no arithmetic"),
        examples: [
            Example(
                "swap 1 and 3", inputs: [[2, 3, 4, 5]], attributes: ["dim1": .int(1), "dim2": .int(3)],
                outputs: [[2, 5, 4, 3]])
        ])

    static let unsqueeze = OpDefinition(
        "Unsqueeze", "insert size-1 axes at `axes` (positions in the output)",
        inputs: [.data, .optionalData],
        shape: { q in
            let x = try q.input(0)
            let axes =
                try q.attributes.has("axes")
                ? q.attributes.ints("axes")
                : (q.optionalInput(1)?.values).orThrow("missing attribute 'axes'")
            let rank = x.rank + axes.count
            let positions = try Set(axes.map { try ShapeMath.axis($0, rank: rank) })
            guard positions.count == axes.count else { throw RuleError("repeated axis in \(formatShape(axes))") }
            var source = x.shape.makeIterator()
            let shape = (0..<rank).map { positions.contains($0) ? 1 : source.next()! }
            return ShapeResult(output: Values.reshaped(x, to: shape))
        },
        cost: .zero(reason: "a view: no element changes"),
        examples: [
            Example("new axis at 1", inputs: [[2, 3]], attributes: ["axes": .ints([1])], outputs: [[2, 1, 3]]),
            Example(
                "negative axis counts from the end of the output", inputs: [[2, 3]], attributes: ["axes": .ints([-1])],
                outputs: [[2, 3, 1]]),
        ])

    static let squeeze = OpDefinition(
        "Squeeze", "remove size-1 axes (`axes`, or every one)",
        head: .feedsClassifier,
        inputs: [.data, .optionalData],
        shape: { q in
            let x = try q.input(0)
            let given = try q.attributes.has("axes") ? q.attributes.ints("axes") : (q.optionalInput(1)?.values ?? [])
            let axes = try Set(given.map { try ShapeMath.axis($0, rank: x.rank) })
            for a in axes where x.shape[a] != 1 {
                throw RuleError("cannot squeeze axis \(a) of size \(x.shape[a])")
            }
            var shape = x.shape.enumerated().filter { axes.isEmpty ? $0.element != 1 : !axes.contains($0.offset) }.map(
                \.element)
            if shape.isEmpty, try q.attributes.bool("keepOneDimension", default: false) { shape = [1] }
            return ShapeResult(output: Values.reshaped(x, to: shape))
        },
        cost: .zero(reason: "a view: no element changes"),
        examples: [
            Example("given axes", inputs: [[1, 3, 1, 2]], attributes: ["axes": .ints([2])], outputs: [[1, 3, 2]]),
            Example("every size-1 axis", inputs: [[1, 3, 1, 2]], outputs: [[3, 2]]),
        ])

    static let concat = OpDefinition(
        "Concat", "join tensors along `axis` (default 1)",
        inputs: [.data, .variadic],
        shape: concatShape,
        cost: .zero(reason: "a copy: no arithmetic"),
        examples: [Example("channels", inputs: [[1, 2, 4, 4], [1, 3, 4, 4]], outputs: [[1, 5, 4, 4]])])

    /// The shape of the joined tensor, and its values when every part's are known and it is small.
    static func concatShape(_ q: ShapeQuery) throws -> ShapeResult {
        let first = try q.input(0)
        let axis = try ShapeMath.axis(q.attributes.int("axis", default: 1), rank: first.rank)
        var shape = first.shape
        for i in 1..<max(1, q.count) {
            let other = try q.input(i)
            let matches = zip(other.shape, first.shape).enumerated().allSatisfy {
                $0.offset == axis || $0.element.0 == $0.element.1
            }
            guard other.rank == first.rank, matches else {
                throw RuleError(
                    "input \(i) has shape \(formatShape(other.shape)), which does not match "
                        + "\(formatShape(first.shape)) outside axis \(axis)")
            }
            shape[axis] = try (Exact(shape[axis]) + other.shape[axis]).get("concatenated size")
        }
        var out = TensorInfo(shape: shape, dataType: first.dataType)
        if Values.small(shape) { joinValues(try (0..<q.count).map { try q.input($0) }, axis: axis, into: &out) }
        return ShapeResult(output: out)
    }

    /// Sets `out`'s values to the parts' joined along `axis`, when every part's are known.
    static func joinValues(_ parts: [TensorInfo], axis: Int, into out: inout TensorInfo) {
        // Which input, and where in it, each output element comes from.
        var starts: [Int] = []
        var running = 0
        for part in parts {
            starts.append(running)
            running += part.shape[axis]
        }
        func locate(_ index: [Int]) -> (Int, Int) {
            let k = parts.indices.first {
                starts[$0] <= index[axis] && index[axis] < starts[$0] + parts[$0].shape[axis]
            }!
            var local = index
            local[axis] -= starts[k]
            return (k, zip(local, Values.strides(parts[k].shape)).reduce(0) { $0 + $1.0 * $1.1 })
        }
        if parts.allSatisfy({ $0.values != nil }) {
            out.values = Values.indices(out.shape).map {
                let (k, o) = locate($0)
                return parts[k].values![o]
            }
        } else if parts.allSatisfy({ $0.numbers != nil }) {
            out.realValues = Values.indices(out.shape).map {
                let (k, o) = locate($0)
                return parts[k].numbers![o]
            }
        }
    }

    /// Split along `axis` into `outputs` equal parts or parts of the listed `sizes`;
    /// `squeezeAxis` drops the split axis when the parts have size 1.
    static let split = OpDefinition(
        "Split", "cut a tensor into parts along `axis`",
        inputs: [.data, .optionalData],
        shape: splitShape,
        cost: .zero(reason: "views: no arithmetic"),
        examples: [
            Example(
                "three equal parts", inputs: [[1, 6, 2]], attributes: ["outputs": .int(3)],
                outputs: [[1, 2, 2], [1, 2, 2], [1, 2, 2]]),
            Example(
                "sizes", inputs: [[4, 5]], attributes: ["axis": .int(1), "sizes": .ints([2, 3])],
                outputs: [[4, 2], [4, 3]]),
        ])

    /// The shapes of the parts: `outputs` equal ones (the last may be shorter with `unevenLast`) or the listed `sizes`.
    static func splitShape(_ q: ShapeQuery) throws -> ShapeResult {
        let x = try q.input(0)
        let axis = try ShapeMath.axis(q.attributes.int("axis", default: 1), rank: x.rank)
        let length = x.shape[axis]
        var sizes = try q.attributes.ints("sizes", default: q.optionalInput(1)?.values ?? [])
        // MXNet's _split_v2: split points (the first is 0), the last part to the end of the axis.
        let points = try q.attributes.ints("splitPoints", default: [])
        if !points.isEmpty {
            let bounds = points + [length]
            guard zip(bounds, bounds.dropFirst()).allSatisfy({ $0 <= $1 }), (points.first ?? 0) >= 0 else {
                throw RuleError("split points \(formatShape(points)) are not increasing within \(length)")
            }
            sizes = zip(bounds, bounds.dropFirst()).map { $1 - $0 }
            if points.first != 0 { sizes.insert(points[0], at: 0) }
        }
        if sizes.isEmpty {
            sizes = try equalParts(
                q.attributes.int("outputs"), of: length, axis: axis,
                unevenLast: q.attributes.bool("unevenLast", default: false))
        }
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.exactSum.value == length else {
            throw RuleError("split sizes \(formatShape(sizes)) do not add up to \(length)")
        }
        let squeezeAxis = try q.attributes.bool("squeezeAxis", default: false)
        var start = 0
        let strides = Values.strides(x.shape)
        let outputs = try sizes.map { size in
            var shape = x.shape
            if squeezeAxis {
                guard size == 1 else { throw RuleError("squeeze_axis needs parts of size 1, got \(size)") }
                shape.remove(at: axis)
            } else {
                shape[axis] = size
            }
            var part = TensorInfo(shape: shape, dataType: x.dataType)
            // Known values (a shape vector split into its dimensions) are carried.
            if x.values != nil || x.realValues != nil, Values.small(shape) {
                let offsets = Values.indices(shape).map { index -> Int in
                    var at = index
                    if squeezeAxis { at.insert(0, at: axis) }
                    at[axis] += start
                    return zip(at, strides).reduce(0) { $0 + $1.0 * $1.1 }
                }
                part.values = x.values.map { values in offsets.map { values[$0] } }
                part.realValues = x.realValues.map { values in offsets.map { values[$0] } }
            }
            start += size
            return part
        }
        return ShapeResult(outputs: outputs)
    }

    /// The sizes of `parts` equal parts of axis `axis`, `length` long; with `unevenLast` the last
    /// part may be shorter (or, past the end, empty).
    static func equalParts(_ parts: Int, of length: Int, axis: Int, unevenLast: Bool) throws -> [Int] {
        // More parts than elements (beyond one empty part) is a file error, and must not
        // become an allocation of `parts` tensors.
        guard parts >= 1, parts <= max(length, 1) else {
            throw RuleError("axis \(axis) of size \(length) cannot be split into \(parts) parts")
        }
        if unevenLast {
            let chunk = (length + parts - 1) / parts
            return (0..<parts).map { min(chunk, max(0, length - $0 * chunk)) }
        }
        guard length % parts == 0 else {
            throw RuleError("axis \(axis) of size \(length) cannot be split into \(parts) equal parts")
        }
        return [Int](repeating: length / parts, count: parts)
    }

    /// Python-style slicing of the listed `axes` (default 0, 1, …) with `starts`, `ends` and
    /// `steps`; absent entries take the whole axis, out-of-range bounds are clamped.
    static let slice = OpDefinition(
        "Slice", "select a strided range of some axes",
        inputs: [.data, .optionalData, .optionalData, .optionalData, .optionalData],
        shape: sliceShape,
        cost: .zero(reason: "a view or strided copy: no arithmetic"),
        examples: [
            Example(
                "leading axes with a negative end", inputs: [[4, 6, 3]],
                attributes: ["starts": .optionalInts([1, nil]), "ends": .optionalInts([3, -1])], outputs: [[2, 5, 3]]),
            Example(
                "one axis with a step", inputs: [[2, 10]],
                attributes: ["axes": .ints([1]), "starts": .ints([1]), "ends": .ints([9]), "steps": .ints([3])],
                outputs: [[2, 3]]),
            Example(
                "negative step", inputs: [[5]],
                attributes: [
                    "steps": .optionalInts([-2]), "starts": .optionalInts([nil]), "ends": .optionalInts([nil]),
                ],
                outputs: [[3]]),
        ])

    /// The shape of the slice, and its values when the input's are known.
    static func sliceShape(_ q: ShapeQuery) throws -> ShapeResult {
        let x = try q.input(0)
        let starts = try q.attributes.optionalInts("starts", default: (q.optionalInput(1)?.values ?? []).map { $0 })
        let ends = try q.attributes.optionalInts("ends", default: (q.optionalInput(2)?.values ?? []).map { $0 })
        let axes = try q.attributes.ints(
            "axes", default: q.optionalInput(3)?.values ?? Array(0..<max(starts.count, ends.count)))
        let steps = try q.attributes.optionalInts("steps", default: (q.optionalInput(4)?.values ?? []).map { $0 })
        guard axes.count >= max(starts.count, ends.count) else {
            throw RuleError("slice bounds name more axes than the tensor has")
        }
        let strict = try q.attributes.bool("strictBounds", default: false)
        let allowEmpty = try q.attributes.bool("allowEmpty", default: true)
        var shape = x.shape
        var ranges: [(Int, Int, Int)] = []
        for (i, rawAxis) in axes.enumerated() {
            let axis = try ShapeMath.axis(rawAxis, rank: x.rank)
            let (begin, step, length) = try sliceRange(
                of: axis, size: x.shape[axis], start: i < starts.count ? starts[i] : nil,
                end: i < ends.count ? ends[i] : nil, step: (i < steps.count ? steps[i] : nil) ?? 1,
                strict: strict, allowEmpty: allowEmpty)
            shape[axis] = length
            ranges.append((axis, begin, step))
        }
        let strides = Values.strides(x.shape)
        return ShapeResult(
            output: Values.map(x, shape: shape) { index in
                var source = index
                for (axis, begin, step) in ranges { source[axis] = begin + index[axis] * step }
                return zip(source, strides).reduce(0) { $0 + $1.0 * $1.1 }
            })
    }

    /// Where the slice of axis `axis` (`size` long) begins, its clamped step and its length.
    static func sliceRange(
        of axis: Int, size n: Int, start: Int?, end: Int?, step given: Int,
        strict: Bool, allowEmpty: Bool
    ) throws -> (begin: Int, step: Int, length: Int) {
        guard given != 0 else { throw RuleError("slice step of axis \(axis) is 0") }
        // A step longer than the axis takes at most one element, as a step of n + 1 does;
        // clamping keeps the arithmetic below within 64 bits.
        let step = max(min(given, n + 1), -(n + 1))
        func resolve(_ v: Int?, _ fallback: Int) throws -> Int {
            guard let v else { return fallback }
            let r = v < 0 ? v + n : v
            if strict, r < 0 || r > n {
                throw RuleError("slice bound \(v) is outside axis \(axis) of size \(n)")
            }
            return step > 0 ? min(max(r, 0), n) : min(max(r, -1), n - 1)
        }
        let begin = try resolve(start, step > 0 ? 0 : n - 1)
        let end = try resolve(end, step > 0 ? n : -1)
        let length = step > 0 ? max(0, (end - begin + step - 1) / step) : max(0, (begin - end - step - 1) / -step)
        if length == 0, !allowEmpty {
            throw RuleError("slice [\(begin):\(end):\(step)] of axis \(axis) (size \(n)) is empty")
        }
        return (begin, step, length)
    }

    /// Pad with `pads` (the attribute, or input 1's values) given as (begin, end) pairs per axis,
    /// `[b0, e0, b1, e1, …]`, or with `padsLayout` `beginsThenEnds` as `[b0, b1, …, e0, e1, …]`
    /// (ONNX), optionally for the listed `axes` (input 3) only. Negative widths crop.
    static let pad = OpDefinition(
        "Pad", "border padding (constant, edge, reflect or wrap)",
        inputs: [.data, .optionalData, .optionalData, .optionalData],
        shape: padShape,
        cost: .zero(reason: "a copy with a border: no arithmetic"),
        examples: [
            Example(
                "1-pixel border", inputs: [[1, 2, 3, 3]], attributes: ["pads": .ints([0, 0, 0, 0, 1, 1, 1, 1])],
                outputs: [[1, 2, 5, 5]])
        ])

    /// The padded (or cropped) shape.
    static func padShape(_ q: ShapeQuery) throws -> ShapeResult {
        let x = try q.input(0)
        let pairs = try padPairs(q, x)
        if try q.attributes.bool("spatialOnly", default: false) {
            // MXNet's Pad: 4-D or 5-D input, no padding of the batch and channel axes.
            guard x.rank == 4 || x.rank == 5 else {
                throw RuleError("padding needs a 4-D or 5-D input, got \(formatShape(x.shape))")
            }
            guard pairs[..<4].allSatisfy({ $0 == 0 }) else {
                throw RuleError("the batch and channel axes cannot be padded")
            }
        }
        let shape = try (0..<x.rank).map { d in
            let size = try (Exact(x.shape[d]) + pairs[2 * d] + pairs[2 * d + 1]).get("padded size of axis \(d)")
            guard size >= 0 else { throw RuleError("padding leaves axis \(d) with size \(size)") }
            return size
        }
        return ShapeResult(shape: shape, dataType: x.dataType)
    }

    /// The (begin, end) widths of every axis of `x`, `[b0, e0, b1, e1, …]`, zero for axes not listed.
    static func padPairs(_ q: ShapeQuery, _ x: TensorInfo) throws -> [Int] {
        var given = try q.attributes.ints("pads", default: q.optionalInput(1)?.values ?? [])
        if !q.attributes.has("pads"), q.optionalInput(1) != nil, q.optionalInput(1)?.values == nil {
            throw RuleError.unknown("the pad widths are not known at analysis time")
        }
        let axes = try (q.optionalInput(3)?.values ?? Array(0..<x.rank)).map { try ShapeMath.axis($0, rank: x.rank) }
        guard given.count == 2 * axes.count else {
            throw RuleError("pad widths \(formatShape(given)) need 2 values for each of \(axes.count) axes")
        }
        if try q.attributes.string("padsLayout", default: "pairs") == "beginsThenEnds" {
            let k = axes.count
            given = (0..<k).flatMap { [given[$0], given[k + $0]] }
        }
        var pairs = [Int](repeating: 0, count: 2 * x.rank)
        for (i, axis) in axes.enumerated() {
            pairs[2 * axis] = given[2 * i]
            pairs[2 * axis + 1] = given[2 * i + 1]
        }
        return pairs
    }

    static let identity = OpDefinition(
        "Identity", "pass-through (Dropout at inference, identity, copy, BlockGrad)",
        head: .passThrough,
        inputs: [.data, .optionalData, .optionalData],
        shape: { q in
            let x = try q.input(0)
            // Dropout's optional mask is boolean.
            let mask = TensorInfo(shape: x.shape, dataType: .bool)
            return ShapeResult(outputs: [x] + (try q.attributes.bool("withMask", default: false) ? [mask] : []))
        },
        cost: .zero(reason: "returns its input unchanged at inference"),
        examples: [Example("any tensor", inputs: [[2, 3]], outputs: [[2, 3]])])

    static let cast = OpDefinition(
        "Cast", "change the element type (`to`)",
        inputs: [.data],
        shape: { q in
            let x = try q.input(0)
            let name = try q.attributes.string("to", default: x.dataType.rawValue)
            guard let type = DataType(rawValue: name) else { throw RuleError("unknown data type '\(name)'") }
            var out = TensorInfo(shape: x.shape, dataType: type)
            if type.isFloatingPoint {
                out.realValues = x.numbers
            } else if let numbers = x.numbers, numbers.allSatisfy({ $0.magnitude < 9e18 }) {
                out.values =
                    type == .bool ? numbers.map { $0 != 0 ? 1 : 0 } : numbers.map { Int($0.rounded(.towardZero)) }
            }
            return ShapeResult(output: out)
        },
        cost: .zero(reason: "a type conversion: no arithmetic counted"),
        examples: [Example("to float16", inputs: [[4]], attributes: ["to": .string("float16")], outputs: [[4]])])

    static let fill = OpDefinition(
        "Fill", "a tensor of the input's shape filled with a constant (zeros_like, ones_like)",
        inputs: [.data],
        shape: { q in ShapeResult(output: try q.input(0)) },
        cost: .zero(reason: "writes a constant: no arithmetic"),
        examples: [Example("zeros like a 2×3", inputs: [[2, 3]], outputs: [[2, 3]])])

    /// A lookup table: indices of any shape select rows of the `(inputDim, outputDim)` weight.
    static let embedding = OpDefinition(
        "Embedding", "table lookup: indices → rows of a learned (inputDim × outputDim) table",
        inputs: [.data, .parameter],
        shape: { q in
            let x = try q.input(0)
            let inputDim = try q.attributes.int("inputDim")
            let outputDim = try q.attributes.int("outputDim")
            try ShapeMath.requirePositive([inputDim, outputDim], "embedding size")
            return ShapeResult(shape: x.shape + [outputDim], inputShapes: [1: [inputDim, outputDim]])
        },
        cost: .zero(reason: "a table lookup: no arithmetic (the table counts as parameters)"),
        examples: [
            Example(
                "tokens to vectors", inputs: [[2, 7], nil], attributes: ["inputDim": .int(100), "outputDim": .int(16)],
                outputs: [[2, 7, 16]], derived: [1: [100, 16]])
        ])
}
