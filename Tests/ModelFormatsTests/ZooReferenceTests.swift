import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// The bundled zoo against mxop 0.2.0's exact integers (`data/reference/mxop_zoo.csv`, written by
/// `tools/mxop_reference.py` running mxop on MXNet 1.9.1) and against the published seed table
/// (`data/reference/seed_table.csv`, extracted from the write-up by `tools/extract_seed_table.py`).
struct ZooReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized
    static let zoo = root.appendingPathComponent("data/zoo")
    static let fullManifest = try! ZooManifest.load(directory: zoo)
    /// The 34 MXNet models of the seed table.
    static let manifest = ZooManifest(
        formatVersion: fullManifest.formatVersion,
        models: fullManifest.models.filter { $0.format == MXNetSymbolReader.formatName && $0.quantizedFrom == nil })

    /// Each zoo model counted once, shared by the tests.
    static let counted: [String: CountedModel] = {
        Dictionary(
            uniqueKeysWithValues: manifest.models.map { entry in
                (entry.name, try! count(entry))
            })
    }()

    /// A model of the bundled zoo counted as `opcat count` counts it, with its manifest entry.
    static func count(_ entry: ZooManifest.Entry, inputs: [InputBinding] = []) throws -> CountedModel {
        let file = zoo.appendingPathComponent(entry.file)
        return try Pipeline.count(ModelFile.contents(of: file), file: file.relativePath, entry: entry, inputs: inputs)
    }

    /// The bundled zoo's entry for a file name.
    static func entry(file: String) throws -> ZooManifest.Entry {
        try #require(fullManifest.models.first { $0.file == file })
    }

    static func csv(_ path: String) -> [[String: String]] {
        let text = try! String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        return lines.map {
            Dictionary(
                uniqueKeysWithValues: zip(
                    header, $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    static let mxopReference = csv("data/reference/mxop_zoo.csv")
    static let seed = csv("data/reference/seed_table.csv")

    @Test("the zoo has the 34 models of the seed table")
    func zooIsComplete() {
        #expect(Self.manifest.models.count == 34)
        #expect(Set(Self.manifest.models.map(\.name)) == Set(Self.seed.map { $0["name"]! }))
        #expect(Self.mxopReference.count == 34)
    }

    @Test("every zoo model is counted completely, with no unsupported op", arguments: manifest.models.map(\.name))
    func complete(_ name: String) throws {
        let a = try #require(Self.counted[name]).analysis
        #expect(a.isComplete, "\(a.unsupported) \(a.unshapedNodes) \(a.uncountedParameters)")
        #expect(a.backbone != nil)
    }

    @Test("the mxop convention equals mxop 0.2.0's integers, full and backbone", arguments: mxopReference)
    func mxopExact(_ row: [String: String]) throws {
        let model = try #require(Self.counted[row["model"]!], "no zoo model \(row["model"]!)")
        let full = model.analysis.mxop
        let backbone = try #require(model.analysis.backbone).mxop
        for (field, value) in full.fields {
            #expect(String(value) == row[field], "\(row["model"]!) \(field)")
        }
        for (field, value) in backbone.fields {
            #expect(String(value) == row["bb_" + field], "\(row["model"]!) backbone \(field)")
        }
        #expect(formatShape(model.analysis.inputs[0].shape) == row["input_shape"])
    }

    @Test("standard params + buffers equal mxop's params", arguments: manifest.models.map(\.name))
    func paramsPlusBuffers(_ name: String) throws {
        let a = try #require(Self.counted[name]).analysis
        #expect(a.totals.params + a.totals.buffers == a.mxop.params)
        let b = try #require(a.backbone)
        #expect(b.totals.params + b.totals.buffers == b.mxop.params)
    }

    /// The seed table's misprints: the only cells where rounding opcat's exact counts half-up
    /// does not give the published value (see data/reference/README.md).
    static let misprints: [String: String] = [
        "vgg16/params_m": "138.36",  // printed 138.63: digits transposed (exact 138,357,544)
        "vgg13/params_m": "133.05",  // printed 133.04: 133,047,848 truncated, not rounded
        "vgg13/muls_g": "11.31",  // printed 11.30: 11,308,456,984 truncated, not rounded
    ]

    @Test("rounded to two decimals, the mxop convention is the seed table, misprints apart", arguments: seed)
    func seedTable(_ row: [String: String]) throws {
        let name = row["name"]!
        let a = try #require(Self.counted[name]).analysis
        let b = try #require(a.backbone)
        let ours: [String: String] = [
            "params_m": Self.rounded(a.mxop.params, 6), "muls_g": Self.rounded(a.mxop.muls, 9),
            "backbone_params_m": Self.rounded(b.mxop.params, 6), "backbone_muls_g": Self.rounded(b.mxop.muls, 9),
        ]
        for (column, value) in ours {
            if let corrected = Self.misprints["\(name)/\(column)"] {
                #expect(value == corrected)
                #expect(Double(row[column]!) != Double(value), "\(name) \(column) is listed as a misprint but matches")
            } else {
                #expect(
                    Double(row[column]!) == Double(value), "\(name) \(column): seed \(row[column]!), opcat \(value)")
            }
        }
        let entry = try #require(Self.counted[name]?.zooEntry)
        #expect(entry.metric("top1") == Double(row["top1"]!))
        #expect(entry.metric("top5") == Double(row["top5"]!))
    }

    /// value / 10⁹ rounded half-up to three decimals, as torchvision prints `_ops`.
    static func rounded3(_ value: Int) -> String {
        let q = value / 1_000_000 + ((value % 1_000_000) * 2 >= 1_000_000 ? 1 : 0)
        let fraction = String(q % 1000)
        return "\(q / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// Half-up rounding to two decimals of value / 10^exponent, in integers.
    static func rounded(_ value: Int, _ exponent: Int) -> String {
        var divisor = 1
        for _ in 0..<(exponent - 2) { divisor *= 10 }
        let q = value / divisor + ((value % divisor) * 2 >= divisor ? 1 : 0)
        return "\(q / 100).\(q % 100 < 10 ? "0" : "")\(q % 100)"
    }

    /// Where the heuristic's cut differs from the manifest, and why.
    static let heuristicDifferences = [
        "swin_t":
            "torchvision puts Swin's final LayerNorm outside `features`; the heuristic keeps normalization in the backbone"
    ]

    /// Float models: a quantized graph's head is made of quantized ops the heuristic does not walk.
    @Test(
        "the head heuristic proposes the manifest's backbone end",
        arguments: fullManifest.models.filter { heuristicDifferences[$0.name] == nil && $0.quantizedFrom == nil })
    func heuristic(_ entry: ZooManifest.Entry) throws {
        let (graph, _) = try ModelFile.read(Self.zoo.appendingPathComponent(entry.file))
        let analysis = try Analyzer().analyze(
            graph, inputs: [InputBinding(shape: entry.input.shape)], backbone: .propose)
        #expect(analysis.backbone?.end == entry.backboneEnd)
    }
}
