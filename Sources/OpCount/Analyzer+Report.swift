/// The report: parameters counted once at their first consumer, backbone figures, totals.
extension Analyzer.Run {
    /// The analysis: every row, the totals and, given its end, the backbone's figures.
    mutating func report(backboneEnd: String?) throws -> Analysis {
        let (parameters, variableCounts, uncounted) = try countVariables()
        var backbone: Backbone?
        var inBackbone = Set<Int>()
        if let backboneEnd {
            (backbone, inBackbone) = try backboneFigures(end: backboneEnd, variableCounts: variableCounts)
        }

        var rows: [Layer] = []
        var totals = Counts()
        var mxop = MxopCounts()
        for index in order {
            guard var row = layers[index] else { continue }
            row.inBackbone = backboneEnd == nil || inBackbone.contains(index)
            try totals.add(row.counts)
            try mxop.add(row.mxop)
            rows.append(row)
        }

        let analysis = Analysis(
            layers: rows, inputs: bound, totals: totals, mxop: mxop, backbone: backbone,
            unsupported: unsupported.map { OpOccurrence(op: $0.key, count: $0.value) }.sorted { $0.op < $1.op },
            unshapedNodes: unshaped, uncountedParameters: uncounted.sorted(),
            parameters: parameters.sorted { ($0.consumer, $0.position) < ($1.consumer, $1.position) }.map(\.2),
            outputs: graph.outputs.map { tensor($0) },
            notices: notices, bounds: bounds, unresolved: unresolved)
        if analysis.exactBops.value == nil { throw AnalysisError.graph("the model's BOPs exceed the 64-bit range") }
        if analysis.exactStorage.values.contains(where: { $0.bytes.value == nil }) {
            throw AnalysisError.graph("the model's stored bytes exceed the 64-bit range")
        }
        return analysis
    }

    /// Parameters and buffers, each counted once, at their first consumer (added to its row):
    /// the listed variables, each one's counts, and the parameters whose shape stayed unknown.
    mutating func countVariables() throws -> (
        parameters: [(consumer: Int, position: Int, Parameter)], counts: [Int: Counts], uncounted: [String]
    ) {
        var uncounted: [String] = []
        var variableCounts: [Int: Counts] = [:]
        var parameters: [(consumer: Int, position: Int, Parameter)] = []
        for (variable, first) in firstConsumer where !regionInputs.contains(variable) {
            // A branch that did not run has no rows: its weights count at the node that owns it.
            var consumer = first
            while layers[consumer] == nil, let region = graph.nodes[consumer].region { consumer = owners[region] }
            var role = graph.nodes[variable].variable?.role ?? roles[variable] ?? .parameter
            if role == .input && isBoundInput(variable) { continue }
            if role == .input, let type = tensors[variable]?.first?.dataType {
                // A stored tensor used as an activation: learned if floating-point (a position
                // embedding), fixed if integer (shapes, indices).
                role = type.isFloatingPoint ? .parameter : .constant
            }
            guard let info = tensors[variable]?.first else {
                if role != .constant { uncounted.append(graph.nodes[variable].name) }
                continue
            }
            if role == .constant {
                // Labels and other fixed tensors: listed with their shape, counted in neither.
                parameters.append(
                    (
                        consumer, variable,
                        Parameter(
                            name: graph.nodes[variable].name, shape: info.shape, dataType: info.dataType,
                            role: .constant, layer: graph.nodes[consumer].name)
                    ))
                continue
            }
            var counts = Counts()
            let elements = try info.elementCount.get("parameter elements")
            if role == .buffer {
                counts.buffers = elements
            } else {
                counts.params = elements
                counts.paramBytes = try info.dataType.bytes(Exact(elements)).get("parameter bytes")
            }
            variableCounts[variable] = counts
            parameters.append(
                (
                    consumer, variable,
                    Parameter(
                        name: graph.nodes[variable].name, shape: info.shape, dataType: info.dataType,
                        role: role == .buffer ? .buffer : .parameter, layer: graph.nodes[consumer].name)
                ))
            try layers[consumer]?.counts.add(counts)
            var mxop = MxopCounts()
            mxop.params = elements
            try layers[consumer]?.mxop.add(mxop)
        }
        return (parameters, variableCounts, uncounted)
    }

    /// The figures of the node called `end` and its ancestors, and those nodes.
    func backboneFigures(end name: String, variableCounts: [Int: Counts]) throws -> (Backbone, Set<Int>) {
        guard let end = graph.nodes.firstIndex(where: { $0.name == name }) else {
            throw AnalysisError.input("the backbone end '\(name)' is not a node of this graph", about: .backboneEnd)
        }
        let inBackbone = ancestors(of: end)
        var counts = Counts()
        var mx = MxopCounts()
        for index in order where inBackbone.contains(index) {
            if var row = layers[index] {
                // Parameters are added per variable below, so a weight shared with the head counts here too.
                row.counts.params = 0
                row.counts.buffers = 0
                row.counts.paramBytes = 0
                row.mxop.params = 0
                try counts.add(row.counts)
                try mx.add(row.mxop)
            } else if let v = variableCounts[index] {
                try counts.add(v)
                var p = MxopCounts()
                p.params = v.params + v.buffers
                try mx.add(p)
            }
        }
        return (Backbone(end: name, totals: counts, mxop: mx), inBackbone)
    }

    /// The heuristic's proposal, as a node name.
    func proposeBackboneEnd() -> String? {
        guard graph.outputs.count == 1 else { return nil }
        let index = BackboneHeuristic.propose(
            graph: graph, output: graph.outputs[0].node,
            shapeOf: { tensors[$0]?.first?.shape },
            activationInputs: { node in
                // Activations only: not constants, indices or computed shapes (tensors with known values).
                graph.nodes[node].inputs.map(\.node).filter { producer in
                    producer >= 0 && tensors[producer]?.first?.values == nil
                        && tensors[producer]?.first?.realValues == nil
                        && (graph.nodes[producer].operation != nil || roles[producer] == .input)
                }
            })
        return index.map { graph.nodes[$0].name }
    }

    func isBoundInput(_ index: Int) -> Bool { bound.contains { $0.name == graph.nodes[index].name } }

    /// The node and all its ancestors, without recursion.
    func ancestors(of end: Int) -> Set<Int> {
        var seen: Set<Int> = [end]
        var stack = [end]
        while let index = stack.popLast() {
            for ref in graph.nodes[index].inputs where !ref.isAbsent && seen.insert(ref.node).inserted {
                stack.append(ref.node)
            }
        }
        return seen
    }
}
