import Foundation

/// Copies an ONNX ModelProto's wire bytes without the payload of large tensors, so decoding
/// never materialises the weights: a model is held once (memory-mapped) plus its structure.
///
/// The filter walks the protobuf wire format along the paths where tensors live (graph
/// initializers, node attributes, subgraphs, functions) and drops each TensorProto data field
/// (`raw_data`, `float_data`, `int64_data` …) longer than `limit` bytes. Dims, type, name and
/// small tensors — the values shape inference needs — are kept byte for byte.
enum ONNXPayloadFilter {
    /// Integer tensors keep data up to this many bytes (4,096 int64 values: shapes, indices);
    /// other tensors up to `smallLimit` (scalars and short vectors such as Resize scales).
    static let limit = 32 * 1024
    static let smallLimit = 256

    enum Kind { case model, graph, node, attribute, function, tensor, sparseTensor, trainingInfo }

    struct Malformed: Error { var reason: String }

    /// Field number → kind of the sub-message it holds, per message kind.
    static func child(_ kind: Kind, _ field: UInt64) -> Kind? {
        switch (kind, field) {
        case (.model, 7): .graph
        case (.model, 25): .function
        case (.model, 20): .trainingInfo
        case (.trainingInfo, 1), (.trainingInfo, 3): .graph
        case (.graph, 1): .node
        case (.graph, 5): .tensor
        case (.graph, 15): .sparseTensor
        case (.node, 5): .attribute
        case (.attribute, 5), (.attribute, 10): .tensor
        case (.attribute, 6), (.attribute, 11): .graph
        case (.attribute, 22), (.attribute, 23): .sparseTensor
        case (.function, 7): .node
        case (.sparseTensor, 1), (.sparseTensor, 2): .tensor
        default: nil
        }
    }

    /// TensorProto fields holding element data.
    static let tensorData: Set<UInt64> = [4, 5, 6, 7, 9, 10, 11]

    static func filter(_ data: Data) throws -> Data {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var out = Data()
            out.reserveCapacity(min(buffer.count, 1 << 20))
            try filter(buffer, kind: .model, into: &out)
            return out
        }
    }

    /// TensorProto data types whose values shape inference uses (integers and bool).
    static let integerTypes: Set<UInt64> = [2, 3, 4, 5, 6, 7, 9, 12, 13]

    private static func filter(_ bytes: UnsafeRawBufferPointer, kind: Kind, into out: inout Data) throws {
        var position = 0
        var tensorType: UInt64?  // TensorProto.data_type, written before the data by every exporter
        while position < bytes.count {
            let tagStart = position
            let tag = try varint(bytes, &position)
            let field = tag >> 3
            switch tag & 7 {
            case 0:
                let value = try varint(bytes, &position)
                if kind == .tensor, field == 2 { tensorType = value }
                out.append(contentsOf: bytes[tagStart..<position])
            case 1, 5:
                let size = tag & 7 == 1 ? 8 : 4
                guard position + size <= bytes.count else {
                    throw Malformed(reason: "a fixed-width field runs past the end")
                }
                position += size
                out.append(contentsOf: bytes[tagStart..<position])
            case 2:
                let length = try varint(bytes, &position)
                guard length <= UInt64(bytes.count - position) else {
                    throw Malformed(reason: "a field of \(length) bytes runs past the end (truncated file?)")
                }
                let start = position
                let end = position + Int(length)
                position = end
                if let sub = child(kind, field) {
                    var inner = Data()
                    try filter(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), kind: sub, into: &inner)
                    appendVarint(tag, to: &out)
                    appendVarint(UInt64(inner.count), to: &out)
                    out.append(inner)
                } else if kind == .tensor, tensorData.contains(field),
                    Int(length) > (tensorType.map(integerTypes.contains) == true ? limit : smallLimit)
                {
                    continue  // weights: dropped
                } else {
                    out.append(contentsOf: bytes[tagStart..<end])
                }
            default:
                throw Malformed(reason: "unsupported protobuf wire type \(tag & 7)")
            }
        }
    }

    static func varint(_ bytes: UnsafeRawBufferPointer, _ position: inout Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else {
                throw Malformed(reason: "the file ends inside a number (truncated file?)")
            }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw Malformed(reason: "a number is longer than 64 bits") }
        }
    }

    static func appendVarint(_ value: UInt64, to out: inout Data) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
