import ArgumentParser
import Catalog
import Foundation

struct LayersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "Where a model spends its MACs: per-layer rows with shares, cumulative shares and bars.",
        discussion: """
            One row per layer of a stored model: output shape, params, MACs (muls with --convention \
            mxop), share of the model's total, cumulative share in the listed order, and a bar. In \
            file order the end of the backbone is marked; the part column says backbone or head. \
            Model names match case-insensitively.
            """)

    @Argument(help: "A model name in the catalog.")
    var model: String

    @OptionGroup var catalog: CatalogOptions

    @Option(name: .long, help: ArgumentHelp("The profile's input shape (default: the model's own).", valueName: "shape"))
    var input: String?

    @Option(name: .long, help: "Counting convention: standard or mxop.")
    var convention: Convention = .standard

    @Option(name: .long, help: "Order: order (topological), macs or params (largest first).")
    var sort: LayerOrder = .order

    @Option(name: .long, help: "Show only the first N rows (after sorting).")
    var top: Int?

    @OptionGroup var output: FormatOptions

    enum LayerOrder: String, ExpressibleByArgument, CaseIterable { case order, macs, params }

    func validate() throws {
        if let input { try InputShape.check([input]) }
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func run() throws {
        let catalog = try self.catalog.openExisting()
        let (profile, stored) = try catalog.layers(model: model, convention: convention.rawValue, input: input)
        var layers = stored
        switch sort {
        case .order: break
        case .macs: layers.sort { ($0.cost, -$0.index) > ($1.cost, -$1.index) }
        case .params: layers.sort { ($0.params, -$0.index) > ($1.params, -$1.index) }
        }
        if let top { layers = Array(layers.prefix(top)) }
        let total = profile.totals.macs ?? profile.totals.muls
        // Quantized (or half-precision) models show each layer's precision.
        let showPrecision = stored.contains { ($0.precision ?? "float32×float32") != "float32×float32" }
        let costName = convention == .standard ? "macs" : "muls"
        let exact = output.format == .csv || output.format == .json
        var cumulative = 0
        var table = Table([
            Table.Column(exact ? "model" : "#", right: !exact), Table.Column(exact ? "index" : "name", right: exact),
            Table.Column(exact ? "name" : "op"), Table.Column(exact ? "op" : "output"), Table.Column(exact ? "output_shapes" : "params", right: !exact),
            Table.Column(exact ? "params" : (convention == .standard ? "MACs" : "muls"), right: true),
            Table.Column(exact ? costName : "share", right: true), Table.Column(exact ? "share" : "cumulative", right: true),
            Table.Column(exact ? "cumulative_share" : "", right: false), Table.Column("part"),
        ] + (showPrecision || exact ? [Table.Column("precision")] : []))
        var json: [JSON] = []
        var lastBackbone: Int? = nil
        for (row, layer) in layers.enumerated() {
            cumulative += layer.cost
            let share = Share(part: layer.cost, total: total), running = Share(part: cumulative, total: total)
            let shapes = Self.shapes(layer.outputShapes)
            if exact {
                table.append([profile.model, "\(layer.index)", layer.name, layer.sourceOp, shapes, "\(layer.params)", "\(layer.cost)",
                              share.ratio, running.ratio, layer.inBackbone ? "backbone" : "head", layer.precision ?? ""])
                json.append(.object([("model", .string(profile.model)), ("index", .int(layer.index)), ("name", .string(layer.name)),
                                     ("op", .string(layer.sourceOp)), ("output_shapes", .string(shapes)), ("params", .int(layer.params)),
                                     (costName, .int(layer.cost)), ("share", .number(share.fraction)),
                                     ("cumulative_share", .number(running.fraction)), ("in_backbone", .bool(layer.inBackbone)),
                                     ("precision", layer.precision.map(JSON.string) ?? .null)]))
            } else {
                table.append(["\(layer.index)", layer.name, layer.sourceOp, shapes, Numbers.grouped(layer.params),
                              Numbers.grouped(layer.cost), share.percent, running.percent, share.bar, layer.inBackbone ? "backbone" : "head"]
                             + (showPrecision ? [layer.precision ?? ""] : []))
            }
            if layer.inBackbone { lastBackbone = row }
        }
        switch output.format {
        case .csv: print(table.csv(), terminator: "")
        case .json: print(JSON.array(json).rendered(), terminator: "")
        case .markdown: print(table.markdown(), terminator: "")
        case .text:
            var lines = table.text().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if sort == .order, top == nil, let lastBackbone, lastBackbone + 1 < layers.count, let end = profile.backboneEnd {
                lines.insert("-- backbone ends at \(end); the head follows --", at: lastBackbone + 2)
            }
            var header = "\(profile.model) at \(profile.inputShape): \(layers.count) of \(stored.count) layers, \(Numbers.grouped(total)) \(convention == .standard ? "MACs" : "muls")"
            if let parent = profile.floatParent, convention == .standard {
                header += "\n" + (try parentLine(catalog, profile, parent: parent))
            }
            print(header + "\n\n" + lines.joined(separator: "\n"), terminator: "")
        }
    }

    /// The quantized model beside its float parent: MACs, share at 8 bits, stored bytes.
    func parentLine(_ catalog: Catalog, _ profile: ProfileSummary, parent: String) throws -> String {
        let mine = "\(Share(part: profile.lowBitMACs, total: profile.totals.macs ?? 0).percent) of MACs at 8 bits, "
            + "\(Numbers.grouped(profile.storedBytes.values.reduce(0, +))) bytes stored"
        guard let float = try catalog.summaries(convention: "standard", input: profile.input).first(where: { $0.model == parent }) else {
            return "quantized from \(parent) (not in the catalog at this input): \(mine)"
        }
        let macs = float.totals.macs ?? 0
        let same = macs == (profile.totals.macs ?? -1) ? "the same MACs" : "\(Numbers.grouped(macs)) MACs"
        return "quantized from \(parent) (\(same), \(Numbers.grouped(float.storedBytes.values.reduce(0, +))) bytes stored): \(mine)"
    }

    static func shapes(_ json: String) -> String {
        // [[1,64,56,56]] → 1x64x56x56 (several outputs separated by spaces).
        json.dropFirst().dropLast().split(separator: "]").map { part in
            part.filter { $0.isNumber || $0 == "," }.split(separator: ",").joined(separator: "x")
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// A part of a total as a fraction, a percentage and a bar.
struct Share {
    var part: Int
    var total: Int

    var fraction: Double { total > 0 ? Double(part) / Double(total) : 0 }

    /// Percent with two decimals, rounded half-up exactly.
    var percent: String {
        guard total > 0 else { return "-" }
        let (scaled, overflow) = part.multipliedReportingOverflow(by: 10_000)
        let q = overflow ? Int((fraction * 10_000).rounded()) : scaled / total + ((scaled % total) * 2 >= total ? 1 : 0)
        return "\(q / 100).\(q % 100 < 10 ? "0" : "")\(q % 100)%"
    }

    /// Six decimals, for CSV.
    var ratio: String { String(format: "%.6f", fraction) }

    /// One block per 2.5 %, eighths for the rest: 40 blocks would be the whole model.
    var bar: String {
        let eighths = Int((fraction * 40 * 8).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }
}
