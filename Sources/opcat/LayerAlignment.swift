import Catalog

/// Two models' counted layers paired by structure, for `opcat diff` when module paths do not
/// pair them: a longest common subsequence of the layers' signatures (op, output shapes and
/// params); then unmatched layers of one signature on both sides paired in order (a layer that
/// moved, such as a downsample convolution placed before or after its block's convolutions);
/// then, inside each stretch between two pairs, the layers of one op paired in order (the same
/// layer with another shape or size: changed); what is left is added or removed.
/// Topological position is never used: a layer inserted early shifts nothing after it.
enum LayerAlignment {
    struct Pair {
        var old: StoredLayer?
        var new: StoredLayer?
    }

    /// Alignments of more cells than this (old layers × new layers, after the common prefix and
    /// suffix are taken off) are not attempted: one byte per cell.
    static let maximumCells = 64 << 20

    /// A layer with params or cost: the layers that change what a model costs.
    static func counted(_ layers: [StoredLayer]) -> [StoredLayer] {
        layers.filter { $0.params != 0 || $0.cost != 0 }
    }

    /// The pairs in order, or `nil` when the models are too large and too different to align.
    static func align(_ a: [StoredLayer], _ b: [StoredLayer]) -> [Pair]? {
        var ids: [String: Int] = [:]
        func id(_ layer: StoredLayer) -> Int {
            let key = signature(layer)
            if let id = ids[key] { return id }
            ids[key] = ids.count
            return ids.count - 1
        }
        let sa = a.map(id)
        let sb = b.map(id)
        var prefix = 0
        while prefix < sa.count, prefix < sb.count, sa[prefix] == sb[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < sa.count - prefix, suffix < sb.count - prefix,
            sa[sa.count - 1 - suffix] == sb[sb.count - 1 - suffix]
        {
            suffix += 1
        }
        let ra = prefix..<(sa.count - suffix)
        let rb = prefix..<(sb.count - suffix)
        guard ra.count * rb.count <= maximumCells else { return nil }
        var pairs = (0..<prefix).map { Pair(old: a[$0], new: b[$0]) }
        for step in lcs(Array(sa[ra]), Array(sb[rb])) {
            switch step {
            case .match(let i, let j): pairs.append(Pair(old: a[ra.lowerBound + i], new: b[rb.lowerBound + j]))
            case .old(let i): pairs.append(Pair(old: a[ra.lowerBound + i], new: nil))
            case .new(let j): pairs.append(Pair(old: nil, new: b[rb.lowerBound + j]))
            }
        }
        pairs += (0..<suffix).map { Pair(old: a[sa.count - suffix + $0], new: b[sb.count - suffix + $0]) }
        // Moved layers: one signature on both sides, unmatched, paired in order at the new place.
        var added: [Int: [Int]] = [:]
        for (k, pair) in pairs.enumerated().reversed() where pair.old == nil {
            added[id(pair.new!), default: []].append(k)
        }
        var moved = Set<Int>()
        for (k, pair) in pairs.enumerated() where pair.new == nil {
            if let target = added[id(pair.old!)]?.popLast() {
                pairs[target].old = pair.old
                moved.insert(k)
            }
        }
        pairs = pairs.indices.filter { !moved.contains($0) }.map { pairs[$0] }
        // What is left between two pairs: the layers of one op paired in order (changed).
        var result: [Pair] = []
        var gapA: [StoredLayer] = []
        var gapB: [StoredLayer] = []
        for pair in pairs {
            if pair.old != nil, pair.new != nil {
                result += pairedByOp(gapA, gapB)
                gapA.removeAll()
                gapB.removeAll()
                result.append(pair)
            } else if let old = pair.old {
                gapA.append(old)
            } else if let new = pair.new {
                gapB.append(new)
            }
        }
        return result + pairedByOp(gapA, gapB)
    }

    /// What a layer is, for the alignment: its op, output shapes and params.
    static func signature(_ layer: StoredLayer) -> String {
        layer.op + " " + layer.outputShapes.map { $0.map(\.description) ?? "?" }.joined(separator: ",") + " "
            + String(layer.params)
    }

    enum Step: Equatable {
        case match(Int, Int)
        case old(Int)
        case new(Int)
    }

    /// A longest common subsequence of `x` and `y` as an edit script in order (removals before
    /// insertions within a stretch).
    static func lcs(_ x: [Int], _ y: [Int]) -> [Step] {
        let n = x.count
        let m = y.count
        if n == 0 { return (0..<m).map { .new($0) } }
        if m == 0 { return (0..<n).map { .old($0) } }
        // length[i][j]: LCS of x[i...] and y[j...], one row at a time; `take` keeps the choice.
        // 0: match, 1: skip x[i], 2: skip y[j].
        var take = [UInt8](repeating: 0, count: n * m)
        var next = [Int32](repeating: 0, count: m + 1)
        var row = [Int32](repeating: 0, count: m + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            row[m] = 0
            for j in stride(from: m - 1, through: 0, by: -1) {
                if x[i] == y[j] {
                    row[j] = next[j + 1] + 1
                    take[i * m + j] = 0
                } else if next[j] >= row[j + 1] {
                    row[j] = next[j]
                    take[i * m + j] = 1
                } else {
                    row[j] = row[j + 1]
                    take[i * m + j] = 2
                }
            }
            swap(&row, &next)
        }
        var steps: [Step] = []
        var i = 0
        var j = 0
        while i < n, j < m {
            switch take[i * m + j] {
            case 0:
                steps.append(.match(i, j))
                i += 1
                j += 1
            case 1:
                steps.append(.old(i))
                i += 1
            default:
                steps.append(.new(j))
                j += 1
            }
        }
        while i < n {
            steps.append(.old(i))
            i += 1
        }
        while j < m {
            steps.append(.new(j))
            j += 1
        }
        return steps
    }

    /// The layers of a stretch between two pairs: those of one op paired in order by a common
    /// subsequence of ops, the others removed (old) or added (new).
    static func pairedByOp(_ a: [StoredLayer], _ b: [StoredLayer]) -> [Pair] {
        if a.count * b.count > maximumCells {
            return a.map { Pair(old: $0, new: nil) } + b.map { Pair(old: nil, new: $0) }
        }
        return pairedInOrder(a, b)
    }

    private static func pairedInOrder(_ a: [StoredLayer], _ b: [StoredLayer]) -> [Pair] {
        if a.isEmpty || b.isEmpty {
            return a.map { Pair(old: $0, new: nil) } + b.map { Pair(old: nil, new: $0) }
        }
        var ids: [String: Int] = [:]
        func id(_ op: String) -> Int {
            if let found = ids[op] { return found }
            ids[op] = ids.count
            return ids.count - 1
        }
        return lcs(a.map { id($0.op) }, b.map { id($0.op) }).map { step in
            switch step {
            case .match(let i, let j): Pair(old: a[i], new: b[j])
            case .old(let i): Pair(old: a[i], new: nil)
            case .new(let j): Pair(old: nil, new: b[j])
            }
        }
    }

    /// Whether module paths pair two models: both have them, and at least half of the smaller
    /// model's modules are found in the other.
    static func modulesPair(_ a: [StoredLayer], _ b: [StoredLayer]) -> Bool {
        guard !a.contains(where: { $0.module == nil }), !b.contains(where: { $0.module == nil }) else { return false }
        let ma = Set(a.compactMap(\.module))
        let mb = Set(b.compactMap(\.module))
        let (small, large) = ma.count <= mb.count ? (ma, mb) : (mb, ma)
        guard !small.isEmpty else { return false }
        return small.filter(large.contains).count * 2 >= small.count
    }
}
