/// A fatal problem with a graph, named precisely enough to find it in the file.
public enum AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The graph's structure is broken (bad references, a cycle).
    case graph(String)
    /// A node's shapes or attributes are impossible.
    case node(name: String, op: String, message: String)
    /// The input bindings (or the backbone end) do not fit the graph; `about` says what the
    /// user can set to fix it, so a front end can name its own option.
    case input(String, about: Notice.Subject? = nil)

    public var description: String {
        switch self {
        case .graph(let message): message.oneLine
        case .node(let name, let op, let message): "node '\(name)' (\(op)): \(message)".oneLine
        case .input(let message, _): message.oneLine
        }
    }
}

/// A shape for one graph input. A binding without a name goes to the primary input: the
/// variable called `data` if there is one, else the first unbound input in file order.
/// A binding with a `dimension` gives the size (`shape[0]`) of a symbolic dimension by name,
/// wherever an input declares it (`--dim sequence_length=128`).
public struct InputBinding: Sendable, Hashable {
    public var name: String?
    /// The symbolic dimension this binding sizes, instead of an input.
    public var dimension: String?
    public var shape: [Int]
    public var dataType: DataType
    /// Known values of a small input (an integer shape vector, say), if any.
    public var values: [Int]?
    public var realValues: [Double]?

    public init(
        name: String? = nil, shape: [Int], dataType: DataType = .float32, values: [Int]? = nil,
        realValues: [Double]? = nil
    ) {
        self.name = name
        self.shape = shape
        self.dataType = dataType
        self.values = values
        self.realValues = realValues
    }

    /// The size of the symbolic dimension `name` in every input that declares it.
    public static func dimension(_ name: String, _ size: Int) -> InputBinding {
        var binding = InputBinding(shape: [size], dataType: .int64)
        binding.dimension = name
        return binding
    }

    public var isDimension: Bool { dimension != nil }
}

extension [InputBinding] {
    /// The symbolic dimension sizes among these bindings, by name.
    public var dimensions: [String: Int] {
        var sizes: [String: Int] = [:]
        for binding in self { if let name = binding.dimension, let size = binding.shape.first { sizes[name] = size } }
        return sizes
    }
}

/// Where the backbone ends.
public enum BackboneChoice: Sendable, Hashable {
    /// No backbone figures.
    case none
    /// The named node and its ancestors.
    case node(String)
    /// Let ``BackboneHeuristic`` propose one from the head's shape; none if it finds no head.
    case propose
}

/// Runs shape inference and the cost formulas over a graph: the reader-independent heart.
public struct Analyzer: Sendable {
    public var registry: Registry

    public init(registry: Registry = .standard) { self.registry = registry }

    /// Infers every shape and counts every node.
    /// - Parameters:
    ///   - inputs: shapes of the graph inputs.
    ///   - backboneEnd: the node whose ancestors (inclusive) form the backbone.
    public func analyze(_ graph: Graph, inputs: [InputBinding], backboneEnd: String? = nil) throws -> Analysis {
        try analyze(graph, inputs: inputs, backbone: backboneEnd.map(BackboneChoice.node) ?? .none)
    }

    public func analyze(_ graph: Graph, inputs: [InputBinding], backbone: BackboneChoice) throws -> Analysis {
        var run = try Run(graph: graph, registry: registry)
        try run.bindInputs(inputs)
        do {
            try run.inferAndCount()
        } catch AnalysisError.node(let name, let op, let message) where !run.replacedDeclarations.isEmpty {
            // The file was exported for the shape it declares and fixes sizes derived from it.
            let inputs = run.replacedDeclarations.map { "'\($0.input)' \($0.declared)" }.joined(separator: ", ")
            throw AnalysisError.node(
                name: name, op: op,
                message: "\(message); the file fixes sizes for its declared input \(inputs): re-export it with "
                    + "dynamic axes to count it at another shape")
        }
        switch backbone {
        case .none: return try run.report(backboneEnd: nil)
        case .node(let name): return try run.report(backboneEnd: name)
        case .propose:
            let proposed = run.proposeBackboneEnd()
            var analysis = try run.report(backboneEnd: proposed)
            analysis.notices.append(
                proposed.map { Notice("backbone end proposed from the head's shape: '\($0)'", about: .backboneEnd) }
                    ?? Notice(
                        "no backbone end could be proposed (no classifier head found): no backbone figures",
                        about: .backboneEnd))
            return analysis
        }
    }
}

extension Analyzer {
    /// The state of one analysis: the graph in topological order, what is known of each node's
    /// outputs, and the rows found so far. Its stages are extensions: binding inputs
    /// (`Analyzer+Binding.swift`), shape inference and counting (`Analyzer+Inference.swift`) and the
    /// report (`Analyzer+Report.swift`).
    struct Run {
        let graph: Graph
        let registry: Registry
        /// Node indices, producers before consumers.
        let order: [Int]
        /// The nodes outside every subgraph, in order: what the analysis runs.
        let topLevel: [Int]
        /// Each region's own nodes, in order; they run when the region's owner does.
        let regionOrder: [[Int]]
        /// The control-flow node that owns each region.
        let owners: [Int]
        /// The variables that stand for subgraphs' formal inputs, set each time a region runs.
        let regionInputs: Set<Int>
        /// Nodes run inside subgraphs so far, against `Limits.regionSteps`.
        var regionSteps = 0
        /// Loops and scans whose repeated body rows a notice has explained.
        var repeated: Set<Int> = []
        /// The row number the next new layer takes.
        var nextLayer = 0
        /// For each variable node, how its first consumer uses it.
        var roles: [Int: VariableRole] = [:]
        /// For each variable node, the operation that consumes it first, in topological order.
        var firstConsumer: [Int: Int] = [:]
        /// Known output tensors of each node (`nil`: unknown).
        var tensors: [[TensorInfo]?]
        var bound: [BoundInput] = []
        /// Symbolic dimension sizes given by name (`--dim`).
        var dimensions: [String: Int] = [:]
        var layers: [Int: Layer] = [:]
        var unsupported: [String: Int] = [:]
        var unshaped: [String] = []
        var unshapedSet: Set<Int> = []
        var notices: [Notice] = []
        var bounds: [DataDependentSize] = []
        var unresolved: [UnresolvedNode] = []
        /// Inputs whose declared dimensions a given shape replaced, with the declaration.
        var replacedDeclarations: [(input: String, declared: String)] = []
        /// Elements of values computed at analysis time so far, against `Limits.carriedValues`.
        var carriedValues = 0

        init(graph: Graph, registry: Registry) throws {
            guard graph.nodes.count <= Limits.nodes else {
                throw AnalysisError.graph("the graph has \(graph.nodes.count) nodes; the limit is \(Limits.nodes)")
            }
            self.graph = graph
            self.registry = registry
            owners = try Run.regionOwners(graph)
            order = try Run.topologicalOrder(graph, owners: owners)
            var levels = [[Int]](repeating: [], count: graph.regions.count + 1)
            for index in order { levels[graph.nodes[index].region.map { $0 + 1 } ?? 0].append(index) }
            topLevel = levels[0]
            regionOrder = Array(levels.dropFirst())
            regionInputs = Set(graph.regions.flatMap(\.inputs))
            tensors = Array(repeating: nil, count: graph.nodes.count)
            for index in order {
                guard let operation = graph.nodes[index].operation else { continue }
                let definition = registry[operation.type]
                for (position, ref) in graph.nodes[index].inputs.enumerated() where !ref.isAbsent {
                    guard graph.nodes[ref.node].variable != nil, firstConsumer[ref.node] == nil else { continue }
                    firstConsumer[ref.node] = index
                    roles[ref.node] = definition?.role(at: position)?.variableRole
                }
            }
        }

        /// The owner of each region, checked: every region has exactly one owner, at the level
        /// around it.
        static func regionOwners(_ graph: Graph) throws -> [Int] {
            var owners = [Int](repeating: -1, count: graph.regions.count)
            for (index, node) in graph.nodes.enumerated() {
                for region in node.subgraphs {
                    guard region >= 0, region < owners.count, owners[region] == -1 else {
                        throw AnalysisError.graph("node '\(node.name)' owns subgraph \(region), which is not its own")
                    }
                    owners[region] = index
                }
            }
            for (region, owner) in owners.enumerated() where owner == -1 {
                throw AnalysisError.graph("subgraph \(region) belongs to no node")
            }
            for node in graph.nodes {
                if let region = node.region, region < 0 || region >= owners.count {
                    throw AnalysisError.graph("node '\(node.name)' is in subgraph \(region), which does not exist")
                }
            }
            // Regions nest: following the owners from any region reaches the top level.
            for region in owners.indices {
                var level: Int? = region
                var steps = 0
                while let inner = level {
                    steps += 1
                    if steps > owners.count {
                        throw AnalysisError.graph(
                            "the subgraphs around node '\(graph.nodes[owners[region]].name)' nest in a cycle")
                    }
                    level = graph.nodes[owners[inner]].region
                }
            }
            return owners
        }

        /// The node that must wait for `producer` when `consumer` (a node at `level`) reads it: the
        /// consumer itself, or the control-flow node around it at the producer's level.
        static func waiter(
            for producer: Int, consumer: Int, level: Int?, _ graph: Graph, _ owners: [Int]
        ) -> Int? {
            var waiter = consumer
            var at = level
            let target = graph.nodes[producer].region
            while at != target {
                guard let region = at else { return nil }
                waiter = owners[region]
                at = graph.nodes[waiter].region
            }
            return waiter
        }

        /// Kahn's algorithm without recursion, so a million-node chain is fine. A node inside a
        /// subgraph waits for producers of its own level; its control-flow node waits for what it
        /// reads from outside, so every level's nodes come in an order they can run in.
        static func topologicalOrder(_ graph: Graph, owners: [Int]) throws -> [Int] {
            let count = graph.nodes.count
            var pending = [Int](repeating: 0, count: count)
            var consumers = [[Int]](repeating: [], count: count)
            var inOrder = true
            func edge(_ producer: Int, _ consumer: Int, level: Int?, what: String) throws {
                guard
                    let waiter = waiter(for: producer, consumer: consumer, level: level, graph, owners),
                    waiter != producer
                else {
                    throw AnalysisError.graph(
                        "node '\(graph.nodes[consumer].name)': \(what) refers to '\(graph.nodes[producer].name)', "
                            + "which is inside a subgraph it cannot see")
                }
                pending[waiter] += 1
                consumers[producer].append(waiter)
                if producer >= waiter { inOrder = false }
            }
            for (index, node) in graph.nodes.enumerated() {
                for (position, ref) in node.inputs.enumerated() where !ref.isAbsent {
                    guard ref.node >= 0, ref.node < count else {
                        throw AnalysisError.graph(
                            "node '\(node.name)': input \(position) refers to node \(ref.node), "
                                + "but the graph has \(count) nodes")
                    }
                    guard ref.output >= 0 else {
                        throw AnalysisError.graph(
                            "node '\(node.name)': input \(position) refers to output \(ref.output)")
                    }
                    if graph.nodes[ref.node].variable != nil, ref.output != 0 {
                        let variable = graph.nodes[ref.node].name
                        throw AnalysisError.graph(
                            "node '\(node.name)': input \(position) refers to output "
                                + "\(ref.output) of variable '\(variable)', which has one output")
                    }
                    try edge(ref.node, index, level: node.region, what: "input \(position)")
                }
            }
            // A region's outputs may be values from around it: its owner waits for those.
            for (region, owner) in owners.enumerated() {
                for ref in graph.regions[region].outputs where !ref.isAbsent {
                    guard ref.node >= 0, ref.node < count else {
                        throw AnalysisError.graph(
                            "node '\(graph.nodes[owner].name)': a subgraph output refers to node \(ref.node)")
                    }
                    if graph.nodes[ref.node].region == region { continue }
                    try edge(ref.node, owner, level: graph.nodes[owner].region, what: "a subgraph output")
                }
            }
            // A file already in topological order keeps its order, so layer indices follow the file.
            if inOrder { return Array(0..<count) }
            var ready = (0..<count).filter { pending[$0] == 0 }
            var order: [Int] = []
            order.reserveCapacity(count)
            var head = 0
            while head < ready.count {
                let index = ready[head]
                head += 1
                order.append(index)
                for consumer in consumers[index] {
                    pending[consumer] -= 1
                    if pending[consumer] == 0 { ready.append(consumer) }
                }
            }
            guard order.count == count else {
                let stuck = (0..<count).first { pending[$0] > 0 }!
                throw AnalysisError.graph("the graph has a cycle through node '\(graph.nodes[stuck].name)'")
            }
            return order
        }
    }
}
