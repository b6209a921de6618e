import ArgumentParser
import Catalog
import ModelFormats
import OpCount

/// A column of the comparison table: the values of `--columns` and `--sort`.
enum ComparisonColumn: Hashable, CaseIterable, ExpressibleByArgument {
    case model, checkpoint, input, evalInput
    case measure(Measure)
    case backbone(Measure)
    case top1, top5
    case format, family, parent
    /// MACs with both operands 8 bits or narrower, their share of all MACs, and the bytes of
    /// params and buffers as stored.
    case int8MACs, int8Share, storedBytes

    static let allCases: [ComparisonColumn] =
        [.model, .checkpoint, .input, .evalInput] + Measure.allCases.map(measure)
        + Measure.allCases.map(backbone) + [
            .top1, .top5, .format, .family, .parent, .int8MACs, .int8Share, .storedBytes,
        ]

    /// The CSV header and JSON key.
    var key: String {
        switch self {
        case .model: "model"
        case .checkpoint: "checkpoint"
        case .input: "input"
        case .evalInput: "eval_input"
        case .measure(let m): m.key
        case .backbone(let m): "backbone_" + m.key
        case .top1: "top1"
        case .top5: "top5"
        case .format: "format"
        case .family: "family"
        case .parent: "parent"
        case .int8MACs: "int8_macs"
        case .int8Share: "int8_share"
        case .storedBytes: "stored_bytes"
        }
    }

    init?(argument: String) {
        guard let column = Self.allCases.first(where: { $0.key == argument }) else { return nil }
        self = column
    }

    static var allValueStrings: [String] { allCases.map(\.key) }

    /// The columns `--columns` may add to the fixed ones.
    static let optional = allCases.filter { ![.model, .checkpoint, .input, .evalInput, .top1, .top5].contains($0) }

    /// Columns that show no count, so they apply to the mxop convention's table too.
    var isDescriptive: Bool { [.format, .family, .parent, .int8Share, .checkpoint, .evalInput].contains(self) }

    /// The column as the result declares it.
    var column: ResultSet.Column {
        switch self {
        case .model: ResultSet.Column(key, nil, .text)
        case .checkpoint: ResultSet.Column(key, nil, .text)
        case .input: ResultSet.Column(key, nil, .text)
        case .evalInput: ResultSet.Column(key, "eval input", .text)
        case .measure(let m): ResultSet.Column(key, m.scaledTitle, .count(exponent: m.exponent))
        case .backbone(let m): ResultSet.Column(key, "backbone " + m.scaledTitle, .count(exponent: m.exponent))
        case .top1: ResultSet.Column(key, "top-1", .accuracy)
        case .top5: ResultSet.Column(key, "top-5", .accuracy)
        case .format, .family, .parent: ResultSet.Column(key, nil, .text)
        case .int8MACs: ResultSet.Column(key, "8-bit MACs (G)", .count(exponent: 9))
        case .int8Share: ResultSet.Column(key, "8-bit share", .share)
        case .storedBytes: ResultSet.Column(key, "stored MB", .count(exponent: 6))
        }
    }
}

/// One model's line in a comparison table, whatever it came from (a count or the catalog).
struct ComparisonRow {
    var model: String
    var displayName: String?
    var family: String?
    var format: String
    var input: String
    /// The checkpoint whose figures the row shows, and the input they were measured at.
    var checkpoint: String?
    var evalInput: String?
    /// Whether that input is not the one the costs were counted at.
    var evaluatedElsewhere = false
    var complete: Bool
    /// Sizes depend on the data: the figures are upper bounds.
    var upperBound = false
    var totals: ProfileCounts
    var backbone: ProfileCounts?
    var top1: Double?
    var top5: Double?
    var parent: String?
    /// MACs with both operands 8 bits or narrower, and stored bytes of params and buffers.
    var lowBitMACs: Int
    var storedBytes: Int

    /// What the model's label says beside it: partial totals, or upper bounds.
    var note: String? { complete ? (upperBound ? "upper bound" : nil) : "partial" }

    /// The row's cell in a column.
    func cell(_ column: ComparisonColumn) -> ResultSet.Cell {
        switch column {
        case .model: .label(model, note: note)
        case .checkpoint: .text(checkpoint)
        case .input: .text(input)
        case .evalInput: .text(evalInput)
        case .measure(let m): .count(totals[m])
        case .backbone(let m): .count(backbone?[m])
        case .top1: .accuracy(top1)
        case .top5: .accuracy(top5)
        case .format: .text(format)
        case .family: .text(family)
        case .parent: .text(parent)
        case .int8MACs: .int(lowBitMACs)
        case .int8Share: totals[.macs].map { .share(Share(part: lowBitMACs, total: $0)) } ?? .empty
        case .storedBytes: .int(storedBytes)
        }
    }
}

extension ComparisonRow {
    init(_ model: CountedModel, convention: Convention) {
        let a = model.analysis
        func counts(_ c: Counts, _ m: MxopCounts) -> ProfileCounts {
            var counts = ProfileCounts()
            for measure in convention.measures { counts[measure] = convention.value(measure, c, m) }
            return counts
        }
        let lowBit = a.macsByPrecision.filter { $0.key.activation.bitWidth <= 8 && $0.key.weight.bitWidth <= 8 }
        // A zoo entry's own figures were measured at its manifest input.
        let own = model.zooEntry.flatMap { entry in entry.metrics.isEmpty ? nil : entry }
        let evalShape = own.map { formatShape($0.input.shape) }
        let input = a.inputs.map { formatShape($0.shape) }.joined(separator: ",")
        self.init(
            model: model.name, displayName: model.zooEntry?.displayName, family: model.zooEntry?.family,
            format: model.format, input: input, checkpoint: own?.name, evalInput: evalShape,
            evaluatedElsewhere: evalShape.map { $0 != input } ?? false,
            complete: a.isComplete, upperBound: !a.isExact, totals: counts(a.totals, a.mxop),
            backbone: a.backbone.map { counts($0.totals, $0.mxop) },
            top1: model.zooEntry?.metric("top1"), top5: model.zooEntry?.metric("top5"),
            parent: model.zooEntry?.quantizedFrom, lowBitMACs: lowBit.values.reduce(0, +),
            storedBytes: a.storageByType.values.reduce(0) { $0 + $1.bytes })
    }

    init(_ s: ProfileSummary) {
        self.init(
            model: s.model, displayName: s.displayName, family: s.family, format: s.format, input: s.input.shapes,
            checkpoint: s.checkpoint?.name, evalInput: s.checkpoint?.evalInput.shapes,
            evaluatedElsewhere: s.evaluatedElsewhere, complete: s.complete, upperBound: s.upperBound != nil,
            totals: s.totals, backbone: s.backbone,
            top1: s.metrics["top1"], top5: s.metrics["top5"], parent: s.floatParent, lowBitMACs: s.lowBitMACs,
            storedBytes: s.storedBytes.values.reduce(0, +))
    }
}

/// The comparison table: exact integers in CSV and JSON; M and G with two decimals in text and
/// Markdown, the unit in the header. In the mxop convention, Markdown and text print the seed
/// table's columns.
struct ComparisonTable {
    var convention: Convention
    var extra: [ComparisonColumn] = []

    /// The columns of CSV and JSON in order: the contract.
    var columns: [ComparisonColumn] {
        let cost = convention.cost
        return [
            .model, .checkpoint, .input, .evalInput, .measure(.params), .measure(cost), .backbone(.params),
            .backbone(cost), .top1, .top5,
        ] + extra
    }

    /// The seed table of OpSummary.MXNet, column for column (text and Markdown, mxop convention).
    var isSeedTable: Bool { convention == .mxop && extra.isEmpty }

    func result(_ rows: [ComparisonRow]) -> ResultSet {
        let main = isSeedTable ? Set.exact : OutputFormat.all
        // People see a checkpoint column when some checkpoint is not named after its model, and
        // the evaluation input when some figure was measured at another input than the costs.
        let checkpoints = CheckpointColumns(rows)
        let shown: [ComparisonColumn: Set<OutputFormat>] = [
            .checkpoint: checkpoints.checkpoint.formats, .evalInput: checkpoints.evalInput.formats,
        ]
        var result = ResultSet(
            columns.map { column in
                var c = column.column
                c.formats = shown[column].map { $0.intersection(main) } ?? main
                return c
            } + seedColumns + [
                ResultSet.Column("complete", nil, .flag(yes: "yes", no: "no"), in: [.json]),
                ResultSet.Column("exact", nil, .flag(yes: "yes", no: "no"), in: [.json]),
            ])
        for row in rows {
            result.append(columns.map(row.cell) + seedCells(row) + [.flag(row.complete), .flag(!row.upperBound)])
        }
        return result
    }

    private var seedColumns: [ResultSet.Column] {
        guard isSeedTable else { return [] }
        return [
            ("Model", ResultSet.Kind.text), ("Params(M)", .count(exponent: 6)), ("Muls(G)", .count(exponent: 9)),
            ("*Params(M)", .count(exponent: 6)), ("*Muls(G)", .count(exponent: 9)), ("Top1 Acc", .fraction),
            ("Top5 Acc", .fraction),
        ].map { ResultSet.Column($0.0, $0.0, $0.1, in: .human) }
    }

    private func seedCells(_ row: ComparisonRow) -> [ResultSet.Cell] {
        guard isSeedTable else { return [] }
        return [
            .label(row.displayName ?? row.model, note: row.note), .count(row.totals[.params]),
            .count(row.totals[.muls]), .count(row.backbone?[.params]), .count(row.backbone?[.muls]),
            .accuracy(row.top1), .accuracy(row.top5),
        ]
    }

    /// Rows ordered by a column; models without a value go last, ties by name.
    static func sorted(_ rows: [ComparisonRow], by column: ComparisonColumn, descending: Bool) -> [ComparisonRow] {
        if column == .model || column == .input || column == .checkpoint || column == .evalInput {
            let sorted = rows.sorted {
                switch column {
                case .model: ($0.model.lowercased(), $0.checkpoint ?? "") < ($1.model.lowercased(), $1.checkpoint ?? "")
                case .checkpoint: ($0.checkpoint ?? "", $0.model) < ($1.checkpoint ?? "", $1.model)
                case .evalInput: ($0.evalInput ?? "", $0.model) < ($1.evalInput ?? "", $1.model)
                default: ($0.input, $0.model) < ($1.input, $1.model)
                }
            }
            return descending ? sorted.reversed() : sorted
        }
        func key(_ row: ComparisonRow) -> SortKey? {
            switch row.cell(column) {
            case .int(let v): .number(Double(v))
            case .real(let v): .number(v)
            case .share(let s): .number(s.fraction)
            case .text(let s), .label(let s, _): .text(s.lowercased())
            case .flag(let b): .number(b ? 1 : 0)
            case .empty: nil
            }
        }
        return rows.sorted { a, b in
            switch (key(a), key(b)) {
            case (let x?, let y?): x == y ? a.model < b.model : (descending ? y < x : x < y)
            case (_?, nil): true
            case (nil, _?): false
            default: a.model < b.model
            }
        }
    }

    enum SortKey: Comparable {
        case number(Double)
        case text(String)
    }
}

/// The checkpoint and evaluation-input columns of a ranking (`best`, `pareto`): always in CSV and
/// JSON; for people, the checkpoint when some is not named after its model and the evaluation
/// input when some figure was measured at another input than the costs.
struct CheckpointColumns {
    var checkpoint: ResultSet.Column
    var evalInput: ResultSet.Column
    /// The line saying which figures come from another input, if any do.
    var note: String?

    /// For rows of which some have a checkpoint not named after their model (`named`) and
    /// `elsewhere` of `total` show a figure measured at another input than their costs.
    init(named: Bool, elsewhere: Int, of total: Int, metric: String = "accuracy") {
        checkpoint = ResultSet.Column("checkpoint", nil, .text, in: named ? OutputFormat.all : Set.exact)
        evalInput = ResultSet.Column(
            "eval_input", "eval input", .text, in: elsewhere > 0 ? OutputFormat.all : Set.exact)
        note =
            elsewhere == 0
            ? nil
            : "\(elsewhere) of \(total) rows show \(metric) measured at another input than their costs (eval input); "
                + "a figure at the costs' input is added with `opcat metrics import`"
    }

    init(_ summaries: [ProfileSummary], metric: String) {
        self.init(
            named: summaries.contains { s in s.checkpoint.map { $0.name != s.model } ?? false },
            elsewhere: summaries.filter(\.evaluatedElsewhere).count, of: summaries.count, metric: metric)
    }

    init(_ rows: [ComparisonRow]) {
        self.init(
            named: rows.contains { $0.checkpoint != nil && $0.checkpoint != $0.model },
            elsewhere: rows.filter(\.evaluatedElsewhere).count, of: rows.count)
    }

    static func cells(_ s: ProfileSummary) -> (checkpoint: ResultSet.Cell, evalInput: ResultSet.Cell) {
        (.text(s.checkpoint?.name), .text(s.checkpoint?.evalInput.shapes))
    }
}
