/// Small shape utilities shared by the rules.
enum ShapeMath {
    /// Resolves a possibly negative axis against `rank`.
    static func axis(_ axis: Int, rank: Int, what: String = "axis") throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < rank else {
            throw RuleError("\(what) \(axis) is out of range for a rank-\(rank) tensor")
        }
        return resolved
    }

    /// NumPy-style broadcast of two shapes.
    static func broadcast(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else {
                throw RuleError("shapes \(formatShape(a)) and \(formatShape(b)) cannot be broadcast together")
            }
            out[i] = x == 1 ? y : x
        }
        return out
    }

    /// A per-spatial-dimension attribute: `count` values, given as one value for all or one each.
    static func spatial(_ attributes: Attributes, _ key: String, count: Int, default fallback: Int) throws -> [Int] {
        let values = try attributes.ints(key, default: [Int](repeating: fallback, count: count))
        if values.count == count { return values }
        if values.count == 1 { return [Int](repeating: values[0], count: count) }
        if values.isEmpty { return [Int](repeating: fallback, count: count) }
        throw RuleError("attribute '\(key)' has \(values.count) values for \(count) spatial dimensions")
    }

    /// Begin and end padding per spatial dimension, from `pads` given as one value, one per
    /// dimension (symmetric), or all begins followed by all ends.
    static func pads(_ attributes: Attributes, count: Int) throws -> (begin: [Int], end: [Int]) {
        let values = try attributes.ints("pads", default: [])
        let zero = [Int](repeating: 0, count: count)
        switch values.count {
        case 0: return (zero, zero)
        case 1: return ([Int](repeating: values[0], count: count), [Int](repeating: values[0], count: count))
        case count: return (values, values)
        case 2 * count: return (Array(values[..<count]), Array(values[count...]))
        default: throw RuleError("attribute 'pads' has \(values.count) values for \(count) spatial dimensions")
        }
    }

    /// The auto padding an ONNX-style `autoPad` attribute names: `NOTSET` (explicit `pads`),
    /// `SAME_UPPER`, `SAME_LOWER` (see ``samePadding(size:stride:window:lower:)``) or `VALID` (none).
    static func autoPad(_ attributes: Attributes) throws -> String {
        try attributes.choice("autoPad", ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"], default: "NOTSET")
    }

    /// SAME padding of one spatial dimension (ONNX `SAME_UPPER` / `SAME_LOWER`, TF `SAME`, MXNet's
    /// `same` pooling convention): a window of extent `window` sliding by `stride` over `size`
    /// positions gives ⌈size / stride⌉ outputs; the padding is what the last window needs, split
    /// evenly with the odd position at the end (upper) or at the beginning (`lower`).
    /// A transposed convolution is this geometry seen from its output: `size` = input × stride.
    static func samePadding(size: Int, stride: Int, window: Int, lower: Bool = false)
        -> (output: Int, begin: Int, end: Int)
    {
        let output = (size + stride - 1) / stride
        let total = max(0, (output - 1) * stride + window - size)
        let begin = lower ? total - total / 2 : total / 2
        return (output, begin, total - begin)
    }

    /// A size computed in floating point (a scaled resize), as an integer: an error, not a trap,
    /// when it is NaN, infinite, negative or past the dimension limit.
    static func size(_ value: Double, _ name: String) throws -> Int {
        guard value.isFinite, value >= 0, value <= Double(Limits.dimension) else {
            throw RuleError("\(name) \(value) is not a size (0 to \(Limits.dimension))")
        }
        return Int(value)
    }

    /// Geometry values (kernel, stride, dilation, padding) past the dimension limit describe no
    /// real layer; refusing them keeps the size arithmetic below within 64 bits.
    static func requireWithinLimit(_ values: [Int], _ name: String) throws {
        if let bad = values.first(where: { $0.magnitude > UInt(Limits.dimension) }) {
            throw RuleError("\(name) \(bad) exceeds the limit of \(Limits.dimension)")
        }
    }

    /// A sliding window's geometry (convolution, pooling): positive kernel, stride and dilation,
    /// padding not negative, none past the axis limit. Returns each dimension's dilated extent.
    static func window(kernel: [Int], stride: [Int], dilation: [Int], padding: [Int]) throws -> [Int] {
        try requirePositive(kernel, "kernel")
        try requirePositive(stride, "stride")
        try requirePositive(dilation, "dilation")
        try requireNonNegative(padding, "padding")
        for (values, name) in [(kernel, "kernel"), (stride, "stride"), (dilation, "dilation"), (padding, "padding")] {
            try requireWithinLimit(values, name)
        }
        return try zip(kernel, dilation).map { try window(kernel: $0, dilation: $1) }
    }

    /// The extent of a dilated window, `dilation × (kernel − 1) + 1`, refused when it could not
    /// fit any padded input (more than three times the dimension limit).
    static func window(kernel: Int, dilation: Int) throws -> Int {
        let extent = Exact(dilation) * (kernel - 1) + 1
        guard let value = extent.value, value <= 3 * Limits.dimension else {
            throw RuleError("kernel \(kernel) dilated by \(dilation) is larger than any input can be")
        }
        return value
    }

    static func requirePositive(_ values: [Int], _ name: String) throws {
        if let bad = values.first(where: { $0 < 1 }) {
            throw RuleError("\(name) must be positive, got \(bad)")
        }
    }

    static func requireNonNegative(_ values: [Int], _ name: String) throws {
        if let bad = values.first(where: { $0 < 0 }) {
            throw RuleError("\(name) must not be negative, got \(bad)")
        }
    }

    static func requireRank(_ info: TensorInfo, atLeast minimum: Int, _ what: String) throws {
        guard info.rank >= minimum else {
            throw RuleError("\(what) needs an input of rank \(minimum) or more, got \(formatShape(info.shape))")
        }
    }

    /// `value` when it is a size a file may give (0 … the dimension limit), else an error naming it.
    static func size(_ value: Int, _ what: String) throws -> Int {
        guard value >= 0, value <= Limits.dimension else {
            throw RuleError("\(what) \(value) is outside 0…\(Limits.dimension)")
        }
        return value
    }

    /// a · b, or an error when it overflows.
    static func times(_ a: Int, _ b: Int, _ what: String) throws -> Int {
        let (r, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw RuleError("\(what) overflows") }
        return r
    }

    /// The product of `shape[range]`, throwing on overflow.
    static func product(_ shape: ArraySlice<Int>, _ what: String) throws -> Int {
        try shape.exactProduct.get(what)
    }
}
