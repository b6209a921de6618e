import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// Limits, deep graphs, and invariants that must hold whatever the file's node order.
struct HardeningTests {
    @Test("a chain of 300,000 nodes is analysed without recursion")
    func deepChain() throws {
        var nodes: [Node] = [.variable("data")]
        for i in 0..<300_000 {
            nodes.append(.operation("relu\(i)", "Relu", inputs: [TensorRef(node: nodes.count - 1)]))
        }
        let graph = Graph(nodes: nodes, outputs: [TensorRef(node: nodes.count - 1)])
        let a = try Analyzer().analyze(graph, inputs: [InputBinding(shape: [1, 8])], backbone: .propose)
        #expect(a.layers.count == 300_000)
        #expect(a.totals.cmps == 300_000 * 8)
    }

    @Test("a chain given in reverse order is sorted, not recursed")
    func reversedChain() throws {
        // Node i feeds node i − 1: the file lists consumers before producers.
        let count = 50_000
        var nodes: [Node] = []
        for i in 0..<count {
            nodes.append(.operation("relu\(i)", "Relu", inputs: [TensorRef(node: i + 1)]))
        }
        nodes.append(.variable("data"))
        let a = try Analyzer().analyze(
            Graph(nodes: nodes, outputs: [TensorRef(node: 0)]), inputs: [InputBinding(shape: [2, 3])])
        #expect(a.layers.count == count)
        #expect(a.layers.first?.name == "relu\(count - 1)")
    }

    @Test("shapes past the limits are refused at the node, before anything is allocated")
    func limits() throws {
        func reshape(_ target: [Int]) throws -> Analysis {
            let nodes: [Node] = [
                .variable("data"), .operation("r", "Reshape", ["shape": .ints(target)], inputs: [TensorRef(node: 0)]),
            ]
            return try Analyzer().analyze(
                Graph(nodes: nodes, outputs: [TensorRef(node: 1)]), inputs: [InputBinding(shape: [1, 2])])
        }
        #expect(throws: AnalysisError.self) { try reshape(Array(repeating: 1, count: 17) + [2]) }
        #expect { try reshape(Array(repeating: 1, count: 17) + [2]) } throws: {
            "\($0)".contains("rank 18 exceeds the limit of 16")
        }
        // 2 elements cannot become 2^41 of them, but the rank check comes first for a 17-axis target;
        // a single huge axis is refused by the dimension limit on input shapes.
        #expect { try ShapeSyntax.parseShape("1x\(Limits.dimension + 1)") } throws: {
            "\($0)".contains("exceeds the limit")
        }
        #expect(Limits.violation([1, Limits.dimension]) == nil)
        #expect(Limits.violation([1, Limits.dimension + 1]) != nil)
        // Axes within the limit whose product passes Int: refused, even with a zero axis last.
        #expect(
            Limits.violation([Limits.dimension, Limits.dimension, 0])?.contains("more than 2^63 - 1 elements") == true)
        #expect(Limits.violation([Limits.dimension, 1 << 22]) == nil)
    }

    @Test(
        "resize scales that give no size (infinite, NaN, huge) are errors at the node, not traps",
        arguments: [
            ("scales", [Double.infinity, 1]), ("scales", [Double.nan, 1]), ("scales", [1e300, 1]),
            ("scales", [-Double.infinity, 1]), ("odd", [Double.infinity, 1]), ("allDims", [1, 1, Double.infinity, 1]),
        ])
    func impossibleResize(_ mode: String, _ scales: [Double]) throws {
        var attributes: [String: AttributeValue] = ["scales": .floats(scales)]
        if mode == "odd" { attributes["sizeMode"] = .string("odd_scale") }
        if mode == "allDims" { attributes["allDims"] = .bool(true) }
        let nodes: [Node] = [
            .variable("data"), .operation("up", "Resize", Attributes(attributes), inputs: [TensorRef(node: 0)]),
        ]
        #expect {
            try Analyzer().analyze(
                Graph(nodes: nodes, outputs: [TensorRef(node: 1)]), inputs: [InputBinding(shape: [1, 2, 3, 5])])
        } throws: { "\($0)".contains("node 'up' (Resize)") }
    }

    @Test("a range whose values pass Int's range keeps its shape but carries no values (was an Int() trap)")
    func hugeRange() throws {
        func constant(_ name: String, _ value: Int) -> Node {
            .operation(
                name, "Constant", ["shape": .ints([]), "dataType": .string("int64"), "values": .ints([value])],
                inputs: [])
        }
        let nodes: [Node] = [
            constant("start", Int.max - 2000), constant("limit", Int.max), constant("delta", 1000),
            .operation("r", "Range", inputs: [TensorRef(node: 0), TensorRef(node: 1), TensorRef(node: 2)]),
        ]
        let a = try Analyzer().analyze(Graph(nodes: nodes, outputs: [TensorRef(node: 3)]), inputs: [])
        let range = try #require(a.outputs.first ?? nil)
        #expect(range.shape.count == 1)
        #expect(range.values == nil)
    }

    @Test("MACs within range whose BOPs pass 2^63 - 1 are an error, not a wrapped figure")
    func bopsOverflow() throws {
        let nodes: [Node] = [
            .variable("a"), .variable("b"),
            .operation("mm", "MatMul", inputs: [TensorRef(node: 0), TensorRef(node: 1)]),
        ]
        let graph = Graph(nodes: nodes, outputs: [TensorRef(node: 2)])
        // 2^20 × 2^21 · 2^21 × 2^2: 2^43 MACs at float32 × float32 (1,024 bits): 2^53 BOPs, fine.
        let fine = try Analyzer().analyze(
            graph,
            inputs: [
                InputBinding(name: "a", shape: [1 << 20, 1 << 21]),
                InputBinding(name: "b", shape: [1 << 21, 4]),
            ])
        #expect(fine.totals.macs == 1 << 43)
        #expect(fine.bops == 1 << 53)
        // 2^61 MACs fit; 2^71 BOPs do not.
        #expect {
            try Analyzer().analyze(
                graph,
                inputs: [
                    InputBinding(name: "a", shape: [1 << 20, 1 << 21]),
                    InputBinding(name: "b", shape: [1 << 21, 1 << 20]),
                ])
        } throws: { "\($0)" == "the model's BOPs exceed the 64-bit range" }
    }

    @Test(
        "a split into more parts than elements, or sizes whose sum overflows, is an error at the node",
        arguments: [
            ["outputs": AttributeValue.int(1 << 50)], ["outputs": .int(1 << 50), "unevenLast": .bool(true)],
            ["sizes": .ints([Int.max, 1])], ["sizes": .ints([Int.max, Int.max, 2])],
        ])
    func impossibleSplit(_ attributes: [String: AttributeValue]) throws {
        let nodes: [Node] = [
            .variable("data"), .operation("cut", "Split", Attributes(attributes), inputs: [TensorRef(node: 0)]),
        ]
        #expect {
            try Analyzer().analyze(
                Graph(nodes: nodes, outputs: [TensorRef(node: 1)]), inputs: [InputBinding(shape: [1, 6, 3])])
        } throws: { "\($0)".contains("node 'cut' (Split)") }
    }

    /// The zoo model, with its nodes in a shuffled (but valid) order.
    static func shuffled(_ graph: Graph, seed: UInt64) -> Graph {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var order = Array(graph.nodes.indices)
        for i in order.indices.reversed() where i > 0 { order.swapAt(i, Int(next() % UInt64(i + 1))) }
        var position = [Int](repeating: 0, count: order.count)
        for (new, old) in order.enumerated() { position[old] = new }
        let nodes = order.map { old -> Node in
            var node = graph.nodes[old]
            node.inputs = node.inputs.map { $0.isAbsent ? $0 : TensorRef(node: position[$0.node], output: $0.output) }
            return node
        }
        return Graph(nodes: nodes, outputs: graph.outputs.map { TensorRef(node: position[$0.node], output: $0.output) })
    }

    static let sample = [
        "alexnet", "resnet50_v1", "inceptionv3", "densenet121", "mobilenetv2_1.0", "vit_b_16", "resnet50_int8_qdq",
    ]

    @Test("totals do not depend on the order of nodes in the file", arguments: sample)
    func nodeOrder(_ name: String) throws {
        let entry = try #require(ZooReferenceTests.fullManifest.models.first { $0.name == name })
        let (graph, _) = try ModelFile.read(ZooReferenceTests.zoo.appendingPathComponent(entry.file))
        let inputs = [InputBinding(name: entry.input.name, shape: entry.input.shape)]
        let original = try Analyzer().analyze(graph, inputs: inputs, backboneEnd: entry.backboneEnd)
        for seed in [1, 2, 3] as [UInt64] {
            let other = try Analyzer().analyze(
                Self.shuffled(graph, seed: seed), inputs: inputs, backboneEnd: entry.backboneEnd)
            #expect(other.totals == original.totals)
            #expect(other.mxop == original.mxop)
            #expect(other.backbone?.totals == original.backbone?.totals)
            #expect(other.macsByPrecision == original.macsByPrecision)
        }
    }

    @Test("backbone plus head is the whole model", arguments: ZooReferenceTests.fullManifest.models.map(\.name))
    func backbonePlusHead(_ name: String) throws {
        let entry = try #require(ZooReferenceTests.fullManifest.models.first { $0.name == name })
        let a = try ZooReferenceTests.count(entry).analysis
        let backbone = try #require(a.backbone)
        var head = Counts()
        for layer in a.layers where !layer.inBackbone {
            head.macs += layer.counts.macs
            head.muls += layer.counts.muls
            head.adds += layer.counts.adds
            head.divs += layer.counts.divs
            head.exps += layer.counts.exps
            head.cmps += layer.counts.cmps
            head.activations += layer.counts.activations
        }
        let headParams = a.parameters.filter { p in
            a.layers.contains { $0.name == p.layer && !$0.inBackbone } && p.role == .parameter
        }
        .reduce(0) { $0 + $1.shape.reduce(1, *) }
        #expect(backbone.totals.macs + head.macs == a.totals.macs)
        #expect(backbone.totals.flops + head.flops == a.totals.flops)
        #expect(backbone.totals.activations + head.activations == a.totals.activations)
        #expect(backbone.totals.params + headParams == a.totals.params)
    }
}
