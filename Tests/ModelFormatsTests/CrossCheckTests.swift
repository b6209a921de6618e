import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// `docs/cross-check.md`: opcat's exact counts of the bundled real zoos against the figures the
/// zoos publish themselves — timm's `infer_gmacs` (its benchmark tables, from its profiler, 0.01 G)
/// and `param_count` (results-imagenet.csv, 0.01 M), torchvision's `_ops` (GFLOPS, 0.001) and
/// `num_params` (each weights enum's `meta`). The published figures are the zoos' `published.csv`
/// and `published_gmacs.csv` (made by the export scripts from those sources); opcat's are counted
/// here from the bundled files at each input, as `opcat count` and ingest count them (and equal
/// to the framework's own, or listed in explained.csv, by RealZooTests). `make docs` writes the
/// page (`OPCAT_UPDATE_GOLDEN=1`); this test fails when it is stale.
struct CrossCheckTests {
    static let doc = RealZooTests.root.appendingPathComponent("../../docs/cross-check.md").standardized

    /// What one model at one input counts, and the elements of its normalizations (what a
    /// profiler that also counts normalization adds).
    struct Counted: Sendable {
        var macs = 0
        var params = 0
        var batchNormElements = 0
        var otherNormElements = 0
        /// MACs of the depthwise convolutions (one input channel per group, more than one group).
        var depthwiseMACs = 0
        /// MACs of the recurrent layers (LSTM, GRU, RNN).
        var recurrentMACs = 0
    }

    struct Key: Hashable, Sendable, Comparable {
        var zoo: String
        var model: String
        var input: String
        static func < (a: Key, b: Key) -> Bool { (a.zoo, a.model, a.input) < (b.zoo, b.model, b.input) }
    }

    /// What the counting threads collect.
    final class Collected: @unchecked Sendable {
        let lock = NSLock()
        var results: [Key: Counted] = [:]
        var failures: [String] = []
    }

    static func count(_ keys: [Key]) throws -> [Key: Counted] {
        var byZoo: [String: [String: ZooManifest.Entry]] = [:]
        for zoo in Set(keys.map(\.zoo)) {
            let m = try ZooManifest.load(directory: RealZooTests.root.appendingPathComponent(zoo))
            byZoo[zoo] = Dictionary(m.models.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        }
        let manifests = byZoo
        let collected = Collected()
        DispatchQueue.concurrentPerform(iterations: keys.count) { i in
            let key = keys[i]
            do {
                guard let entry = manifests[key.zoo]?[key.model] else {
                    throw CocoaError(
                        .fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "\(key.model): not in the manifest"])
                }
                let url = RealZooTests.root.appendingPathComponent(key.zoo).appendingPathComponent(entry.file)
                let a = try Pipeline.count(
                    ModelFile.contents(of: url), file: url.relativePath, entry: entry,
                    inputs: [try ShapeSyntax.parseBinding(key.input)]
                ).analysis
                var c = Counted(macs: a.totals.macs, params: a.totals.params)
                for layer in a.layers {
                    let elements = layer.outputShapes.first.map { $0.reduce(1, *) } ?? 0
                    switch layer.op {
                    case "BatchNorm": c.batchNormElements += elements
                    case "LayerNorm", "GroupNorm", "InstanceNorm": c.otherNormElements += elements
                    case "LSTM", "GRU", "RNN": c.recurrentMACs += layer.counts.macs
                    case "Convolution":
                        let perGroup = layer.inputShapes.count > 1 ? layer.inputShapes[1]?.dropFirst().first : nil
                        let channels = layer.inputShapes.first??.dropFirst().first
                        if perGroup == 1, let channels, channels > 1 { c.depthwiseMACs += layer.counts.macs }
                    default: break
                    }
                }
                if !a.isComplete {
                    throw CocoaError(
                        .featureUnsupported,
                        userInfo: [NSLocalizedDescriptionKey: "\(key.model) at \(key.input): partial count"])
                }
                collected.lock.withLock { collected.results[key] = c }
            } catch {
                collected.lock.withLock { collected.failures.append("\(key.model) at \(key.input): \(error)") }
            }
        }
        guard collected.failures.isEmpty else {
            throw CocoaError(
                .fileReadUnknown,
                userInfo: [NSLocalizedDescriptionKey: collected.failures.sorted().joined(separator: "; ")])
        }
        return collected.results
    }

    @Test("docs/cross-check.md is opcat's counts of the bundled zoos against their published figures")
    func current() throws {
        let fresh = try Self.page()
        if ProcessInfo.processInfo.environment["OPCAT_UPDATE_GOLDEN"] == "1" {
            try fresh.write(to: Self.doc, atomically: true, encoding: .utf8)
            return
        }
        let committed = try String(contentsOf: Self.doc, encoding: .utf8)
        #expect(fresh == committed, "docs/cross-check.md is stale: run `make docs`")
    }

    @Test(
        "docs/speed-*.svg chart every model and input timm measured on the device",
        arguments: [("speed-rtx4090.svg", "RTX 4090"), ("speed-cpu.svg", "Core i9-10940X")])
    func speedCharts(_ file: String, _ device: String) throws {
        let manifest = try ZooManifest.load(directory: RealZooTests.root.appendingPathComponent("timm"))
        // Points per model (a point's title is the model, with " @H×W" when it has several).
        var measured: [String: Set<[Int]>] = [:]
        for model in manifest.models {
            for m in model.measurements ?? [] where m.device == device && m.metric == "samples_per_sec" {
                measured[model.name, default: []].insert(m.input.shape)
            }
        }
        let svg = try String(
            contentsOf: Self.doc.deletingLastPathComponent().appendingPathComponent(file), encoding: .utf8)
        var drawn: [String: Int] = [:]
        for part in svg.components(separatedBy: "<title>").dropFirst() {
            guard let end = part.range(of: "</title>") else { continue }
            let title = String(part[..<end.lowerBound])
            drawn[String(title.split(separator: " @").first ?? ""), default: 0] += 1
        }
        #expect(!measured.isEmpty)
        let stale =
            measured.filter { drawn[$0.key] != $0.value.count }.map(\.key).sorted()
            + drawn.keys.filter { measured[$0] == nil }.sorted()
        #expect(
            stale.isEmpty, "docs/\(file) is stale: run `make docs` (\(stale.count) models differ: \(stale.prefix(5)))")
    }

    // MARK: - the page

    /// One published figure beside opcat's.
    struct Row {
        var key: Key
        var published: Double  // in the published unit (G or M)
        var opcat: Counted
        var decimals: Int
        var reason: String = ""

        /// opcat's figure in the published unit, rounded as the zoo rounds.
        func mine(_ value: Int, unit: Double) -> Double { Self.round(Double(value) / unit, decimals) }
        static func round(_ x: Double, _ decimals: Int) -> Double {
            let p = pow(10, Double(decimals))
            return (x * p).rounded() / p
        }
    }

    static func page() throws -> String {
        let timmGMACs = RealZooTests.rows("timm", "published_gmacs.csv")
        let timmParams = RealZooTests.rows("timm", "published.csv")
        let vision = RealZooTests.rows("torchvision", "published.csv")
        // timm's two benchmark tables give one figure each; the RTX 4090 table's where it has one.
        var gmacs: [Key: (value: Double, devices: Set<String>)] = [:]
        var disagree: Set<Key> = []
        var unpublished: [Key: String] = [:]  // measured, but the table's GMACs cell is empty: by device
        for r in timmGMACs {
            let key = Key(zoo: "timm", model: r["model"] ?? "", input: r["input"] ?? "")
            guard let text = r["infer_gmacs"], !text.isEmpty else {
                unpublished[key] = r["device"] ?? ""
                continue
            }
            // A figure that is not a number would sort anywhere and skew the range: refuse it.
            guard let value = Double(text), value.isFinite else {
                throw CocoaError(
                    .fileReadCorruptFile,
                    userInfo: [
                        NSLocalizedDescriptionKey:
                            "published_gmacs.csv: \(key.model) at \(key.input) has no infer_gmacs figure"
                    ])
            }
            if let seen = gmacs[key] {
                if seen.value != value { disagree.insert(key) }
                if r["device"] == "RTX 4090" { gmacs[key] = (value, seen.devices.union([r["device"] ?? ""])) }
            } else {
                gmacs[key] = (value, [r["device"] ?? ""])
            }
        }
        var params: [Key: (value: Double, checkpoints: [String])] = [:]
        for r in timmParams {
            let key = Key(zoo: "timm", model: r["model"] ?? "", input: r["eval_input"] ?? "")
            params[key, default: (Double(r["param_count_m"] ?? "") ?? .nan, [])].checkpoints.append(
                r["checkpoint"] ?? "")
        }
        var visionRows: [Key: [String: String]] = [:]
        for r in vision {
            visionRows[Key(zoo: "torchvision", model: r["model"] ?? "", input: r["eval_input"] ?? "")] = r
        }
        let keys = Set(gmacs.keys).union(params.keys).union(visionRows.keys).sorted()
        let counted = try count(keys)

        var out = """
            # Cross-check: opcat's exact counts against the zoos' published figures

            Generated by `make docs` from the bundled zoos (`data/zoos/`): opcat counts each file at each
            input a zoo publishes a figure for, and the figure is the zoo's own (`published.csv`,
            `published_gmacs.csv`, made by the export scripts from timm's result and benchmark tables and
            torchvision's weights `meta`). A test (`Tests/ModelFormatsTests/CrossCheckTests.swift`) fails
            when this page is stale.

            opcat's MACs are the multiply-accumulates of convolutions, linear layers, matrix products and
            attention, equal for every model to those `torch.utils.flop_counter` counts on the same network
            (or the difference is listed with its reason in the zoo's `explained.csv`); its parameters are
            the learnable tensors, buffers apart. A published figure is rounded (timm to 0.01 G and 0.01 M,
            torchvision's `_ops` to 0.001 G): a difference is counted as one only beyond that rounding.
            Differences are the published figure minus opcat's rounded the same way, relative to opcat's.


            """
        let fused = try reparameterized(counted)
        let fusedDisagree = disagree.filter { k in fused[k].map { $0 != counted[k]?.macs } ?? false }.count
        // timm MACs
        let macRows = gmacs.keys.sorted().compactMap { k -> Row? in
            guard let c = counted[k] else { return nil }
            return Row(key: k, published: gmacs[k]!.value, opcat: c, decimals: 2)
        }
        out += """
            ## timm: `infer_gmacs`

            timm's benchmark tables (`benchmark-infer-amp-nchw-pt291-cu128-4090.csv`, and the Core i9
            table for what that one lacks; the two give different figures for \(disagree.count) of the model
            and input pairs both list, \(fusedDisagree) of them models whose MACs change when fused, below)
            publish GMACs from timm's profiler (DeepSpeed's or fvcore's), which counts more than the
            linear ops.


            """
        let missing = unpublished.keys.filter { gmacs[$0] == nil }.sorted()
        if !missing.isEmpty {
            out += "Left out: \(missing.count) model and input pair\(missing.count == 1 ? "" : "s") timm measured "
            out += "without a GMACs figure (an empty `infer_gmacs` cell): "
            out +=
                missing.map {
                    "\(cell($0.model)) at \($0.input.split(separator: ":").last ?? "") (\(cell(unpublished[$0] ?? "")))"
                }
                .joined(separator: ", ") + ".\n\n"
        }
        out += distribution(macRows, unit: 1e9, value: \.macs, name: "model and input pairs")
        out += estimateSection(macRows, fused: fused)
        // timm params
        let timmReasons = explainedReasons("timm", "params")
        let paramRows = params.keys.sorted().compactMap { k -> Row? in
            guard let c = counted[k] else { return nil }
            var row = Row(key: k, published: params[k]!.value, opcat: c, decimals: 2)
            row.reason = timmReasons[k] ?? ""
            return row
        }
        out += """
            ## timm: `param_count`

            results-imagenet.csv gives every checkpoint's parameter count in millions (two decimals);
            the checkpoints of one file and input share it, so each such group is one row here
            (\(timmParams.count) checkpoints, \(paramRows.count) rows).


            """
        out += distribution(paramRows, unit: 1e6, value: \.params, name: "files and inputs")
        out += differences(paramRows, unit: 1e6, value: \.params, unitName: "M", limit: nil)
        // torchvision
        let visionReasons = explainedReasons("torchvision", "params")
        let visionMACs = visionRows.keys.sorted().compactMap { k -> Row? in
            guard let c = counted[k], let g = Double(visionRows[k]?["ops_gflops"] ?? "") else { return nil }
            return Row(key: k, published: g, opcat: c, decimals: 3)
        }
        let visionParams = visionRows.keys.sorted().compactMap { k -> Row? in
            guard let c = counted[k], let p = Double(visionRows[k]?["num_params"] ?? "") else { return nil }
            var row = Row(key: k, published: p, opcat: c, decimals: 0)
            row.reason = visionReasons[k] ?? ""
            return row
        }
        out += """
            ## torchvision: `_ops` and `num_params`

            Each weights enum's `meta` gives `_ops` (torchvision calls it GFLOPS; it counts
            multiply-accumulates, three decimals) and `num_params` (exact), per checkpoint
            (\(vision.count) checkpoints).

            ### `_ops`


            """
        out += distribution(visionMACs, unit: 1e9, value: \.macs, name: "checkpoints")
        out += differences(visionMACs, unit: 1e9, value: \.macs, unitName: "G", limit: nil, components: true)
        out += "### `num_params`\n\n"
        out += distribution(visionParams, unit: 1, value: \.params, name: "checkpoints")
        out += differences(visionParams, unit: 1, value: \.params, unitName: "", limit: nil)
        return out.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    }

    /// The reasons explained.csv gives for a measure's differences from the framework's figure,
    /// by model name and input (read once per zoo).
    static func explainedReasons(_ zoo: String, _ measure: String) -> [Key: String] {
        guard let manifest = try? ZooManifest.load(directory: RealZooTests.root.appendingPathComponent(zoo)) else {
            return [:]
        }
        let models = Dictionary(manifest.models.map { ($0.file, $0.name) }, uniquingKeysWith: { a, _ in a })
        var result: [Key: String] = [:]
        for row in RealZooTests.rows(zoo, "explained.csv") where row["measure"] == measure {
            guard let model = models[row["file"] ?? ""] else { continue }
            result[Key(zoo: zoo, model: model, input: row["input"] ?? "")] = row["reason"] ?? ""
        }
        return result
    }

    static func relative(_ row: Row, unit: Double, value: KeyPath<Counted, Int>) -> Double {
        let mine = Double(row.opcat[keyPath: value]) / unit
        return mine == 0 ? 0 : (row.published - row.mine(row.opcat[keyPath: value], unit: unit)) / mine
    }

    static func equalAtPrecision(_ row: Row, unit: Double, value: KeyPath<Counted, Int>) -> Bool {
        row.mine(row.opcat[keyPath: value], unit: unit) == row.published
    }

    /// A summary of how far the published figures are from opcat's.
    static func distribution(_ rows: [Row], unit: Double, value: KeyPath<Counted, Int>, name: String) -> String {
        let buckets: [(String, (Row) -> Bool)] = [
            ("equal at the published precision", { equalAtPrecision($0, unit: unit, value: value) }),
            (
                "published below opcat's",
                { !equalAtPrecision($0, unit: unit, value: value) && relative($0, unit: unit, value: value) < 0 }
            ),
            ("above by less than 0.5 %", { r in bucket(r, 0, 0.005) }),
            ("above by 0.5–1 %", { r in bucket(r, 0.005, 0.01) }),
            ("above by 1–2 %", { r in bucket(r, 0.01, 0.02) }),
            ("above by 2–5 %", { r in bucket(r, 0.02, 0.05) }),
            ("above by 5 % or more", { r in bucket(r, 0.05, .infinity) }),
        ]
        func bucket(_ r: Row, _ low: Double, _ high: Double) -> Bool {
            let d = relative(r, unit: unit, value: value)
            return !equalAtPrecision(r, unit: unit, value: value) && d >= low && d < high
        }
        var out = "| \(rows.count) \(name) | count | share |\n|---|---:|---:|\n"
        for (label, test) in buckets {
            let n = rows.filter(test).count
            out += "| \(label) | \(n) | \(percent(Double(n) / Double(max(rows.count, 1)))) |\n"
        }
        let sorted = rows.map { relative($0, unit: unit, value: value) }.sorted()
        if !sorted.isEmpty {
            out += "\nMedian difference \(signedPercent(sorted[sorted.count / 2])); "
            out += "range \(signedPercent(sorted.first!)) to \(signedPercent(sorted.last!)).\n\n"
        }
        return out
    }

    /// The rows that differ beyond rounding, largest first.
    static func differences(
        _ rows: [Row], unit: Double, value: KeyPath<Counted, Int>, unitName: String, limit: Int?,
        components: Bool = false
    ) -> String {
        let differing = rows.filter { !equalAtPrecision($0, unit: unit, value: value) }
            .sorted { abs(relative($0, unit: unit, value: value)) > abs(relative($1, unit: unit, value: value)) }
        guard !differing.isEmpty else { return "Every published figure equals opcat's at its precision.\n\n" }
        let shown = limit.map { Array(differing.prefix($0)) } ?? differing
        var out =
            shown.count < differing.count ? "The \(shown.count) largest of \(differing.count) differences:\n\n" : ""
        out += "| model | input | opcat | published | difference |"
        out += components ? " BatchNorm elements | LayerNorm/GroupNorm elements |" : " reason (explained.csv) |"
        out += "\n|---|---|---:|---:|---:|" + (components ? "---:|---:|" : "---|") + "\n"
        for r in shown {
            let mine = Double(r.opcat[keyPath: value])
            out += "| \(cell(r.key.model)) | \(r.key.input.split(separator: ":").last ?? "") "
            out +=
                "| \(figure(mine / unit, unitName, unit == 1 ? 0 : 3)) | \(figure(r.published, unitName, r.decimals)) "
            out += "| \(signedPercent(relative(r, unit: unit, value: value))) |"
            if components {
                out += " \(grouped(r.opcat.batchNormElements)) | \(grouped(r.opcat.otherNormElements)) |"
            } else {
                out += " \(cell(shortReason(r.reason))) |"
            }
            out += "\n"
        }
        return out + "\n"
    }

    /// timm's profiler counts normalization too: the estimate adds 2 per BatchNorm element and 5 per
    /// LayerNorm/GroupNorm/InstanceNorm element (a scale and shift; statistics, scale and shift) to
    /// opcat's MACs.
    static func estimate(_ c: Counted) -> Double {
        Double(c.macs + 2 * c.batchNormElements + 5 * c.otherNormElements) / 1e9
    }

    static func estimateSection(_ rows: [Row], fused: [Key: Int]) -> String {
        let within = rows.filter { abs(Row.round(estimate($0.opcat), 2) - $0.published) <= 0.0100001 }
        let exact = rows.filter { Row.round(estimate($0.opcat), 2) == $0.published }
        var out = """
            **Where the difference comes from.** timm's profiler also counts normalization: adding 2 per
            BatchNorm element (scale and shift) and 5 per LayerNorm, GroupNorm or InstanceNorm element
            (statistics, scale and shift) to opcat's MACs, both taken from opcat's per-layer output shapes,
            gives timm's figure exactly at two decimals for \(exact.count) of the \(rows.count) pairs
            (\(percent(Double(exact.count) / Double(max(rows.count, 1))))), and within 0.01 G for
            \(within.count) (\(percent(Double(within.count) / Double(max(rows.count, 1))))). The rest, largest
            first, with how far that estimate still is from timm's figure:


            """
        let rest = rows.filter { abs(Row.round(estimate($0.opcat), 2) - $0.published) > 0.0100001 }
            .sorted {
                abs(estimate($0.opcat) - $0.published) / $0.published > abs(estimate($1.opcat) - $1.published)
                    / $1.published
            }
        let families =
            (try? ZooManifest.load(directory: RealZooTests.root.appendingPathComponent("timm")))
            .map { Dictionary($0.models.map { ($0.name, $0.family ?? "") }, uniquingKeysWith: { a, _ in a }) } ?? [:]
        var byFamily: [String: Int] = [:]
        for r in rest { byFamily[families[r.key.model] ?? "", default: 0] += 1 }
        let why = Dictionary(
            rest.map { ($0.key, convention($0, family: families[$0.key.model] ?? "", fused: fused)) },
            uniquingKeysWith: { a, _ in a })
        /// How many rows a convention explains, and of which families.
        func tally(_ kind: Convention) -> String {
            var n: [String: Int] = [:]
            for (key, e) in why where e?.kind == kind { n[families[key.model] ?? "", default: 0] += 1 }
            let total = n.values.reduce(0, +)
            guard total > 0 else { return "None" }
            let list = n.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\(cell($0.key)) \($0.value)" }
            return "\(total) (\(list.joined(separator: ", ")))"
        }
        out += "By timm family: "
        out +=
            byFamily.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\(cell($0.key)) \($0.value)" }
            .joined(separator: ", ") + ". "
        out += """
            A convention explains \(why.values.compactMap { $0 }.count) of the \(rest.count) (the last column):

            - \(tally(.reparameterized)): architectures that train with parallel branches (RepVGG,
              MobileOne, FastViT, RepViT, GhostNetV3 …) which `timm.utils.reparameterize_model` fuses into
              one convolution for inference. The exported graph is the training-time network, as
              `timm.create_model` builds it; timm's RTX 4090 table profiles the fused one (its Core i9 table
              the unfused one). The fused network's MACs, by
              FlopCounterMode (`reparameterized.csv`, made by `tools/timm_reparameterized.py`), rounded to
              two decimals, are within 0.01 G or 1 % of timm's figure.
            - \(tally(.recurrent)): LSTM layers, which timm's profiler does not count (nor does
              FlopCounterMode: `explained.csv`); the estimate without them is within 0.01 G of timm's figure.
            - \(tally(.depthwise)): the estimate without the depthwise convolutions is within 0.01 G of
              timm's figure: the profiler did not see them (ConvMixer's sit inside a residual wrapper,
              with `padding="same"`).
            - \(tally(.standardized)): families that standardize their convolution weights in every
              forward (`nfnet`'s ScaledStdConv2d, `resnetv2`'s StdConv2d in the BiT models, and the
              `vision_transformer_hybrid` models built on that backbone): the profiler counts that
              normalization over every weight, each time, which adds to timm's figure and is no
              multiply-accumulate of the inference (opcat counts those ops as the FLOPs they are).


            """
        out +=
            "| model | family | input | opcat GMACs | timm GMACs | difference | estimate | timm − estimate | convention |\n"
        out += "|---|---|---|---:|---:|---:|---:|---:|---|\n"
        for r in rest.prefix(40) {
            let e = estimate(r.opcat)
            out +=
                "| \(cell(r.key.model)) | \(cell(families[r.key.model] ?? "")) | \(r.key.input.split(separator: ":").last ?? "") "
            out += "| \(figure(Double(r.opcat.macs) / 1e9, "", 3)) | \(figure(r.published, "", 2)) "
            out += "| \(signedPercent(relative(r, unit: 1e9, value: \.macs))) | \(figure(e, "", 3)) "
            out += "| \(signedPercent((r.published - e) / e)) | \(why[r.key].flatMap { $0 }?.text ?? "—") |\n"
        }
        if rest.count > 40 { out += "\n(\(rest.count - 40) more, each under the smallest shown.)\n" }
        return out + "\n"
    }

    enum Convention { case reparameterized, recurrent, depthwise, standardized }

    struct Explanation {
        var kind: Convention
        var text: String
    }

    static let weightStandardized: Set<String> = ["nfnet", "resnetv2", "vision_transformer_hybrid"]

    /// The convention that accounts for a row the normalization estimate does not: each is checked
    /// against the figures (a fused network's MACs, the estimate less a kind of layer), but for
    /// weight standardization, whose cost is the profiler's and not in any graph.
    static func convention(_ r: Row, family: String, fused: [Key: Int]) -> Explanation? {
        let e = estimate(r.opcat)
        func near(_ g: Double) -> Bool { abs(Row.round(g, 2) - r.published) <= 0.0100001 }
        if let f = fused[r.key], f != r.opcat.macs,
            abs(Row.round(Double(f) / 1e9, 2) - r.published) <= max(0.0100001, 0.01 * Double(f) / 1e9)
        {
            return Explanation(kind: .reparameterized, text: "fused: \(figure(Double(f) / 1e9, "", 3))")
        }
        if r.opcat.recurrentMACs > 0, near(e - Double(r.opcat.recurrentMACs) / 1e9) {
            return Explanation(
                kind: .recurrent, text: "without LSTM: \(figure(e - Double(r.opcat.recurrentMACs) / 1e9, "", 3))")
        }
        if r.opcat.depthwiseMACs > 0, near(e - Double(r.opcat.depthwiseMACs) / 1e9) {
            return Explanation(
                kind: .depthwise,
                text: "without depthwise: \(figure(e - Double(r.opcat.depthwiseMACs) / 1e9, "", 3))")
        }
        if weightStandardized.contains(family) {
            return Explanation(kind: .standardized, text: "weight standardization")
        }
        return nil
    }

    /// FlopCounterMode's MACs of the fused network, where timm can reparameterize a model. The
    /// figures must come from the network opcat counted: FlopCounterMode's MACs before fusing are
    /// opcat's, else this throws.
    static func reparameterized(_ counted: [Key: Counted]) throws -> [Key: Int] {
        var result: [Key: Int] = [:]
        for r in RealZooTests.rows("timm", "reparameterized.csv") {
            let key = Key(zoo: "timm", model: r["model"] ?? "", input: r["input"] ?? "")
            guard let mine = counted[key]?.macs, Int(r["macs"] ?? "") == mine,
                let macs = Int(r["macs_reparameterized"] ?? "")
            else {
                throw CocoaError(
                    .fileReadCorruptFile,
                    userInfo: [
                        NSLocalizedDescriptionKey:
                            "reparameterized.csv: \(key.model) at \(key.input): FlopCounterMode's \(r["macs"] ?? "?") "
                            + "MACs before fusing are not opcat's \(counted[key].map { String($0.macs) } ?? "(not counted)")"
                    ])
            }
            result[key] = macs
        }
        return result
    }

    // MARK: - formatting

    static func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
    static func signedPercent(_ x: Double) -> String {
        let s = String(format: "%+.2f %%", x * 100)
        return s == "-0.00 %" ? "+0.00 %" : s
    }
    static func figure(_ x: Double, _ unit: String, _ decimals: Int) -> String {
        decimals == 0
            ? grouped(Int(x.rounded())) + unit : String(format: "%.\(decimals)f", x) + (unit.isEmpty ? "" : " \(unit)")
    }
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
    /// A Markdown table cell: pipes and line breaks escaped, markup characters taken literally.
    static func cell(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "|": out += "\\|"
            case "\n", "\r": out += " "
            case "\\", "*", "_", "`", "<", ">", "[", "]": out += "\\\(c)"
            default: out.append(c)
            }
        }
        return out
    }
    /// An explained.csv reason without its list of tensor names.
    static func shortReason(_ s: String) -> String {
        guard !s.isEmpty else { return "—" }
        // Each part reads "+N elements: what they are: their names (hint)".
        return s.split(separator: ";").map { part -> String in
            let text = String(part).trimmingCharacters(in: .whitespaces)
            guard let head = text.range(of: " elements: "),
                let colon = text.range(of: ": ", range: head.upperBound..<text.endIndex)
            else { return text }
            return String(text[..<colon.lowerBound])
        }.joined(separator: "; ")
    }
}
