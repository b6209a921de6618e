import ModelFormats
import OpCount

/// The documents of `opcat count`: one model's facts, totals (and layers), or a table of many.
struct CountRenderer {
    var convention: Convention

    // MARK: One model

    func document(_ model: CountedModel, layers: Bool) -> Document {
        var document = Document(json: { CountJSON.model(model, layers: layers) })
        document.add(.facts(facts(model)), in: .human)
        document.add(.result(totals(model)), in: layers ? .human : OutputFormat.all)
        if let precision = precisionTable(model) { document.add(.result(precision), in: .human) }
        if layers { document.add(.result(layerTable(model))) }
        return document
    }

    /// Key facts above the totals.
    func facts(_ model: CountedModel) -> [(String, String)] {
        let a = model.analysis
        var rows: [(String, String)] = [
            ("model", model.name),
            ("file", "\(model.file) (\(model.format))"),
            ("input", a.inputs.map { "\($0.name) \(formatShape($0.shape))" }.joined(separator: ", ")),
            ("convention", convention.rawValue),
            ("layers", "\(a.layers.count)"),
        ]
        if let backbone = a.backbone { rows.append(("backbone end", backbone.end)) }
        rows.append(("complete", a.isComplete ? "yes" : "no (partial totals): \(partialReason(a))"))
        if !a.isExact {
            rows.append(
                (
                    "exact",
                    "no (upper bounds): sizes depend on the data at " + a.boundsSummary(limit: 8)
                ))
        }
        return rows
    }

    func partialReason(_ a: Analysis) -> String {
        var parts = a.unsupported.map { "unsupported \($0.op) ×\($0.count)" }
        if !a.unresolved.isEmpty { parts.append("sizes known only at run time at " + a.unresolvedSummary(limit: 8)) }
        if !a.unshapedNodes.isEmpty { parts.append("\(a.unshapedNodes.count) unshaped nodes") }
        if !a.uncountedParameters.isEmpty { parts.append("\(a.uncountedParameters.count) parameters of unknown shape") }
        return parts.joined(separator: ", ")
    }

    /// MACs by precision and stored bytes by type, for a model that is not all float32
    /// (quantized or half-precision).
    func precisionTable(_ model: CountedModel) -> ResultSet? {
        let a = model.analysis
        let precisions = a.macsByPrecision
        let storage = a.storageByType
        guard convention == .standard,
            precisions.keys.contains(where: { $0 != Precision(activation: .float32, weight: .float32) })
                || storage.keys.contains(where: { $0 != .float32 })
        else { return nil }
        var result = ResultSet([
            ResultSet.Column("precision", nil, .text), ResultSet.Column("macs", "MACs", .count(exponent: 0)),
            ResultSet.Column("share", nil, .share), ResultSet.Column("stored_as", "stored as", .text),
            ResultSet.Column("elements", nil, .count(exponent: 0)), ResultSet.Column("bytes", nil, .count(exponent: 0)),
        ])
        let left = precisions.sorted { $0.key < $1.key }
        let right = storage.sorted { $0.key.rawValue < $1.key.rawValue }
        for i in 0..<max(left.count, right.count) {
            let p = i < left.count ? left[i] : nil
            let s = i < right.count ? right[i] : nil
            result.append([
                .text(p?.key.description), .count(p?.value),
                p.map { .share(Share(part: $0.value, total: a.totals.macs)) } ?? .empty,
                .text(s?.key.rawValue), .count(s?.value.elements), .count(s?.value.bytes),
            ])
        }
        return result
    }

    /// The convention's measures, total and (when known) backbone.
    func totals(_ model: CountedModel) -> ResultSet {
        let a = model.analysis
        let scopes: [(String, Counts, MxopCounts)] =
            [("total", a.totals, a.mxop)]
            + (a.backbone.map { [("backbone", $0.totals, $0.mxop)] } ?? [])
        var result = ResultSet(
            [ResultSet.Column("count", nil, .text)]
                + scopes.map { ResultSet.Column($0.0, nil, .count(exponent: 0)) })
        for measure in Measure.readingOrder where convention.measures.contains(measure) {
            result.append([.text(measure.key)] + scopes.map { .count(convention.value(measure, $0.1, $0.2)) })
        }
        return result
    }

    /// One row per layer: params, cost and share for people; every count of both conventions
    /// in CSV.
    func layerTable(_ model: CountedModel) -> ResultSet {
        let a = model.analysis
        let cost = convention.cost
        var columns = [
            ResultSet.Column("index", "#", .integer), ResultSet.Column("name", nil, .text),
            ResultSet.Column("source_op", "op", .text, in: .human), ResultSet.Column("op", nil, .text, in: .exact),
            ResultSet.Column("source_op", nil, .text, in: .exact), ResultSet.Column("output_shapes", "output", .text),
            ResultSet.Column("params", nil, .count(exponent: 0), in: .human),
            ResultSet.Column(cost.key, cost.title, .count(exponent: 0), in: .human),
            ResultSet.Column("share", nil, .share, in: .human),
            ResultSet.Column("backbone", nil, .flag(yes: "yes", no: "no"), in: .human),
        ]
        columns += Measure.allCases.map { ResultSet.Column($0.key, nil, .count(exponent: 0), in: .exact) }
        columns += Convention.mxop.measures.map {
            ResultSet.Column("mxop_" + $0.key, nil, .count(exponent: 0), in: .exact)
        }
        columns += [
            ResultSet.Column("in_backbone", nil, .flag(yes: "1", no: "0"), in: .exact),
            ResultSet.Column("status", nil, .text, in: .exact),
        ]
        var result = ResultSet(columns)
        let total = convention.value(cost, a.totals, a.mxop) ?? 0
        for layer in a.layers {
            let note: String? =
                switch layer.status {
                case .unsupported: "unsupported"
                case .unshaped: "unshaped"
                default: nil
                }
            let layerCost = convention.value(cost, layer.counts, layer.mxop) ?? 0
            var row: [ResultSet.Cell] = [
                .int(layer.index), .text(layer.name), .label(layer.sourceOp, note: note), .text(layer.op),
                .text(layer.sourceOp),
                .text(layer.outputShapes.map(formatShape).joined(separator: " ")),
                .count(convention.value(.params, layer.counts, layer.mxop)), .int(layerCost),
                .share(Share(part: layerCost, total: total)), .flag(layer.inBackbone),
            ]
            row += Measure.allCases.map { .int(layer.counts[$0]) }
            row += Convention.mxop.measures.map { .count(layer.mxop[$0]) }
            row += [.flag(layer.inBackbone), .text(layer.status.rawValue)]
            result.append(row)
        }
        return result
    }

    // MARK: Many models

    func table(_ models: [CountedModel]) -> Document {
        var document = Document(
            ComparisonTable(convention: convention).result(models.map { ComparisonRow($0, convention: convention) }))
        document.json = { JSON.array(models.map { CountJSON.model($0, layers: false) }) }
        return document
    }
}
