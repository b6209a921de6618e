import Testing

@testable import OpCount

/// Every registered op's worked examples, run through its shape, cost and mxop rules.
struct WorkedExampleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let definition: OpDefinition
        let example: Example
        var testDescription: String { "\(definition.type): \(example.title)" }
    }

    static let cases: [Case] = Registry.standard.sorted.flatMap { d in
        d.examples.map { Case(definition: d, example: $0) }
    }

    @Test("every registered op carries worked examples")
    func everyOpHasExamples() {
        let missing = Registry.standard.sorted.filter { $0.examples.isEmpty }.map(\.type)
        #expect(missing.isEmpty, "ops without worked examples: \(missing)")
    }

    @Test("every registered op has a family, for layers --group-by type")
    func everyOpHasAFamily() {
        let missing = Registry.standard.sorted.filter { Registry.standard.family(of: $0.type) == nil }.map(\.type)
        #expect(missing.isEmpty, "ops without a family: \(missing)")
        #expect(Registry.standard.family(of: "Convolution") == "convolution")
        #expect(Registry.standard.family(of: "NoSuchOp") == nil)
    }

    @Test("counted ops state their expected cost; zero-cost ops do not", arguments: cases)
    func examplesMatchTheirGroup(_ c: Case) {
        switch c.definition.cost {
        case .formula: #expect(c.example.cost != nil, "a counted op's example must give the expected cost")
        case .zero: #expect(c.example.cost == nil || c.example.cost == .zero)
        }
        #expect(
            (c.definition.mxop == nil) == (c.example.mxop == nil) || c.example.mxop == .zero,
            "examples of ops with an mxop rule give the mxop figures")
    }

    @Test("shapes, derived parameters and counts", arguments: cases)
    func example(_ c: Case) throws {
        let e = c.example
        let given = e.inputs.enumerated().map { i, shape in
            shape.map { TensorInfo(shape: $0, dataType: e.values[i] == nil ? .float32 : .int64, values: e.values[i]) }
        }
        let query = ShapeQuery(inputs: given, attributes: e.attributes, absent: e.absent)
        let result = try c.definition.shape(query)
        #expect(result.outputs.map(\.shape) == e.outputs)
        for (position, shape) in e.derived {
            #expect(result.inputShapes[position] == shape, "derived shape of input \(position)")
        }
        // As the analyzer does, an absent input reaches the cost rule as an empty 1-D tensor.
        let inputs = e.inputs.indices.map { i in
            e.absent.contains(i) ? TensorInfo(shape: [0]) : given[i] ?? TensorInfo(shape: result.inputShapes[i] ?? [])
        }
        let costQuery = CostQuery(inputs: inputs, outputs: result.outputs, attributes: e.attributes, absent: e.absent)
        switch c.definition.cost {
        case .formula(_, let rule):
            var cost = try rule(costQuery)
            cost.precision = nil  // examples state counts; precision is checked on whole graphs
            #expect(cost == e.cost, "\(e.arithmetic)")
        case .zero(let reason): #expect(!reason.isEmpty)
        }
        if let mxop = c.definition.mxop {
            #expect(try mxop.rule(costQuery) == (e.mxop ?? .zero), "mxop: \(e.arithmetic)")
        }
    }
}
