/// The one table of canonical ops: every op opcat counts or knowingly counts as zero.
///
/// An op type that is not here is **unsupported**: the analyzer lists it with its number of
/// occurrences, and the totals say they are partial. Nothing is silently zero.
///
/// Counting rules, stated once:
/// - `macs`: multiply-accumulates of linear ops (convolution, transposed convolution, fully
///   connected, matrix products). Batch is part of the input shape: counts are for the batch.
/// - `muls`, `adds`, `divs`, `exps`, `cmps`: every primitive operation, the linear ops' own
///   multiplies and adds included; `exps` counts special functions (exp, log, sqrt, tanh, erf, pow).
/// - `flops` = muls + adds + divs + exps + cmps.
/// - `params`: elements of learnable tensors, each counted once however many nodes share it;
///   `buffers`: stored non-learned state such as BatchNorm running statistics.
/// - `activations`: elements of every op's outputs.
public struct Registry: Sendable {
    public let definitions: [String: OpDefinition]
    /// The family of each op (`convolution`, `normalization`, `shape` …): what `layers
    /// --group-by type` sums by.
    public let families: [String: String]

    /// Builds a registry; registering one type twice is a programming error.
    public init(_ definitions: [OpDefinition]) {
        self.init(families: [("", definitions)])
    }

    /// Builds a registry of ops by family.
    public init(families: [(String, [OpDefinition])]) {
        var table: [String: OpDefinition] = [:]
        var family: [String: String] = [:]
        for (name, definitions) in families {
            for definition in definitions {
                precondition(table[definition.type] == nil, "op '\(definition.type)' is registered twice")
                table[definition.type] = definition
                if !name.isEmpty { family[definition.type] = name }
            }
        }
        self.definitions = table
        self.families = family
    }

    public subscript(type: String) -> OpDefinition? { definitions[type] }

    /// The family of a canonical op, or `nil` for an op that is not here (unsupported).
    public func family(of type: String) -> String? { families[type] }

    /// All definitions sorted by name.
    public var sorted: [OpDefinition] { definitions.values.sorted { $0.type < $1.type } }

    /// The registry opcat uses.
    public static let standard = Registry(families: [
        ("convolution", ConvolutionOps.definitions),
        ("linear", LinearOps.definitions),
        ("attention", AttentionOps.definitions),
        ("recurrent", RecurrentOps.definitions),
        ("normalization", NormalizationOps.definitions),
        ("pooling", PoolingOps.definitions),
        ("elementwise", ElementwiseOps.definitions),
        ("softmax", SoftmaxOps.definitions),
        ("reduction", ReductionOps.definitions),
        ("resize", ResizeOps.definitions),
        ("sampling", SamplingOps.definitions),
        ("data-movement", ShapeOps.definitions),
        ("tensor-values", TensorOps.definitions),
        ("rearrange", RearrangeOps.definitions),
        ("array", ArrayOps.definitions),
        ("quantization", QuantizationOps.definitions + NBitsOps.definitions),
        ("mxnet-fused", FusedOps.definitions),
        ("onnxruntime-fused", ContribOps.definitions),
        ("data-dependent", DataDependentOps.definitions),
        ("control-flow", ControlFlowOps.definitions),
        ("detection", DetectionOps.definitions),
        ("signal", SignalOps.definitions),
        ("sequence", SequenceOps.definitions),
    ])
}
