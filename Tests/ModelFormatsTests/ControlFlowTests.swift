import Foundation
import OpCount
import SwiftProtobuf
import Testing

@testable import ModelFormats

/// ONNX `If`, `Loop` and `Scan` built here with the generated protobuf types: the branch that
/// runs is counted, a body once per iteration, and what cannot be known is said.
struct ControlFlowTests {
    typealias R = ONNXReaderTests

    static func graph(
        _ nodes: [Onnx_NodeProto], inputs: [Onnx_ValueInfoProto] = [], outputs: [String],
        initializers: [Onnx_TensorProto] = []
    ) -> Onnx_GraphProto {
        var g = Onnx_GraphProto()
        g.name = "g"
        g.node = nodes
        g.input = inputs
        g.initializer = initializers
        g.output = outputs.map { name in
            var v = Onnx_ValueInfoProto()
            v.name = name
            return v
        }
        return g
    }

    static func graphAttribute(_ name: String, _ g: Onnx_GraphProto) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .graph
        a.g = g
        return a
    }

    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(value)
        return a
    }

    static func formal(_ name: String) -> Onnx_ValueInfoProto {
        var v = Onnx_ValueInfoProto()
        v.name = name
        return v
    }

    static func boolInput(_ name: String) -> Onnx_ValueInfoProto {
        var v = R.input(name, [])
        v.type.tensorType.elemType = 9
        return v
    }

    static func model(_ graph: Onnx_GraphProto) throws -> Data { try R.serialize(graph) }

    /// x [1, 4] → Loop (trip count `trips`) whose body multiplies the carried value by W [4, 4]
    /// (an outer initializer) and emits it as a scan output.
    static func loop(trips: Onnx_TensorProto?, extraInputs: [Onnx_ValueInfoProto] = [], tripName: String = "M")
        throws -> Data
    {
        let body = graph(
            [
                R.node("Identity", ["cond_in"], ["cond_out"]),
                R.node("MatMul", ["state", "W"], ["next"]),
                R.node("Identity", ["next"], ["row"]),
            ], inputs: [formal("i"), formal("cond_in"), formal("state")], outputs: ["cond_out", "next", "row"])
        var initializers = [R.tensor("W", [4, 4], floats: 16), R.tensor("true", [], type: 9, int64s: nil)]
        initializers[1].int32Data = [1]
        if let trips { initializers.append(trips) }
        let main = graph(
            [R.node("Loop", [tripName, "true", "x"], ["final", "rows"], [graphAttribute("body", body)])],
            inputs: [R.input("x", [1, 4])] + extraInputs, outputs: ["final", "rows"], initializers: initializers)
        return try model(main)
    }

    @Test("a Loop with a known trip count counts its body once per iteration")
    func loopCountsEachIteration() throws {
        let a = try R.count(Self.loop(trips: R.tensor("M", [], type: 7, int64s: [3]))).analysis
        #expect(a.isComplete && a.isExact)
        #expect(a.totals.macs == 3 * 16, "3 iterations × [1,4]·[4,4]")
        #expect(a.totals.params == 16, "W counted once")
        #expect(a.layer(named: "next")?.counts.macs == 48)
        #expect(a.outputs.map { $0?.shape } == [[1, 4], [3, 1, 4]])
        #expect(a.layers.map(\.index) == Array(0..<a.layers.count), "one row number per node, the Loop after its body")
    }

    @Test("a Loop whose condition comes from the data runs its trip count as a bound, and what it sizes is one too")
    func loopConditionFromData() throws {
        // The body's condition is a graph input (data); an If on the number of rows then cannot trust it.
        let body = Self.graph(
            [
                R.node("Identity", ["flag"], ["cond_out"]), R.node("MatMul", ["state", "W"], ["next"]),
                R.node("Identity", ["next"], ["row"]),
            ], inputs: [Self.formal("i"), Self.formal("cond_in"), Self.formal("state")],
            outputs: ["cond_out", "next", "row"])
        let then = Self.graph([R.node("MatMul", ["x", "A"], ["t"])], outputs: ["t"])
        let otherwise = Self.graph([R.node("MatMul", ["x", "B"], ["e"])], outputs: ["e"])
        var initializers = [
            R.tensor("W", [4, 4], floats: 16), R.tensor("A", [4, 4], floats: 16), R.tensor("B", [4, 8], floats: 32),
            R.tensor("M", [], type: 7, int64s: [3]), R.tensor("zero", [], type: 7, int64s: [0]),
            R.tensor("three", [], type: 7, int64s: [3]), R.tensor("true", [], type: 9),
        ]
        initializers[6].int32Data = [1]
        var axis = Self.int("axis", 0)
        axis.name = "axis"
        let main = Self.graph(
            [
                R.node("Loop", ["M", "true", "x"], ["final", "rows"], [Self.graphAttribute("body", body)]),
                R.node("Shape", ["rows"], ["shape"]), R.node("Gather", ["shape", "zero"], ["n"], [axis]),
                R.node("Equal", ["n", "three"], ["all"]),
                R.node(
                    "If", ["all"], ["y"],
                    [Self.graphAttribute("then_branch", then), Self.graphAttribute("else_branch", otherwise)]),
            ], inputs: [R.input("x", [1, 4]), Self.boolInput("flag")], outputs: ["y"], initializers: initializers)
        let a = try R.count(
            Self.model(main),
            inputs: [InputBinding(name: "x", shape: [1, 4]), InputBinding(name: "flag", shape: [], dataType: .bool)]
        ).analysis
        #expect(a.isComplete && !a.isExact)
        #expect(a.bounds.map(\.node) == ["final", "y"], "\(a.bounds)")
        // 3 iterations × 16, then both branches: 16 + 32.
        #expect(a.totals.macs == 3 * 16 + 16 + 32)
    }

    @Test("a Loop past the budget of nodes run in subgraphs is not counted, nor the iterations it ran")
    func loopPastBudget() throws {
        let model = try R.count(Self.loop(trips: R.tensor("M", [], type: 7, int64s: [1 << 40])))
        let a = model.analysis
        #expect(!a.isComplete)
        #expect(
            model.notices.contains { $0.message.contains("budget of \(Limits.regionSteps) nodes run inside subgraphs") }
        )
        #expect(a.totals.macs == 0, "the MatMul's iterations before the budget ran out are taken back")
        #expect(a.unshapedNodes.contains("next") && a.unshapedNodes.contains("final"))
    }

    @Test("a Loop whose trip count is not known is not counted, and says so")
    func loopUnknownTrips() throws {
        var trips = R.input("M", [])
        trips.type.tensorType.elemType = 7
        let model = try R.count(
            Self.loop(trips: nil, extraInputs: [trips]),
            inputs: [InputBinding(name: "x", shape: [1, 4]), InputBinding(name: "M", shape: [], dataType: .int64)])
        #expect(!model.analysis.isComplete)
        #expect(model.analysis.unshapedNodes.contains("final"))
        #expect(model.notices.contains { $0.message.contains("trip count is not known at analysis time") })
    }

    /// c → If: then a MatMul by A [4, 4], else a MatMul by B [4, 8] (branch initializer).
    static func conditional(known: Bool?) throws -> Data {
        let then = graph([R.node("MatMul", ["x", "A"], ["t"])], outputs: ["t"])
        let otherwise = graph(
            [R.node("MatMul", ["x", "B"], ["e"])], outputs: ["e"], initializers: [R.tensor("B", [4, 8], floats: 32)])
        var initializers = [R.tensor("A", [4, 4], floats: 16)]
        var inputs = [R.input("x", [1, 4])]
        if let known {
            var c = R.tensor("c", [], type: 9)
            c.int32Data = [known ? 1 : 0]
            initializers.append(c)
        } else {
            inputs.append(boolInput("c"))
        }
        let main = graph(
            [
                R.node(
                    "If", ["c"], ["y"],
                    [graphAttribute("then_branch", then), graphAttribute("else_branch", otherwise)])
            ], inputs: inputs, outputs: ["y"], initializers: initializers)
        return try model(main)
    }

    @Test("an If with a known condition counts the branch it takes; both branches' weights are stored")
    func ifKnown() throws {
        let taken = try R.count(Self.conditional(known: true)).analysis
        #expect(taken.isComplete && taken.isExact)
        #expect(taken.totals.macs == 16)
        #expect(taken.outputs.first??.shape == [1, 4])
        #expect(taken.layer(named: "e") == nil, "the else branch does not run")
        #expect(taken.totals.params == 16 + 32)
        let other = try R.count(Self.conditional(known: false)).analysis
        #expect(other.totals.macs == 32)
        #expect(other.outputs.first??.shape == [1, 8])
        #expect(other.layers.map(\.index) == Array(0..<other.layers.count))
    }

    @Test("an If whose condition depends on the data counts both branches, as an upper bound")
    func ifUnknown() throws {
        // The branches return [1, 4] and [1, 8]: the output takes the larger size.
        let model = try R.count(
            Self.conditional(known: nil),
            inputs: [InputBinding(name: "x", shape: [1, 4]), InputBinding(name: "c", shape: [], dataType: .bool)])
        let a = model.analysis
        #expect(a.isComplete)
        #expect(!a.isExact)
        #expect(a.bounds.map(\.node) == ["y"])
        #expect(a.totals.macs == 16 + 32)
        #expect(a.outputs.first??.shape == [1, 8])
    }

    @Test("a Scan runs its body once per slice and stacks its scan outputs")
    func scanSlices() throws {
        let body = Self.graph(
            [R.node("Add", ["sum_in", "slice"], ["sum_out"]), R.node("Identity", ["sum_out"], ["row"])],
            inputs: [Self.formal("sum_in"), Self.formal("slice")], outputs: ["sum_out", "row"])
        let main = Self.graph(
            [
                R.node(
                    "Scan", ["init", "xs"], ["sum", "rows"],
                    [Self.graphAttribute("body", body), Self.int("num_scan_inputs", 1)])
            ], inputs: [R.input("init", [3]), R.input("xs", [5, 3])], outputs: ["sum", "rows"])
        let a = try R.count(Self.model(main)).analysis
        #expect(a.isComplete && a.isExact)
        #expect(a.outputs.map { $0?.shape } == [[3], [5, 3]])
        #expect(a.totals.adds == 5 * 3)
    }

    @Test("a subgraph that reads a value of a sibling branch is one clear error")
    func siblingReference() throws {
        // The analyzer's view: a node in region 1 reads a node of region 0.
        var inner = Node.operation("t", "Identity", inputs: [TensorRef(node: 0)])
        inner.region = 0
        var stray = Node.operation("e", "Identity", inputs: [TensorRef(node: 1)])
        stray.region = 1
        var owner = Node.operation("y", "If", ["outputs": .int(1)], inputs: [TensorRef(node: 0)])
        owner.subgraphs = [0, 1]
        let graph = Graph(
            nodes: [.variable("c"), inner, stray, owner], outputs: [TensorRef(node: 3)],
            regions: [Region(outputs: [TensorRef(node: 1)]), Region(outputs: [TensorRef(node: 2)])])
        #expect(throws: AnalysisError.self) {
            try Analyzer().analyze(graph, inputs: [InputBinding(shape: [], dataType: .bool)])
        }
    }
}
