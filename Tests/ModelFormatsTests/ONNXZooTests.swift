import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// The torchvision models of the zoo, exported to ONNX (opset 17, weights stripped) by
/// `tools/export_torchvision_zoo.py`, against `data/reference/torchvision_onnx.csv`, written by
/// the same script from torch, the exported graph and torchvision's weight metadata.
struct ONNXZooTests {
    static let zoo = ZooReferenceTests.zoo
    static let entries = ZooReferenceTests.fullManifest.models.filter {
        $0.format == ONNXReader.formatName && $0.quantizedFrom == nil
    }
    static let reference = Dictionary(
        uniqueKeysWithValues: ZooReferenceTests.csv("data/reference/torchvision_onnx.csv").map { ($0["model"]!, $0) })

    static let counted: [String: CountedModel] = Dictionary(
        uniqueKeysWithValues: entries.map { entry in
            (entry.name, try! ZooReferenceTests.count(entry))
        })

    @Test("the zoo has the torchvision ONNX models the issue names")
    func present() {
        let names = Set(Self.entries.map(\.name))
        for required in [
            "resnet50", "mobilenet_v3_large", "efficientnet_b0", "regnet_y_400mf", "convnext_tiny", "vit_b_16",
            "swin_t",
        ] {
            #expect(names.contains(required))
        }
        #expect(Set(Self.reference.keys) == names)
    }

    @Test("every ONNX zoo model counts completely", arguments: entries.map(\.name))
    func complete(_ name: String) throws {
        let a = try #require(Self.counted[name]).analysis
        #expect(a.isComplete, "\(a.unsupported) \(a.unshapedNodes.prefix(3)) \(a.uncountedParameters.prefix(3))")
        #expect(a.backbone != nil)
    }

    /// opcat's params are the exported graph's float initializers. torch's `sum(p.numel())`
    /// differs by the BatchNorms the exporter folds into convolutions (γ and β gone, a bias added
    /// to each convolution that had none) and, for Swin, by the relative position bias the
    /// exporter expands from its table (`exporter_float_elements`).
    @Test(
        "params: the graph's float initializers, and torch's count through the export's folding",
        arguments: entries.map(\.name))
    func params(_ name: String) throws {
        let a = try #require(Self.counted[name]).analysis
        let row = try #require(Self.reference[name])
        func value(_ column: String) -> Int { Int(row[column] ?? "") ?? -1 }
        #expect(a.totals.params == value("onnx_float_initializer_elements"))
        #expect(a.totals.buffers == 0, "folded BatchNorms leave no running statistics")
        #expect(
            a.totals.params == value("torch_params") - value("bn_folded_params") + value("conv_bias_added")
                + value("exporter_float_elements"))
        #expect(value("torch_params") == value("torchvision_params"))
    }

    /// torchvision's `_ops` metadata is its own count of multiply-adds (GFLOPS in its docs), rounded
    /// to three decimals.
    @Test("MACs round to torchvision's _ops figure", arguments: entries.map(\.name))
    func macs(_ name: String) throws {
        let a = try #require(Self.counted[name]).analysis
        let row = try #require(Self.reference[name])
        #expect(ZooReferenceTests.rounded3(a.totals.macs) == row["torchvision_ops_g"], "\(name): \(a.totals.macs)")
    }

    @Test("accuracy comes from torchvision's weight metadata", arguments: entries)
    func accuracy(_ entry: ZooManifest.Entry) throws {
        let row = try #require(Self.reference[entry.name])
        #expect(entry.metric("top1").map { ($0 * 1000).rounded() } == Double(row["acc1"]!).map { ($0 * 10).rounded() })
        #expect(entry.metric("top5").map { ($0 * 1000).rounded() } == Double(row["acc5"]!).map { ($0 * 10).rounded() })
        #expect(entry.metrics.allSatisfy { $0.source.contains("torchvision") })
    }
}

/// A given `--input` replaces the dimensions an ONNX file declares, so a backbone exported at
/// 224² is counted at the resolution it will run at.
struct ONNXInputReplacementTests {
    static func data(_ file: String) throws -> Data {
        try ModelFile.contents(of: ONNXZooTests.zoo.appendingPathComponent(file))
    }

    @Test("a given shape replaces the declared one, with a notice, and counts as a file with dynamic axes does")
    func replacesDeclaredDims() throws {
        let entry = try ZooReferenceTests.entry(file: "mobilenet_v3_large.onnx")
        let at512 = [InputBinding(name: "input", shape: [1, 3, 512, 512])]
        let replaced = try Pipeline.count(Self.data(entry.file), file: entry.file, entry: entry, inputs: at512)
        #expect(replaced.analysis.inputs.map(\.shape) == [[1, 3, 512, 512]])
        #expect(
            replaced.notices.contains {
                $0.message.contains("declared as (1, 3, 224, 224); counting it at 1x3x512x512")
            })
        // The same graph with its spatial axes made symbolic, as an exporter with dynamic axes writes it.
        var model = try Onnx_ModelProto(serializedBytes: Self.data(entry.file))
        for axis in [2, 3] {
            model.graph.input[0].type.tensorType.shape.dim[axis].dimParam = axis == 2 ? "height" : "width"
        }
        let dynamic = try Pipeline.count(model.serializedData(), file: "dynamic.onnx", entry: entry, inputs: at512)
        #expect(replaced.analysis.totals == dynamic.analysis.totals)
        #expect(replaced.analysis.backbone?.totals == dynamic.analysis.backbone?.totals)
        // The figure of issue 12's 512² question.
        #expect(replaced.analysis.backbone?.totals.macs == 1_112_096_640)
    }

    @Test("a node whose sizes the export fixed fails with its name, the shapes and the way out")
    func fixedSizesFailAtTheNode() throws {
        let entry = try ZooReferenceTests.entry(file: "vit_b_16.onnx")
        #expect {
            try Pipeline.count(
                Self.data(entry.file), file: entry.file, entry: entry, inputs: [InputBinding(shape: [1, 3, 384, 384])])
        } throws: { error in
            let text = "\(error)"
            return text.contains("node '/Reshape' (Reshape)") && text.contains("cannot reshape 1x768x24x24")
                && text.contains("declared input 'input' (1, 3, 224, 224)") && text.contains("re-export")
        }
    }

    @Test("a shape of another rank than declared is still an error")
    func rankMismatch() throws {
        let entry = try ZooReferenceTests.entry(file: "resnet18.onnx")
        #expect(throws: CountError.self) {
            try Pipeline.count(
                Self.data(entry.file), file: entry.file, entry: entry, inputs: [InputBinding(shape: [1, 3, 224])])
        }
    }

    /// `data/reference/torchvision_resolutions.csv`: torch's FlopCounterMode on the torchvision
    /// models at 224², 320² and 512² (tools/torch_resolution_reference.py). A given `--input`
    /// replaces the dimensions the file declares; the counts at each input are torch's.
    static let resolutions = ZooReferenceTests.csv("data/reference/torchvision_resolutions.csv")

    @Test(
        "at 224², 320² and 512², MACs and backbone MACs equal torch's FlopCounterMode",
        arguments: resolutions.map { "\($0["model"]!) \($0["input_shape"]!)" })
    func resolution(_ key: String) throws {
        let row = try #require(Self.resolutions.first { "\($0["model"]!) \($0["input_shape"]!)" == key })
        let entry = try #require(ONNXZooTests.entries.first { $0.name == row["model"] })
        let shape = try ShapeSyntax.parseBinding(row["input_shape"]!)
        let a = try ZooReferenceTests.count(entry, inputs: [shape]).analysis
        #expect(a.isComplete)
        #expect(a.totals.macs == Int(row["torch_macs"]!))
        #expect(a.backbone?.totals.macs == Int(row["backbone_macs"]!))
    }
}
