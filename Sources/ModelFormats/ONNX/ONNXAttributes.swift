import OpCount

/// A node's ONNX attributes with typed accessors; errors are plain messages the reader
/// completes with the file and node.
struct ONNXAttributes {
    let byName: [String: Onnx_AttributeProto]
    /// The model's opset for the node's domain.
    let opset: Int
    /// The node's domain ("" for the default one).
    let domain: String
    /// The node's operator type.
    let name: String

    init(_ node: Onnx_NodeProto, opset: Int) {
        byName = Dictionary(node.attribute.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.opset = opset
        domain = node.domain == "ai.onnx" ? "" : node.domain
        name = node.opType
    }

    func has(_ name: String) -> Bool { byName[name] != nil }

    func int(_ name: String, default fallback: Int) -> Int {
        guard let a = byName[name] else { return fallback }
        return Int(a.i)
    }

    func float(_ name: String, default fallback: Double) -> Double {
        guard let a = byName[name] else { return fallback }
        return Double(a.f)
    }

    func ints(_ name: String) -> [Int]? { byName[name].map { $0.ints.map { Int($0) } } }
    func floats(_ name: String) -> [Double]? { byName[name].map { $0.floats.map { Double($0) } } }

    func string(_ name: String, default fallback: String) -> String {
        guard let a = byName[name] else { return fallback }
        return String(decoding: a.s, as: UTF8.self)
    }

    func tensor(_ name: String) -> Onnx_TensorProto? { byName[name].flatMap { $0.hasT ? $0.t : nil } }

    /// A graph-valued attribute (a control-flow node's branch or body).
    func graph(_ name: String) -> Onnx_GraphProto? { byName[name].flatMap { $0.hasG ? $0.g : nil } }

    /// Copies the listed attributes into canonical ones when present.
    func copy(_ mapping: [(onnx: String, canonical: String, kind: Kind)], into out: inout Attributes) {
        for (onnx, canonical, kind) in mapping where has(onnx) {
            switch kind {
            case .int: out[canonical] = .int(int(onnx, default: 0))
            case .ints: out[canonical] = .ints(ints(onnx) ?? [])
            case .float: out[canonical] = .float(float(onnx, default: 0))
            case .bool: out[canonical] = .bool(int(onnx, default: 0) != 0)
            case .string: out[canonical] = .string(string(onnx, default: ""))
            }
        }
    }

    enum Kind { case int, ints, float, bool, string }
}
