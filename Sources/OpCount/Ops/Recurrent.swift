/// Recurrent layers (ONNX RNN, GRU, LSTM) with their default activations. With G gates
/// (RNN 1, GRU 3, LSTM 4), hidden size h, input size i, batch b, T steps and D directions:
/// MACs = D·T·b·G·h·(i + h) (the input and the recurrent projections); adds for those dot
/// products and their sum, 2·G·h per step and batch with a bias; then per hidden element and
/// step: RNN tanh (1 exp); GRU 2 sigmoids, 1 tanh, r⊙h and (1 − z)⊙h̃ + z⊙h (3 muls, 4 adds,
/// 2 divs, 3 exps); LSTM 3 sigmoids, 2 tanh, c = f⊙c + i⊙g and o⊙tanh(c) (3 muls, 4 adds,
/// 2 + 1 divs, 5 exps), + 3 muls and 3 adds with peepholes. A sigmoid is 1 add + 1 div + 1 exp.
enum RecurrentOps {
    static let definitions: [OpDefinition] = [
        recurrent("RNN", gates: 1, PerElement(exps: 1), "tanh (1 exp)"),
        recurrent("GRU", gates: 3, PerElement(muls: 3, adds: 4, divs: 2, exps: 3), "3 muls + 4 adds + 2 divs + 3 exps"),
        recurrent(
            "LSTM", gates: 4, PerElement(muls: 3, adds: 4, divs: 3, exps: 5), "3 muls + 4 adds + 3 divs + 5 exps"),
    ]

    struct Geometry {
        var steps: Int, batch: Int, input: Int, hidden: Int, directions: Int
        var batchFirst: Bool
    }

    static func geometry(_ q: ShapeQuery, gates: Int) throws -> Geometry {
        let (x, w, r) = (try q.input(0), try q.input(1), try q.input(2))
        let hidden = try ShapeMath.size(q.attributes.int("hidden"), "hidden size")
        let directions =
            try q.attributes.choice("direction", ["forward", "reverse", "bidirectional"], default: "forward")
            == "bidirectional" ? 2 : 1
        let batchFirst = try q.attributes.int("layout", default: 0) == 1
        guard x.rank == 3 else { throw RuleError("the input must be [steps, batch, features] (or batch first)") }
        let (steps, batch) = batchFirst ? (x.shape[1], x.shape[0]) : (x.shape[0], x.shape[1])
        let input = x.shape[2]
        guard hidden >= 1, w.shape == [directions, gates * hidden, input],
            r.shape == [directions, gates * hidden, hidden]
        else {
            throw RuleError(
                "weights \(formatShape(w.shape)) and \(formatShape(r.shape)) do not fit \(directions) direction(s), \(gates) gate(s) of \(hidden) and \(input) inputs"
            )
        }
        return Geometry(
            steps: steps, batch: batch, input: input, hidden: hidden, directions: directions, batchFirst: batchFirst)
    }

    static func recurrent(_ type: String, gates: Int, _ perElement: PerElement, _ gateCost: String) -> OpDefinition {
        let lstm = type == "LSTM"
        return OpDefinition(
            type, "\(type) layer (default activations)",
            inputs: [.data, .data, .data, .optionalData, .optionalData, .optionalData]
                + (lstm ? [.optionalData, .optionalData] : []),
            shape: { q in
                let g = try geometry(q, gates: gates)
                let type = try q.input(0).dataType
                let y =
                    g.batchFirst
                    ? [g.batch, g.steps, g.directions, g.hidden] : [g.steps, g.directions, g.batch, g.hidden]
                let last = g.batchFirst ? [g.batch, g.directions, g.hidden] : [g.directions, g.batch, g.hidden]
                var outputs = [TensorInfo(shape: y, dataType: type), TensorInfo(shape: last, dataType: type)]
                if lstm { outputs.append(TensorInfo(shape: last, dataType: type)) }
                let count = try q.attributes.int("outputs", default: outputs.count)
                return ShapeResult(outputs: Array(outputs.prefix(max(1, count))))
            },
            cost: .formula(
                "MACs = D·T·b·G·h·(i + h); dot-product and sum adds; 2·G·h adds per step and batch with a bias; per hidden element and step \(gateCost)",
                { q in
                    let g = try geometry(
                        ShapeQuery(inputs: q.inputs.map { $0 }, attributes: q.attributes, absent: q.absent),
                        gates: gates)
                    let runs = Exact(g.directions) * g.steps * g.batch
                    let gateElements = runs * (gates * g.hidden)
                    let macs = gateElements * (g.input + g.hidden)
                    let elements = runs * g.hidden
                    var gateCost = try OpCost(elements: elements, perElement)
                    if lstm && q.isPresent(7) {
                        gateCost.muls += try (elements * 3).get("multiplications")
                        gateCost.adds += try (elements * 3).get("additions")
                    }
                    let adds =
                        gateElements * (g.input - 1 + g.hidden - 1 + 1) + (q.isPresent(3) ? gateElements * 2 : 0)
                        + Exact(gateCost.adds)
                    return try OpCost(
                        macs: macs, muls: macs + Exact(gateCost.muls), adds: adds, divs: Exact(gateCost.divs),
                        exps: Exact(gateCost.exps), cmps: Exact(gateCost.cmps))
                }),
            examples: [
                Example(
                    "2 steps, hidden 4, input 3",
                    inputs: [[2, 1, 3], [1, gates * 4, 3], [1, gates * 4, 4]]
                        + Array(repeating: nil, count: lstm ? 5 : 3),
                    absent: Set(3..<(lstm ? 8 : 6)), attributes: ["hidden": .int(4)],
                    outputs: [[2, 1, 1, 4], [1, 1, 4]] + (lstm ? [[1, 1, 4]] : []),
                    cost: try! OpCost(
                        macs: Exact(2 * gates * 4 * 7), muls: Exact(2 * gates * 4 * 7 + 8 * perElement.muls),
                        adds: Exact(2 * gates * 4 * 6 + 8 * perElement.adds), divs: Exact(8 * perElement.divs),
                        exps: Exact(8 * perElement.exps)),
                    arithmetic: "2 steps × \(gates) gates × 4 hidden × (3 + 4) MACs; 8 hidden elements × (\(gateCost))")
            ])
    }
}
