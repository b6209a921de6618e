import Catalog
import ModelFormats
import OpCount

/// One model's line in a comparison table, whatever it came from (a count or the catalog).
struct ComparisonRow {
    var model: String
    var displayName: String?
    var family: String?
    var format: String
    var input: String
    var complete: Bool
    var totals: [String: Int]
    var backbone: [String: Int]?
    var top1: Double?
    var top5: Double?
    var parent: String? = nil
    /// MACs with both operands 8 bits or narrower, and stored bytes of params and buffers.
    var lowBitMACs: Int = 0
    var storedBytes: Int = 0
}

extension ComparisonRow {
    init(_ model: CountedModel, convention: Convention) {
        let a = model.analysis
        func counts(_ c: Counts, _ m: MxopCounts) -> [String: Int] {
            convention == .mxop ? Dictionary(uniqueKeysWithValues: m.fields.map { ($0.name, $0.value) })
                : Dictionary(uniqueKeysWithValues: c.fields.map { ($0.name, $0.value) })
        }
        self.init(model: model.name, displayName: model.zooEntry?.displayName, family: model.zooEntry?.family, format: model.format,
                  input: a.inputs.map { formatShape($0.shape) }.joined(separator: ","), complete: a.isComplete,
                  totals: counts(a.totals, a.mxop), backbone: a.backbone.map { counts($0.totals, $0.mxop) },
                  top1: model.zooEntry?.metric("top1"), top5: model.zooEntry?.metric("top5"), parent: model.zooEntry?.quantizedFrom,
                  lowBitMACs: a.macsByPrecision.filter { $0.key.activation.bitWidth <= 8 && $0.key.weight.bitWidth <= 8 }.values.reduce(0, +),
                  storedBytes: a.storageByType.values.reduce(0) { $0 + $1.bytes })
    }

    init(_ s: ProfileSummary) {
        func counts(_ c: ProfileCounts) -> [String: Int] {
            var d: [String: Int] = [:]
            for column in ComparisonTable.countColumns { if let v = c.value(column) { d[column] = v } }
            return d
        }
        self.init(model: s.model, displayName: s.displayName, family: s.family, format: s.format, input: s.inputShape, complete: s.complete,
                  totals: counts(s.totals), backbone: s.backbone.map(counts), top1: s.metrics["top1"], top5: s.metrics["top5"],
                  parent: s.floatParent, lowBitMACs: s.lowBitMACs, storedBytes: s.storedBytes.values.reduce(0, +))
    }
}

/// The comparison table: exact integers in CSV and JSON; M and G with two decimals in text and
/// Markdown, the unit in the header. In the mxop convention, Markdown and text print the seed
/// table's columns.
struct ComparisonTable {
    static let countColumns = ["params", "buffers", "param_bytes", "macs", "muls", "adds", "divs", "exps", "cmps", "flops", "activations"]
    /// Extra columns `--columns` may add.
    static let optionalColumns = ["flops", "activations", "param_bytes", "buffers", "format", "family", "parent",
                                  "int8_macs", "int8_share", "stored_bytes"]
    /// Optional columns that are text, not counts.
    static let textColumns: Set<String> = ["format", "family", "parent", "int8_share"]

    var convention: Convention
    var extra: [String] = []

    var cost: String { convention == .standard ? "macs" : "muls" }

    /// Column names in CSV/JSON order: the contract.
    var columns: [String] {
        ["model", "input", "params", cost, "backbone_params", "backbone_\(cost)", "top1", "top5"] + extra
    }

    func render(_ rows: [ComparisonRow], format: OutputFormat) -> String {
        switch format {
        case .csv: return exactTable(rows).csv()
        case .json:
            return JSON.array(rows.map { row in
                var fields: [(String, JSON)] = [("model", .string(row.model)), ("input", .string(row.input))]
                for column in columns.dropFirst(2) {
                    if Self.textColumns.contains(column) {
                        fields.append((column, text(row, column).map(JSON.string) ?? .null))
                    } else {
                        fields.append((column, value(row, column).map(JSON.int) ?? number(row, column)))
                    }
                }
                fields.append(("complete", .bool(row.complete)))
                return .object(fields)
            }).rendered()
        case .markdown: return scaledTable(rows).markdown()
        case .text: return scaledTable(rows).text()
        }
    }

    private func number(_ row: ComparisonRow, _ column: String) -> JSON {
        switch column {
        case "top1": row.top1.map(JSON.number) ?? .null
        case "top5": row.top5.map(JSON.number) ?? .null
        default: .null
        }
    }

    func text(_ row: ComparisonRow, _ column: String) -> String? {
        switch column {
        case "format": row.format
        case "family": row.family
        case "parent": row.parent
        case "int8_share": row.totals["macs"].map { Share(part: row.lowBitMACs, total: $0).percent }
        default: nil
        }
    }

    /// An exact count for a column name, `backbone_` prefixed for the backbone.
    func value(_ row: ComparisonRow, _ column: String) -> Int? {
        if column == "int8_macs" { return row.lowBitMACs }
        if column == "stored_bytes" { return row.storedBytes }
        if column.hasPrefix("backbone_") { return row.backbone?[String(column.dropFirst("backbone_".count))] }
        return row.totals[column]
    }

    func exactTable(_ rows: [ComparisonRow]) -> Table {
        var table = Table(columns.map { Table.Column($0) })
        for row in rows {
            table.append(columns.map { column in
                switch column {
                case "model": row.model
                case "input": row.input
                case "top1": row.top1.map { "\($0)" } ?? ""
                case "top5": row.top5.map { "\($0)" } ?? ""
                case _ where Self.textColumns.contains(column): text(row, column) ?? ""
                default: value(row, column).map(String.init) ?? ""
                }
            })
        }
        return table
    }

    /// Header and scale of a column in text and Markdown.
    static func scaled(_ column: String) -> (title: String, exponent: Int) {
        switch column {
        case "params": ("params (M)", 6)
        case "macs": ("MACs (G)", 9)
        case "muls": ("muls (G)", 9)
        case "backbone_params": ("backbone params (M)", 6)
        case "backbone_macs": ("backbone MACs (G)", 9)
        case "backbone_muls": ("backbone muls (G)", 9)
        case "flops": ("FLOPs (G)", 9)
        case "activations": ("activations (M)", 6)
        case "param_bytes": ("param MB", 6)
        case "stored_bytes": ("stored MB", 6)
        case "int8_macs": ("8-bit MACs (G)", 9)
        case "buffers": ("buffers (M)", 6)
        default: (column, 0)
        }
    }

    func scaledTable(_ rows: [ComparisonRow]) -> Table {
        if convention == .mxop && extra.isEmpty {
            // The seed table of OpSummary.MXNet, column for column.
            var table = Table([Table.Column("Model"), Table.Column("Params(M)", right: true), Table.Column("Muls(G)", right: true),
                               Table.Column("*Params(M)", right: true), Table.Column("*Muls(G)", right: true),
                               Table.Column("Top1 Acc", right: true), Table.Column("Top5 Acc", right: true)])
            for row in rows {
                let name = (row.displayName ?? row.model) + (row.complete ? "" : " (partial)")
                table.append([name, scaledValue(row, "params"), scaledValue(row, "muls"), scaledValue(row, "backbone_params"),
                              scaledValue(row, "backbone_muls"), Numbers.accuracy(row.top1), Numbers.accuracy(row.top5)])
            }
            return table
        }
        var table = Table(columns.map { column in
            switch column {
            case "model", "input", "format", "family", "parent": Table.Column(column)
            case "int8_share": Table.Column("8-bit share", right: true)
            case "top1": Table.Column("top-1", right: true)
            case "top5": Table.Column("top-5", right: true)
            default: Table.Column(Self.scaled(column).title, right: true)
            }
        })
        for row in rows {
            table.append(columns.map { column in
                switch column {
                case "model": row.model + (row.complete ? "" : " (partial)")
                case "input": row.input
                case "top1": Numbers.accuracy(row.top1)
                case "top5": Numbers.accuracy(row.top5)
                case _ where Self.textColumns.contains(column): text(row, column) ?? ""
                default: scaledValue(row, column)
                }
            })
        }
        return table
    }

    func scaledValue(_ row: ComparisonRow, _ column: String) -> String {
        guard let v = value(row, column) else { return "" }
        return Numbers.scaled(v, exponent: Self.scaled(column).exponent)
    }
}
