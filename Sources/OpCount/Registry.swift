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

    /// Builds a registry; registering one type twice is a programming error.
    public init(_ definitions: [OpDefinition]) {
        var table: [String: OpDefinition] = [:]
        for definition in definitions {
            precondition(table[definition.type] == nil, "op '\(definition.type)' is registered twice")
            table[definition.type] = definition
        }
        self.definitions = table
    }

    public subscript(type: String) -> OpDefinition? { definitions[type] }

    /// All definitions sorted by name.
    public var sorted: [OpDefinition] { definitions.values.sorted { $0.type < $1.type } }

    /// The registry opcat uses.
    public static let standard = Registry(
        ConvolutionOps.definitions + LinearOps.definitions + NormalizationOps.definitions
            + ElementwiseOps.definitions + PoolingOps.definitions + SoftmaxOps.definitions
            + ReductionOps.definitions + ResizeOps.definitions + ShapeOps.definitions + TensorOps.definitions
            + AttentionOps.definitions + QuantizationOps.definitions + FusedOps.definitions
            + RearrangeOps.definitions + ContribOps.definitions + NBitsOps.definitions
            + DataDependentOps.definitions + SamplingOps.definitions
            + RecurrentOps.definitions + ArrayOps.definitions + ControlFlowOps.definitions
            + DetectionOps.definitions + SignalOps.definitions + SequenceOps.definitions)
}
