/// What opcat accepts from a file, checked before anything large is allocated. Past a limit the
/// analysis stops with an error that names the limit; README.md documents them.
public enum Limits {
    /// Model files larger than this are refused (ONNX's own protobuf limit is 2 GiB).
    public static let fileBytes = 8 << 30
    /// Nodes (operations, inputs and stored tensors together) in one graph.
    public static let nodes = 10_000_000
    /// Axes of one tensor.
    public static let rank = 16
    /// Elements of tensor values computed at analysis time (shape arithmetic), in all.
    public static let carriedValues = 1 << 20
    /// Nodes run inside subgraphs (each branch taken, each loop iteration), in all.
    public static let regionSteps = 1 << 20
    /// The largest size of one axis.
    public static let dimension = ShapeSyntax.maximumDimension

    /// A one-line reason when `shape` breaks a limit, else nil.
    public static func violation(_ shape: [Int]) -> String? {
        if shape.count > rank { return "rank \(shape.count) exceeds the limit of \(rank) axes" }
        if let huge = shape.first(where: { $0 > dimension }) {
            return "dimension \(huge) exceeds the limit of \(dimension)"
        }
        // Every tensor's element count fits in an Int, whatever the order its axes are multiplied in.
        var elements = 1
        for d in shape where d > 0 {
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            if overflow { return "\(formatShape(shape)) holds more than 2^63 - 1 elements" }
            elements = product
        }
        return nil
    }
}
