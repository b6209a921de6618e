import ModelFormats
import OpCount

/// Formats counted models: one model's totals (and layers), or a table of many.
struct CountRenderer {
    var convention: Convention

    // MARK: One model

    func render(_ model: CountedModel, layers: Bool, format: OutputFormat) -> String {
        switch format {
        case .json: return CountJSON.model(model, layers: layers).rendered()
        case .csv: return layers ? layerTable(model, full: true).csv() : totalsTable(model, exact: true).csv()
        case .markdown:
            var out = header(model).map { "- \($0.0): \($0.1)" }.joined(separator: "\n") + "\n\n" + totalsTable(model).markdown()
            if let precision = precisionTable(model) { out += "\n" + precision.markdown() }
            if layers { out += "\n" + layerTable(model, full: false).markdown() }
            return out
        case .text:
            let head = header(model)
            let width = head.map(\.0.count).max() ?? 0
            var out = head.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 }.joined(separator: "\n")
            out += "\n\n" + totalsTable(model).text()
            if let precision = precisionTable(model) { out += "\n" + precision.text() }
            if layers { out += "\n" + layerTable(model, full: false).text() }
            return out
        }
    }

    /// Key facts above the totals.
    func header(_ model: CountedModel) -> [(String, String)] {
        let a = model.analysis
        var rows: [(String, String)] = [
            ("model", model.name),
            ("file", "\(model.file.relativePath) (\(model.format))"),
            ("input", a.inputs.map { "\($0.name) \(formatShape($0.shape))" }.joined(separator: ", ")),
            ("convention", convention.rawValue),
            ("layers", "\(a.layers.count)"),
        ]
        if let backbone = a.backbone { rows.append(("backbone end", backbone.end)) }
        rows.append(("complete", a.isComplete ? "yes" : "no (partial totals): \(partialReason(a))"))
        return rows
    }

    func partialReason(_ a: Analysis) -> String {
        var parts = a.unsupported.map { "unsupported \($0.op) ×\($0.count)" }
        if !a.unshapedNodes.isEmpty { parts.append("\(a.unshapedNodes.count) unshaped nodes") }
        if !a.uncountedParameters.isEmpty { parts.append("\(a.uncountedParameters.count) parameters of unknown shape") }
        return parts.joined(separator: ", ")
    }

    /// MACs by precision and stored bytes by type, for a model that is not all float32
    /// (quantized or half-precision).
    func precisionTable(_ model: CountedModel) -> Table? {
        let a = model.analysis
        let precisions = a.macsByPrecision, storage = a.storageByType
        guard convention == .standard,
              precisions.keys.contains(where: { $0 != Precision(activation: .float32, weight: .float32) })
                || storage.keys.contains(where: { $0 != .float32 }) else { return nil }
        var table = Table([Table.Column("precision"), Table.Column("MACs", right: true), Table.Column("share", right: true),
                           Table.Column("stored as"), Table.Column("elements", right: true), Table.Column("bytes", right: true)])
        let left = precisions.sorted { $0.key < $1.key }, right = storage.sorted { $0.key.rawValue < $1.key.rawValue }
        for i in 0..<max(left.count, right.count) {
            let p = i < left.count ? left[i] : nil, s = i < right.count ? right[i] : nil
            table.append([p?.key.description ?? "", p.map { Numbers.grouped($0.value) } ?? "",
                          p.map { Share(part: $0.value, total: a.totals.macs).percent } ?? "",
                          s?.key.rawValue ?? "", s.map { Numbers.grouped($0.value.elements) } ?? "", s.map { Numbers.grouped($0.value.bytes) } ?? ""])
        }
        return table
    }

    /// Rows of the chosen convention: total and, when known, backbone.
    func totalsTable(_ model: CountedModel, exact: Bool = false) -> Table {
        let a = model.analysis
        let scopes: [(String, [(String, Int)])] = [("total", fields(a.totals, a.mxop))]
            + (a.backbone.map { [("backbone", fields($0.totals, $0.mxop))] } ?? [])
        var table = Table([Table.Column("count")] + scopes.map { Table.Column($0.0, right: true) })
        for (i, field) in scopes[0].1.enumerated() {
            table.append([field.0] + scopes.map { exact ? String($0.1[i].1) : Numbers.grouped($0.1[i].1) })
        }
        return table
    }

    func fields(_ counts: Counts, _ mxop: MxopCounts) -> [(String, Int)] {
        switch convention {
        case .standard:
            [("params", counts.params), ("buffers", counts.buffers), ("param_bytes", counts.paramBytes),
             ("macs", counts.macs), ("flops", counts.flops), ("muls", counts.muls), ("adds", counts.adds),
             ("divs", counts.divs), ("exps", counts.exps), ("cmps", counts.cmps), ("activations", counts.activations)]
        case .mxop:
            mxop.fields.map { ($0.name, $0.value) }
        }
    }

    /// One row per layer. `full` (CSV) carries every count of both conventions.
    func layerTable(_ model: CountedModel, full: Bool) -> Table {
        let a = model.analysis
        if full {
            let countNames = Counts().fields.map(\.name)
            let mxopNames = MxopCounts().fields.map { "mxop_" + $0.name }
            var table = Table((["index", "name", "op", "source_op", "output_shapes"] + countNames + mxopNames + ["in_backbone", "status"])
                .map { Table.Column($0) })
            for layer in a.layers {
                table.append(["\(layer.index)", layer.name, layer.op, layer.sourceOp,
                              layer.outputShapes.map(formatShape).joined(separator: " ")]
                             + layer.counts.fields.map { "\($0.value)" } + layer.mxop.fields.map { "\($0.value)" }
                             + [layer.inBackbone ? "1" : "0", layer.status.rawValue])
            }
            return table
        }
        let (costName, total): (String, Int) = convention == .standard ? ("MACs", a.totals.macs) : ("muls", a.mxop.muls)
        var table = Table([
            Table.Column("#", right: true), Table.Column("name"), Table.Column("op"), Table.Column("output"),
            Table.Column("params", right: true), Table.Column(costName, right: true), Table.Column("share", right: true),
            Table.Column("backbone"),
        ])
        for layer in a.layers {
            let params = convention == .standard ? layer.counts.params : layer.mxop.params
            let cost = convention == .standard ? layer.counts.macs : layer.mxop.muls
            var op = layer.sourceOp
            if layer.status == .unsupported { op += " (unsupported)" }
            if layer.status == .unshaped { op += " (unshaped)" }
            table.append(["\(layer.index)", layer.name, op, layer.outputShapes.map(formatShape).joined(separator: " "),
                          Numbers.grouped(params), Numbers.grouped(cost), share(cost, of: total),
                          layer.inBackbone ? "yes" : "no"])
        }
        return table
    }

    func share(_ part: Int, of total: Int) -> String {
        guard total > 0 else { return "-" }
        // Percent with two decimals, rounded half-up exactly.
        let (scaled, overflow) = part.multipliedReportingOverflow(by: 10_000)
        guard !overflow else { return String(format2(Double(part) / Double(total) * 100)) + "%" }
        var q = scaled / total
        if (scaled % total) * 2 >= total { q += 1 }
        return "\(q / 100).\(q % 100 < 10 ? "0" : "")\(q % 100)%"
    }

    private func format2(_ v: Double) -> String {
        let q = Int((v * 100).rounded())
        return "\(q / 100).\(q % 100 < 10 ? "0" : "")\(q % 100)"
    }

    // MARK: Many models

    func renderTable(_ models: [CountedModel], format: OutputFormat) -> String {
        if format == .json { return JSON.array(models.map { CountJSON.model($0, layers: false) }).rendered() }
        return ComparisonTable(convention: convention).render(models.map { ComparisonRow($0, convention: convention) }, format: format)
    }
}
