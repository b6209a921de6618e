import ArgumentParser
import Catalog
import Foundation
import OpCount

struct LayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "Where a model spends its MACs: per-layer rows with shares, cumulative shares and bars.",
        discussion: """
            One row per layer of a stored model: output shape, params, MACs (muls with --convention \
            mxop), share of the model's total, cumulative share in the listed order, and a bar. In \
            file order the end of the backbone is marked; the part column says backbone or head. \
            Model names match case-insensitively.

            --group-by module[:DEPTH] sums the layers by module path (each layer's module as the \
            exporter's names give it, in CSV and JSON as `module`) to DEPTH levels (default 2): \
            a tree in text, indented, one row per module with every layer under it; flat rows \
            with `module` and `depth` in CSV and JSON. --group-by op sums them by canonical op, \
            most MACs first; --group-by type by op family (convolution, linear, attention, \
            normalization, elementwise, data-movement … as `opcat ops` lists them). --fold makes repeated modules one row (blocks.0 … blocks.11 as \
            blocks.* with ×12). Text output of a model over 200 layers is grouped by module, \
            folded, as deep as fits 30 rows, unless --group-by is given (--group-by none lists \
            every layer). --hide-zero leaves out rows with no params and no MACs.
            """)

    @Argument(help: "A model name in the catalog.", completion: CatalogCompletion.models)
    var model: String

    @OptionGroup var catalog: CatalogOptions

    @Option(
        name: .long, help: ArgumentHelp("The profile's input shape (default: the model's own).", valueName: "shape"))
    var input: String?

    @Option(name: .long, help: "Counting convention: standard or mxop.")
    var convention: Convention = .standard

    @Option(name: .long, help: "Order: order (topological), macs or params (largest first).")
    var sort: LayerOrder = .order

    @Option(name: .long, help: "Show only the first N rows (after sorting).")
    var top: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Sum the layers by module[:DEPTH] (default depth 2), by op, by type (op family), or none (every layer).",
            valueName: "grouping"))
    var groupBy: LayerGrouping?

    @Flag(name: .long, help: "Leave out rows with no params and no MACs.")
    var hideZero = false

    @Flag(name: .long, help: "With --group-by module: repeated modules (blocks.0, blocks.1 …) as one row, blocks.* ×N.")
    var fold = false

    @OptionGroup var output: FormatOptions

    enum LayerOrder: String, ExpressibleByArgument, CaseIterable { case order, macs, params }

    func validate() throws {
        _ = try inputKey()
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func inputKey() throws -> InputKey? { try input.map { InputKey(try InputOption.bindings([$0])) } }

    func run() throws {
        let catalog = try self.catalog.openForReading()
        let (profile, stored) = try catalog.layers(model: model, convention: convention, input: inputKey())
        Console.reportPartial(profile)
        // A large model reads by module unless asked otherwise (text only: CSV and JSON keep
        // every layer, the form scripts rely on).
        var grouping = groupBy ?? .none
        var folding = fold
        var defaulted = false
        if groupBy == nil, output.format == .text, stored.count > LayerGrouping.defaultAbove {
            // Repeated blocks folded, as deep as fits a screen.
            grouping = .module(depth: LayerGroup.screenDepth(stored))
            folding = true
            defaulted = true
        }
        if grouping != .none {
            try printGroups(profile, stored, grouping, fold: folding, defaulted: defaulted)
            return
        }
        var layers = hideZero ? stored.filter { $0.params != 0 || $0.cost != 0 || ($0.flops ?? 0) != 0 } : stored
        switch sort {
        case .order: break
        case .macs: layers.sort { ($0.cost, -$0.index) > ($1.cost, -$1.index) }
        case .params: layers.sort { ($0.params, -$0.index) > ($1.params, -$1.index) }
        }
        if let top { layers = Array(layers.prefix(top)) }
        var result = breakdown(
            profile, layers, showPrecision: stored.contains { ($0.precision ?? "float32×float32") != "float32×float32" }
        )
        if sort == .order, top == nil, !hideZero, let last = layers.lastIndex(where: \.inBackbone),
            last + 1 < layers.count,
            let end = profile.backboneEnd
        {
            result.dividers[last] = "-- backbone ends at \(end); the head follows --"
        }
        let total = profile.totals[convention.cost] ?? 0
        var header =
            "\(profile.model) at \(profile.input.shapes): \(layers.count) of \(stored.count) layers, "
            + "\(Numbers.grouped(total)) \(convention.cost.title)"
        if let parent = profile.floatParent, convention == .standard {
            header += "\n" + (try parentLine(catalog, profile, parent: parent))
        }
        Document(result, line: header).print(output.format)
    }

    /// The layers summed by module or op, with shares of the model's cost.
    func printGroups(
        _ profile: ProfileSummary, _ stored: [StoredLayer], _ grouping: LayerGrouping, fold: Bool, defaulted: Bool
    ) throws {
        let cost = convention.cost
        let order: ((LayerGroup, LayerGroup) -> Bool)? =
            switch sort {
            case .order: nil
            case .macs: { ($0.cost, $0.params) > ($1.cost, $1.params) }
            case .params: { ($0.params, $0.cost) > ($1.params, $1.cost) }
            }
        var groups: [LayerGroup]
        var what: String
        switch grouping {
        case .module(let depth):
            groups = LayerGroup.modules(stored, depth: depth, fold: fold, order: order)
            what = (fold ? "folded " : "") + "modules to depth \(depth)"
        case .op, .none:
            groups = LayerGroup.ops(stored)
            if let order { groups.sort(by: order) }
            what = "ops"
        case .type:
            groups = LayerGroup.types(stored)
            if let order { groups.sort(by: order) }
            what = "op families"
        }
        if hideZero { groups.removeAll(where: \.isZero) }
        if let top { groups = Array(groups.prefix(top)) }
        let total = profile.totals[cost] ?? 0
        let isModule = if case .module = grouping { true } else { false }
        let keyColumn = grouping == .type ? "type" : "op"
        var result = ResultSet([
            ResultSet.Column("model", nil, .text, in: .exact),
            ResultSet.Column(isModule ? "name" : keyColumn, isModule ? "module" : keyColumn, .text, in: .human),
            ResultSet.Column(isModule ? "module" : keyColumn, nil, .text, in: .exact),
            ResultSet.Column("depth", nil, .integer, in: isModule ? .exact : []),
            ResultSet.Column("instances", "×", .integer, in: fold && isModule ? OutputFormat.all : []),
            ResultSet.Column("layers", nil, .count(exponent: 0)),
            ResultSet.Column("params", nil, .count(exponent: 0)),
            ResultSet.Column(cost.key, cost.title, .count(exponent: 0)),
            ResultSet.Column("flops", "FLOPs", .count(exponent: 0), in: convention == .standard ? .exact : []),
            ResultSet.Column(
                "activations", nil, .count(exponent: 0), in: convention == .standard ? .exact : []),
            ResultSet.Column("share", nil, .share),
            ResultSet.Column("cumulative_share", "cumulative", .share, in: isModule ? [] : OutputFormat.all),
            ResultSet.Column("bar", "", .bar, in: .human),
        ])
        var cumulative = 0
        for group in groups {
            cumulative += group.cost
            let label = group.key.isEmpty ? "(model)" : String(group.key.split(separator: ".").last ?? "")
            let indent = String(repeating: "  ", count: group.level - 1)
            let share = Share(part: group.cost, total: total)
            result.append([
                .text(profile.model), .text(isModule ? indent + label : group.key), .text(group.key),
                .int(group.level), .int(group.instances), .int(group.layers), .int(group.params), .int(group.cost),
                group.flops.map { .int($0) } ?? .empty, group.activations.map { .int($0) } ?? .empty, .share(share),
                .share(Share(part: cumulative, total: total)),
                .share(share),
            ])
        }
        var header =
            "\(profile.model) at \(profile.input.shapes): \(stored.count) layers in \(groups.count) \(what), "
            + "\(Numbers.grouped(total)) \(cost.title)"
        if stored.contains(where: { $0.module == nil }) {
            header += "\n(layers stored before schema 8 have no module: grouped by name; ingest again with --force)"
        }
        var document = Document(result, line: header)
        if defaulted, case .module(let depth) = grouping {
            document.add(
                .line(
                    "\(stored.count) layers, grouped by module to depth \(depth) with repeated modules folded (×: how "
                        + "many); --group-by none lists every layer, --group-by module:N without --fold each module"),
                in: .human)
        }
        document.print(output.format)
    }

    /// One row per layer with its share of the model's cost and the running share.
    func breakdown(_ profile: ProfileSummary, _ layers: [StoredLayer], showPrecision: Bool) -> ResultSet {
        let cost = convention.cost
        var result = ResultSet([
            ResultSet.Column("model", nil, .text, in: .exact),
            ResultSet.Column("index", "#", .integer),
            ResultSet.Column("name", nil, .text),
            ResultSet.Column("op", nil, .text),
            ResultSet.Column("output_shapes", "output", .text),
            ResultSet.Column("params", nil, .count(exponent: 0)),
            ResultSet.Column(cost.key, cost.title, .count(exponent: 0)),
            ResultSet.Column("flops", "FLOPs", .count(exponent: 0), in: convention == .standard ? .exact : []),
            ResultSet.Column(
                "activations", nil, .count(exponent: 0), in: convention == .standard ? .exact : []),
            ResultSet.Column("share", nil, .share),
            ResultSet.Column("cumulative_share", "cumulative", .share),
            ResultSet.Column("bar", "", .bar, in: .human),
            ResultSet.Column("part", nil, .text, in: OutputFormat.all.subtracting([.json])),
            ResultSet.Column("in_backbone", nil, .flag(yes: "backbone", no: "head"), in: [.json]),
            ResultSet.Column("precision", nil, .text, in: showPrecision ? OutputFormat.all : .exact),
            ResultSet.Column("module", nil, .text, in: .exact),
        ])
        let total = profile.totals[cost] ?? 0
        var cumulative = 0
        for layer in layers {
            cumulative += layer.cost
            let share = Share(part: layer.cost, total: total)
            result.append([
                .text(profile.model), .int(layer.index), .text(layer.name), .text(layer.sourceOp),
                .text(layer.outputShapes.map { $0.map(formatShape) ?? "?" }.joined(separator: " ")),
                .int(layer.params), .int(layer.cost), layer.flops.map { .int($0) } ?? .empty,
                layer.activations.map { .int($0) } ?? .empty, .share(share),
                .share(Share(part: cumulative, total: total)),
                .share(share), .text(layer.inBackbone ? "backbone" : "head"), .flag(layer.inBackbone),
                .text(layer.precision), .text(layer.module),
            ])
        }
        return result
    }

    /// The quantized model beside its float parent: MACs, share at 8 bits, stored bytes.
    func parentLine(_ catalog: Catalog, _ profile: ProfileSummary, parent: String) throws -> String {
        let mine =
            "\(Share(part: profile.lowBitMACs, total: profile.totals[.macs] ?? 0).percent) of MACs at 8 bits, "
            + "\(Numbers.grouped(profile.storedBytes.values.reduce(0, +))) bytes stored"
        guard
            let float = try catalog.summaries(QueryScope(convention: .standard, input: profile.input, model: parent))
                .first
        else {
            return "quantized from \(parent) (not in the catalog at this input): \(mine)"
        }
        let macs = float.totals[.macs] ?? 0
        let same = macs == (profile.totals[.macs] ?? -1) ? "the same MACs" : "\(Numbers.grouped(macs)) MACs"
        return
            "quantized from \(parent) (\(same), \(Numbers.grouped(float.storedBytes.values.reduce(0, +))) bytes stored): \(mine)"
    }
}
