import Foundation
import ModelFormats
import OpCount

/// What the fuzz targets run on each input: the whole pipeline a user's file goes through
/// (read → shapes → counts → report figures). Thrown errors are the expected outcome for bad
/// input; a crash, a hang or a wrapped-around count is a bug. The regression tests replay the
/// inputs that once crashed through the same functions.
public enum FuzzHarness {
    /// Reads MXNet symbol JSON and counts it at a small input, proposing a backbone.
    public static func mxnet(_ bytes: UnsafeBufferPointer<UInt8>) {
        _ = try? describe(mxnet: Data(bytes))
    }

    public static func onnx(_ bytes: UnsafeBufferPointer<UInt8>) {
        _ = try? describe(onnx: Data(bytes))
    }

    public static func manifest(_ bytes: UnsafeBufferPointer<UInt8>) {
        _ = try? ZooManifest.decode(Data(bytes), file: "manifest.json")
    }

    /// Shape, input-binding and budget syntax.
    public static func syntax(_ bytes: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? ShapeSyntax.parseBinding(text)
        _ = try? ShapeSyntax.parseShape(text)
        _ = try? QuantitySyntax.parse(text)
    }

    /// The analysis of MXNet symbol bytes, summarised; throws what a user would see.
    public static func describe(mxnet data: Data) throws -> String {
        summary(
            try Pipeline.count(data, file: "fuzz-symbol.json", inputs: [InputBinding(shape: [1, 3, 16, 16])]).analysis)
    }

    /// The analysis of ONNX bytes at the inputs the file declares (batch 1 when symbolic).
    public static func describe(onnx data: Data) throws -> String {
        summary(try Pipeline.count(data, file: "fuzz.onnx").analysis)
    }

    static func summary(_ a: Analysis) -> String {
        "\(a.layers.count) layers, \(a.totals.macs) MACs, \(a.totals.params) params, \(a.bops) BOPs, "
            + "\(a.storageByType.count) storage types, complete: \(a.isComplete)"
    }
}
