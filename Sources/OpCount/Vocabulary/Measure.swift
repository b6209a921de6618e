/// A figure opcat counts: a column of every profile and layer in the catalog, a `--sort`,
/// `--columns` or budget value, a key of the JSON contracts. Everything that lists counts
/// derives from this enumeration.
public enum Measure: String, CaseIterable, Sendable, Hashable, Codable {
    case params
    case buffers
    case paramBytes = "param_bytes"
    case macs
    case muls
    case adds
    case divs
    case exps
    case cmps
    case flops
    case activations

    /// The order people read a model's totals in: the headline figures (params, buffers, bytes,
    /// MACs, FLOPs), then the primitives that make up FLOPs, then activations. (`allCases` is
    /// the order of the catalog's columns and the JSON contracts.)
    public static let readingOrder: [Measure] = [
        .params, .buffers, .paramBytes, .macs, .flops, .muls, .adds, .divs, .exps, .cmps, .activations,
    ]

    /// The snake_case key of catalog columns, CSV headers and JSON fields.
    public var key: String { rawValue }

    /// The name people read: `MACs`, `FLOPs`, `params` …
    public var title: String {
        switch self {
        case .params: "params"
        case .buffers: "buffers"
        case .paramBytes: "param bytes"
        case .macs: "MACs"
        case .muls: "muls"
        case .adds: "adds"
        case .divs: "divs"
        case .exps: "exps"
        case .cmps: "cmps"
        case .flops: "FLOPs"
        case .activations: "activations"
        }
    }

    /// The power of ten of the unit people read it in: G (10⁹) for operations, M (10⁶) for
    /// elements and bytes.
    public var exponent: Int { isOperation ? 9 : 6 }

    /// `G` or `M`.
    public var unit: String { exponent == 9 ? "G" : "M" }

    /// The scaled column title of tables: `MACs (G)`, `params (M)`, `param MB`.
    public var scaledTitle: String { self == .paramBytes ? "param MB" : "\(title) (\(unit))" }

    /// Arithmetic operations, as opposed to stored elements or bytes.
    public var isOperation: Bool {
        switch self {
        case .params, .buffers, .paramBytes, .activations: false
        case .macs, .muls, .adds, .divs, .exps, .cmps, .flops: true
        }
    }

    /// The one of eleven values, given in column order, that belongs to this measure: how a
    /// type with a stored field per measure reads a field by measure.
    @inlinable
    public func pick<Value>(
        _ params: Value, _ buffers: Value, _ paramBytes: Value, _ macs: Value, _ muls: Value, _ adds: Value,
        _ divs: Value, _ exps: Value, _ cmps: Value, _ flops: Value, _ activations: Value
    ) -> Value {
        switch self {
        case .params: params
        case .buffers: buffers
        case .paramBytes: paramBytes
        case .macs: macs
        case .muls: muls
        case .adds: adds
        case .divs: divs
        case .exps: exps
        case .cmps: cmps
        case .flops: flops
        case .activations: activations
        }
    }

    /// What an overflow of the figure is called in an error.
    var overflowName: String {
        switch self {
        case .paramBytes: "parameter bytes"
        case .muls: "multiplications"
        case .adds: "additions"
        case .divs: "divisions"
        case .exps: "special functions"
        case .cmps: "comparisons"
        default: title
        }
    }
}

/// Which counting rules a figure follows.
public enum Convention: String, CaseIterable, Sendable, Hashable, Codable {
    /// opcat's own: learnable params (buffers apart), MACs, every primitive operation.
    case standard
    /// mxop 0.2.0's: params with BatchNorm running statistics, its muls/adds/divs/exps.
    case mxop

    /// The measures the convention defines, in column order; the others are NULL in its profiles.
    public var measures: [Measure] {
        switch self {
        case .standard: Measure.allCases
        case .mxop: [.params, .muls, .adds, .divs, .exps]
        }
    }

    /// The cost a layer breakdown shows: MACs, or mxop's muls.
    public var cost: Measure { self == .standard ? .macs : .muls }

    /// Version of the counting rules; a profile records the one it was made with.
    public var rulesVersion: Int { 1 }

    /// The convention's value of `measure` from a count in both conventions (nil where it
    /// defines none).
    public func value(_ measure: Measure, _ counts: Counts, _ mxop: MxopCounts) -> Int? {
        switch self {
        case .standard: counts[measure]
        case .mxop: mxop[measure]
        }
    }
}

/// opcat's version, recorded with every ingest and printed by `--version`.
public enum OpcatVersion {
    public static let current = "0.1.0"
}
