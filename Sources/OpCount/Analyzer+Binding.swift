/// Binding shapes to the graph inputs, and checking them against what the file declares.
extension Analyzer.Run {
    mutating func bindInputs(_ given: [InputBinding]) throws {
        dimensions = given.dimensions
        let bindings = given.filter { !$0.isDimension }
        try Analyzer.checkDimensionNames(dimensions, in: graph)
        var unnamed = bindings.filter { $0.name == nil }
        for binding in bindings where binding.name != nil {
            // Variables are identified by name: every variable of that name gets the shape.
            let matches = graph.nodes.indices.filter {
                graph.nodes[$0].name == binding.name && graph.nodes[$0].variable != nil && !regionInputs.contains($0)
            }
            guard !matches.isEmpty else {
                let names = candidates().map { "'\(graph.nodes[$0].name)'" }.joined(separator: ", ")
                let listed = names.isEmpty ? "" : "; its inputs: \(names)"
                throw AnalysisError.input("the graph has no input called '\(binding.name!)'" + listed)
            }
            for index in matches { try bind(index, binding, record: index == matches[0]) }
        }
        var open = candidates().filter { tensors[$0] == nil }
        if let data = open.firstIndex(where: { graph.nodes[$0].name == "data" }) {
            open.insert(open.remove(at: data), at: 0)
        }
        while !unnamed.isEmpty {
            guard !open.isEmpty else {
                throw AnalysisError.input("more input shapes were given than the graph has inputs")
            }
            try bind(open.removeFirst(), unnamed.removeFirst())
        }
        // Inputs left whose symbolic dimensions are all sized by name.
        for index in candidates() where tensors[index] == nil {
            guard let variable = graph.nodes[index].variable,
                let shape = Self.completed(variable, with: dimensions)
            else { continue }
            try bind(
                index,
                InputBinding(name: graph.nodes[index].name, shape: shape, dataType: variable.dataType ?? .float32))
        }
        for index in candidates() where tensors[index] == nil {
            let name = graph.nodes[index].name
            if let variable = graph.nodes[index].variable, let declared = variable.declaredShape {
                let names = variable.dimensionNames ?? []
                let shown = declared.indices.map { axis in
                    declared[axis].map(String.init) ?? (axis < names.count ? names[axis] : nil) ?? "?"
                }
                let open = declared.indices.compactMap { axis -> String? in
                    guard declared[axis] == nil, axis < names.count, let n = names[axis],
                        DimensionExpression.value(n, dimensions) == nil
                    else { return nil }
                    return DimensionExpression.names(n).filter { dimensions[$0] == nil }.map { "--dim \($0)=N" }
                        .joined(separator: " ")
                }
                let hint = open.isEmpty ? "" : "give " + open.joined(separator: " ") + ", or "
                throw AnalysisError.input(
                    "input '\(name)' is declared as (\(shown.joined(separator: ", "))) and was given no shape: "
                        + "\(hint)--input \(name):SHAPE",
                    about: .input(name))
            }
            throw AnalysisError.input(
                "input '\(name)' has no shape: the file declares none and none was given",
                about: .input(name))
        }
        // Variables that are parameters but which the file declares fully keep their shape.
        for index in order {
            guard let variable = graph.nodes[index].variable, tensors[index] == nil,
                let shape = variable.completeShape
            else { continue }
            try checkDimensions(shape, what: "declared shape of '\(graph.nodes[index].name)'", allowZero: true)
            tensors[index] = [
                TensorInfo(
                    shape: shape, dataType: variable.dataType ?? .float32, values: variable.values,
                    realValues: variable.realValues)
            ]
        }
    }

    /// The declared shape of `variable` with its named symbolic dimensions sized from
    /// `dimensions`; `nil` unless every dimension is then known.
    static func completed(_ variable: Variable, with dimensions: [String: Int]) -> [Int]? {
        guard !dimensions.isEmpty, let shape = variable.declaredShape(sizing: dimensions),
            shape.allSatisfy({ $0 != nil })
        else { return nil }
        return shape.map { $0! }
    }

    /// Variables that must be given a shape: declared inputs, and variables consumed as
    /// activations that declare no complete shape.
    func candidates() -> [Int] {
        graph.nodes.indices.filter { index in
            guard let variable = graph.nodes[index].variable, !regionInputs.contains(index) else { return false }
            if let role = variable.role { return role == .input }
            return firstConsumer[index] != nil && roles[index] == .input && variable.completeShape == nil
        }
    }

    mutating func bind(_ index: Int, _ binding: InputBinding, record: Bool = true) throws {
        let name = graph.nodes[index].name
        guard tensors[index] == nil else { throw AnalysisError.input("input '\(name)' is given two shapes") }
        // An empty axis is meant where a symbolic dimension was sized 0 by name (a KV cache of
        // past length 0).
        let names = graph.nodes[index].variable?.dimensionNames ?? []
        let emptyByName = binding.shape.indices.allSatisfy { axis in
            binding.shape[axis] != 0 || (axis < names.count && names[axis].flatMap { dimensions[$0] } == 0)
        }
        try checkDimensions(
            binding.shape, what: "the shape of input '\(name)'",
            allowZero: emptyByName || binding.values != nil || binding.realValues != nil)
        if let declared = graph.nodes[index].variable?.declaredShape, !Self.fits(binding.shape, declared) {
            // A given shape of the declared rank replaces the declared dimensions, static or not:
            // a backbone exported at 224² is counted at the resolution it will run at.
            guard binding.shape.count == declared.count else {
                throw AnalysisError.input(
                    "input '\(name)' is declared as \(Self.format(declared)) (rank \(declared.count)) "
                        + "but was given \(formatShape(binding.shape)) (rank \(binding.shape.count))")
            }
            let replaced = declared.indices.filter { declared[$0] != nil && declared[$0] != binding.shape[$0] }
            replacedDeclarations.append((name, Self.format(declared)))
            notices.append(
                Notice(
                    "input '\(name)' is declared as \(Self.format(declared)); counting it at "
                        + "\(formatShape(binding.shape)) (axes \(replaced.map(String.init).joined(separator: ", ")) replaced)"
                ))
        }
        tensors[index] = [
            TensorInfo(
                shape: binding.shape, dataType: binding.dataType, values: binding.values,
                realValues: binding.realValues)
        ]
        if record { bound.append(BoundInput(name: name, shape: binding.shape)) }
    }

    func checkDimensions(_ shape: [Int], what: String, allowZero: Bool = false) throws {
        if let limit = Limits.violation(shape) { throw AnalysisError.input("\(what): \(limit)") }
        if let bad = shape.first(where: { $0 < (allowZero ? 0 : 1) }) {
            throw AnalysisError.input("\(what) has a dimension of \(bad); dimensions must be positive")
        }
    }

    static func fits(_ shape: [Int], _ declared: [Int?]) -> Bool {
        shape.count == declared.count && zip(shape, declared).allSatisfy { $1 == nil || $0 == $1 }
    }

    static func format(_ declared: [Int?]) -> String {
        "(" + declared.map { $0.map(String.init) ?? "?" }.joined(separator: ", ") + ")"
    }
}

extension Analyzer {
    /// Every dimension named with `--dim` must be one the graph's inputs declare.
    public static func checkDimensionNames(_ dimensions: [String: Int], in graph: Graph) throws {
        guard !dimensions.isEmpty else { return }
        let declared = dimensionNames(graph)
        for name in dimensions.keys.sorted() where !declared.contains(name) {
            let listed =
                declared.isEmpty
                ? "its inputs name no symbolic dimensions"
                : "its inputs' symbolic dimensions: " + declared.map { "'\($0)'" }.joined(separator: ", ")
            throw AnalysisError.input("the graph has no symbolic dimension called '\(name)'; \(listed)")
        }
        for (name, size) in dimensions where size < 0 || size > Limits.dimension {
            throw AnalysisError.input("dimension '\(name)' = \(size) is outside 0…\(Limits.dimension)")
        }
    }

    /// The symbolic dimension names the graph's inputs declare, in order of first appearance.
    public static func dimensionNames(_ graph: Graph) -> [String] {
        var names: [String] = []
        for node in graph.nodes where node.variable?.role == .input {
            for text in node.variable?.dimensionNames ?? [] {
                for name in text.map(DimensionExpression.names) ?? [] where !names.contains(name) { names.append(name) }
            }
        }
        return names
    }
}
