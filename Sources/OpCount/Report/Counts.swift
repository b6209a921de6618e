/// Every count of the standard convention, for one layer or a sum of layers.
public struct Counts: Sendable, Hashable, Codable {
    public var params = 0
    public var buffers = 0
    public var paramBytes = 0
    public var macs = 0
    public var muls = 0
    public var adds = 0
    public var divs = 0
    public var exps = 0
    public var cmps = 0
    public var activations = 0

    public init() {}

    /// All primitive operations: muls + adds + divs + exps + cmps.
    public var flops: Int { muls + adds + divs + exps + cmps }

    /// The field names in display order, with their values.
    public var fields: [(name: String, value: Int)] {
        [("params", params), ("buffers", buffers), ("param_bytes", paramBytes), ("macs", macs),
         ("muls", muls), ("adds", adds), ("divs", divs), ("exps", exps), ("cmps", cmps),
         ("flops", flops), ("activations", activations)]
    }

    /// Adds `other` field by field; throws on overflow.
    mutating func add(_ other: Counts) throws(RuleError) {
        params = try (Exact(params) + Exact(other.params)).get("params")
        buffers = try (Exact(buffers) + Exact(other.buffers)).get("buffers")
        paramBytes = try (Exact(paramBytes) + Exact(other.paramBytes)).get("parameter bytes")
        macs = try (Exact(macs) + Exact(other.macs)).get("MACs")
        muls = try (Exact(muls) + Exact(other.muls)).get("multiplications")
        adds = try (Exact(adds) + Exact(other.adds)).get("additions")
        divs = try (Exact(divs) + Exact(other.divs)).get("divisions")
        exps = try (Exact(exps) + Exact(other.exps)).get("special functions")
        cmps = try (Exact(cmps) + Exact(other.cmps)).get("comparisons")
        activations = try (Exact(activations) + Exact(other.activations)).get("activations")
        _ = try (Exact(muls) + adds + divs + exps + cmps).get("FLOPs")
    }

    mutating func add(_ cost: OpCost) throws(RuleError) {
        var other = Counts()
        other.macs = cost.macs; other.muls = cost.muls; other.adds = cost.adds
        other.divs = cost.divs; other.exps = cost.exps; other.cmps = cost.cmps
        try add(other)
    }
}

/// The counts of the `mxop` convention (mxop 0.2.0): params include buffers.
public struct MxopCounts: Sendable, Hashable, Codable {
    public var params = 0
    public var muls = 0
    public var adds = 0
    public var divs = 0
    public var exps = 0

    public init() {}

    public var fields: [(name: String, value: Int)] {
        [("params", params), ("muls", muls), ("adds", adds), ("divs", divs), ("exps", exps)]
    }

    mutating func add(_ other: MxopCounts) throws(RuleError) {
        params = try (Exact(params) + Exact(other.params)).get("params")
        muls = try (Exact(muls) + Exact(other.muls)).get("mxop multiplications")
        adds = try (Exact(adds) + Exact(other.adds)).get("mxop additions")
        divs = try (Exact(divs) + Exact(other.divs)).get("mxop divisions")
        exps = try (Exact(exps) + Exact(other.exps)).get("mxop exponentials")
    }

    mutating func add(_ cost: MxopCost) throws(RuleError) {
        var other = MxopCounts()
        other.muls = cost.muls; other.adds = cost.adds; other.divs = cost.divs; other.exps = cost.exps
        try add(other)
    }
}
