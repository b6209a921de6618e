import ArgumentParser
import Catalog
import Foundation
import ModelFormats
import OpCount

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed from one catalog model to another: totals, ops and modules, with deltas; a CI gate.",
        discussion: """
            Compares two models, each a catalog name or a model file (counted now; no catalog is \
            needed for two files), each at its default input (both at --input when given): the \
            totals side by side with the absolute and relative change (--old-input and --new-input \
            compare one model at two resolutions), \
            then the checkpoints' metrics where both sides have them (a checkpoint's name stands \
            for its model at the input it was evaluated at; a model's is its first checkpoint's), \
            then the params and MACs of each op type, then what was added, removed or changed, \
            aligned by structure, never by position: by module path (each layer's module as the \
            exporter's names give it) when the two models share most module paths, else layer by \
            layer by a sequence alignment of the counted layers' op and output shapes (a layer \
            of the same op with another shape or cost is changed); --align chooses. CSV and JSON \
            carry every row in one table with a `section` column (total, op, module or layer).

            --fail-if MEASURE>CHANGE makes the command a regression gate: the exit status is 4 \
            when a total grew by more than CHANGE, relative (macs>+2%) or absolute (params>+0, \
            macs>+100M), and stderr says which; repeat it for several gates. MEASURE is any \
            measure (params, macs, flops, activations …).

            Examples:
              opcat diff resnet18_v1 resnet18_v2
              opcat diff old_model new_model --fail-if 'macs>+2%' --fail-if 'params>+0'
              opcat diff resnet50 resnet50 --old-input 1x3x224x224 --new-input 1x3x320x320
              opcat diff mobilenet_v2_int8_qdq        (against its float parent)
              opcat diff resnet50.a1_in1k resnet50.fb_ssl_yfcc100m_ft_in1k   (two checkpoints)
            """)

    @Argument(help: "The model before: a catalog name or a model file.", completion: CatalogCompletion.modelsOrFiles)
    var old: String

    @Argument(
        help:
            "The model after: a catalog name or a model file (left out: OLD is a quantized model, compared with its float parent).",
        completion: CatalogCompletion.modelsOrFiles)
    var new: String?

    @OptionGroup var catalog: CatalogOptions

    @Option(name: .long, help: ArgumentHelp("Compare the profiles at this input shape.", valueName: "shape"))
    var input: String?

    @Option(name: .long, help: ArgumentHelp("The input of the model before (default: --input).", valueName: "shape"))
    var oldInput: String?

    @Option(name: .long, help: ArgumentHelp("The input of the model after (default: --input).", valueName: "shape"))
    var newInput: String?

    @Option(name: .long, help: "Counting convention: standard or mxop.")
    var convention: Convention = .standard

    @Option(
        name: .customLong("fail-if"),
        help: ArgumentHelp("Exit 4 when a total grows by more than this: macs>+2%, params>+0.", valueName: "gate"))
    var gates: [Gate] = []

    @Flag(name: .long, help: "Also list the modules or layers that did not change.")
    var all = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Pair the models' parts by module path, by a sequence alignment of layers (op and output shapes), or auto.",
            valueName: "auto|module|sequence"))
    var align: Alignment = .auto

    enum Alignment: String, ExpressibleByArgument, CaseIterable { case auto, module, sequence }

    @OptionGroup var output: FormatOptions

    /// `macs>+2%`: a measure, and the growth it may not exceed (relative or absolute).
    struct Gate: ExpressibleByArgument, CustomStringConvertible {
        var measure: Measure
        var relative: Double?
        var absolute: Int?
        var description: String

        init?(argument: String) {
            let parts = argument.split(separator: ">", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let measure = Measure(rawValue: parts[0]) else { return nil }
            var limit = Substring(parts[1])
            if limit.hasPrefix("+") { limit = limit.dropFirst() }
            self.measure = measure
            description = argument
            if limit.hasSuffix("%") {
                guard let value = Double(limit.dropLast()), value.isFinite, value >= 0 else { return nil }
                relative = value / 100
            } else {
                guard let value = try? QuantitySyntax.parse(String(limit)) else { return nil }
                absolute = value
            }
        }

        /// Whether growing from `old` to `new` crosses the gate.
        func crossed(_ old: Int, _ new: Int) -> Bool {
            if let absolute { return new - old > absolute }
            guard let relative else { return false }
            if old == 0 { return new > 0 }
            return Double(new - old) / Double(old) > relative
        }
    }

    func validate() throws {
        for shape in [input, oldInput, newInput].compactMap({ $0 }) { _ = try InputOption.bindings([shape]) }
    }

    /// One side of a comparison: a model's totals and layers.
    struct Side {
        var model: String
        var input: String
        var totals: ProfileCounts
        var layers: [StoredLayer]
        /// MACs with both operands of 8 bits or fewer, and the bytes params and buffers take as stored.
        var lowBitMACs: Int
        var storedBytes: Int
        var floatParent: String?
        /// The checkpoint whose metrics the side carries (a catalog model's first at its input).
        var checkpoint: String? = nil
        var metrics: [String: Double] = [:]

        /// `model` or `model (checkpoint)` when the checkpoint's name says more.
        var label: String {
            guard let checkpoint, checkpoint != model, !model.hasSuffix("/" + checkpoint) else { return model }
            return "\(model) (\(checkpoint))"
        }
    }

    /// A model file (a path to a regular file) is counted now; anything else is a catalog name.
    func side(_ argument: String, input: String?, catalog: inout Catalog?) throws -> Side {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), !isDirectory.boolValue {
            let bindings = try input.map { try InputOption.bindings([$0]) } ?? []
            let model = try ModelJob(file: URL(fileURLWithPath: argument)).count(inputs: bindings, backboneEnd: nil)
            Console.reportPartial(model)
            let a = model.analysis
            var totals = ProfileCounts()
            for measure in Measure.allCases { totals[measure] = convention.value(measure, a.totals, a.mxop) }
            let layers = a.layers.map { layer in
                StoredLayer(
                    index: layer.index, name: layer.name, op: layer.op, sourceOp: layer.sourceOp,
                    status: layer.status.rawValue, outputShapes: layer.outputShapes.map(Optional.some),
                    params: convention.value(.params, layer.counts, layer.mxop) ?? 0,
                    cost: convention.value(convention.cost, layer.counts, layer.mxop) ?? 0,
                    flops: convention.value(.flops, layer.counts, layer.mxop), inBackbone: layer.inBackbone,
                    precision: layer.precision?.description, module: model.module(of: layer))
            }
            let row = ComparisonRow(model, convention: convention)
            return Side(
                model: model.name, input: InputKey(a.inputs).shapes, totals: totals, layers: layers,
                lowBitMACs: row.lowBitMACs, storedBytes: row.storedBytes, floatParent: row.parent)
        }
        if catalog == nil { catalog = try self.catalog.openForReading() }
        var key = try input.map { InputKey(try InputOption.bindings([$0])) }
        var model = argument
        var checkpoint: String?
        // A checkpoint's name stands for its model at the input the checkpoint was evaluated at.
        if (try? catalog!.resolveModel(argument)) == nil, let owner = try catalog!.checkpointOwner(argument) {
            model = owner.model
            checkpoint = owner.checkpoint
            key = key ?? owner.evalInput
        }
        let (profile, layers) = try catalog!.layers(model: model, convention: convention, input: key)
        Console.reportPartial(profile)
        var metrics = profile.metrics
        if let checkpoint {
            let scope = QueryScope(convention: convention, input: profile.input, model: profile.model)
            metrics = try catalog!.summaries(scope).first { $0.checkpoint?.name == checkpoint }?.metrics ?? [:]
        } else {
            checkpoint = profile.checkpoint?.name
        }
        return Side(
            model: profile.model, input: profile.input.shapes, totals: profile.totals, layers: layers,
            lowBitMACs: profile.lowBitMACs, storedBytes: profile.storedBytes.values.reduce(0, +),
            floatParent: profile.floatParent, checkpoint: checkpoint, metrics: metrics)
    }

    func run() throws {
        var catalog: Catalog?
        let a: Side
        let b: Side
        if let new {
            a = try side(old, input: oldInput ?? input, catalog: &catalog)
            b = try side(new, input: newInput ?? input, catalog: &catalog)
        } else {
            // One quantized model: against the float model it was made from.
            b = try side(old, input: newInput ?? input, catalog: &catalog)
            guard let parent = b.floatParent else {
                throw CLIError(
                    "\(b.model) has no float parent; give two models (opcat diff OLD NEW), or one quantized model")
            }
            a = try side(parent, input: oldInput ?? input, catalog: &catalog)
        }
        let (aLayers, bLayers) = (a.layers, b.layers)
        let cost = convention.cost
        let result = ResultSet([
            ResultSet.Column("section", nil, .text, in: .exact),
            ResultSet.Column("key", "", .text),
            ResultSet.Column("status", nil, .text),
            ResultSet.Column("old", a.model, .count(exponent: 0)),
            ResultSet.Column("new", b.model, .count(exponent: 0)),
            ResultSet.Column("delta", "change", .text, in: .human),
            ResultSet.Column("delta", nil, .integer, in: .exact),
            ResultSet.Column("relative", nil, .text, in: .human),
            ResultSet.Column("relative", nil, .fraction, in: .exact),
        ])
        func row(_ section: String, _ key: String, _ x: Int?, _ y: Int?) -> [ResultSet.Cell] {
            let status =
                x == nil ? "added" : y == nil ? "removed" : x == y ? "same" : "changed"
            let delta = (y ?? 0) - (x ?? 0)
            let relative: Double? = x.flatMap { $0 == 0 ? nil : Double(delta) / Double($0) }
            return [
                .text(section), .text(key), .text(status), x.map { .int($0) } ?? .empty, y.map { .int($0) } ?? .empty,
                .text((delta > 0 ? "+" : "") + Numbers.grouped(delta)),
                .int(delta), .text(relative.map { String(format: "%+.2f%%", $0 * 100) } ?? ""),
                relative.map { .real($0) } ?? .empty,
            ]
        }
        var totals = result
        let measures: [Measure] =
            convention == .standard ? [.params, .buffers, .macs, .flops, .activations] : [.params, .muls]
        for measure in measures { totals.append(row("total", measure.key, a.totals[measure], b.totals[measure])) }
        if convention == .standard {
            // What quantization changes: the MACs at 8 bits or fewer and the bytes stored.
            totals.append(row("total", "macs_8bit", a.lowBitMACs, b.lowBitMACs))
            totals.append(row("total", "stored_bytes", a.storedBytes, b.storedBytes))
        }
        // The checkpoints' metrics (top-1 …), where both sides have them; a change in points.
        var metricRows = ResultSet([
            ResultSet.Column("section", nil, .text, in: .exact),
            ResultSet.Column("key", "metric", .text),
            ResultSet.Column("status", nil, .text),
            ResultSet.Column("old", a.checkpoint ?? a.model, .accuracy),
            ResultSet.Column("new", b.checkpoint ?? b.model, .accuracy),
            ResultSet.Column("delta", "change", .text),
        ])
        var metricCells: [[ResultSet.Cell]] = []
        for metric in Set(a.metrics.keys).intersection(b.metrics.keys).sorted() {
            let (x, y) = (a.metrics[metric]!, b.metrics[metric]!)
            let status = x == y ? "same" : "changed"
            metricRows.append([
                .text("metric"), .text(metric), .text(status), .real(x), .real(y),
                .text(String(format: "%+.2f pp", (y - x) * 100)),
            ])
            metricCells.append([
                .text("metric"), .text(metric), .text(status), .real(x), .real(y), .empty, .real(y - x), .empty,
                x == 0 ? .empty : .real((y - x) / x),
            ])
        }
        // Per op type: MACs (muls for mxop), then params where any.
        var ops = result
        let opsA = Dictionary(uniqueKeysWithValues: LayerGroup.ops(aLayers).map { ($0.key, $0) })
        let opsB = Dictionary(uniqueKeysWithValues: LayerGroup.ops(bLayers).map { ($0.key, $0) })
        let opKeys = Set(opsA.keys).union(opsB.keys).sorted {
            (max(opsA[$0]?.cost ?? 0, opsB[$0]?.cost ?? 0), $1) > (max(opsA[$1]?.cost ?? 0, opsB[$1]?.cost ?? 0), $0)
        }
        for op in opKeys {
            ops.append(row("op", "\(op) \(cost.key)", opsA[op]?.cost, opsB[op]?.cost))
            if (opsA[op]?.params ?? 0) != 0 || (opsB[op]?.params ?? 0) != 0 {
                ops.append(row("op", "\(op) params", opsA[op]?.params, opsB[op]?.params))
            }
        }
        // Modules aligned by path, at every depth, or counted layers by sequence alignment;
        // unchanged ones only with --all.
        var parts = result
        var partsLine: String
        let byModule =
            switch align {
            case .module: true
            case .sequence: false
            case .auto: LayerAlignment.modulesPair(aLayers, bLayers)
            }
        if byModule {
            let modA = LayerGroup.modules(aLayers, depth: .max)
            let modB = LayerGroup.modules(bLayers, depth: .max)
            let byPathA = Dictionary(modA.map { ($0.key, $0) }, uniquingKeysWith: { x, _ in x })
            let byPathB = Dictionary(modB.map { ($0.key, $0) }, uniquingKeysWith: { x, _ in x })
            var seen = Set<String>()
            var changed = 0
            for group in modA + modB where seen.insert(group.key).inserted {
                let x = byPathA[group.key]
                let y = byPathB[group.key]
                let same = x != nil && y != nil && x!.cost == y!.cost && x!.params == y!.params
                if !same { changed += 1 }
                guard all || !same else { continue }
                let name = group.key.isEmpty ? "(model)" : group.key
                parts.append(row("module", "\(name) \(cost.key)", x?.cost, y?.cost))
                if (x?.params ?? 0) != (y?.params ?? 0) {
                    parts.append(row("module", "\(name) params", x?.params, y?.params))
                }
            }
            partsLine = "\(changed) of \(seen.count) modules differ (aligned by module path)"
        } else {
            let countedA = LayerAlignment.counted(aLayers)
            let countedB = LayerAlignment.counted(bLayers)
            guard let pairs = LayerAlignment.align(countedA, countedB) else {
                throw CLIError(
                    "\(a.model) and \(b.model) have \(countedA.count) and \(countedB.count) counted layers, too many and "
                        + "too different to align layer by layer; --align module pairs them by module path")
            }
            var changed = 0
            for pair in pairs {
                let x = pair.old
                let y = pair.new
                let same =
                    x != nil && y != nil && x!.cost == y!.cost && x!.params == y!.params
                    && x!.outputShapes == y!.outputShapes
                if !same { changed += 1 }
                guard all || !same else { continue }
                let names = [x?.name, y?.name].compactMap { $0 }
                let name = (names.count == 2 && names[0] != names[1] ? "\(names[0]) → \(names[1])" : names[0])
                let op = (y ?? x)!.op
                let shapes = [x, y].compactMap { $0.map { Self.shapes($0) } }
                let shape = shapes.count == 2 && shapes[0] != shapes[1] ? "\(shapes[0]) → \(shapes[1])" : shapes[0]
                let key = "\(name) (\(op) \(shape))"
                let paramsDiffer = (x?.params ?? 0) != (y?.params ?? 0)
                if !paramsDiffer || (x?.cost ?? 0) != 0 || (y?.cost ?? 0) != 0 {
                    parts.append(row("layer", "\(key) \(cost.key)", x?.cost, y?.cost))
                }
                if paramsDiffer {
                    parts.append(row("layer", "\(key) params", x?.params, y?.params))
                }
            }
            partsLine = "\(changed) of \(pairs.count) counted layers differ (aligned by op, output shape and params"
            partsLine += align == .auto ? "; the models share too few module paths to pair by module)" : ")"
        }
        // A gate on a measure the convention does not define is an error before any output.
        for gate in gates where a.totals[gate.measure] == nil || b.totals[gate.measure] == nil {
            throw CLIError("--fail-if \(gate): the \(convention.rawValue) convention has no \(gate.measure.key)")
        }
        var document = Document()
        document.add(.line("\(a.label) → \(b.label) at \(a.input) → \(b.input)"), in: [.text])
        document.add(.result(totals), in: .human)
        if !metricRows.rows.isEmpty { document.add(.result(metricRows), in: .human) }
        document.add(.line("by op"), in: .human)
        document.add(.result(ops), in: .human)
        document.add(.line(partsLine + (all ? "" : "; --all lists the others too")), in: .human)
        if !parts.rows.isEmpty { document.add(.result(parts), in: .human) }
        var combined = result
        for part in [totals, ops, parts] { for r in part.rows { combined.append(r) } }
        for r in metricCells { combined.append(r) }
        document.add(.result(combined), in: .exact)
        document.print(output.format)
        let crossed = gates.filter { gate in
            guard let x = a.totals[gate.measure], let y = b.totals[gate.measure] else { return false }
            return gate.crossed(x, y)
        }
        if !crossed.isEmpty {
            for gate in crossed {
                let x = a.totals[gate.measure] ?? 0
                let y = b.totals[gate.measure] ?? 0
                Console.notice(
                    "gate \(gate) crossed: \(gate.measure.key) \(Numbers.grouped(x)) → \(Numbers.grouped(y))"
                        + (x == 0 ? "" : String(format: " (%+.2f%%)", Double(y - x) / Double(x) * 100)))
            }
            throw ExitCode(4)
        }
    }

    /// `1x64x56x56`, or `?` where a shape is unknown; several outputs joined by commas.
    static func shapes(_ layer: StoredLayer) -> String {
        layer.outputShapes.map { $0.map { $0.map(String.init).joined(separator: "x") } ?? "?" }.joined(separator: ",")
    }
}
