import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// The real zoos under `data/zoos/<zoo>/`, each made by its `tools/export_<zoo>_zoo.py`: every
/// model is counted complete at its manifest input with the reference the export script made from
/// the framework itself (`reference.csv`: parameters and buffers as the framework holds them, the
/// multiply-accumulates of the linear ops over MXNet's `infer_shape` or from
/// `torch.utils.flop_counter`), or the difference is listed with opcat's exact figure and its
/// reason in the zoo's `explained.csv`. No tolerance; a listed difference that goes away must be
/// removed from the list. Models that could not be exported are in `failures.csv`, with the reason.
struct RealZooTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../data/zoos").standardized

    static let zoos: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { ZooManifest.exists(in: root.appendingPathComponent($0)) }.sorted()
    }()

    struct Entry: Sendable, CustomTestStringConvertible {
        var zoo: String
        var model: ZooManifest.Entry
        var reference: [String: String]
        var explained: [String: (value: String, reason: String)]
        var testDescription: String { "\(model.name) at \(reference["input"] ?? "?")" }
    }

    static func rows(_ zoo: String, _ file: String) -> [[String: String]] {
        (try? CorpusTests.csv(root.appendingPathComponent(zoo).appendingPathComponent(file))) ?? []
    }

    /// One entry per reference row: a model at one of its evaluation inputs.
    static let entries: [Entry] = zoos.flatMap { zoo -> [Entry] in
        guard let manifest = try? ZooManifest.load(directory: root.appendingPathComponent(zoo)) else { return [] }
        let explained = rows(zoo, "explained.csv")
        return rows(zoo, "reference.csv").compactMap { r in
            guard let model = manifest.models.first(where: { $0.file == r["file"] }) else { return nil }
            var mine: [String: (String, String)] = [:]
            for e in explained where e["file"] == r["file"] && e["input"] == r["input"] {
                mine[e["measure"] ?? ""] = (e["opcat"] ?? "", e["reason"] ?? "")
            }
            return Entry(zoo: zoo, model: model, reference: r, explained: mine)
        }
    }

    @Test("each zoo's manifest, reference and lists agree")
    func present() throws {
        #expect(Self.zoos.contains("gluoncv"), "zoos: \(Self.zoos)")
        for zoo in Self.zoos {
            let manifest = try ZooManifest.load(directory: Self.root.appendingPathComponent(zoo))
            let files = Set(manifest.models.map(\.file))
            let reference = Self.rows(zoo, "reference.csv")
            #expect(Set(reference.compactMap { $0["file"] }) == files, "\(zoo): reference.csv and manifest.json")
            let counted = Set(reference.map { "\($0["file"] ?? "") \($0["input"] ?? "")" })
            for e in Self.rows(zoo, "explained.csv") {
                #expect(
                    counted.contains("\(e["file"] ?? "") \(e["input"] ?? "")"),
                    "\(zoo)/explained.csv names \(e["file"] ?? "?") at \(e["input"] ?? "?"), not in reference.csv")
                #expect(!(e["reason"] ?? "").isEmpty, "\(zoo)/explained.csv: \(e["file"] ?? "?") has no reason")
            }
            let failed = Set(Self.rows(zoo, "failures.csv").compactMap { $0["model"] })
            for model in manifest.models {
                #expect(!(model.checkpoints ?? []).isEmpty, "\(model.name): no checkpoint")
                #expect(!failed.contains(model.name), "\(model.name) is exported and listed as failed")
            }
            for f in Self.rows(zoo, "failures.csv") {
                #expect(!(f["reason"] ?? "").isEmpty, "\(zoo)/failures.csv: \(f["model"] ?? "?") has no reason")
            }
        }
        #expect(Self.entries.filter { $0.zoo == "gluoncv" }.count >= 70, "GluonCV's classifiers")
        // Every model is checked at its own input at least.
        for zoo in Self.zoos {
            let manifest = try ZooManifest.load(directory: Self.root.appendingPathComponent(zoo))
            for model in manifest.models {
                let key = InputKey(model.inputBindings).description
                #expect(
                    Self.entries.contains { $0.model.file == model.file && $0.reference["input"] == key },
                    "\(model.name): no reference at its input \(key)")
            }
        }
    }

    @Test("a name GluonCV repeats is one node: Xception's backbone ends at its last relu0_fwd")
    func repeatedNames() throws {
        let entry = try #require(Self.entries.first { $0.model.name == "gluoncv/xception" })
        let url = Self.root.appendingPathComponent("gluoncv").appendingPathComponent(entry.model.file)
        let a = try Pipeline.count(ModelFile.contents(of: url), file: url.relativePath, entry: entry.model, inputs: [])
            .analysis
        // The head is one dense layer, 2,048 features to 1,000 classes (MACs from reference.csv).
        #expect(a.totals.macs == 7_500_256_928)
        #expect(a.backbone?.totals.macs == 7_500_256_928 - 2048 * 1000, "\(a.backbone?.end ?? "none")")
        #expect(a.backbone?.end.hasPrefix("xception650_relu0_fwd#") == true, "\(a.backbone?.end ?? "none")")
    }

    @Test(
        "two heads averaged (a distillation head): the backbone ends where they part; two heads on two branches: none",
        arguments: [
            // the class and distillation tokens are two rows of the final LayerNorm's output; each
            // head is one dense layer, 192 features to 1,000 classes
            ("deit_tiny_distilled_patch16_224", "node_layer_norm_24", 2 * 192 * 1000, 2 * (192 * 1000 + 1000)),
            // each head is a BatchNorm (scale and shift) and a dense layer, 384 to 1,000, on the mean over tokens
            ("levit_128s", "/ReduceMean", 2 * 384 * 1000, 2 * (2 * 384 + 384 * 1000 + 1000)),
            // CrossViT's two heads read two branches' class tokens: no one node ends the backbone
            ("crossvit_tiny_240", nil, 0, 0),
        ] as [(String, String?, Int, Int)])
    func distillationHeads(_ model: String, _ end: String?, _ headMACs: Int, _ headParams: Int) throws {
        let entry = try #require(Self.entries.first { $0.model.name == "timm/\(model)" })
        let url = Self.root.appendingPathComponent("timm").appendingPathComponent(entry.model.file)
        let a = try Pipeline.count(ModelFile.contents(of: url), file: url.relativePath, entry: entry.model).analysis
        #expect(a.backbone?.end == end)
        if let backbone = a.backbone {
            #expect(a.totals.macs - backbone.totals.macs == headMACs)
            #expect(a.totals.params - backbone.totals.params == headParams)
        }
    }

    /// FlopCounterMode counts no product of the fused aten::lstm, so the export-time reference lacks
    /// the LSTM layers' MACs; tools/timm_lstm_reference.py counts them with each nn.LSTM written out
    /// step by step (same weights, same logits). opcat's figure, which the test below holds the
    /// count to, must be that one.
    @Test("opcat's MACs of the LSTM models equal FlopCounterMode's on the same network with its LSTMs unrolled")
    func unrolledLSTM() throws {
        let rows = Self.rows("timm", "lstm_reference.csv")
        #expect(rows.count == 3, "the three Sequencer2d models")
        for row in rows {
            let entry = try #require(
                Self.entries.first {
                    $0.zoo == "timm" && $0.reference["model"] == row["model"] && $0.reference["input"] == row["input"]
                },
                "\(row["model"] ?? "?") at \(row["input"] ?? "?") has no reference row")
            let opcat = entry.explained["macs"]?.value ?? entry.reference["macs"]
            #expect(opcat == row["macs_unrolled"], "\(row["model"] ?? "?") at \(row["input"] ?? "?")")
        }
    }

    @Test("every real-zoo model is complete and exact, or its difference is listed with the reason", arguments: entries)
    func counted(_ entry: Entry) throws {
        let r = entry.reference
        let name = entry.model.name
        let url = Self.root.appendingPathComponent(entry.zoo).appendingPathComponent(entry.model.file)
        let input = try ShapeSyntax.parseBinding(try #require(r["input"]))
        let a = try Pipeline.count(
            ModelFile.contents(of: url), file: url.relativePath, entry: entry.model, inputs: [input]
        ).analysis
        func check(_ measure: String, _ value: String, matches: Bool) {
            CorpusTests.expectListed(
                measure, value, matches: matches, subject: name, reference: r[measure], explained: entry.explained)
        }
        guard a.isComplete else {
            let missing =
                a.unsupported.map { "\($0.op) ×\($0.count)" }
                + a.unresolved.map { "run-time size at \($0.op) '\($0.node)'" }
            check("complete", missing.joined(separator: ", "), matches: false)
            return
        }
        check("complete", "", matches: true)
        // A proposed backbone is most of the model (SqueezeNet 1.1's head, a 1×1 convolution to
        // 1,000 classes, is a quarter of it; AlexNet's dense layers 8 %). GluonCV's classifiers
        // all have one (a model with two heads, such as a distilled one, may have none: ingest
        // names those).
        if let backbone = a.backbone {
            #expect(
                backbone.totals.macs * 4 > a.totals.macs * 3,
                "\(name): backbone \(backbone.end) has \(backbone.totals.macs) of \(a.totals.macs) MACs")
        } else {
            #expect(entry.zoo != "gluoncv", "\(name): no backbone end proposed")
        }
        check("macs", String(a.totals.macs), matches: String(a.totals.macs) == r["macs"])
        if let stored = r["stored_elements"], !stored.isEmpty {
            let elements = a.storageByType.values.reduce(0) { $0 + $1.elements }
            check("stored_elements", String(elements), matches: String(elements) == stored)
        }
        if let params = r["params"], !params.isEmpty {
            check("params", String(a.totals.params), matches: String(a.totals.params) == params)
        }
        if let buffers = r["buffers"], !buffers.isEmpty {
            check("buffers", String(a.totals.buffers), matches: String(a.totals.buffers) == buffers)
        }
    }
}
