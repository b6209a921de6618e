import Foundation
import OpCount
import SwiftProtobuf
import Testing

@testable import ModelFormats

/// ONNX files built here with the generated protobuf types: symbolic dimensions, weights kept in
/// external files, run-time reshape targets, bad files.
struct ONNXReaderTests {
    static func tensor(
        _ name: String, _ dims: [Int], type: Int32 = 1, int64s: [Int64]? = nil, external: Bool = false,
        floats: Int? = nil
    ) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims.map(Int64.init)
        t.dataType = type
        if let int64s { t.int64Data = int64s }
        if let floats { t.rawData = Data(repeating: 0, count: floats * 4) }
        if external {
            t.dataLocation = .external
            var location = Onnx_StringStringEntryProto()
            location.key = "location"
            location.value = "weights.bin"
            t.externalData = [location]
        }
        return t
    }

    static func input(_ name: String, _ dims: [Any]) -> Onnx_ValueInfoProto {
        var v = Onnx_ValueInfoProto()
        v.name = name
        var type = Onnx_TypeProto.Tensor()
        type.elemType = 1
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let n = d as? Int { dim.dimValue = Int64(n) } else { dim.dimParam = "\(d)" }
            return dim
        }
        type.shape = shape
        v.type.tensorType = type
        return v
    }

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attributes: [Onnx_AttributeProto] = [])
        -> Onnx_NodeProto
    {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = outputs[0]
        n.input = inputs
        n.output = outputs
        n.attribute = attributes
        return n
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = values.map(Int64.init)
        return a
    }

    /// x (N×3×8×8) → Conv 3×3 (weights external) → Shape → Gather(0) → Concat with [-1] → Reshape → Gemm.
    static func model(batch: Any = "N", external: Bool = true) throws -> Data {
        var graph = Onnx_GraphProto()
        graph.name = "test"
        graph.input = [input("x", [batch, 3, 8, 8])]
        graph.initializer = [
            tensor("w", [4, 3, 3, 3], external: external, floats: external ? nil : 108),
            tensor("zero", [], type: 7, int64s: [0]),
            tensor("minus_one", [1], type: 7, int64s: [-1]),
            tensor("fc_w", [10, 144], external: external, floats: external ? nil : 1440),
            tensor("fc_b", [10], floats: 10),
        ]
        var axis = Onnx_AttributeProto()
        axis.name = "axis"
        axis.type = .int
        axis.i = 0
        var transB = Onnx_AttributeProto()
        transB.name = "transB"
        transB.type = .int
        transB.i = 1
        graph.node = [
            node("Conv", ["x", "w"], ["conv"], [ints("kernel_shape", [3, 3]), ints("pads", [0, 0, 0, 0])]),
            node("Shape", ["conv"], ["shape"]),
            node("Gather", ["shape", "zero"], ["batch"], [axis]),
            node("Unsqueeze", ["batch", "zero1d"], ["batch1d"]),
            node("Concat", ["batch1d", "minus_one"], ["target"], [axis]),
            node("Reshape", ["conv", "target"], ["flat"]),
            node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], [transB]),
        ]
        graph.initializer.append(tensor("zero1d", [1], type: 7, int64s: [0]))
        var output = Onnx_ValueInfoProto()
        output.name = "logits"
        graph.output = [output]
        return try serialize(graph)
    }

    /// A model file holding `graph` (IR 8, the default domain at `opset`).
    static func serialize(_ graph: Onnx_GraphProto, opset version: Int64 = 17) throws -> Data {
        var model = Onnx_ModelProto()
        model.irVersion = 8
        var opset = Onnx_OperatorSetIdProto()
        opset.version = version
        model.opsetImport = [opset]
        model.graph = graph
        return try model.serializedData()
    }

    static func count(_ data: Data, inputs: [InputBinding] = []) throws -> CountedModel {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-\(UUID().uuidString).onnx")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try Pipeline.count(ModelFile.contents(of: url), file: url.relativePath, inputs: inputs)
    }

    @Test("weights in external files are not needed; a symbolic batch is 1, with a notice")
    func externalAndSymbolic() throws {
        let model = try Self.count(Self.model())
        let a = model.analysis
        #expect(a.isComplete)
        #expect(model.format == "onnx")
        #expect(a.inputs.map(\.shape) == [[1, 3, 8, 8]])
        #expect(model.notices.contains { $0.message.contains("symbolic batch") })
        // Conv: 1·4·6·6 = 144 outputs × 27 = 3,888 MACs; Gemm: 10 × 144 = 1,440.
        #expect(a.totals.macs == 3_888 + 1_440)
        // Float initializers only: 108 + 1,440 + 10; the int64 shape constants count as neither.
        #expect(a.totals.params == 108 + 1_440 + 10)
        #expect(a.layer(named: "flat")?.outputShapes == [[1, 144]], "Shape → Gather → Concat → Reshape resolved")
    }

    @Test("--input binds a symbolic batch; the run-time reshape follows it")
    func boundBatch() throws {
        let model = try Self.count(Self.model(), inputs: [InputBinding(name: "x", shape: [4, 3, 8, 8])])
        let a = model.analysis
        #expect(a.layer(named: "flat")?.outputShapes == [[4, 144]])
        #expect(a.totals.macs == 4 * (3_888 + 1_440))
        #expect(!model.notices.contains { $0.message.contains("symbolic") })
    }

    @Test("a symbolic dimension other than the batch needs --dim or --input")
    func symbolicHeight() throws {
        var graph = Onnx_GraphProto()
        graph.input = [Self.input("x", [1, 3, "H", 8])]
        graph.node = [Self.node("Relu", ["x"], ["y"])]
        var output = Onnx_ValueInfoProto()
        output.name = "y"
        graph.output = [output]
        var model = Onnx_ModelProto()
        model.graph = graph
        #expect { try Self.count(try model.serializedData()) } throws: { error in
            // The core names the input; the CLI adds the option that sets it.
            "\(error)".contains("input 'x' has symbolic dimensions (1x3xHx8); size them with --dim H=N")
                && (error as? CountError)?.subject == .input("x")
        }
    }

    @Test("the same model with and without its weights counts the same")
    func strippedEqualsFull() throws {
        let full = try Self.count(Self.model(batch: 1, external: false)).analysis
        let stripped = try Self.count(Self.model(batch: 1, external: true)).analysis
        #expect(full.totals == stripped.totals)
    }

    @Test("a definition is identified by what opcat reads: other weights, the same digest; another graph, another")
    func definitionDigest() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // x (1×100) → Gemm with w (rows×100, transposed): the weights are a large raw payload.
        func file(_ name: String, weights: UInt8, rows: Int64 = 250) throws -> ModelFile.Loaded {
            var w = Onnx_TensorProto()
            w.name = "w"
            w.dims = [rows, 100]
            w.dataType = 1
            w.rawData = Data(repeating: weights, count: Int(rows) * 100 * 4)
            var transB = Onnx_AttributeProto()
            transB.name = "transB"
            transB.type = .int
            transB.i = 1
            var graph = Onnx_GraphProto()
            graph.input = [Self.input("x", [1, 100])]
            graph.initializer = [w]
            graph.node = [Self.node("Gemm", ["x", "w"], ["y"], [transB])]
            var output = Onnx_ValueInfoProto()
            output.name = "y"
            graph.output = [output]
            let url = dir.appendingPathComponent(name)
            try Self.serialize(graph).write(to: url)
            return try ModelFile.load(url, hashing: true)
        }
        let a = try file("a.onnx", weights: 1)
        let b = try file("b.onnx", weights: 2)
        let c = try file("c.onnx", weights: 1, rows: 200)
        #expect(a.sha256 == b.sha256, "only the weights differ")
        #expect(a.sha256 != c.sha256, "the graph differs")
        #expect(a.sha256 == SHA256.hex(a.data) && a.data.count < 1_000, "the digest is of the graph as read")
        let whole = try Data(contentsOf: dir.appendingPathComponent("a.onnx"))
        #expect(whole.count > 100_000 && SHA256.hex(whole) != a.sha256)
    }

    @Test("large payloads are dropped before decoding; small tensors keep their values")
    func payloadFilter() throws {
        var model = Onnx_ModelProto()
        var graph = Onnx_GraphProto()
        graph.initializer = [
            Self.tensor("big", [100_000], floats: 100_000), Self.tensor("shape", [2], type: 7, int64s: [1, -1]),
        ]
        model.graph = graph
        let filtered = try ONNXPayloadFilter.filter(try model.serializedData())
        #expect(filtered.count < 200)
        let decoded = try Onnx_ModelProto(serializedBytes: filtered)
        #expect(decoded.graph.initializer[0].dims == [100_000])
        #expect(decoded.graph.initializer[0].rawData.isEmpty)
        #expect(decoded.graph.initializer[1].int64Data == [1, -1])
    }

    @Test("a truncated or foreign file is one clear error")
    func badFiles() throws {
        let data = try Self.model()
        for broken in [data.prefix(data.count / 2), Data([0x08, 0xFF]), Data("not a model".utf8)] {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent(
                "opcat-bad-\(UUID().uuidString).onnx")
            try Data(broken).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            #expect { try Pipeline.count(ModelFile.contents(of: url), file: url.relativePath) } throws: { error in
                let text = "\(error)"
                return text.contains(url.lastPathComponent) && !text.contains("\n")
            }
        }
    }
}
