import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// Module paths from the names exporters write.
struct ModulePathsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized

    static func counted(_ path: String, input: [Int]? = nil) throws -> CountedModel {
        let url = root.appendingPathComponent(path)
        return try Pipeline.count(
            ModelFile.contents(of: url), file: path, inputs: input.map { [InputBinding(shape: $0)] } ?? [])
    }

    @Test("scoped names of the TorchScript exporter: one segment per module, repeated prefixes merged")
    func scoped() {
        #expect(ModulePaths.scoped("/layer1/layer1.0/conv1/Conv") == "layer1.0.conv1")
        #expect(ModulePaths.scoped("/features/features.1/features.1.0/attn/Shape_4") == "features.1.0.attn")
        #expect(
            ModulePaths.scoped("/encoder/layers/encoder_layer_0/mlp/mlp.0/MatMul")
                == "encoder.layers.encoder_layer_0.mlp.0")
        #expect(ModulePaths.scoped("/Constant") == "")
        #expect(ModulePaths.scoped("node_Conv_0") == nil)
        #expect(ModulePaths.ofParameter("blocks.1.mlp.fc2.weight") == "blocks.1.mlp.fc2")
        #expect(ModulePaths.ofParameter("w") == nil && ModulePaths.ofParameter(".w") == nil)
        #expect(ModulePaths.gluon("resnetv10_stage1_conv0_fwd", prefix: "resnetv10_") == "stage1.conv0")
        #expect(ModulePaths.gluon("resnetv10_dense0_fwd", prefix: "resnetv10_") == "dense0")
    }

    @Test("bundled models: Gluon symbols, torchvision's scoped ONNX and timm's dynamo exports")
    func bundled() throws {
        let gluon = try Self.counted("data/zoo/resnet18_v1-symbol.json")
        let byName = Dictionary(
            gluon.analysis.layers.map { ($0.name, gluon.module(of: $0)) }, uniquingKeysWith: { a, _ in a })
        #expect(byName["resnetv10_conv0_fwd"] == "conv0")
        #expect(byName["resnetv10_stage1_conv0_fwd"] == "stage1.conv0")
        let scoped = try Self.counted("data/zoo/resnet18.onnx")
        let modules = scoped.analysis.layers.map(scoped.module(of:))
        #expect(modules.contains("layer1.0.conv1") && modules.first == "conv1", "\(modules.prefix(8))")
        // The dynamo exporter names nodes `node_MatMul_12`; a MatMul reads its weight through a
        // Transpose of the parameter `blocks.1.mlp.fc2.weight`.
        let dynamo = try Self.counted("data/zoos/timm/beit3_base_patch16_224.onnx.gz", input: [1, 3, 224, 224])
        let matmuls = dynamo.analysis.layers.filter { $0.op == "MatMul" }.map(dynamo.module(of:))
        #expect(matmuls.contains("blocks.1.mlp.fc2"), "\(matmuls.prefix(20))")
        #expect(matmuls.filter { $0.hasPrefix("blocks.") }.count * 2 > matmuls.count, "\(matmuls.prefix(20))")
    }
}
