/// Ops that read a feature map at computed positions: RoI pooling and alignment (detectors),
/// grid sampling and the affine grids that feed it.
///
/// Bilinear interpolation of one sample costs 4 muls + 2 adds for its four weights
/// ((1 − ly)(1 − lx), …) and 4 muls + 3 adds for the weighted sum: 8 muls + 5 adds.
enum SamplingOps {
    static let definitions: [OpDefinition] = [roiAlign, maxRoiPool, gridSample, affineGrid]

    /// `[R, C, oh, ow]` from a feature map `[N, C, H, W]` and R regions.
    static func pooledShape(_ x: TensorInfo, regions: TensorInfo, height: Int, width: Int) throws -> [Int] {
        guard x.rank == 4, regions.rank == 2 else {
            throw RuleError("expects a feature map [N, C, H, W] and regions [R, k]")
        }
        guard height >= 1, width >= 1, height <= Limits.dimension, width <= Limits.dimension else {
            throw RuleError("the pooled size \(height)×\(width) is not a positive size")
        }
        return [regions.shape[0], x.shape[1], height, width]
    }

    /// Samples per output cell when the region's size decides it: at most ⌈H/oh⌉·⌈W/ow⌉ for a
    /// region inside the feature map.
    static func adaptiveSamples(_ x: TensorInfo, height: Int, width: Int) throws -> Int {
        try ShapeMath.times((x.shape[2] + height - 1) / height, (x.shape[3] + width - 1) / width, "samples per cell")
    }

    /// RoiAlign: each output cell averages (or takes the maximum of) S bilinear samples, S =
    /// samplingRatio² when given; otherwise S depends on each region's size (a bound: the
    /// largest a region inside the feature map allows).
    static let roiAlign = OpDefinition(
        "RoiAlign", "bilinear RoI alignment: pooled features of each region",
        inputs: [.data, .data, .optionalData],
        shape: { q in
            let (x, rois) = (try q.input(0), try q.input(1))
            let (h, w) = (
                try q.attributes.int("outputHeight", default: 1), try q.attributes.int("outputWidth", default: 1)
            )
            var result = ShapeResult(
                shape: try pooledShape(x, regions: rois, height: h, width: w), dataType: x.dataType)
            if try q.attributes.int("samplingRatio", default: 0) <= 0 {
                result.bound =
                    "samples per cell depend on each region's size: at most \(try adaptiveSamples(x, height: h, width: w)) (a region inside the feature map)"
            }
            return result
        },
        cost: .formula(
            "per output cell S samples of 8 muls + 5 adds, then S − 1 adds + 1 div (average) or S − 1 cmps (max)",
            { q in
                let x = try q.input(0)
                let (h, w) = (
                    try q.attributes.int("outputHeight", default: 1), try q.attributes.int("outputWidth", default: 1)
                )
                let ratio = try q.attributes.int("samplingRatio", default: 0)
                let s =
                    ratio > 0
                    ? try ShapeMath.times(ShapeMath.size(ratio, "sampling ratio"), ratio, "samples")
                    : try adaptiveSamples(x, height: h, width: w)
                let cells = q.outputElements
                let samples = cells * s
                let average = try q.attributes.string("mode", default: "avg") == "avg"
                return try OpCost(
                    muls: samples * 8, adds: samples * 5 + (average ? cells * (s - 1) : 0), divs: average ? cells : 0,
                    cmps: average ? 0 : cells * (s - 1))
            }),
        examples: [
            Example(
                "2 regions, 2×2 cells of 2×2 samples", inputs: [[1, 3, 8, 8], [2, 4], [2]],
                attributes: ["outputHeight": .int(2), "outputWidth": .int(2), "samplingRatio": .int(2)],
                outputs: [[2, 3, 2, 2]], cost: .of(muls: 768, adds: 552, divs: 24),
                arithmetic: "24 cells × 4 samples = 96: 768 muls, 480 adds; average 24 × 3 adds + 24 divs")
        ])

    /// MaxRoiPool: the maximum over each cell of each region ([R, 5]: batch index and box): at most
    /// ⌈H/ph⌉·⌈W/pw⌉ − 1 cmps per cell, a bound (the cell's size depends on the region).
    static let maxRoiPool = OpDefinition(
        "MaxRoiPool", "max pooling over each cell of each region",
        inputs: [.data, .data],
        shape: { q in
            let (x, rois) = (try q.input(0), try q.input(1))
            let pooled = try q.attributes.ints("pooled")
            guard pooled.count == 2 else { throw RuleError("the pooled shape needs 2 sizes") }
            var result = ShapeResult(
                shape: try pooledShape(x, regions: rois, height: pooled[0], width: pooled[1]), dataType: x.dataType)
            result.bound =
                "cells depend on each region's size: at most \(try adaptiveSamples(x, height: pooled[0], width: pooled[1])) elements each"
            return result
        },
        cost: .formula(
            "at most ⌈H/ph⌉·⌈W/pw⌉ − 1 cmps per output cell",
            { q in
                let pooled = try q.attributes.ints("pooled")
                let most = try adaptiveSamples(try q.input(0), height: pooled[0], width: pooled[1])
                return try OpCost(cmps: q.outputElements * max(most - 1, 0))
            }),
        examples: [
            Example(
                "1 region, 2×2 cells", inputs: [[1, 1, 4, 4], [1, 5]], attributes: ["pooled": .ints([2, 2])],
                outputs: [[1, 1, 2, 2]], cost: .of(cmps: 12), arithmetic: "4 cells × (4 − 1)")
        ])

    /// GridSample: the input read at the grid's positions ([N, Ho, Wo, 2], or 3-D grids for 5-D
    /// inputs). Per output position: 2 muls + 2 adds per coordinate to unnormalize, then the
    /// interpolation: bilinear (linear) 4 muls + 2 adds for the weights and per output element
    /// 4 muls + 3 adds; nearest 1 cmp per coordinate; bicubic (cubic) 3 muls + 3 adds per tap
    /// weight and per output element 16 muls + 15 adds.
    static let gridSample = OpDefinition(
        "GridSample", "sample the input at a grid of positions",
        inputs: [.data, .data],
        shape: { q in
            let (x, grid) = (try q.input(0), try q.input(1))
            let spatial = x.rank - 2
            guard spatial >= 1, grid.rank == x.rank, grid.shape[0] == x.shape[0], grid.shape.last == spatial else {
                throw RuleError("the grid must be [N, …, \(max(spatial, 1))] for an input of rank \(x.rank)")
            }
            _ = try mode(q.attributes)
            return ShapeResult(
                shape: [x.shape[0], x.shape[1]] + grid.shape.dropFirst().dropLast(), dataType: x.dataType)
        },
        cost: .formula(
            "per position 2 muls + 2 adds per coordinate; bilinear 4 muls + 2 adds per position + 4 muls + 3 adds per element; nearest 1 cmp per coordinate; bicubic 24 muls + 24 adds per position + 16 muls + 15 adds per element",
            { q in
                let (x, grid) = (try q.input(0), try q.input(1))
                let d = x.rank - 2
                let positions = Exact(try grid.elementCount.get("grid") / max(1, d))
                let elements = q.outputElements
                var cost = try OpCost(muls: positions * (2 * d), adds: positions * (2 * d))
                switch try mode(q.attributes) {
                case "nearest": cost.cmps += try (positions * d).get("comparisons")
                case "cubic":
                    let taps = 4 * d
                    cost.muls += try (positions * (3 * taps) + elements * 16).get("multiplications")
                    cost.adds += try (positions * (3 * taps) + elements * 15).get("additions")
                default:
                    let corners = 1 << d
                    cost.muls += try (positions * corners + elements * corners).get("multiplications")
                    cost.adds += try (positions * d + elements * (corners - 1)).get("additions")
                }
                return cost
            }),
        examples: [
            Example(
                "bilinear, 2 channels on a 3×3 grid", inputs: [[1, 2, 4, 4], [1, 3, 3, 2]], outputs: [[1, 2, 3, 3]],
                cost: .of(muls: 144, adds: 108),
                arithmetic:
                    "9 positions × (4 muls + 4 adds unnormalize + 4 muls + 2 adds weights); 18 elements × (4 muls + 3 adds)"
            )
        ])

    /// The interpolation mode: linear (bilinear), nearest or cubic (bicubic).
    static func mode(_ a: Attributes) throws -> String {
        switch try a.string("mode", default: "linear") {
        case "linear", "bilinear": "linear"
        case "nearest": "nearest"
        case "cubic", "bicubic": "cubic"
        case let other: throw RuleError("interpolation mode '\(other)' is not one of linear, nearest, cubic")
        }
    }

    /// AffineGrid: positions θ·(x, y, 1) for every output position, [N, H, W, 2] (or 3-D).
    /// MACs = N · positions · (d + 1) · d.
    static let affineGrid = OpDefinition(
        "AffineGrid", "the sampling grid of an affine transform",
        inputs: [.data, .data],
        shape: { q in
            let (theta, size) = (try q.input(0), try q.input(1))
            guard let dims = size.values, dims.count == 4 || dims.count == 5 else {
                throw RuleError.unknown("the output size is not known at analysis time")
            }
            let d = dims.count - 2
            guard theta.rank == 3, theta.shape[1] == d, theta.shape[2] == d + 1, theta.shape[0] == dims[0] else {
                throw RuleError("θ must be [N, \(d), \(d + 1)]")
            }
            try ShapeMath.requirePositive(dims, "size")
            return ShapeResult(shape: [dims[0]] + dims.dropFirst(2) + [d], dataType: theta.dataType)
        },
        cost: .formula(
            "MACs = positions · (d + 1) · d",
            { q in
                let out = q.outputs[0].shape
                let d = out.last ?? 2
                let positions = Exact(try q.outputElements.get("grid") / max(1, d))
                let macs = positions * ((d + 1) * d)
                return try OpCost(macs: macs, muls: macs, adds: positions * (d * d))
            }),
        examples: [
            Example(
                "2-D, 4×4", inputs: [[1, 2, 3], [4]], values: [1: [1, 3, 4, 4]], outputs: [[1, 4, 4, 2]],
                cost: .of(macs: 96, muls: 96, adds: 64), arithmetic: "16 positions × 3 × 2 MACs; adds 16 × 2 × 2")
        ])
}
