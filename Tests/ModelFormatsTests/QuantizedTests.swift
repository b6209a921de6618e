import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// Quantized graphs (MXNet quantize_net / quantize_model, onnxruntime QDQ, QOperator and
/// dynamic) against `data/reference/quantized.csv`, which `tools/export_quantized_*.py` derive
/// independently: the float parent's MACs from MXNet's / onnx's own shape inference, and stored
/// elements by type from MXNet's `infer_type` and the ONNX initializers.
struct QuantizedTests {
    static let root = ZooReferenceTests.root
    static let rows = ZooReferenceTests.csv("data/reference/quantized.csv")

    static func count(_ row: [String: String]) throws -> CountedModel {
        let file = root.appendingPathComponent(row["file"]!)
        // The small test network takes 32×32 images; the rest the parent's 224×224.
        let input =
            row["parent"] == "tinynet" && row["format"] == "mxnet-symbol"
            ? [InputBinding(name: "data", shape: [1, 3, 32, 32])]
            : (row["format"] == "mxnet-symbol" ? [InputBinding(name: "data", shape: [1, 3, 224, 224])] : [])
        let data = try ModelFile.contents(of: file)
        if let entry = try ZooManifest.entry(for: file) {
            return try Pipeline.count(data, file: file.relativePath, entry: entry, inputs: input)
        }
        return try Pipeline.count(data, file: file.relativePath, inputs: input)
    }

    @Test("every quantized graph counts completely, with its float parent's MACs", arguments: rows)
    func macs(_ row: [String: String]) throws {
        let a = try Self.count(row).analysis
        #expect(
            a.isComplete,
            "\(row["file"]!): \(a.unsupported) \(a.unshapedNodes.prefix(3)) \(a.uncountedParameters.prefix(3))")
        #expect(String(a.totals.macs) == row["macs_float_parent"], "\(row["file"]!)")
        #expect(
            a.macsByPrecision.contains {
                $0.key.activation.bitWidth <= 8 && $0.key.weight.bitWidth <= 8 && $0.value > 0
            },
            "\(row["file"]!) runs some MACs at 8 bits: \(a.macsByPrecision)")
    }

    @Test("stored elements by type match the file's own types", arguments: rows)
    func storage(_ row: [String: String]) throws {
        let stored = try Self.count(row).analysis.storageByType
        for (type, column) in [
            (DataType.int8, "int8_param_elements"), (.uint8, "uint8_param_elements"),
            (.int32, "int32_param_elements"), (.float32, "float32_param_elements"),
        ] {
            #expect(String(stored[type]?.elements ?? 0) == row[column], "\(row["file"]!) \(type)")
        }
    }

    @Test("a quantized zoo model names its float parent, which is in the zoo")
    func parents() {
        let models = ZooReferenceTests.fullManifest.models
        let quantized = models.filter { $0.quantizedFrom != nil }
        #expect(quantized.count >= 6)
        for entry in quantized {
            #expect(models.contains { $0.name == entry.quantizedFrom && $0.quantizedFrom == nil }, "\(entry.name)")
        }
    }

    @Test("int8 weights shrink the stored bytes about four times")
    func bytes() throws {
        let int8 = try ZooReferenceTests.count(ZooReferenceTests.entry(file: "resnet50_int8_qdq.onnx")).analysis
        let float = try ZooReferenceTests.count(ZooReferenceTests.entry(file: "resnet50.onnx")).analysis
        let storedInt8 = int8.storageByType.values.reduce(0) { $0 + $1.bytes }
        let storedFloat = float.storageByType.values.reduce(0) { $0 + $1.bytes }
        #expect(int8.totals.macs == float.totals.macs)
        #expect(storedFloat == 4 * 25_530_472)
        // int8 weights (1 byte each) + int32 biases + per-channel float scales and int8 zero points.
        #expect(storedInt8 == int8.storageByType.reduce(0) { $0 + $1.value.elements * $1.key.byteWidth })
        #expect(storedInt8 < storedFloat / 3)
    }
}
