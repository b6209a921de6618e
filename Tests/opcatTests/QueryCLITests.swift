import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The query commands on a catalog of the bundled zoo, compared whole with golden files.
struct QueryCLITests {
    typealias CLI = CLITests

    /// One catalog of the bundled zoo for every test here.
    static let catalog: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-query-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit {
            try? FileManager.default.removeItem(
                at: URL(fileURLWithPath: QueryCLITests.catalog).deletingLastPathComponent())
        }
        let path = dir.appendingPathComponent("zoo.sqlite").path
        let result = try! CLI.run(["ingest", "data/zoo", "--db", path])
        precondition(result.status == 0, result.stderr)
        return path
    }()

    static let outputs: [CLITests.Case] = [
        .init(golden: "pareto-help.txt", arguments: ["pareto", "--help"]),
        .init(golden: "best-help.txt", arguments: ["best", "--help"]),
        .init(golden: "layers-help.txt", arguments: ["layers", "--help"]),
        .init(golden: "export-markdown-help.txt", arguments: ["export", "markdown", "--help"]),
        .init(golden: "export-html-help.txt", arguments: ["export", "html", "--help"]),
        .init(golden: "table.txt", arguments: ["table"]),
        .init(
            golden: "zoo-seed-table.md",
            arguments: [
                "table", "--convention", "mxop", "--file-format", "mxnet-symbol", "--exclude-quantized", "--format",
                "markdown",
            ]),
        .init(
            golden: "table-quantized.txt",
            arguments: ["table", "--family", "resnet", "--columns", "parent", "int8_share", "stored_bytes"]),
        .init(
            golden: "table-onnx.txt",
            arguments: ["table", "--file-format", "onnx", "--columns", "format", "flops", "--sort", "macs"]),
        .init(
            golden: "layers-vit.txt",
            arguments: ["layers", "vit_b_16", "--sort", "macs", "--top", "12", "--group-by", "none"]),
        .init(golden: "layers-vit-grouped.txt", arguments: ["layers", "vit_b_16"]),
        .init(
            golden: "layers-vit-blocks.txt",
            arguments: ["layers", "vit_b_16", "--group-by", "module:4", "--hide-zero", "--sort", "macs", "--top", "8"]),
        .init(golden: "layers-ops.csv", arguments: ["layers", "resnet50_v1", "--group-by", "op", "--format", "csv"]),
        .init(golden: "table-sorted.csv", arguments: ["table", "--sort", "macs", "--desc", "--format", "csv"]),
        .init(golden: "table-mxop.csv", arguments: ["table", "--convention", "mxop", "--format", "csv"]),
        .init(
            golden: "table-resnet-v1.txt",
            arguments: ["table", "--family", "ResNet_V1", "--columns", "flops,activations", "--sort", "top1"]),
        .init(golden: "table.json", arguments: ["table", "--family", "squeezenet", "--format", "json"]),
        .init(
            golden: "table-patterns.txt",
            arguments: [
                "table", "--family", "resnet*", "--family", "MOBILENET_V3", "--model", "*18*", "--model",
                "mobilenet_v3*",
            ]),
        .init(golden: "pareto.txt", arguments: ["pareto"]),
        .init(golden: "pareto-all.csv", arguments: ["pareto", "--all", "--format", "csv"]),
        .init(
            golden: "pareto-params-top5-backbone.md",
            arguments: ["pareto", "--x", "params", "--y", "top5", "--backbone", "--format", "markdown"]),
        .init(golden: "pareto.json", arguments: ["pareto", "--family", "mobilenet_v2", "--format", "json"]),
        .init(golden: "best-2G.txt", arguments: ["best", "--max-macs", "2G"]),
        .init(
            golden: "best-rank-macs.txt", arguments: ["best", "--max-params", "10M", "--rank", "macs", "--limit", "4"]),
        .init(
            golden: "best-4G-30M.csv",
            arguments: ["best", "--max-macs", "4G", "--max-params", "30M", "--limit", "5", "--format", "csv"]),
        .init(
            golden: "best-backbone.json",
            arguments: [
                "best", "--max-macs", "1.5G", "--backbone", "--metric", "top5", "--limit", "3", "--format", "json",
            ]),
        .init(golden: "layers-resnet18.txt", arguments: ["layers", "ResNet18_V1"]),
        .init(
            golden: "layers-mobilenet-top.csv",
            arguments: ["layers", "mobilenet1.0", "--sort", "macs", "--top", "8", "--format", "csv"]),
        .init(
            golden: "layers-squeezenet-mxop.md",
            arguments: [
                "layers", "squeezenet1.1", "--convention", "mxop", "--sort", "params", "--top", "5", "--format",
                "markdown",
            ]),
    ]

    @Test("whole outputs", arguments: outputs)
    func output(_ c: CLITests.Case) throws {
        let arguments = c.arguments.contains("--help") ? c.arguments : c.arguments + ["--db", Self.catalog]
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        try CLI.expectGolden(result.stdout, c.golden)
    }

    @Test("docs/zoo.md and its chart are what export markdown writes for the bundled zoo")
    func zooPageIsCurrent() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CLI.run([
            "export", "markdown", "--db", Self.catalog, "--out", dir.appendingPathComponent("zoo.md").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["zoo.md", "zoo-pareto.svg"] {
            let fresh = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let committed = try String(contentsOf: CLI.root.appendingPathComponent("docs/\(name)"), encoding: .utf8)
            #expect(fresh == committed, "docs/\(name) is stale: run `make docs`")
        }
    }

    @Test("the chart is well-formed SVG with every model and a front line")
    func chart() throws {
        let svg = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-\(UUID().uuidString).svg")
        defer { try? FileManager.default.removeItem(at: svg) }
        func render(_ db: String, _ extra: [String] = []) throws -> String {
            let result = try CLI.run(["pareto", "--db", db, "--svg", svg.path, "--log-x"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            return try String(contentsOf: svg, encoding: .utf8)
        }
        let text = try render(Self.catalog)
        let document = try XMLDocument(data: Data(text.utf8))
        #expect(document.rootElement()?.name == "svg")
        let plotted = CLI.zooModels.filter(\.hasTop1)
        #expect(Self.count("</title>", in: text) == plotted.count, "a point (with its name) per model with a top-1")
        #expect(text.contains("stroke-dasharray"))
        #expect(text.contains("(log scale)"))
        // The plotted models' inputs and MACs, from the catalog's table.
        let table = try CLI.run(["table", "--db", Self.catalog, "--format", "csv"])
        let lines = table.stdout.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        let header = try #require(lines.first).map(String.init)
        let (input, macs, top1) = try (
            #require(header.firstIndex(of: "input")), #require(header.firstIndex(of: "macs")),
            #require(header.firstIndex(of: "top1"))
        )
        let rows = lines.dropFirst().filter { !$0[top1].isEmpty }
        let sides = Set(rows.compactMap { $0[input].split(separator: "x").last.flatMap { Int($0) } })
        // The title says what the accuracy is on and at which inputs (the manifest's metrics are
        // ImageNet-1k val).
        #expect(
            text.contains(
                "ImageNet-1k val top-1 against MACs, at each model&apos;s own input (\(sides.count) sizes, "
                    + "\(sides.min()!)–\(sides.max()!) px)"), "inputs \(sides)")
        // The axis ends at the data: it runs to 12 % past the costliest model, so the last 1-2-5
        // tick (in G) is the largest at or below that, and the next one is not drawn.
        let end = Double(rows.compactMap { Int($0[macs]) }.max()!) / 1e9 * 1.12
        let steps = (-1...3).flatMap { e in [1.0, 2, 5].map { $0 * pow(10, Double(e)) } }
        let last = try #require(steps.last { $0 <= end })
        let next = try #require(steps.first { $0 > end })
        #expect(text.contains(">\(Int(last))</text>") && !text.contains(">\(Int(next))</text>"), "axis end \(end) G")
        // Labels: every point where there is room up to 60 points, or as asked.
        let labels = { (svg: String) in Self.count("font-size=\"11\"", in: svg) }
        #expect(labels(text) > 30)
        #expect(labels(try render(Self.catalog, ["--labels", "none"])) == 0)
        let front = try render(Self.catalog, ["--labels", "front"])
        #expect(labels(front) >= 1 && labels(front) <= 8, "the eight models of the front, where there is room")
        // A family keeps its colour and marker when another family is added.
        func style(_ svg: String, _ family: String) -> String? {
            let lines = svg.split(separator: "\n")
            guard let i = lines.firstIndex(where: { $0.hasSuffix(">\(family)</text>") }), i > 0 else { return nil }
            let marker = lines[i - 1]
            return String(marker.split(separator: " ").first ?? "")
                + marker.matches(of: #/(fill|stroke|stroke-width)="[^"]+"/#).map { " " + String($0.output.0) }.joined()
                + (lines[i - 1].firstMatch(of: #/fill="[^"]+"/#).map { String($0.output) } ?? "")
        }
        let copy = try IngestCLITests.temporaryDirectory().appendingPathComponent("c.sqlite").path
        try FileManager.default.copyItem(atPath: Self.catalog, toPath: copy)
        let added = try CLI.run([
            "ingest", "data/zoo/squeezenet1.1-symbol.json", "--db", copy, "--name", "mine", "--family", "custom",
            "--top1", "0.6", "--metric-source", "test",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let more = try render(copy)
        // A family keeps its colour and marker as others come and go, unless the newcomer hashes to
        // its symbol with a higher priority: adding `custom` to the zoo's 17 families moves one
        // (mobilenet_v1), no other.
        let families = Set(plotted.map(\.family))
        #expect(families.allSatisfy { style(text, $0) != nil && style(more, $0) != nil })
        let moved = families.filter { style(text, $0) != style(more, $0) }
        #expect(moved.count <= 1, "\(moved)")
        // Up to 24 families all look different (colour and marker).
        let many = try IngestCLITests.temporaryDirectory().appendingPathComponent("m.sqlite").path
        let names = ["alexnet", "vgg", "resnet", "densenet", "mobilenet", "vit", "swin", "convnext"].flatMap {
            stem in
            ["", "_v2", "_tiny"].map { stem + $0 }
        }
        for (i, family) in names.enumerated() {
            let r = try CLI.run([
                "ingest", "data/zoo/squeezenet1.1-symbol.json", "--db", many, "--name", "m\(i)", "--family", family,
                "--top1", "0.\(50 + i)", "--metric-source", "test", "--force",
            ])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let crowded = try render(many)
        let styles = names.compactMap { style(crowded, $0) }
        #expect(styles.count == names.count && Set(styles).count == names.count, "\(styles)")
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    typealias Failure = CLITests.Failure

    static let failures: [Failure] = [
        Failure(
            arguments: ["layers", "resnet5"], status: 1, mentions: ["no model 'resnet5'", "did you mean resnet50, "]),
        Failure(
            arguments: ["layers", "resnet50_v1", "--input", "1x3x320x320"], status: 1,
            mentions: ["no profile at 1x3x320x320", "--input"]),
        Failure(
            arguments: ["best", "--max-macs", "2X"], status: 64, mentions: ["--max-macs 2X", "unknown suffix 'X'"]),
        Failure(arguments: ["best"], status: 64, mentions: ["give a budget"]),
        Failure(
            arguments: ["best", "--max-macs", "10M"], status: 2,
            mentions: ["no model fits MACs ≤ 0.01G", "the cheapest is mobilenetv2_0.25"]),
        Failure(
            arguments: ["table", "--family", "transformers"], status: 1,
            mentions: ["no models for family 'transformers'", "its families: alexnet, convnext"]),
        Failure(arguments: ["table", "--columns", "latency"], status: 64, mentions: ["unknown column 'latency'"]),
        Failure(arguments: ["pareto", "--x", "latency"], status: 64, mentions: ["latency"]),
    ]

    @Test("errors are one line on stderr with a non-zero status", arguments: failures)
    func failure(_ f: Failure) throws {
        let result = try CLI.run(f.arguments + ["--db", Self.catalog])
        #expect(result.status == f.status, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        for fragment in f.mentions {
            #expect(result.stderr.contains(fragment), "'\(result.stderr)' should mention \(fragment)")
        }
    }

    @Test("an empty catalog is one clear error for every query")
    func emptyCatalog() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("empty.sqlite").path
        let broken = dir.appendingPathComponent("x-symbol.json")
        try Data("{".utf8).write(to: broken)
        _ = try CLI.run(["ingest", broken.path, "--db", db])  // creates the catalog, stores nothing
        for arguments in [
            ["table"], ["pareto"], ["best", "--max-macs", "2G"], ["layers", "x"], ["export", "markdown"],
        ] {
            let result = try CLI.run(arguments + ["--db", db])
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("no model"), "\(arguments): \(result.stderr)")
        }
    }

    @Test("the 512² backbone question: every ONNX model takes the new input, and those that cannot are named")
    func backboneAt512() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-512-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("zoo.sqlite").path
        #expect(try CLI.run(["ingest", "data/zoo", "--db", db]).status == 0)
        let ingest = try CLI.run(["ingest", "data/zoo", "--input", "1x3x512x512", "--db", db])
        // ViT and Swin fix 224-derived sizes in their graphs: named at the node, the rest stored.
        #expect(ingest.status == 1)
        #expect(ingest.stderr.contains("47 added profile, 2 failed (vit_b_16, swin_t)"), "\(ingest.stderr)")
        #expect(ingest.stderr.contains("node '/Reshape' (Reshape)") && ingest.stderr.contains("re-export"))

        let best = try CLI.run(
            [
                "best", "--max-macs", "1.5G", "--backbone", "--input", "1x3x512x512", "--limit", "1", "--format", "csv",
                "--db", db,
            ])
        #expect(best.status == 0, "\(best.stderr)")
        #expect(best.stdout == Self.best512, "\(best.stdout)")
        #expect(best.stderr.contains("vit_b_16 cannot be counted at 1x3x512x512 and is left out"), "\(best.stderr)")
        #expect(best.stderr.contains("swin_t cannot be counted at 1x3x512x512 and is left out"), "\(best.stderr)")
    }

    /// `best --max-macs 1.5G --backbone --input 1x3x512x512 --limit 1` on the bundled zoo: MobileNetV3-Large,
    /// whose top-1 (0.75274, torchvision's figure in the manifest) was measured at 224². Its backbone
    /// MACs at 512², 1,112,096,640, are torch's FlopCounterMode count in
    /// data/reference/torchvision_resolutions.csv; the headroom is 1,500,000,000 − 1,112,096,640.
    static let best512 = """
        model,checkpoint,rank,top1,eval_input,backbone_macs,backbone_macs_headroom
        mobilenet_v3_large,mobilenet_v3_large,1,0.75274,1x3x224x224,1112096640,387903360

        """

    @Test("the 512² question needs no second ingest: models are counted from their stored definitions")
    func backboneAt512FromDefinitions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-512d-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("zoo.sqlite").path
        try FileManager.default.copyItem(atPath: Self.catalog, toPath: db)
        let arguments = [
            "best", "--max-macs", "1.5G", "--backbone", "--input", "1x3x512x512", "--limit", "1", "--format", "csv",
            "--db", db,
        ]
        let onTheFly = try CLI.run(arguments)
        #expect(onTheFly.status == 0, "\(onTheFly.stderr)")
        #expect(onTheFly.stdout == Self.best512, "\(onTheFly.stdout)")
        #expect(
            onTheFly.stderr.contains(
                "47 models had no stored profile at 1x3x512x512 and were counted from their stored definitions"),
            "\(onTheFly.stderr)")
        #expect(onTheFly.stderr.contains("`opcat profile --input 1x3x512x512`"))
        // The query wrote nothing.
        #expect(try IngestCLITests.sqlite(URL(fileURLWithPath: db), "SELECT count(*) FROM profiles") == "98")

        let profile = try CLI.run(["profile", "--input", "1x3x512x512", "--db", db])
        #expect(profile.status == 1)
        #expect(
            profile.stderr.contains("49 models: 47 profiled at 1x3x512x512, 2 failed (vit_b_16, swin_t)"),
            "\(profile.stderr)")
        #expect(profile.stderr.contains("node '/Reshape' (Reshape)") && profile.stderr.contains("re-export"))
        let stored = try CLI.run(arguments)
        #expect(stored.stdout == Self.best512)
        #expect(!stored.stderr.contains("counted from their stored definitions"), "\(stored.stderr)")
        let again = try CLI.run(["profile", "--input", "1x3x512x512", "--model", "mobilenet*", "--db", db])
        #expect(again.status == 0)
        #expect(again.stderr.contains("0 profiled at 1x3x512x512, 13 already there"), "\(again.stderr)")
    }

    @Test("best names the models within budget that have no accuracy to rank by")
    func unrankedAreNamed() throws {
        let result = try CLI.run(["best", "--max-macs", "20G", "--db", Self.catalog])
        #expect(result.status == 0)
        #expect(result.stderr.contains("fit MACs ≤ 20G but have no top-1"), "\(result.stderr)")
    }

    /// The rows of a CSV output, by header.
    static func csvRows(_ text: String) -> [[String: String]] {
        let lines = text.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test(
        "grouped layers sum to the model's totals, by module at every depth and by op",
        arguments: CLI.zooModels.map(\.name))
    func groupingSums(model: String) throws {
        let flat = Self.csvRows(try CLI.run(["layers", model, "--db", Self.catalog, "--format", "csv"]).stdout)
        #expect(!flat.isEmpty)
        func sum(_ rows: [[String: String]], _ key: String) -> Int { rows.reduce(0) { $0 + Int($1[key] ?? "0")! } }
        let macs = sum(flat, "macs")
        let params = sum(flat, "params")
        let total = Self.csvRows(
            try CLI.run([
                "table", "--model", model, "--columns", "activations", "--db", Self.catalog, "--format", "csv",
            ]).stdout)
        #expect(Int(total.first?["macs"] ?? "") == macs, "\(model): layer MACs sum to the profile's")
        let activations = sum(flat, "activations")
        #expect(
            Int(total.first?["activations"] ?? "") == activations, "\(model): layer activations sum to the profile's")
        for grouping in ["module:1", "module:2", "module:3", "module:8", "op", "type"] {
            let result = try CLI.run(["layers", model, "--group-by", grouping, "--db", Self.catalog, "--format", "csv"])
            #expect(result.status == 0, "\(result.stderr)")
            let rows = Self.csvRows(result.stdout)
            let top = grouping.hasPrefix("module") ? rows.filter { $0["depth"] == "1" } : rows
            #expect(sum(top, "macs") == macs && sum(top, "params") == params, "\(model) \(grouping)")
            #expect(sum(top, "activations") == activations, "\(model) \(grouping)")
            #expect(sum(top, "layers") == flat.count, "\(model) \(grouping)")
            // A module's row holds at least the rows inside it.
            if grouping.hasPrefix("module") {
                for (i, row) in rows.enumerated() {
                    let depth = Int(row["depth"]!)!
                    let inside = rows[(i + 1)...].prefix { Int($0["depth"]!)! > depth }.filter {
                        Int($0["depth"]!)! == depth + 1
                    }
                    #expect(sum(inside, "macs") <= Int(row["macs"]!)!, "\(model) \(grouping) \(row)")
                }
            }
        }
    }

    @Test("a model over 200 layers reads by module in text; --group-by none lists every layer")
    func groupedByDefault() throws {
        let text = try CLI.run(["layers", "vit_b_16", "--db", Self.catalog])
        #expect(text.status == 0)
        #expect(text.stdout.contains("with repeated modules folded"), "\(text.stdout)")
        #expect(text.stdout.split(separator: "\n").count < 34)
        // The first screen says it: twelve encoder layers, their MLPs 63.51 % of the MACs: per layer
        // two 768×3072 MatMuls over 197 tokens, 2 × 197 × 768 × 3072 = 929,562,624 MACs, × 12 =
        // 11,154,751,488 of 17,563,828,224 (the total torch.utils.flop_counter gives:
        // data/zoos/torchvision/reference.csv).
        let lines = text.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.contains { $0.first == "encoder_layer_*" && $0.dropFirst().first == "12" }, "\(text.stdout)")
        #expect(lines.contains { $0.first == "mlp" && $0.contains("63.51%") }, "\(text.stdout)")
        let every = try CLI.run(["layers", "vit_b_16", "--group-by", "none", "--db", Self.catalog])
        #expect(every.stdout.split(separator: "\n").count > 1_000)
        // In ViT-B/16 the MLP blocks take about two thirds of the MACs.
        let deep = Self.csvRows(
            try CLI.run(["layers", "vit_b_16", "--group-by", "module:4", "--db", Self.catalog, "--format", "csv"])
                .stdout)
        let mlp = deep.filter { $0["module"]!.hasSuffix(".mlp") }.reduce(0) { $0 + Int($1["macs"]!)! }
        let all = deep.filter { $0["depth"] == "1" }.reduce(0) { $0 + Int($1["macs"]!)! }
        #expect(mlp * 100 / all >= 60 && mlp * 100 / all <= 70, "\(mlp) of \(all)")
        let bad = try CLI.run(["layers", "vit_b_16", "--group-by", "module:0", "--db", Self.catalog])
        #expect(bad.status != 0 && bad.stderr.contains("group-by"), "\(bad.stderr)")
    }

    @Test("diff: a model with itself is all zero; v1 against v2 aligns the downsample convolution by module")
    func diff() throws {
        let same = try CLI.run(["diff", "resnet18_v1", "resnet18_v1", "--all", "--db", Self.catalog, "--format", "csv"])
        #expect(same.status == 0, "\(same.stderr)")
        let rows = Self.csvRows(same.stdout)
        // Counts are integers ("0"); the metric rows' deltas are reals ("0.0").
        #expect(
            rows.count > 50 && rows.allSatisfy { $0["status"] == "same" && Double($0["delta"] ?? "") == 0 },
            "\(same.stdout)")
        #expect(rows.contains { $0["section"] == "metric" && $0["key"] == "top1" }, "\(same.stdout)")
        let versions = Self.csvRows(
            try CLI.run(["diff", "resnet18_v1", "resnet18_v2", "--all", "--db", Self.catalog, "--format", "csv"]).stdout
        )
        // The 1×1 downsample convolution of stage 2 comes at another place in topological order
        // in v2; by module path it is the same layer, unchanged.
        let downsample = versions.first { $0["key"] == "stage2.conv2 macs" }
        #expect(downsample?["status"] == "same" && downsample?["old"] == "6422528", "\(String(describing: downsample))")
        #expect(versions.contains { $0["section"] == "total" && $0["key"] == "params" && $0["status"] == "changed" })
        // Without module paths (--align sequence; auto does it when the models share few paths, as
        // two exporters' files do) the counted layers are paired by op, output shape and params,
        // then moved layers by signature: v2's downsample convolutions, elsewhere in topological
        // order, are v1's, unchanged; what differs is BatchNorm (v2's two pre-activation ones
        // before stage 2 added, v1's three downsample ones removed: 6 + 128 − 256 − 512 − 1,024 =
        // −1,658 params, the change of the totals).
        let sequence = Self.csvRows(
            try CLI.run([
                "diff", "resnet18_v1", "resnet18_v2", "--align", "sequence", "--all", "--db", Self.catalog, "--format",
                "csv",
            ]).stdout)
        let layerRows = sequence.filter { $0["section"] == "layer" }
        let moved = layerRows.first { $0["key"]!.hasPrefix("resnetv10_stage2_conv2_fwd → resnetv20_stage2_conv2_fwd") }
        #expect(moved?["status"] == "same", "\(layerRows)")
        let differing = layerRows.filter { $0["status"] != "same" && $0["key"]!.hasSuffix(" params") }
        #expect(differing.count == 5 && differing.allSatisfy { $0["key"]!.contains("(BatchNorm ") }, "\(differing)")
        #expect(differing.reduce(0) { $0 + Int($1["delta"]!)! } == -1_658)
        // A deeper model of the same design: eight more basic blocks, each two convolutions with
        // their BatchNorms, added; nothing removed or changed.
        let deeper = Self.csvRows(
            try CLI.run([
                "diff", "resnet18_v1", "resnet34_v1", "--align", "sequence", "--db", Self.catalog, "--format", "csv",
            ]).stdout
        ).filter { $0["section"] == "layer" }
        #expect(deeper.allSatisfy { $0["status"] == "added" }, "\(deeper)")
        #expect(deeper.filter { $0["key"]!.contains("(Convolution ") && $0["key"]!.hasSuffix(" macs") }.count == 16)
        // A model file is counted now: against its own catalog entry nothing differs, and two
        // files need no catalog at all.
        let file = try CLI.run([
            "diff", "data/zoo/resnet18_v1-symbol.json", "resnet18_v1", "--all", "--db", Self.catalog, "--format", "csv",
        ])
        #expect(file.status == 0 && Self.csvRows(file.stdout).allSatisfy { $0["status"] == "same" }, "\(file.stdout)")
        let files = try CLI.run(
            ["diff", "data/zoo/resnet18_v1-symbol.json", "data/zoo/resnet34_v1-symbol.json", "--format", "csv"],
            environment: ["OPCAT_DB": "/nonexistent/catalog.sqlite"])
        #expect(files.status == 0, "\(files.stderr)")
        // resnet34_v1's MACs: torch's flop counter for the same architecture (data/zoos/torchvision/reference.csv).
        #expect(Self.csvRows(files.stdout).contains { $0["key"] == "macs" && $0["new"] == "3663761408" })
        // One model at two resolutions: the same params, more MACs.
        let resolutions = Self.csvRows(
            try CLI.run([
                "diff", "data/zoo/resnet18_v1-symbol.json", "data/zoo/resnet18_v1-symbol.json", "--new-input",
                "1x3x320x320", "--format", "csv",
            ]).stdout)
        #expect(resolutions.contains { $0["key"] == "params" && $0["status"] == "same" })
        #expect(resolutions.contains { $0["key"] == "macs" && $0["status"] == "changed" })
        // One quantized model: against its float parent, the MACs at 8 bits and the bytes stored.
        let quantized = Self.csvRows(
            try CLI.run(["diff", "mobilenet_v2_int8_qdq", "--db", Self.catalog, "--format", "csv"]).stdout)
        let eight = quantized.first { $0["key"] == "macs_8bit" }
        let bytes = quantized.first { $0["key"] == "stored_bytes" }
        #expect(
            eight?["old"] == "0" && eight?["new"] == quantized.first { $0["key"] == "macs" }?["new"], "\(quantized)")
        #expect(Int(bytes?["new"] ?? "") ?? .max < Int(bytes?["old"] ?? "") ?? 0, "\(quantized)")
        let float = try CLI.run(["diff", "resnet18_v1", "--db", Self.catalog])
        #expect(float.status == 1 && float.stderr.contains("has no float parent"), "\(float.stderr)")
    }

    @Test("diff --fail-if: exit 4 naming the gate crossed, 0 within every gate, a usage error for a bad gate")
    func diffGate() throws {
        let arguments = ["diff", "resnet18_v1", "resnet34_v1", "--db", Self.catalog]
        let crossed = try CLI.run(arguments + ["--fail-if", "macs>+2%", "--fail-if", "params>+200M"])
        #expect(crossed.status == 4, "\(crossed.stderr)")
        #expect(crossed.stderr.contains("gate macs>+2% crossed") && !crossed.stderr.contains("params>+200M"))
        let within = try CLI.run(arguments + ["--fail-if", "macs>+150%", "--fail-if", "params>+20M"])
        #expect(within.status == 0, "\(within.stderr)")
        // resnet18_v1 → resnet34_v1: 11,689,512 → 21,797,672 params and 1,814,073,344 → 3,663,761,408
        // MACs (+102 %); the same architectures' torch counts (params, torch.utils.flop_counter) in
        // Tests/Fixtures/corpus/reference.csv and data/zoos/torchvision/reference.csv.
        let absolute = try CLI.run(arguments + ["--fail-if", "params>+0"])
        #expect(
            absolute.status == 4 && absolute.stderr.contains("params 11,689,512 → 21,797,672"), "\(absolute.stderr)")
        let itself = try CLI.run(["diff", "resnet18_v1", "resnet18_v1", "--fail-if", "params>+0", "--db", Self.catalog])
        #expect(itself.status == 0)
        let bad = try CLI.run(arguments + ["--fail-if", "macs<2%"])
        #expect(bad.status == 64 && bad.stderr.contains("fail-if"), "\(bad.stderr)")
    }

    @Test("layers and diff of a stored partial model say its totals are partial, naming the unsupported op")
    func partialSaid() throws {
        typealias P = HostileFileTests.Proto
        let dir = try IngestCLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // x (1×3×8×8) → Relu → an op no registry knows → y.
        let dims = [1, 3, 8, 8].flatMap { P.bytes(1, P.int(1, UInt64($0))) }
        let type = P.bytes(1, P.int(1, 1) + P.bytes(2, dims))
        let graph =
            P.bytes(1, P.string(1, "x") + P.string(2, "r") + P.string(3, "relu") + P.string(4, "Relu"))
            + P.bytes(1, P.string(1, "r") + P.string(2, "y") + P.string(3, "odd") + P.string(4, "NoSuchOp"))
            + P.string(2, "g") + P.bytes(11, P.string(1, "x") + P.bytes(2, type)) + P.bytes(12, P.string(1, "y"))
        let file = dir.appendingPathComponent("odd.onnx")
        try Data(P.model(graph: graph)).write(to: file)
        let db = dir.appendingPathComponent("c.sqlite").path
        #expect(try CLI.run(["ingest", file.path, "--db", db]).status == 0)
        for arguments in [["layers", "odd"], ["layers", "odd", "--group-by", "op"], ["diff", "odd", "odd"]] {
            let result = try CLI.run(arguments + ["--db", db])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(
                result.stderr.contains("odd: totals are partial: unsupported ops NoSuchOp ×1"),
                "\(arguments): \(result.stderr)")
        }
    }
}
