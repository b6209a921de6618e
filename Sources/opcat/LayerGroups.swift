import ArgumentParser
import Catalog
import OpCount

/// How `layers --group-by` aggregates rows: by module path (to a depth, as fvcore's
/// `max_depth`), by canonical op, or not at all.
enum LayerGrouping: Equatable, ExpressibleByArgument, CustomStringConvertible {
    case module(depth: Int)
    case op
    case none

    /// Text output of a model with more layers than this is grouped by module unless asked.
    static let defaultAbove = 200
    static let defaultDepth = 2

    init?(argument: String) {
        switch argument {
        case "op": self = .op
        case "none": self = .none
        case "module": self = .module(depth: Self.defaultDepth)
        default:
            guard argument.hasPrefix("module:"), let depth = Int(argument.dropFirst("module:".count)), depth >= 1
            else { return nil }
            self = .module(depth: depth)
        }
    }

    static var allValueStrings: [String] { ["module[:DEPTH]", "op", "none"] }

    var description: String {
        switch self {
        case .module(let depth): "module:\(depth)"
        case .op: "op"
        case .none: "none"
        }
    }
}

/// Layers summed by group: a module and everything under it, or an op.
struct LayerGroup {
    /// The module path (empty for the model's root) or the op.
    var key: String
    /// 1 for a top-level module (or an op), deeper for the modules inside it.
    var level: Int
    var layers = 0
    var params = 0
    var cost = 0
    var flops: Int? = nil
    /// Modules: the groups inside this one, in first-appearance order.
    var children: [Int] = []

    mutating func add(_ layer: StoredLayer) {
        layers += 1
        params += layer.params
        cost += layer.cost
        if let f = layer.flops { flops = (flops ?? 0) + f }
    }

    var isZero: Bool { params == 0 && cost == 0 && (flops ?? 0) == 0 }

    /// The module tree to `depth` levels, depth-first in first-appearance order (children sorted
    /// by `order` when given): each group sums every layer under its path. A layer of the
    /// model's root is in the group with the empty key.
    static func modules(_ layers: [StoredLayer], depth: Int, order: ((LayerGroup, LayerGroup) -> Bool)? = nil)
        -> [LayerGroup]
    {
        var groups: [LayerGroup] = []
        var index: [String: Int] = [:]
        var roots: [Int] = []
        for layer in layers {
            let module = layer.module ?? layer.name
            let parts = module.isEmpty ? [] : module.split(separator: ".", omittingEmptySubsequences: false)
            var parent: Int?
            for level in 1...max(1, min(depth, parts.count)) {
                let key = parts.prefix(level).joined(separator: ".")
                let i: Int
                if let found = index[key] {
                    i = found
                } else {
                    i = groups.count
                    index[key] = i
                    groups.append(LayerGroup(key: key, level: level))
                    if let parent { groups[parent].children.append(i) } else { roots.append(i) }
                }
                groups[i].add(layer)
                parent = i
            }
        }
        var ordered: [LayerGroup] = []
        func visit(_ ids: [Int]) {
            let sorted = order.map { order in ids.sorted { order(groups[$0], groups[$1]) } } ?? ids
            for i in sorted {
                ordered.append(groups[i])
                visit(groups[i].children)
            }
        }
        visit(roots)
        return ordered
    }

    /// One group per canonical op, most costly first (then most params, then by op).
    static func ops(_ layers: [StoredLayer]) -> [LayerGroup] {
        var groups: [String: LayerGroup] = [:]
        for layer in layers { groups[layer.op, default: LayerGroup(key: layer.op, level: 1)].add(layer) }
        return groups.values.sorted { ($1.cost, $1.params, $0.key) < ($0.cost, $0.params, $1.key) }
    }
}
