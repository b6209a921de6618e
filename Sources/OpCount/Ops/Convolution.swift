/// Convolution and transposed convolution, 1D to 3D, grouped and dilated, channel-first layout.
///
/// Canonical attributes: `kernel`, `stride`, `dilation`, `pads` (one value, one per spatial
/// dimension, or begins then ends), `autoPad` (`NOTSET`, `SAME_UPPER`, `SAME_LOWER`, `VALID`),
/// `channels` (output channels), `groups`; for the transposed form also `outputPadding` and
/// `outputShape`. Inputs: data, weight, optional bias.
enum ConvolutionOps {
    static let definitions: [OpDefinition] = [convolution, convTranspose]

    /// Geometry shared by both forms, resolved from the input and attributes.
    struct Geometry {
        var kernel: [Int]
        var stride: [Int]
        var dilation: [Int]
        var padBegin: [Int]
        var padEnd: [Int]
        var groups: Int

        init(_ q: ShapeQuery, weight: TensorInfo?, spatial n: Int) throws {
            let a = q.attributes
            if a.has("kernel") {
                kernel = try a.ints("kernel")
            } else if let weight, weight.rank == n + 2 {
                kernel = Array(weight.shape[2...])
            } else {
                throw RuleError("missing attribute 'kernel'")
            }
            guard kernel.count == n else {
                throw RuleError(
                    "kernel \(formatShape(kernel)) has \(kernel.count) dimensions but the input has \(n) spatial dimensions"
                )
            }
            stride = try ShapeMath.spatial(a, "stride", count: n, default: 1)
            dilation = try ShapeMath.spatial(a, "dilation", count: n, default: 1)
            (padBegin, padEnd) = try ShapeMath.pads(a, count: n)
            groups = try a.int("groups", default: 1)
            try ShapeMath.requirePositive([groups], "groups")
            window = try ShapeMath.window(
                kernel: kernel, stride: stride, dilation: dilation, padding: padBegin + padEnd)
        }

        /// The dilated kernel's extent per spatial dimension.
        let window: [Int]

        /// The convolved size of spatial dimension `d`, `input` positions long, padded as `autoPad` says.
        func outputSize(_ input: Int, _ d: Int, autoPad: String) throws -> Int {
            var (begin, end) = (padBegin[d], padEnd[d])
            if autoPad.hasPrefix("SAME") {
                (_, begin, end) = ShapeMath.samePadding(
                    size: input, stride: stride[d], window: window[d], lower: autoPad == "SAME_LOWER")
            } else if autoPad == "VALID" {
                (begin, end) = (0, 0)
            }
            let padded = input + begin + end
            guard padded >= window[d] else {
                throw RuleError(
                    "kernel \(window[d]) (dilated) is larger than the padded input \(padded) in spatial dimension \(d)")
            }
            return (padded - window[d]) / stride[d] + 1
        }
    }

    /// What fixes a transposed convolution's output size besides the geometry: output padding,
    /// a target size (MXNet `target_shape`, ONNX `output_shape`) and auto padding.
    struct OutputControls {
        var adjust: [Int]
        /// The requested spatial size; empty when none is given (all zeros mean none).
        var target: [Int]
        var autoPad: String
        /// ONNX: the target is the output itself; MXNet: the padding is chosen to reach it.
        var targetIsOutput: Bool

        init(_ q: ShapeQuery, _ g: Geometry, spatial n: Int) throws {
            adjust = try ShapeMath.spatial(q.attributes, "outputPadding", count: n, default: 0)
            var target = try q.attributes.ints("outputShape", default: [])
            if target.count == n + 2 { target = Array(target.dropFirst(2)) }
            autoPad = try ShapeMath.autoPad(q.attributes)
            let useTarget = !target.isEmpty && target.contains { $0 != 0 }
            if useTarget && target.count != n {
                throw RuleError("output shape \(formatShape(target)) has \(target.count) dimensions, expected \(n)")
            }
            try ShapeMath.requireWithinLimit(target, "output shape")
            for d in 0..<n where adjust[d] < 0 || adjust[d] >= max(g.stride[d], g.dilation[d]) {
                throw RuleError("output padding \(adjust[d]) must be smaller than the stride \(g.stride[d])")
            }
            self.target = useTarget ? target : []
            targetIsOutput = try useTarget && q.attributes.bool("onnxOutputShape", default: false)
        }

        /// MXNet `target_shape`: the padding (each side) and output padding that crop an output
        /// `full` positions long to the target size of spatial dimension `d`.
        func targetPadding(full: Int, _ d: Int) throws -> (pad: Int, adjust: Int) {
            let total = full - target[d]
            guard total >= 0 else {
                throw RuleError("target size \(target[d]) exceeds the largest output \(full) in spatial dimension \(d)")
            }
            return ((total + 1) / 2, total % 2)
        }
    }

    // MARK: Convolution

    static let convolution = OpDefinition(
        "Convolution", "N-d convolution (grouped, depthwise, dilated)",
        head: .anchor(.convolution),
        inputs: [.data, .parameter, .optionalParameter],
        shape: convolutionShape,
        cost: .formula(
            "MACs = output elements × (input channels / groups) × kernel elements; adds = output × (that − 1), + output with a bias",
            { q in
                let (out, k) = try reduction(q)
                let bias: Exact = q.isPresent(2) ? out : 0
                return try OpCost(macs: out * k, muls: out * k, adds: out * (k - 1) + bias)
            }),
        mxop: .init("Conv2D hook (1-D/3-D count 0): muls = MACs, adds = output × (K − 1 + bias)") { q in
            // mxop hooks Gluon's Conv2D only: 1-D and 3-D convolutions count nothing there.
            guard q.inputs[0].rank == 4 else { return .zero }
            let (out, k) = try reduction(q)
            let bias: Exact = q.isPresent(2) ? 1 : 0
            return try MxopCost(muls: out * k, adds: out * (k - 1 + bias))
        },
        examples: [
            Example(
                "3x3 conv with bias, stride 1, pad 1", inputs: [[1, 3, 8, 8], nil, nil],
                attributes: ["kernel": .ints([3, 3]), "pads": .ints([1, 1]), "channels": .int(4)],
                outputs: [[1, 4, 8, 8]], derived: [1: [4, 3, 3, 3], 2: [4]],
                cost: .of(macs: 6912, muls: 6912, adds: 6912),
                mxop: .of(muls: 6912, adds: 6912),
                arithmetic: "out = 1·4·8·8 = 256; K = 3·3·3 = 27; MACs = 256·27 = 6912; adds = 256·26 + 256"),
            Example(
                "depthwise 3x3, stride 2, no bias", inputs: [[2, 8, 9, 9], nil],
                attributes: [
                    "kernel": .ints([3, 3]), "stride": .ints([2, 2]), "pads": .ints([1, 1]),
                    "channels": .int(8), "groups": .int(8),
                ],
                outputs: [[2, 8, 5, 5]], derived: [1: [8, 1, 3, 3]],
                cost: .of(macs: 3600, muls: 3600, adds: 3200),
                mxop: .of(muls: 3600, adds: 3200),
                arithmetic: "spatial (9+2−3)/2+1 = 5; out = 2·8·5·5 = 400; K = 1·9 = 9; MACs = 3600; adds = 400·8"),
            Example(
                "dilated 1-D conv: not a Conv2D, so mxop counts nothing", inputs: [[1, 2, 10], nil, nil],
                attributes: ["kernel": .ints([3]), "dilation": .ints([2]), "channels": .int(3)],
                outputs: [[1, 3, 6]], derived: [1: [3, 2, 3], 2: [3]],
                cost: .of(macs: 108, muls: 108, adds: 108), mxop: .zero,
                arithmetic:
                    "dilated kernel 2·2+1 = 5; spatial 10−5+1 = 6; out = 18; K = 2·3 = 6; MACs = 108; adds = 18·5 + 18"),
            Example(
                "3-D conv, groups 2", inputs: [[1, 4, 4, 4, 4], nil],
                attributes: ["kernel": .ints([2, 2, 2]), "channels": .int(2), "groups": .int(2)],
                outputs: [[1, 2, 3, 3, 3]], derived: [1: [2, 2, 2, 2, 2]],
                cost: .of(macs: 864, muls: 864, adds: 810), mxop: .zero,
                arithmetic: "out = 2·27 = 54; K = (4/2)·8 = 16; MACs = 864; adds = 54·15"),
            Example(
                "SAME_UPPER auto padding", inputs: [[1, 1, 5, 5], nil],
                attributes: [
                    "kernel": .ints([2, 2]), "stride": .ints([2, 2]), "autoPad": .string("SAME_UPPER"),
                    "channels": .int(1),
                ],
                outputs: [[1, 1, 3, 3]], derived: [1: [1, 1, 2, 2]],
                cost: .of(macs: 36, muls: 36, adds: 27), mxop: .of(muls: 36, adds: 27),
                arithmetic: "ceil(5/2) = 3; out = 9; K = 4; MACs = 36; adds = 9·3"),
        ])

    /// The output shape of a convolution, with the weight `(C_out, C_in / groups, kernel…)` and
    /// bias shapes it implies.
    static func convolutionShape(_ q: ShapeQuery) throws -> ShapeResult {
        let x = try q.input(0)
        try ShapeMath.requireRank(x, atLeast: 3, "convolution")
        let g = try Geometry(q, weight: q.optionalInput(1), spatial: x.rank - 2)
        let cin = x.shape[1]
        let channels =
            try q.attributes.has("channels")
            ? q.attributes.int("channels")
            : (q.optionalInput(1)?.shape.first).orThrow("missing attribute 'channels'")
        try ShapeMath.requirePositive([channels], "channels")
        guard cin % g.groups == 0 else {
            throw RuleError("input channels \(cin) are not divisible by groups \(g.groups)")
        }
        guard channels % g.groups == 0 else {
            throw RuleError("output channels \(channels) are not divisible by groups \(g.groups)")
        }
        let autoPad = try ShapeMath.autoPad(q.attributes)
        let spatial = try (0..<(x.rank - 2)).map { d in try g.outputSize(x.shape[2 + d], d, autoPad: autoPad) }
        var derived: [Int: [Int]] = [1: [channels, cin / g.groups] + g.kernel]
        if q.isPresent(2) { derived[2] = [channels] }
        return ShapeResult(shape: [x.shape[0], channels] + spatial, dataType: x.dataType, inputShapes: derived)
    }

    /// Output elements and the length of each output's dot product.
    private static func reduction(_ q: CostQuery) throws -> (Exact, Exact) {
        let weight = try q.input(1)
        return (q.outputElements, weight.shape.dropFirst().exactProduct)
    }

    // MARK: Transposed convolution

    static let convTranspose = OpDefinition(
        "ConvTranspose", "N-d transposed convolution (deconvolution), grouped, dilated",
        inputs: [.data, .parameter, .optionalParameter],
        shape: convTransposeShape,
        cost: .formula(
            "MACs = input elements × (output channels / groups) × kernel elements (every product is scattered into the output, cropped border included, as fvcore and torch count it); adds = MACs",
            { q in
                let x = try q.input(0)
                let weight = try q.input(1)
                let macs = x.elementCount * weight.shape.dropFirst().exactProduct
                return try OpCost(macs: macs, muls: macs, adds: macs)
            }),
        examples: [
            Example(
                "2x upsampling deconv, kernel 4, stride 2, pad 1", inputs: [[1, 2, 3, 3], nil, nil],
                attributes: [
                    "kernel": .ints([4, 4]), "stride": .ints([2, 2]), "pads": .ints([1, 1]),
                    "channels": .int(3),
                ],
                outputs: [[1, 3, 6, 6]], derived: [1: [2, 3, 4, 4], 2: [3]],
                cost: .of(macs: 864, muls: 864, adds: 864),
                arithmetic: "2·(3−1)+4−2 = 6; MACs = input 18 × (3 · 16) = 864"),
            Example(
                "target shape and output padding", inputs: [[1, 1, 4], nil],
                attributes: [
                    "kernel": .ints([3]), "stride": .ints([2]), "outputShape": .ints([8]),
                    "channels": .int(1),
                ],
                outputs: [[1, 1, 8]], derived: [1: [1, 1, 3]],
                cost: .of(macs: 12, muls: 12, adds: 12),
                arithmetic: "full 2·3+3 = 9, pad (1+1)/2 = 1 each side, adj 1: 9−2+1 = 8; MACs = 4·1·3"),
        ])

    /// The output shape of a transposed convolution, with the weight `(C_in, C_out / groups, kernel…)`
    /// and bias shapes it implies.
    static func convTransposeShape(_ q: ShapeQuery) throws -> ShapeResult {
        let x = try q.input(0)
        try ShapeMath.requireRank(x, atLeast: 3, "transposed convolution")
        let n = x.rank - 2
        let g = try Geometry(q, weight: q.optionalInput(1), spatial: n)
        let cin = x.shape[1]
        let channels =
            try q.attributes.has("channels")
            ? q.attributes.int("channels")
            : (q.optionalInput(1).map { $0.shape[1] * g.groups }).orThrow("missing attribute 'channels'")
        try ShapeMath.requirePositive([channels], "channels")
        guard cin % g.groups == 0, channels % g.groups == 0 else {
            throw RuleError("channels \(cin) → \(channels) are not divisible by groups \(g.groups)")
        }
        let controls = try OutputControls(q, g, spatial: n)
        let spatial = try (0..<n).map { d in try transposedSize(x.shape[2 + d], d, g, controls) }
        var derived: [Int: [Int]] = [1: [cin, channels / g.groups] + g.kernel]
        if q.isPresent(2) { derived[2] = [channels] }
        return ShapeResult(shape: [x.shape[0], channels] + spatial, dataType: x.dataType, inputShapes: derived)
    }

    /// The size of spatial dimension `d` of a transposed convolution's output, from `input` positions.
    static func transposedSize(_ input: Int, _ d: Int, _ g: Geometry, _ c: OutputControls) throws -> Int {
        // At most 2^40 · 2^40 + 3 · 2^40: exact, then refused past what any output could be.
        guard let full = (Exact(g.stride[d]) * (input - 1) + g.window[d]).value, full <= 4 * Limits.dimension else {
            throw RuleError("output size in spatial dimension \(d) exceeds the limit of \(Limits.dimension)")
        }
        var (begin, end, adjust) = (g.padBegin[d], g.padEnd[d], c.adjust[d])
        if c.autoPad == "VALID" { (begin, end) = (0, 0) }
        if c.target.isEmpty, c.autoPad.hasPrefix("SAME") {
            // ONNX: the output is input × stride; the padding makes it so.
            (_, begin, end) = ShapeMath.samePadding(
                size: input * g.stride[d], stride: g.stride[d],
                window: g.window[d] + adjust, lower: c.autoPad == "SAME_LOWER")
        } else if !c.target.isEmpty {
            // ONNX: the output is the given shape; padding (or extra output padding) makes it so.
            if c.targetIsOutput {
                guard c.target[d] >= 1 else { throw RuleError("output shape \(c.target[d]) must be positive") }
                return c.target[d]
            }
            let (pad, extra) = try c.targetPadding(full: full, d)
            (begin, end, adjust) = (pad, pad, extra)
        }
        let size = full - begin - end + adjust
        guard size >= 1 else { throw RuleError("output size \(size) in spatial dimension \(d) is not positive") }
        return size
    }
}
