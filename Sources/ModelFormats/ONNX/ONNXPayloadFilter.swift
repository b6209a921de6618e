import Foundation
import OpCount

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

    /// Messages nested deeper than this (a graph in an attribute of a node of a graph …) are
    /// refused before the filter descends into them: a chain of nested subgraphs cannot
    /// exhaust the stack. swift-protobuf's own limit (100 messages) is deeper than what passes.
    static let depthLimit = 64

    static func filter(_ data: Data) throws -> Data {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            try filter(MemoryBytes(buffer: buffer))
        }
    }

    /// The filtered structure of a model read from any source (memory, or a file read in pieces).
    static func filter(_ source: some ByteSource) throws -> Data {
        var state = State()
        var out: Data? = Data()
        out?.reserveCapacity(min(source.count, 1 << 20))
        _ = try walk(source, 0..<source.count, kind: .model, depth: 0, count: true, state: &state, into: &out)
        return out ?? Data()
    }

    /// What the walk has seen: graph entries (nodes, initializers, inputs) against the node limit.
    struct State {
        var entries = 0
    }

    /// TensorProto data types whose values shape inference uses (integers and bool).
    static let integerTypes: Set<UInt64> = [2, 3, 4, 5, 6, 7, 9, 12, 13]

    /// Walks one message and says whether it holds a payload the filter drops. With `out`, it also
    /// copies the message there without those payloads; without, it only checks it. A sub-message
    /// is checked first and, when it drops nothing (most nodes, attributes, small tensors), copied
    /// whole in one piece; only one that does is copied field by field. `count`: whether graph
    /// entries are counted against the limit here (once per entry: not again on the copying pass).
    private static func walk(
        _ bytes: some ByteSource, _ range: Range<Int>, kind: Kind, depth: Int, count: Bool, state: inout State,
        into out: inout Data?
    ) throws -> Bool {
        guard depth <= depthLimit else {
            throw Malformed(reason: "messages are nested more than \(depthLimit) deep (subgraphs within subgraphs)")
        }
        var position = range.lowerBound
        let end = range.upperBound
        var tensorType: UInt64?  // TensorProto.data_type, written before the data by every exporter
        var drops = false
        while position < end {
            let tagStart = position
            let tag = try varint(bytes, &position, end: end)
            let field = tag >> 3
            switch tag & 7 {
            case 0:
                let value = try varint(bytes, &position, end: end)
                if kind == .tensor, field == 2 { tensorType = value }
                if out != nil { try bytes.append(tagStart..<position, to: &out!) }
            case 1, 5:
                let size = tag & 7 == 1 ? 8 : 4
                guard position + size <= end else {
                    throw Malformed(reason: "a fixed-width field runs past the end")
                }
                position += size
                if out != nil { try bytes.append(tagStart..<position, to: &out!) }
            case 2:
                let length = try varint(bytes, &position, end: end)
                guard length <= UInt64(end - position) else {
                    throw Malformed(reason: "a field of \(length) bytes runs past the end (truncated file?)")
                }
                let start = position
                let fieldEnd = position + Int(length)
                position = fieldEnd
                if count, kind == .graph, [1, 5, 11].contains(field) {
                    // Nodes, initializers and inputs count against the limit as they are read,
                    // before anything is decoded.
                    state.entries += 1
                    guard state.entries <= Limits.nodes else {
                        throw Malformed(reason: "the graph has more than \(Limits.nodes) nodes and tensors (the limit)")
                    }
                }
                if let sub = child(kind, field) {
                    var unused: Data?
                    let inner = start..<fieldEnd
                    guard
                        try walk(bytes, inner, kind: sub, depth: depth + 1, count: count, state: &state, into: &unused)
                    else {
                        if out != nil { try bytes.append(tagStart..<fieldEnd, to: &out!) }
                        continue
                    }
                    drops = true
                    guard out != nil else { continue }
                    var copy: Data? = Data()
                    _ = try walk(bytes, inner, kind: sub, depth: depth + 1, count: false, state: &state, into: &copy)
                    appendVarint(tag, to: &out!)
                    appendVarint(UInt64(copy?.count ?? 0), to: &out!)
                    out!.append(copy ?? Data())
                } else if kind == .tensor, tensorData.contains(field),
                    Int(length) > (tensorType.map(integerTypes.contains) == true ? limit : smallLimit)
                {
                    drops = true  // weights: dropped, never read
                } else if out != nil {
                    try bytes.append(tagStart..<fieldEnd, to: &out!)
                }
            default:
                throw Malformed(reason: "unsupported protobuf wire type \(tag & 7)")
            }
        }
        return drops
    }

    static func varint(_ bytes: some ByteSource, _ position: inout Int, end: Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else {
                throw Malformed(reason: "the file ends inside a number (truncated file?)")
            }
            let byte = try bytes.byte(at: position)
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

/// Bytes the payload filter walks: a buffer in memory, or a file read in pieces.
protocol ByteSource {
    var count: Int { get }
    func byte(at offset: Int) throws -> UInt8
    /// Appends the bytes of `range` to `out`.
    func append(_ range: Range<Int>, to out: inout Data) throws
}

struct MemoryBytes: ByteSource {
    let buffer: UnsafeRawBufferPointer
    var count: Int { buffer.count }
    func byte(at offset: Int) -> UInt8 { buffer[offset] }
    func append(_ range: Range<Int>, to out: inout Data) {
        guard let base = buffer.baseAddress, !range.isEmpty else { return }
        out.append(base.advanced(by: range.lowerBound).assumingMemoryBound(to: UInt8.self), count: range.count)
    }
}
