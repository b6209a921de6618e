/// Proposes where a classifier's backbone ends when nobody says: walk back from the single
/// output through a chain of head-like ops (flatten, dropout, activations, softmax, dense,
/// pooling to 1×1, classifier 1×1 convolutions) and cut before the earliest *anchor* — a dense
/// layer, a pooling to 1×1, or a 1×1 convolution that works on 1×1 maps or feeds such a pooling.
/// A flatten, transpose or token selection feeding the anchor joins the head; activations,
/// normalization and dropout before it stay in the backbone. Each op's part in this is its
/// definition's ``HeadRole``; an op without one, or one that may combine heads, ends the walk.
///
/// Where the chain ends in an op that combines several heads' logits, the backbone ends where the
/// heads part (``proposeAtFork``).
///
/// On the 34 bundled zoo models this proposes exactly the node mxop's `dropped_layers` imply
/// (a test checks it).
enum BackboneHeuristic {
    struct Step {
        var node: Int
        var role: HeadRole
        var attributes: Attributes
        var inputShape: [Int]
        var outputShape: [Int]
    }

    /// `shapeOf(node)` gives a node's first output shape, `activationInputs(node)` its activation
    /// producers; each op's ``HeadRole`` comes from `registry`.
    static func propose(
        graph: Graph, output: Int, registry: Registry = .standard, shapeOf: (Int) -> [Int]?,
        activationInputs: (Int) -> [Int]
    ) -> Int? {
        proposeAlongChain(
            graph: graph, output: output, registry: registry, shapeOf: shapeOf, activationInputs: activationInputs)
            ?? proposeAtFork(
                graph: graph, output: output, registry: registry, shapeOf: shapeOf,
                activationInputs: activationInputs)
    }

    /// One head: the chain of head-like ops that ends at the output.
    static func proposeAlongChain(
        graph: Graph, output: Int, registry: Registry, shapeOf: (Int) -> [Int]?,
        activationInputs: (Int) -> [Int]
    ) -> Int? {
        var chain: [Step] = []
        var current = output
        while let operation = graph.nodes[current].operation, let role = registry[operation.type]?.head,
            role != .combinesHeads
        {
            let producers = activationInputs(current)
            guard producers.count == 1, let out = shapeOf(current), let input = shapeOf(producers[0]) else { break }
            let step = Step(
                node: current, role: role, attributes: operation.attributes, inputShape: input,
                outputShape: out)
            if case .anchor = role, !isHeadCandidate(step) { break }
            chain.append(step)
            current = producers[0]
        }
        // The anchor furthest from the output decides the cut.
        var cut: Int?
        for (i, step) in chain.enumerated() where isAnchor(step, closerToOutput: chain[..<i]) { cut = i }
        guard var cut else { return nil }
        // A flatten (or token selection, or transpose) feeding the classifier belongs to it.
        while cut + 1 < chain.count, chain[cut + 1].role == .feedsClassifier { cut += 1 }
        return cut + 1 < chain.count ? chain[cut + 1].node : current
    }

    /// Several heads whose logits are combined (DeiT's, LeViT's or EfficientFormer's distillation
    /// head averaged with the class head): walk back from the output (class scores, rank 2)
    /// through pass-through and head-combining ops (adds, a division by a constant) to the first op
    /// that combines two or more logit-shaped inputs; each input must be a head the chain rule
    /// finds. The backbone ends where the heads part: the nearest node every head's proposal leads
    /// back to, through ops with one activation input each. Two heads on different features
    /// (CrossViT's two branches) have no such node.
    static func proposeAtFork(
        graph: Graph, output: Int, registry: Registry, shapeOf: (Int) -> [Int]?,
        activationInputs: (Int) -> [Int]
    ) -> Int? {
        // Class scores: one row per sample.
        guard shapeOf(output)?.count == 2 else { return nil }
        var current = output
        var heads: [Int] = []
        while heads.isEmpty {
            guard let operation = graph.nodes[current].operation,
                [.passThrough, .combinesHeads].contains(registry[operation.type]?.head),
                let logits = shapeOf(current)
            else { return nil }
            let producers = activationInputs(current)
            let branches = producers.filter { shapeOf($0) == logits }
            guard branches.count == producers.count, !branches.isEmpty else { return nil }
            if branches.count == 1 { current = branches[0] } else { heads = branches }
        }
        var lines: [[Int]] = []
        for head in heads {
            guard
                let end = proposeAlongChain(
                    graph: graph, output: head, registry: registry, shapeOf: shapeOf,
                    activationInputs: activationInputs)
            else { return nil }
            var line = [end]
            while line.count < maxForkDepth {
                let producers = activationInputs(line[line.count - 1])
                guard producers.count == 1 else { break }
                line.append(producers[0])
            }
            lines.append(line)
        }
        let others = lines.dropFirst().map(Set.init)
        return lines[0].first { node in others.allSatisfy { $0.contains(node) } }
    }

    /// How far back from a head's own proposal the heads' common node is looked for.
    static let maxForkDepth = 8

    static func spatialIsOne(_ shape: [Int]) -> Bool { shape.count > 2 && shape.dropFirst(2).allSatisfy { $0 == 1 } }

    static func isPoolToOne(_ step: Step) -> Bool { step.role == .anchor(.pooling) && spatialIsOne(step.outputShape) }

    /// Anchor ops that may belong to a head at all.
    static func isHeadCandidate(_ step: Step) -> Bool {
        switch step.role {
        case .anchor(.convolution):
            if case .ints(let k)? = step.attributes["kernel"] { return k.allSatisfy { $0 == 1 } }
            return false
        case .anchor(.pooling): return isPoolToOne(step)
        default: return true
        }
    }

    static func isAnchor(_ step: Step, closerToOutput: ArraySlice<Step>) -> Bool {
        switch step.role {
        case .anchor(.dense): return true
        case .anchor(.pooling): return isPoolToOne(step)
        case .anchor(.convolution):
            // A classifier convolution: on 1×1 maps, or feeding a pooling with no dense layer after it
            // (SqueezeNet); a 1×1 convolution before pooling and a dense layer is a feature layer.
            let dense = closerToOutput.contains {
                $0.role == .anchor(.dense) || ($0.role == .anchor(.convolution) && spatialIsOne($0.inputShape))
            }
            return spatialIsOne(step.inputShape) || (!dense && closerToOutput.contains(where: isPoolToOne))
        case .passThrough, .feedsClassifier, .combinesHeads: return false
        }
    }
}
