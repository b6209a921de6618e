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

    /// The value of a measure.
    public subscript(_ measure: Measure) -> Int {
        measure.pick(params, buffers, paramBytes, macs, muls, adds, divs, exps, cmps, flops, activations)
    }

    /// Every measure in column order, with its value.
    public var fields: [(name: String, value: Int)] { Measure.allCases.map { ($0.key, self[$0]) } }

    /// Adds `other` field by field; throws on overflow, naming the measure.
    mutating func add(_ other: Counts) throws(RuleError) {
        func sum(_ a: Int, _ b: Int, _ measure: Measure) throws(RuleError) -> Int {
            try (Exact(a) + Exact(b)).get(measure.overflowName)
        }
        params = try sum(params, other.params, .params)
        buffers = try sum(buffers, other.buffers, .buffers)
        paramBytes = try sum(paramBytes, other.paramBytes, .paramBytes)
        macs = try sum(macs, other.macs, .macs)
        muls = try sum(muls, other.muls, .muls)
        adds = try sum(adds, other.adds, .adds)
        divs = try sum(divs, other.divs, .divs)
        exps = try sum(exps, other.exps, .exps)
        cmps = try sum(cmps, other.cmps, .cmps)
        activations = try sum(activations, other.activations, .activations)
        _ = try (Exact(muls) + adds + divs + exps + cmps).get(Measure.flops.overflowName)
    }

    mutating func add(_ cost: OpCost) throws(RuleError) {
        var other = Counts()
        other.macs = cost.macs
        other.muls = cost.muls
        other.adds = cost.adds
        other.divs = cost.divs
        other.exps = cost.exps
        other.cmps = cost.cmps
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

    /// The value of a measure mxop defines (nil for the others).
    public subscript(_ measure: Measure) -> Int? {
        switch measure {
        case .params: params
        case .muls: muls
        case .adds: adds
        case .divs: divs
        case .exps: exps
        default: nil
        }
    }

    /// mxop's measures in column order, with their values.
    public var fields: [(name: String, value: Int)] { Convention.mxop.measures.map { ($0.key, self[$0]!) } }

    mutating func add(_ other: MxopCounts) throws(RuleError) {
        params = try (Exact(params) + Exact(other.params)).get("params")
        muls = try (Exact(muls) + Exact(other.muls)).get("mxop multiplications")
        adds = try (Exact(adds) + Exact(other.adds)).get("mxop additions")
        divs = try (Exact(divs) + Exact(other.divs)).get("mxop divisions")
        exps = try (Exact(exps) + Exact(other.exps)).get("mxop exponentials")
    }

    mutating func add(_ cost: MxopCost) throws(RuleError) {
        var other = MxopCounts()
        other.muls = cost.muls
        other.adds = cost.adds
        other.divs = cost.divs
        other.exps = cost.exps
        try add(other)
    }
}
