/// Control flow (ONNX `If`, `Loop`, `Scan`). Their subgraphs are regions of the graph that the
/// analyzer runs itself: an `If`'s taken branch, a body once per iteration, each node of them
/// counted every time it runs. These rules then give the control-flow node's own outputs from
/// what the regions returned; the node itself computes nothing.
enum ControlFlowOps {
    static let definitions: [OpDefinition] = [conditional, loop, scan]

    /// The value of a condition, when it is known exactly: a bound taken elsewhere (a data-dependent
    /// size) makes a value derived from it unknown here.
    static func condition(_ info: TensorInfo?) -> Bool? {
        guard let info, !info.followsBound, info.elementCount.value == 1, let value = info.numbers?.first else {
            return nil
        }
        return value != 0
    }

    /// Inputs: the condition, the then-branch's outputs, the else-branch's outputs; the branch not
    /// run is absent. With both present (a condition computed from the data) each output takes the
    /// larger size of the two, a bound.
    static let conditional = OpDefinition(
        "If", "runs one of two subgraphs, by a condition",
        inputs: [.data, .variadic],
        shape: { q in
            let n = try q.attributes.int("outputs")
            guard n >= 0, n <= (q.count - 1) / 2, q.count == 1 + 2 * n else {
                throw RuleError("expects the condition and \(n) outputs of each branch, has \(q.count) inputs")
            }
            let then = (0..<n).map { q.optionalInput(1 + $0) }
            let otherwise = (0..<n).map { q.optionalInput(1 + n + $0) }
            let thenRan = then.allSatisfy { $0 != nil }
            let elseRan = otherwise.allSatisfy { $0 != nil }
            switch (thenRan, elseRan) {
            case (true, false): return ShapeResult(outputs: then.map { $0! })
            case (false, true): return ShapeResult(outputs: otherwise.map { $0! })
            case (true, true):
                var outputs: [TensorInfo] = []
                for (i, (a, b)) in zip(then, otherwise).enumerated() {
                    let (a, b) = (a!, b!)
                    guard a.rank == b.rank, a.dataType == b.dataType else {
                        throw RuleError.unknown(
                            "the condition is not known at analysis time and output \(i) differs between the "
                                + "branches (\(formatShape(a.shape)) \(a.dataType.rawValue), "
                                + "\(formatShape(b.shape)) \(b.dataType.rawValue))")
                    }
                    var merged = TensorInfo(shape: zip(a.shape, b.shape).map { max($0, $1) }, dataType: a.dataType)
                    if a.shape == b.shape, a.values == b.values, a.realValues == b.realValues {
                        merged.values = a.values
                        merged.realValues = a.realValues
                    }
                    outputs.append(merged)
                }
                var result = ShapeResult(outputs: outputs)
                result.bound =
                    "the condition is not known at analysis time: both branches are counted, "
                    + "each output at the larger of their sizes"
                return result
            case (false, false): throw RuleError("neither branch gave its outputs")
            }
        },
        cost: .zero(
            reason:
                "selects a subgraph: the nodes of the branch that runs are counted (of both, as a bound, when the condition depends on the data)"
        ),
        examples: [
            Example(
                "the condition is known: the then-branch ran", inputs: [[], [2, 3], nil], absent: [2],
                attributes: ["outputs": .int(1)], outputs: [[2, 3]], arithmetic: "its outputs are the branch's"),
            Example(
                "the condition depends on the data: both ran", inputs: [[], [2], [300]],
                attributes: ["outputs": .int(1)], outputs: [[300]],
                arithmetic: "the larger of [2] and [300], a bound"),
        ])

    /// Inputs: the trip count and condition as the file gives them, then what the analyzer found
    /// after the last iteration: each carried value's final tensor, each scan output's tensor of
    /// one iteration. `carried` and `iterations` are the analyzer's; scan outputs stack the
    /// iterations on a new first axis.
    static let loop = OpDefinition(
        "Loop", "runs a subgraph repeatedly, carrying values from one iteration to the next",
        inputs: [.optionalData, .optionalData, .variadic],
        shape: { q in
            let carried = try q.attributes.int("carried")
            let iterations = try q.attributes.int("iterations")
            guard carried >= 0, carried <= q.count - 2, iterations >= 0 else {
                throw RuleError("\(carried) carried values and \(iterations) iterations do not fit \(q.count) inputs")
            }
            var outputs: [TensorInfo] = []
            for position in 2..<q.count {
                let info = try q.input(position)
                if position < 2 + carried {
                    outputs.append(info)
                } else {
                    outputs.append(TensorInfo(shape: [iterations] + info.shape, dataType: info.dataType))
                }
            }
            return ShapeResult(outputs: outputs)
        },
        cost: .zero(reason: "repeats a subgraph: its nodes are counted once per iteration"),
        examples: [
            Example(
                "one carried value, one scan output, 5 iterations", inputs: [[], [], [1, 4], [2]],
                values: [0: [5]], attributes: ["carried": .int(1), "iterations": .int(5)],
                outputs: [[1, 4], [5, 2]], arithmetic: "the carried value as it ends; 5 scan rows of [2]")
        ])

    /// Inputs: each state's final tensor, then each scan output's tensor of one iteration (the
    /// analyzer's). Scan outputs stack the iterations along `outputAxes` (default 0).
    static let scan = OpDefinition(
        "Scan", "runs a subgraph over slices of its inputs, carrying state",
        inputs: [.variadic],
        shape: { q in
            let carried = try q.attributes.int("carried")
            let iterations = try q.attributes.int("iterations")
            guard carried >= 0, carried <= q.count, iterations >= 0 else {
                throw RuleError("\(carried) states and \(iterations) iterations do not fit \(q.count) inputs")
            }
            let axes = try q.attributes.ints("outputAxes", default: [])
            var outputs: [TensorInfo] = []
            for position in 0..<q.count {
                let info = try q.input(position)
                if position < carried {
                    outputs.append(info)
                    continue
                }
                let k = position - carried
                let axis = try ShapeMath.axis(k < axes.count ? axes[k] : 0, rank: info.rank + 1)
                var shape = info.shape
                shape.insert(iterations, at: axis)
                outputs.append(TensorInfo(shape: shape, dataType: info.dataType))
            }
            return ShapeResult(outputs: outputs)
        },
        cost: .zero(reason: "repeats a subgraph over slices: its nodes are counted once per iteration"),
        examples: [
            Example(
                "one state, one scan output along axis 1, 7 iterations", inputs: [[2], [3, 4]],
                attributes: ["carried": .int(1), "iterations": .int(7), "outputAxes": .ints([1])],
                outputs: [[2], [3, 7, 4]], arithmetic: "the state as it ends; the 7 iterations stacked on axis 1")
        ])
}
