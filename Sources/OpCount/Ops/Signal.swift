/// Signal processing (audio front ends): Fourier transforms, window functions and the mel
/// filterbank. A transform is counted as what it is mathematically, a product with the DFT
/// matrix: every output bin sums the transform length of products (a real × complex product is 2
/// real multiply-accumulates, complex × complex 4). Fast algorithms do fewer; this is the count
/// the definition gives, as for every other linear op here.
enum SignalOps {
    static let definitions: [OpDefinition] = [dft, stft, window, melWeightMatrix]

    /// A scalar input's value, which the shape needs.
    static func scalar(_ q: ShapeQuery, _ i: Int, _ what: String) throws -> Int {
        guard let value = q.optionalInput(i)?.values?.first else {
            throw RuleError.unknown("the \(what) is not known at analysis time")
        }
        return value
    }

    /// The transformed axis, its transform length and the output's length and kind along it.
    struct Transform {
        var axis: Int
        var length: Int
        var outputLength: Int
        var complexInput: Bool
        var complexOutput: Bool

        init(_ q: ShapeQuery) throws {
            let x = try q.input(0)
            guard x.rank >= 2, let last = x.shape.last, last == 1 || last == 2 else {
                throw RuleError("expects [batch, signal…, 1 or 2] (real or complex), got \(formatShape(x.shape))")
            }
            // Opset 20 takes the axis as input 2 (default −2, counting the trailing 1|2 axis); before, an attribute (default 1).
            let given: Int
            if q.attributes.has("axis") {
                given = try q.attributes.int("axis")
            } else if q.isPresent(2) {
                given = try scalar(q, 2, "axis")
            } else {
                given = -2
            }
            let rank = x.rank
            guard given >= -rank, given < rank - 1, given != -1 else {
                throw RuleError("axis \(given) is not a signal axis of \(formatShape(x.shape))")
            }
            axis = given < 0 ? given + rank : given
            guard axis >= 1 || rank == 2 else { throw RuleError("axis \(given) is the batch axis") }
            let inverse = try q.attributes.bool("inverse", default: false)
            let onesided = try q.attributes.bool("onesided", default: false)
            // A one-sided spectrum of n bins is the transform of 2(n − 1) samples.
            let full = inverse && onesided ? 2 * max(0, x.shape[axis] - 1) : x.shape[axis]
            length = q.isPresent(1) ? try scalar(q, 1, "DFT length") : full
            guard length >= 1 else { throw RuleError("the DFT length \(length) must be positive") }
            complexInput = last == 2
            if inverse && onesided {
                // The inverse of a one-sided spectrum: a real signal of the full length.
                outputLength = length
                complexOutput = false
            } else {
                outputLength = onesided ? length / 2 + 1 : length
                complexOutput = true
            }
        }
    }

    static let dft = OpDefinition(
        "DFT", "discrete Fourier transform along one axis (real or complex, one-sided, inverse)",
        inputs: [.data, .optionalData, .optionalData],
        shape: { q in
            let x = try q.input(0)
            let t = try Transform(q)
            var shape = x.shape
            shape[t.axis] = t.outputLength
            shape[shape.count - 1] = t.complexOutput ? 2 : 1
            return ShapeResult(shape: shape, dataType: x.dataType)
        },
        cost: .formula(
            "per transform: output bins × length products, 2 MACs each real × complex, 4 complex × complex "
                + "(the DFT matrix); the inverse 1 div per output value",
            { q in
                let t = try Transform(
                    q.shapeQuery)
                let x = q.inputs[0]
                let transforms = try x.elementCount.get("elements") / max(1, x.shape[t.axis] * x.shape[x.rank - 1])
                let perTerm = (t.complexInput ? 2 : 1) * (t.complexOutput ? 2 : 1)
                let macs = Exact(transforms) * t.outputLength * t.length * perTerm
                let inverse = try q.attributes.bool("inverse", default: false)
                return try OpCost(macs: macs, muls: macs, adds: macs, divs: inverse ? q.outputElements : 0)
            }),
        examples: [
            Example(
                "one-sided transform of a real signal of 10 (rfft)", inputs: [[1, 10, 1]],
                attributes: ["onesided": .bool(true)], outputs: [[1, 6, 2]],
                cost: .of(macs: 120, muls: 120, adds: 120), arithmetic: "6 bins × 10 samples × 2 (real × complex)"),
            Example(
                "inverse of a complex spectrum, axis 1 of [1, 4, 3, 2]", inputs: [[1, 4, 3, 2], nil, [1]], absent: [1],
                values: [2: [1]], attributes: ["inverse": .bool(true)], outputs: [[1, 4, 3, 2]],
                cost: .of(macs: 192, muls: 192, adds: 192, divs: 24),
                arithmetic: "3 transforms × 4 bins × 4 terms × 4; 24 output values divided by 4"),
        ])

    static let stft = OpDefinition(
        "STFT", "short-time Fourier transform: windowed frames, each transformed",
        inputs: [.data, .data, .optionalData, .optionalData],
        shape: { q in
            let x = try q.input(0)
            guard x.rank == 3, x.shape[2] == 1 || x.shape[2] == 2 else {
                throw RuleError("expects a signal [batch, length, 1 or 2], got \(formatShape(x.shape))")
            }
            let (frames, bins, _) = try stftGeometry(q)
            return ShapeResult(shape: [x.shape[0], frames, bins, 2], dataType: x.dataType)
        },
        cost: .formula(
            "per frame: 1 mul per sample (real; 2 complex) with a window, then bins × frame length products "
                + "of 2 MACs (real input) or 4 (complex)",
            { q in
                let x = q.inputs[0]
                let (frames, bins, length) = try stftGeometry(q.shapeQuery)
                let parts = x.shape[2]
                let framed = Exact(x.shape[0]) * frames
                let macs = framed * bins * length * (parts == 2 ? 4 : 2)
                let window = q.isPresent(2) ? framed * length * parts : Exact(0)
                return try OpCost(macs: macs, muls: macs + window, adds: macs)
            }),
        examples: [
            Example(
                "128 samples, frames of 16 every 8, a window", inputs: [[1, 128, 1], [], [16]], values: [1: [8]],
                outputs: [[1, 15, 9, 2]], cost: .of(macs: 4320, muls: 4560, adds: 4320),
                arithmetic: "15 frames × (16 window muls + 9 bins × 16 × 2 MACs)")
        ])

    /// Frames, bins and frame length of an STFT.
    static func stftGeometry(_ q: ShapeQuery) throws -> (frames: Int, bins: Int, length: Int) {
        let x = try q.input(0)
        let step = try scalar(q, 1, "frame step")
        let length: Int
        if q.isPresent(3) {
            length = try scalar(q, 3, "frame length")
        } else if let window = q.optionalInput(2), window.rank == 1 {
            length = window.shape[0]
        } else {
            throw RuleError("needs a frame length or a window")
        }
        guard step >= 1, length >= 1, length <= x.shape[1] else {
            throw RuleError("frames of \(length) every \(step) do not fit a signal of \(x.shape[1])")
        }
        let onesided = try q.attributes.bool("onesided", default: true)
        return ((x.shape[1] - length) / step + 1, onesided ? length / 2 + 1 : length, length)
    }

    /// Hann, Hamming (a0 − a1·cos) and Blackman (a0 − a1·cos + a2·cos 2×) windows of a given size.
    static let window = OpDefinition(
        "Window", "a window function of a given size (Hann, Hamming, Blackman)",
        inputs: [.data],
        shape: { q in
            let size = try scalar(q, 0, "window size")
            try ShapeMath.requireWithinLimit([size], "window size")
            let name = try q.attributes.string("outputType", default: "float32")
            guard let type = DataType(rawValue: name) else { throw RuleError("unknown data type '\(name)'") }
            return ShapeResult(shape: [max(0, size)], dataType: type)
        },
        cost: .formula(
            "per element: Hann and Hamming 2 muls + 1 add + 1 exp (a cosine); Blackman 4 muls + 2 adds + 2 exps",
            { q in
                let n = q.outputElements
                let blackman = try q.attributes.string("kind", default: "hann") == "blackman"
                return try OpCost(
                    muls: n * (blackman ? 4 : 2), adds: n * (blackman ? 2 : 1), exps: n * (blackman ? 2 : 1))
            }),
        examples: [
            Example(
                "a Blackman window of 10", inputs: [[]], values: [0: [10]], attributes: ["kind": .string("blackman")],
                outputs: [[10]], cost: .of(muls: 40, adds: 20, exps: 20), arithmetic: "10 × (4 muls, 2 adds, 2 cosines)"
            )
        ])

    /// The mel filterbank: [dft_length / 2 + 1, num_mel_bins] triangle weights.
    static let melWeightMatrix = OpDefinition(
        "MelWeightMatrix", "mel filterbank weights for a spectrum of a given DFT length",
        inputs: [.data, .data, .data, .data, .data],
        shape: { q in
            let bins = try scalar(q, 0, "number of mel bins")
            let length = try scalar(q, 1, "DFT length")
            guard bins >= 0, length >= 0 else {
                throw RuleError("mel bins \(bins) and DFT length \(length) must be ≥ 0")
            }
            try ShapeMath.requireWithinLimit([bins, length], "filterbank size")
            let name = try q.attributes.string("outputType", default: "float32")
            guard let type = DataType(rawValue: name) else { throw RuleError("unknown data type '\(name)'") }
            return ShapeResult(shape: [length / 2 + 1, bins], dataType: type)
        },
        cost: .formula(
            "per weight: 2 cmps (which side of its triangle) + 1 add + 1 div (the slope)",
            { q in
                let n = q.outputElements
                return try OpCost(adds: n, divs: n, cmps: n * 2)
            }),
        examples: [
            Example(
                "8 mel bins over a 16-point DFT", inputs: [[], [], [], [], []],
                values: [0: [8], 1: [16], 2: [8192], 3: [0], 4: [4096]], outputs: [[9, 8]],
                cost: .of(adds: 72, divs: 72, cmps: 144), arithmetic: "9 × 8 = 72 weights")
        ])
}
