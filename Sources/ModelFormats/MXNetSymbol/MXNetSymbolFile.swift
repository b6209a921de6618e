/// The JSON that MXNet 1.x writes for a symbol (`HybridBlock.export`, `Symbol.save`).
///
/// `{"nodes": [{"op", "name", "attrs", "inputs": [[node, output, version]], "subgraphs"}],
///   "arg_nodes": [...], "node_row_ptr": [...], "heads": [[node, output, version]], "attrs": {...}}`.
/// Older files spell node attributes `attr` or `param`; all three are read.
struct MXNetSymbolFile: Decodable {
    var nodes: [MXNetNode]
    var heads: [[Int]]
    var argNodes: [Int]?

    enum CodingKeys: String, CodingKey {
        case nodes, heads
        case argNodes = "arg_nodes"
    }
}

struct MXNetNode: Decodable {
    var op: String
    var name: String
    var attributes: [String: String]
    var inputs: [[Int]]
    var subgraphs: [MXNetSymbolFile]?

    enum CodingKeys: String, CodingKey {
        case op, name, attrs, attr, param, inputs, subgraphs
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        op = try c.decode(String.self, forKey: .op)
        name = try c.decode(String.self, forKey: .name)
        var merged: [String: String] = [:]
        for key in [CodingKeys.param, .attr, .attrs] {
            if let values = try c.decodeIfPresent([String: AttributeText].self, forKey: key) {
                merged.merge(values.mapValues(\.text)) { _, new in new }
            }
        }
        attributes = merged
        inputs = try c.decodeIfPresent([[Int]].self, forKey: .inputs) ?? []
        subgraphs = try c.decodeIfPresent([MXNetSymbolFile].self, forKey: .subgraphs)
    }
}

/// MXNet writes every attribute as a string; tolerate numbers and booleans written bare.
struct AttributeText: Decodable {
    var text: String
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            text = s
        } else if let i = try? c.decode(Int.self) {
            text = String(i)
        } else if let d = try? c.decode(Double.self) {
            text = String(d)
        } else if let b = try? c.decode(Bool.self) {
            text = b ? "True" : "False"
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "an attribute value must be a string")
        }
    }
}
