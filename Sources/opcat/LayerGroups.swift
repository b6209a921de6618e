import ArgumentParser
import Catalog
import OpCount

/// How `layers --group-by` aggregates rows: by module path (to a depth, as fvcore's
/// `max_depth`), by canonical op, by op family, or not at all.
enum LayerGrouping: Equatable, ExpressibleByArgument, CustomStringConvertible {
    case module(depth: Int)
    case op
    case type
    case none

    /// Text output of a model with more layers than this is grouped by module unless asked.
    static let defaultAbove = 200
    static let defaultDepth = 2

    init?(argument: String) {
        switch argument {
        case "op": self = .op
        case "type": self = .type
        case "none": self = .none
        case "module": self = .module(depth: Self.defaultDepth)
        default:
            guard argument.hasPrefix("module:"), let depth = Int(argument.dropFirst("module:".count)), depth >= 1
            else { return nil }
            self = .module(depth: depth)
        }
    }

    static var allValueStrings: [String] { ["module[:DEPTH]", "op", "type", "none"] }

    var description: String {
        switch self {
        case .module(let depth): "module:\(depth)"
        case .op: "op"
        case .type: "type"
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
    var activations: Int? = nil
    /// Modules: the groups inside this one, in first-appearance order.
    var children: [Int] = []
    /// Folded modules: how many repeated modules the row sums (`blocks.*` over `blocks.0` …).
    var instances = 1

    mutating func add(_ layer: StoredLayer) {
        layers += 1
        params += layer.params
        cost += layer.cost
        if let f = layer.flops { flops = (flops ?? 0) + f }
        if let a = layer.activations { activations = (activations ?? 0) + a }
    }

    var isZero: Bool { params == 0 && cost == 0 && (flops ?? 0) == 0 }

    /// The module tree to `depth` levels, depth-first in first-appearance order (children sorted
    /// by `order` when given): each group sums every layer under its path. A layer of the
    /// model's root is in the group with the empty key. With `fold`, repeated modules (a path
    /// component that is an index, `0`, or ends in one, `encoder_layer_0`) are one row each
    /// (`blocks.*`), with the number of modules it sums.
    static func modules(
        _ layers: [StoredLayer], depth: Int, fold: Bool = false, order: ((LayerGroup, LayerGroup) -> Bool)? = nil
    ) -> [LayerGroup] {
        var groups: [LayerGroup] = []
        var index: [String: Int] = [:]
        var originals: [Int: Set<String>] = [:]
        var roots: [Int] = []
        for layer in layers {
            let module = layer.module ?? layer.name
            let parts = module.isEmpty ? [] : module.split(separator: ".", omittingEmptySubsequences: false)
            let keys = fold ? parts.map(folded) : parts.map(String.init)
            var parent: Int?
            for level in 1...max(1, min(depth, parts.count)) {
                let key = keys.prefix(level).joined(separator: ".")
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
                if fold { originals[i, default: []].insert(parts.prefix(level).joined(separator: ".")) }
                parent = i
            }
        }
        for (i, paths) in originals {
            // Instances of this module within one instance of its parent.
            let parentPaths = Set(paths.map { path in path.split(separator: ".").dropLast().joined(separator: ".") })
            groups[i].instances = max(1, paths.count / max(1, parentPaths.count))
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

    /// `0` → `*`, `encoder_layer_11` → `encoder_layer_*`; any other component as it is.
    static func folded(_ part: Substring) -> String {
        guard let last = part.last, last.isASCII, last.isNumber else { return String(part) }
        let stem = part.reversed().drop { $0.isASCII && $0.isNumber }
        if stem.isEmpty { return "*" }
        return stem.first == "_" ? String(stem.reversed()) + "*" : String(part)
    }

    /// The deepest depth (from 2) whose folded tree fits in `rows` rows: the view of a large
    /// model that fits a screen.
    static func screenDepth(_ layers: [StoredLayer], rows: Int = 30) -> Int {
        var best = 2
        for depth in 3...8 where modules(layers, depth: depth, fold: true).count <= rows { best = depth }
        return best
    }

    /// One group per canonical op, most costly first (then most params, then by op).
    static func ops(_ layers: [StoredLayer]) -> [LayerGroup] { summed(layers, by: \.op) }

    /// One group per op family (`convolution`, `normalization`, `data-movement` … as `opcat ops`
    /// lists them; `unsupported` for ops opcat does not know), most costly first.
    static func types(_ layers: [StoredLayer]) -> [LayerGroup] {
        summed(layers) { Registry.standard.family(of: $0.op) ?? "unsupported" }
    }

    private static func summed(_ layers: [StoredLayer], by key: (StoredLayer) -> String) -> [LayerGroup] {
        var groups: [String: LayerGroup] = [:]
        for layer in layers {
            let k = key(layer)
            groups[k, default: LayerGroup(key: k, level: 1)].add(layer)
        }
        return groups.values.sorted { ($1.cost, $1.params, $0.key) < ($0.cost, $0.params, $1.key) }
    }
}
