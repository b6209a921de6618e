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

    /// The example as a graph: each given input a bound variable, each derived one left for the op,
    /// each absent one left out.
    static func analyze(
        _ type: String, _ e: Example, attributes: Attributes, values: [Int: [Int]],
        shapes: [[Int]?], absent: Set<Int>? = nil
    ) throws -> Analysis {
        let absent = absent ?? e.absent
        var nodes: [Node] = []
        var bindings: [InputBinding] = []
        for (i, shape) in shapes.enumerated() {
            nodes.append(.variable("in\(i)"))
            if let shape {
                bindings.append(
                    InputBinding(
                        name: "in\(i)", shape: shape, dataType: values[i] == nil ? .float32 : .int64,
                        values: values[i]))
            }
        }
        nodes.append(
            .operation(
                "op", type, attributes,
                inputs: shapes.indices.map { absent.contains($0) ? .absent : TensorRef(node: $0) }))
        let outputs = e.outputs.indices.map { TensorRef(node: shapes.count, output: $0) }
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

    /// The variants of one example: one change each.
    static func variants(_ e: Example, roles: [InputRole] = []) -> [(
        what: String, attributes: Attributes, values: [Int: [Int]], shapes: [[Int]?], absent: Set<Int>
    )] {
        var result: [(String, Attributes, [Int: [Int]], [[Int]?], Set<Int>)] = []
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
                    result.append(("\(key)[\(i)]=\(x)", with(key, wrap(l)), e.values, e.inputs, e.absent))
                }
            }
        }
        for (key, value) in e.attributes.values.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .int:
                for x in extremeInts {
                    result.append(("\(key)=\(x)", with(key, .int(x)), e.values, e.inputs, e.absent))
                }
            case .ints(let list):
                for x in extremeInts {
                    result.append(
                        ("\(key)=all \(x)", with(key, .ints(list.map { _ in x })), e.values, e.inputs, e.absent))
                }
                elementwise(key, list, extremeInts, AttributeValue.ints)
            case .optionalInts(let list):
                elementwise(key, list, extremeInts.map(Optional.some), AttributeValue.optionalInts)
            case .float:
                for x in extremeReals {
                    result.append(("\(key)=\(x)", with(key, .float(x)), e.values, e.inputs, e.absent))
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
                case .int: result.append(("added \(key)=\(x)", with(key, .int(x)), e.values, e.inputs, e.absent))
                case .ints:
                    for length in Set([1, max(rank - 2, 1), max(rank, 1)]).sorted() {
                        result.append(
                            (
                                "added \(key)=\(length)×\(x)", with(key, .ints(Array(repeating: x, count: length))),
                                e.values, e.inputs, e.absent
                            ))
                    }
                case .optionalInts:
                    result.append(("added \(key)=[\(x)]", with(key, .optionalInts([x])), e.values, e.inputs, e.absent))
                default: break
                }
            }
        }
        for (position, list) in e.values.sorted(by: { $0.key < $1.key }) {
            for x in extremeInts {
                for i in list.indices.prefix(4) {
                    var values = e.values
                    values[position]![i] = x
                    result.append(("input \(position) value [\(i)]=\(x)", e.attributes, values, e.inputs, e.absent))
                }
            }
        }
        for (position, shape) in e.inputs.enumerated() {
            guard let shape, e.values[position] == nil else { continue }
            for d in shape.indices.prefix(5) {
                for x in [Limits.dimension, 1 << 21] {
                    var shapes = e.inputs
                    shapes[position]![d] = x
                    result.append(("input \(position) dim \(d)=\(x)", e.attributes, e.values, shapes, e.absent))
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
                result.append(("input \(position) as \(other)", e.attributes, e.values, shapes, e.absent))
            }
        }
        // Inputs the op derives (weights, biases) declared by the file with shapes of any rank, as
        // an initializer would be: a rule that reads a declared shape must check it first.
        for (position, shape) in e.inputs.enumerated() where shape == nil && !e.absent.contains(position) {
            for other in [[], [2], [2, 3], [2, 3, 1], [2, 3, 1, 1], [1, 2, 3, 4, 5]] {
                var shapes = e.inputs
                shapes[position] = other
                result.append(("derived input \(position) declared \(other)", e.attributes, e.values, shapes, e.absent))
            }
        }
        // Known values (shapes, axes, sizes) of another length: one dropped, one added, none.
        for (position, list) in e.values.sorted(by: { $0.key < $1.key }) {
            for other in Set([Array(list.dropLast()), list + [1], list + [-1], []]) where other != list {
                var (values, shapes) = (e.values, e.inputs)
                values[position] = other
                if position < shapes.count, shapes[position]?.count ?? 0 <= 1 {
                    shapes[position] = shapes[position]?.count == 0 && other.count == 1 ? [] : [other.count]
                }
                result.append(("input \(position) values \(other)", e.attributes, values, shapes, e.absent))
            }
        }
        // Optional inputs past the example's last are absent too.
        let optional = roles.indices.filter { $0 >= e.inputs.count && roles[$0] == .optionalData }
        for position in e.absent.sorted() + optional where position < max(e.inputs.count, roles.count) {
            for other in [[2], [1, 2], [1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4, 5]] {
                var shapes = e.inputs + Array(repeating: nil, count: max(0, position + 1 - e.inputs.count))
                shapes[position] = other
                let absent = e.absent.union(e.inputs.count..<shapes.count).subtracting([position])
                result.append(("absent input \(position) given as \(other)", e.attributes, e.values, shapes, absent))
            }
        }
        return result
    }

    @Test(
        "each worked example, run through the analyzer unchanged, gives its stated shapes",
        arguments: WorkedExampleTests.cases)
    func harnessMatchesExamples(_ c: WorkedExampleTests.Case) throws {
        let a = try Self.analyze(
            c.definition.type, c.example, attributes: c.example.attributes, values: c.example.values,
            shapes: c.example.inputs)
        #expect(a.outputs.map { $0?.shape } == c.example.outputs.map { Optional($0) })
    }

    /// Runs every variant of an example: (counted, refused).
    static func run(_ c: WorkedExampleTests.Case) -> (counted: Int, refused: Int) {
        var outcomes = (counted: 0, refused: 0)
        for v in variants(c.example, roles: c.definition.inputs) {
            do {
                let a = try analyze(
                    c.definition.type, c.example, attributes: v.attributes, values: v.values, shapes: v.shapes,
                    absent: v.absent)
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
}
