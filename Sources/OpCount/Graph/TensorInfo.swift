/// What shape inference knows about one tensor: its shape, element type and, for small
/// integer tensors that describe shapes (ONNX `Shape → Gather → Concat → Reshape` chains),
/// its values.
public struct TensorInfo: Sendable, Hashable {
    public var shape: [Int]
    public var dataType: DataType
    /// Element values of a small integer tensor, when known at analysis time.
    public var values: [Int]?
    /// Element values of a small floating-point tensor (scales, range bounds), when known.
    public var realValues: [Double]?
    /// For a floating-point tensor dequantized from integers (ONNX QDQ graphs), the integer type
    /// it carries: the layer that consumes it runs at that precision.
    public var quantizedAs: DataType?
    /// Whether the tensor's size or values follow from a data-dependent size taken as its bound
    /// (``ShapeResult/bound``): a condition computed from it is not known exactly.
    public var followsBound = false

    /// The type a consumer computes with: the quantized type when there is one.
    public var effectiveType: DataType { quantizedAs ?? dataType }

    /// Tensors larger than this do not carry values through the analysis.
    public static let valueLimit = 4096

    public init(shape: [Int], dataType: DataType = .float32, values: [Int]? = nil, realValues: [Double]? = nil) {
        self.shape = shape
        self.dataType = dataType
        self.values = values
        self.realValues = realValues
    }

    /// Values as numbers, whichever kind is known.
    public var numbers: [Double]? { realValues ?? values?.map(Double.init) }

    public var rank: Int { shape.count }

    /// Number of elements, exactly.
    public var elementCount: Exact { shape.exactProduct }
}

/// Formats a shape the way opcat prints and parses it: `1x3x224x224` (a scalar is `scalar`).
public func formatShape(_ shape: [Int]) -> String {
    shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "x")
}
