/// Control flow: a node that owns subgraphs (regions) runs them here, then its rule
/// (``ControlFlowOps``) gives its outputs from what they returned. Each node of a region is
/// shaped and counted every time the region runs.
extension Analyzer.Run {
    mutating func processControlFlow(
        _ index: Int, _ node: Node, _ operation: Operation, _ definition: OpDefinition, _ layer: inout Layer
    ) throws {
        switch operation.type {
        case "If": try runIf(index, node, operation, definition, &layer)
        case "Loop": try runLoop(index, node, operation, definition, &layer)
        case "Scan": try runScan(index, node, operation, definition, &layer)
        default: throw RuleError("has subgraphs, which a \(operation.type) does not take")
        }
    }

    /// Runs one region's nodes afresh; `false` when the budget of nodes run inside subgraphs is
    /// spent (a notice says so at `owner`).
    mutating func runRegion(_ region: Int, for owner: Int) throws -> Bool {
        let nodes = regionOrder[region]
        regionSteps += max(1, nodes.count)
        guard regionSteps <= Limits.regionSteps else {
            notices.append(
                Notice(
                    "node '\(graph.nodes[owner].name)': the budget of \(Limits.regionSteps) nodes run inside "
                        + "subgraphs (branches, loop iterations) is spent; it is not counted"))
            return false
        }
        for index in nodes where graph.nodes[index].operation != nil { tensors[index] = nil }
        try run(nodes)
        return true
    }

    /// Leaves a control-flow node uncounted: it is unshaped, and so is every node of its
    /// subgraphs that ran, whose counts of the runs so far are taken back (a loop stopped midway
    /// must not count some of its iterations).
    mutating func giveUp(_ index: Int, _ layer: inout Layer) {
        var pending = graph.nodes[index].subgraphs
        while let region = pending.popLast() {
            for inner in regionOrder[region] {
                pending += graph.nodes[inner].subgraphs
                guard var row = layers[inner] else { continue }
                row.counts = Counts()
                row.mxop = MxopCounts()
                markUnshaped(inner, &row)
                layers[inner] = row
            }
        }
        markUnshaped(index, &layer)
    }

    /// The outputs of `region` as it last ran; `nil` where one is unknown.
    func outputs(of region: Int) -> [TensorInfo]? {
        let found = graph.regions[region].outputs.map { tensor($0) }
        guard found.allSatisfy({ $0 != nil }) else { return nil }
        return found.map { $0! }
    }

    /// Gives the region's formal inputs their tensors for one run.
    mutating func enter(_ region: Int, with values: [TensorInfo]) {
        for (variable, info) in zip(graph.regions[region].inputs, values) { tensors[variable] = [info] }
    }

    /// Keeps one iteration's scan outputs in `rows`; `false`, with a notice, when one has changed
    /// shape since the last iteration (the stacked output would not be a tensor).
    mutating func keep(_ returned: ArraySlice<TensorInfo>, in rows: inout [TensorInfo?], of node: Node, _ op: String)
        -> Bool
    {
        for (k, row) in returned.enumerated() {
            if let first = rows[k], first.shape != row.shape || first.dataType != row.dataType {
                notices.append(
                    Notice(
                        "node '\(node.name)' (\(op)): scan output \(k) changes shape between iterations "
                            + "(\(formatShape(first.shape)), then \(formatShape(row.shape))); it is not counted"))
                return false
            }
            rows[k] = row
        }
        return true
    }

    /// The control-flow node's outputs from its rule, checked, recorded and counted (zero).
    mutating func finish(
        _ index: Int, _ node: Node, _ operation: Operation, _ definition: OpDefinition, _ query: ShapeQuery,
        tainted: Bool, _ layer: inout Layer
    ) throws {
        let result = try definition.shape(query)
        try Self.check(result.outputs)
        if let bound = result.bound { recordBound(bound, at: node, operation) }
        var outputs = result.outputs
        if tainted || result.bound != nil || query.inputs.contains(where: { $0?.followsBound == true }) {
            for i in outputs.indices { outputs[i].followsBound = true }
        }
        carry(&outputs, of: node)
        tensors[index] = outputs
        layer.inputShapes = node.inputs.map { tensor($0)?.shape }
        layer.outputShapes = result.outputs.map(\.shape)
        let inputs = query.inputs.map { $0 ?? TensorInfo(shape: [0]) }
        let cost = CostQuery(
            inputs: inputs, outputs: result.outputs, attributes: query.attributes, absent: query.absent)
        try count(cost, definition, into: &layer)
    }

    /// `If`: the branch its condition selects, or both (a bound) when the condition is not known.
    mutating func runIf(
        _ index: Int, _ node: Node, _ operation: Operation, _ definition: OpDefinition, _ layer: inout Layer
    ) throws {
        let count = try operation.attributes.int("outputs", default: 0)
        guard node.subgraphs.count == 2 else {
            throw RuleError("expects a then and an else branch, has \(node.subgraphs.count) subgraphs")
        }
        for (branch, region) in node.subgraphs.enumerated() where graph.regions[region].outputs.count != count {
            throw RuleError(
                "its \(branch == 0 ? "then" : "else") branch returns \(graph.regions[region].outputs.count) values "
                    + "for \(count) outputs")
        }
        let condition = node.inputs.first.flatMap { tensor($0) }
        let known = ControlFlowOps.condition(condition)
        var inputs: [TensorInfo?] = [condition ?? TensorInfo(shape: [], dataType: .bool)]
        var absent = Set<Int>()
        for (branch, region) in node.subgraphs.enumerated() {
            guard known == nil || known == (branch == 0) else {
                for _ in 0..<count {
                    absent.insert(inputs.count)
                    inputs.append(nil)
                }
                continue
            }
            guard try runRegion(region, for: index), let returned = outputs(of: region) else {
                giveUp(index, &layer)
                return
            }
            inputs += returned.map { $0 }
        }
        try finish(
            index, node, operation, definition,
            ShapeQuery(inputs: inputs, attributes: operation.attributes, absent: absent),
            tainted: condition?.followsBound == true, &layer)
    }

    /// Says, once per node, that the rows of a body that ran several times count every run.
    mutating func noteRepeats(_ node: Node, _ index: Int, _ op: String, runs: Int) {
        guard runs > 1, repeated.insert(index).inserted else { return }
        notices.append(
            Notice(
                "node '\(node.name)' (\(op)): its body ran \(runs) times; the rows of its nodes count every run "
                    + "(with the shapes of the first)"))
    }

    /// The one subgraph of a `Loop` or `Scan`.
    func body(of node: Node) throws -> (region: Int, body: Region) {
        guard node.subgraphs.count == 1 else { throw RuleError("expects one body, has \(node.subgraphs.count)") }
        return (node.subgraphs[0], graph.regions[node.subgraphs[0]])
    }

    /// `Loop`: the body once per iteration, its carried values passed on, until the trip count or
    /// a known false condition ends it. A condition computed from the data leaves the trip count
    /// as the bound; with neither known, the loop is not counted and a notice says why.
    mutating func runLoop(
        _ index: Int, _ node: Node, _ operation: Operation, _ definition: OpDefinition, _ layer: inout Layer
    ) throws {
        let (region, body) = try self.body(of: node)
        let carried = max(0, node.inputs.count - 2)
        let scans = body.outputs.count - 1 - carried
        guard body.inputs.count == 2 + carried, scans >= 0,
            try operation.attributes.int("outputs", default: 0) <= carried + scans
        else {
            throw RuleError(
                "its body takes \(body.inputs.count) inputs and returns \(body.outputs.count) values, "
                    + "for \(carried) carried values")
        }
        let given = (0..<2).map { node.inputs.count > $0 && !node.inputs[$0].isAbsent }
        let tripInput = given[0] ? tensor(node.inputs[0]) : nil
        var condition = given[1] ? tensor(node.inputs[1]) : TensorInfo(shape: [], dataType: .bool, values: [1])
        var state: [TensorInfo] = []
        for position in 2..<(2 + carried) {
            guard let info = tensor(node.inputs[position]) else {
                giveUp(index, &layer)
                return
            }
            state.append(info)
        }
        // The trip count: absent means none (the condition alone ends the loop).
        var trips: Int?
        if given[0] {
            guard let value = tripInput?.values?.first, tripInput?.elementCount.value == 1 else {
                notices.append(
                    Notice(
                        "node '\(node.name)' (Loop): its trip count is not known at analysis time; "
                            + "the loop is not counted"))
                giveUp(index, &layer)
                return
            }
            trips = max(0, value)
        }
        var rows = [TensorInfo?](repeating: nil, count: scans)
        var iterations = 0
        var dataDependent = false
        var tainted = tripInput?.followsBound == true
        while trips.map({ iterations < $0 }) ?? true {
            let running = ControlFlowOps.condition(condition)
            if running == false { break }
            if running == nil {
                guard trips != nil else {
                    notices.append(
                        Notice(
                            "node '\(node.name)' (Loop): it has no trip count and its condition is computed from "
                                + "the data: the number of iterations is not known at analysis time; "
                                + "the loop is not counted"))
                    giveUp(index, &layer)
                    return
                }
                dataDependent = true
            }
            let number = TensorInfo(shape: [], dataType: .int64, values: [iterations])
            enter(region, with: [number, condition ?? TensorInfo(shape: [], dataType: .bool)] + state)
            guard try runRegion(region, for: index), let returned = outputs(of: region) else {
                giveUp(index, &layer)
                return
            }
            condition = returned[0]
            state = Array(returned[1..<(1 + carried)])
            guard keep(returned[(1 + carried)...], in: &rows, of: node, "Loop") else {
                giveUp(index, &layer)
                return
            }
            tainted = tainted || returned.contains(where: \.followsBound)
            iterations += 1
        }
        guard rows.allSatisfy({ $0 != nil }) else {
            notices.append(
                Notice(
                    "node '\(node.name)' (Loop): it runs no iteration, so the shapes of its scan outputs are not known")
            )
            giveUp(index, &layer)
            return
        }
        var attributes = operation.attributes
        attributes["carried"] = .int(carried)
        attributes["iterations"] = .int(iterations)
        let inputs: [TensorInfo?] = [tripInput, condition] + state.map { $0 } + rows
        var absent = Set<Int>()
        for position in 0..<2 where !given[position] { absent.insert(position) }
        if dataDependent {
            recordBound(
                "its condition is computed from the data: counted for all \(iterations) iterations of its trip count",
                at: node, operation)
        }
        noteRepeats(node, index, "Loop", runs: iterations)
        // With a data-dependent condition the iteration count is a bound, and so is what it sizes.
        try finish(
            index, node, operation, definition, ShapeQuery(inputs: inputs, attributes: attributes, absent: absent),
            tainted: tainted || dataDependent, &layer)
    }

    /// `Scan`: the body once per slice along the scan axis, states passed on.
    mutating func runScan(
        _ index: Int, _ node: Node, _ operation: Operation, _ definition: OpDefinition, _ layer: inout Layer
    ) throws {
        let (region, body) = try self.body(of: node)
        let scanned = try operation.attributes.int("scanInputs")
        let states = node.inputs.count - scanned
        guard scanned >= 1, states >= 0, body.inputs.count == node.inputs.count, body.outputs.count >= states else {
            throw RuleError(
                "its body takes \(body.inputs.count) inputs and returns \(body.outputs.count) values, for "
                    + "\(max(0, states)) states and \(scanned) scanned inputs")
        }
        var given: [TensorInfo] = []
        for ref in node.inputs {
            guard let info = tensor(ref) else {
                giveUp(index, &layer)
                return
            }
            given.append(info)
        }
        let axes = try operation.attributes.ints("inputAxes", default: [])
        var slices: [TensorInfo] = []
        var trips: Int?
        for (k, info) in given[states...].enumerated() {
            let axis = try ShapeMath.axis(k < axes.count ? axes[k] : 0, rank: info.rank)
            guard trips == nil || trips == info.shape[axis] else {
                throw RuleError(
                    "its scanned inputs differ in length along their scan axes (\(trips!), \(info.shape[axis]))")
            }
            trips = info.shape[axis]
            var shape = info.shape
            shape.remove(at: axis)
            slices.append(TensorInfo(shape: shape, dataType: info.dataType))
        }
        var state = Array(given[..<states])
        let scans = body.outputs.count - states
        var rows = [TensorInfo?](repeating: nil, count: scans)
        var tainted = given.contains(where: \.followsBound)
        for _ in 0..<(trips ?? 0) {
            enter(region, with: state + slices)
            guard try runRegion(region, for: index), let returned = outputs(of: region) else {
                giveUp(index, &layer)
                return
            }
            state = Array(returned[..<states])
            guard keep(returned[states...], in: &rows, of: node, "Scan") else {
                giveUp(index, &layer)
                return
            }
            tainted = tainted || returned.contains(where: \.followsBound)
        }
        guard rows.allSatisfy({ $0 != nil }) else {
            notices.append(
                Notice("node '\(node.name)' (Scan): it scans no slice, so the shapes of its scan outputs are not known")
            )
            giveUp(index, &layer)
            return
        }
        noteRepeats(node, index, "Scan", runs: trips ?? 0)
        var attributes = operation.attributes
        attributes["carried"] = .int(states)
        attributes["iterations"] = .int(trips ?? 0)
        try finish(
            index, node, operation, definition,
            ShapeQuery(inputs: state.map { $0 } + rows, attributes: attributes), tainted: tainted, &layer)
    }
}
