import Testing

@testable import OpCount

/// Every op's worked examples, with one attribute, one known input value or one input dimension
/// at a time replaced by an extreme a hostile file could hold (Int.max, Int.min, 2^62, 2^40 + 1,
/// NaN, infinity …), run through the analyzer as a file would be. Each must count or fail with an
/// error: never trap on overflow, never allocate by a size the file chose. (The fuzzers reach
/// these values rarely; this reaches all of them for every op.)
struct HostileAttributeTests {
    static let extremeInts = [
        Int.max, Int.min, Int.max - 1, Int.min + 1, 1 << 62, -(1 << 62), Limits.dimension + 1,
        Limits.dimension, -Limits.dimension, 1 << 32, 1 << 31, -1, 0, 2,
    ]
    static let extremeReals = [Double.nan, .infinity, -.infinity, 1e300, -1e300, 1e-300, 0, -1, 4096]

    /// The example, as changed by `v`, as a graph: each given input a bound variable, each derived one left for the op,
    /// each absent one left out.
    static func analyze(_ type: String, _ e: Example, _ v: Variant) throws -> Analysis {
        var nodes: [Node] = []
        var bindings: [InputBinding] = []
        for (i, shape) in v.shapes.enumerated() {
            nodes.append(.variable("in\(i)"))
            if let shape {
                bindings.append(
                    InputBinding(
                        name: "in\(i)", shape: shape, dataType: v.values[i] == nil ? .float32 : .int64,
                        values: v.values[i]))
            }
        }
        nodes.append(
            .operation(
                "op", type, v.attributes,
                inputs: v.shapes.indices.map { v.absent.contains($0) ? .absent : TensorRef(node: $0) }))
        let outputs = e.outputs.indices.map { TensorRef(node: v.shapes.count, output: $0) }
        return try Analyzer().analyze(Graph(nodes: nodes, outputs: outputs), inputs: bindings)
    }

    /// Every integer attribute any worked example sets, with the kind of its first use.
    static let allKeys: [(String, AttributeValue)] = {
        var seen: [String: AttributeValue] = [:]
        for c in WorkedExampleTests.cases {
            for (key, value) in c.example.attributes.values where seen[key] == nil {
                switch value {
                case .int, .ints, .optionalInts: seen[key] = value
                default: break
                }
            }
        }
        return seen.sorted { $0.key < $1.key }
    }()

    /// One changed copy of an example: what changed, and the graph's attributes, known input
    /// values, input shapes and absent inputs.
    struct Variant {
        var what: String
        var attributes: Attributes
        var values: [Int: [Int]]
        var shapes: [[Int]?]
        var absent: Set<Int>

        /// The example as it is.
        init(_ e: Example) {
            (what, attributes, values, shapes, absent) = ("unchanged", e.attributes, e.values, e.inputs, e.absent)
        }
    }

    /// The variants of one example (whose op takes inputs in `roles`): one change each.
    static func variants(_ e: Example, roles: [InputRole]) -> [Variant] {
        var result: [Variant] = []
        /// The example with the given parts changed.
        func add(
            _ what: String, attributes: Attributes? = nil, values: [Int: [Int]]? = nil, shapes: [[Int]?]? = nil,
            absent: Set<Int>? = nil
        ) {
            var v = Variant(e)
            v.what = what
            v.attributes = attributes ?? v.attributes
            v.values = values ?? v.values
            v.shapes = shapes ?? v.shapes
            v.absent = absent ?? v.absent
            result.append(v)
        }
        func with(_ key: String, _ value: AttributeValue) -> Attributes {
            var a = e.attributes
            a[key] = value
            return a
        }
        /// Each of the first four elements of `list` set to each extreme, one at a time.
        func elementwise<T>(_ key: String, _ list: [T], _ extremes: [T], _ wrap: ([T]) -> AttributeValue) {
            for x in extremes {
                for i in list.indices.prefix(4) {
                    var l = list
                    l[i] = x
                    add("\(key)[\(i)]=\(x)", attributes: with(key, wrap(l)))
                }
            }
        }
        for (key, value) in e.attributes.values.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .int:
                for x in extremeInts {
                    add("\(key)=\(x)", attributes: with(key, .int(x)))
                }
            case .ints(let list):
                for x in extremeInts {
                    add("\(key)=all \(x)", attributes: with(key, .ints(list.map { _ in x })))
                }
                elementwise(key, list, extremeInts, AttributeValue.ints)
            case .optionalInts(let list):
                elementwise(key, list, extremeInts.map(Optional.some), AttributeValue.optionalInts)
            case .float:
                for x in extremeReals {
                    add("\(key)=\(x)", attributes: with(key, .float(x)))
                }
            case .floats(let list):
                elementwise(key, list, extremeReals, AttributeValue.floats)
            case .string, .bool: break
            }
        }
        // Attributes other ops' examples use, added where this example leaves them out (an op may
        // read an attribute its examples never set), as a number and as lists of plausible lengths.
        let rank = e.inputs.first??.count ?? 0
        for (key, kind) in allKeys where e.attributes[key] == nil {
            for x in extremeInts {
                switch kind {
                case .int: add("added \(key)=\(x)", attributes: with(key, .int(x)))
                case .ints:
                    for length in Set([1, max(rank - 2, 1), max(rank, 1)]).sorted() {
                        add(
                            "added \(key)=\(length)×\(x)",
                            attributes: with(key, .ints(Array(repeating: x, count: length))))
                    }
                case .optionalInts:
                    add("added \(key)=[\(x)]", attributes: with(key, .optionalInts([x])))
                default: break
                }
            }
        }
        for (position, list) in e.values.sorted(by: { $0.key < $1.key }) {
            for x in extremeInts {
                for i in list.indices.prefix(4) {
                    var values = e.values
                    values[position]![i] = x
                    add("input \(position) value [\(i)]=\(x)", values: values)
                }
            }
        }
        for (position, shape) in e.inputs.enumerated() {
            guard let shape, e.values[position] == nil else { continue }
            for d in shape.indices.prefix(5) {
                for x in [Limits.dimension, 1 << 21] {
                    var shapes = e.inputs
                    shapes[position]![d] = x
                    add("input \(position) dim \(d)=\(x)", shapes: shapes)
                }
            }
        }
        // Other ranks: each given input with a dimension dropped or added, or as a scalar or a
        // vector; and each absent optional input given, from a vector to 5-D. A rule that indexes a
        // dimension it never checked the rank for traps here.
        for (position, shape) in e.inputs.enumerated() {
            guard let shape, e.values[position] == nil else { continue }
            let others = Set([[], [2], Array(shape.dropLast()), Array(shape.dropFirst()), [1] + shape, shape + [2]])
            for other in others.sorted(by: {
                $0.count < $1.count || ($0.count == $1.count && $0.lexicographicallyPrecedes($1))
            })
            where other != shape {
                var shapes = e.inputs
                shapes[position] = other
                add("input \(position) as \(other)", shapes: shapes)
            }
        }
        // Inputs the op derives (weights, biases) declared by the file with shapes of any rank, as
        // an initializer would be: a rule that reads a declared shape must check it first.
        for (position, shape) in e.inputs.enumerated() where shape == nil && !e.absent.contains(position) {
            for other in [[], [2], [2, 3], [2, 3, 1], [2, 3, 1, 1], [1, 2, 3, 4, 5]] {
                var shapes = e.inputs
                shapes[position] = other
                add("derived input \(position) declared \(other)", shapes: shapes)
            }
        }
        // Known values (shapes, axes, sizes) of another length: one dropped, one added, none.
        for (position, list) in e.values.sorted(by: { $0.key < $1.key }) {
            for other in Set([Array(list.dropLast()), list + [1], list + [-1], []]) where other != list {
                var (values, shapes) = (e.values, e.inputs)
                values[position] = other
                // A vector of values takes the new length; a higher-rank one keeps its shape, which
                // the binding must then refuse.
                if position < shapes.count, let shape = shapes[position], shape.count <= 1 {
                    shapes[position] = [other.count]
                }
                add("input \(position) values \(other)", values: values, shapes: shapes)
            }
        }
        // Optional inputs past the example's last are absent too.
        let optional = roles.indices.filter { $0 >= e.inputs.count && roles[$0] == .optionalData }
        for position in e.absent.sorted() + optional {
            for other in [[2], [1, 2], [1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4, 5]] {
                var shapes = e.inputs + Array(repeating: nil, count: max(0, position + 1 - e.inputs.count))
                shapes[position] = other
                let absent = e.absent.union(e.inputs.count..<shapes.count).subtracting([position])
                add("absent input \(position) given as \(other)", shapes: shapes, absent: absent)
            }
        }
        return result
    }

    @Test(
        "each worked example, run through the analyzer unchanged, gives its stated shapes",
        arguments: WorkedExampleTests.cases)
    func harnessMatchesExamples(_ c: WorkedExampleTests.Case) throws {
        let a = try Self.analyze(c.definition.type, c.example, Variant(c.example))
        #expect(a.outputs.map { $0?.shape } == c.example.outputs.map { Optional($0) })
    }

    /// Runs every variant of an example: (counted, refused).
    static func run(_ c: WorkedExampleTests.Case) -> (counted: Int, refused: Int) {
        var outcomes = (counted: 0, refused: 0)
        for v in variants(c.example, roles: c.definition.inputs) {
            do {
                let a = try analyze(c.definition.type, c.example, v)
                // Whatever was counted is a real count: no negative figure slipped through.
                #expect(
                    a.totals.macs >= 0 && a.totals.muls >= 0 && a.totals.adds >= 0 && a.totals.activations >= 0,
                    "\(c.testDescription) with \(v.what)")
                outcomes.counted += 1
            } catch {
                #expect("\(error)".split(separator: "\n").count == 1, "one-line error for \(v.what)")
                outcomes.refused += 1
            }
        }
        return outcomes
    }

    @Test("extreme attributes, values and dimensions count or fail cleanly, and reach both outcomes")
    func extremes() {
        let all = WorkedExampleTests.cases.map(Self.run)
        let counted = all.map(\.counted).reduce(0, +)
        let refused = all.map(\.refused).reduce(0, +)
        print(
            "hostile-values: \(counted + refused) variants of \(all.count) examples: \(counted) counted, \(refused) refused"
        )
        #expect(counted > 1_000, "counted \(counted) of \(counted + refused)")
        #expect(refused > 1_000, "refused \(refused)")
    }

    /// Attention's key/value cache: both or neither, 4-D, one past length. The 4-D example (Q 1×2×3×4,
    /// K 1×2×5×4, V 1×2×5×6) with 7 past positions attends over T = 12: MACs 1·2·3·12·(4 + 6) = 720.
    @Test("an attention cache of another rank, without its pair, or of two lengths is one error at the node")
    func attentionCache() throws {
        let e = try #require(AttentionOps.attention.examples.first { $0.inputs.count == 3 })
        func run(key: [Int]?, value: [Int]?) throws -> Analysis {
            var v = Variant(e)
            v.shapes = e.inputs + [nil, key, value]
            v.absent = Set([3] + (key == nil ? [4] : []) + (value == nil ? [5] : []))
            return try Self.analyze("Attention", e, v)
        }
        #expect(try run(key: [1, 2, 7, 4], value: [1, 2, 7, 6]).totals.macs == 720)
        for (key, value, message) in [
            ([1, 2, 7, 4], nil, "given together"), (nil, [1, 2, 7, 6], "given together"),
            ([2, 7, 4], [1, 2, 7, 6], "must be 4-D"), ([1, 2, 7, 4], [1, 2, 8, 6], "disagree"),
            ([2, 2, 7, 4], [2, 2, 7, 6], "disagree"),
        ] as [([Int]?, [Int]?, String)] {
            #expect {
                try run(key: key, value: value)
            } throws: { "\($0)".contains(message) && "\($0)".contains("Attention") }
        }
    }
}
