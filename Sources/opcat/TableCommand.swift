import ArgumentParser
import Catalog
import Foundation
import OpCount

struct TableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "The comparison table of the catalog: params, MACs, backbone columns, top-1/top-5.",
        discussion: """
            One row per model, at its default input (the one it was first ingested with) or at \
            --input. CSV and JSON carry exact integers; text and Markdown show M and G with two \
            decimals. The CSV header is a contract: model,input,params,macs,backbone_params,\
            backbone_macs,top1,top5 (muls instead of macs with --convention mxop), then any \
            --columns. With --convention mxop, Markdown is the seed table of OpSummary.MXNet.
            """)

    @OptionGroup var catalog: CatalogOptions

    @Option(name: .long, help: ArgumentHelp("Sort by a column (default: ingest order).", valueName: "column"))
    var sort: ComparisonColumn?

    @Flag(name: .long, help: "Sort in descending order.")
    var desc = false

    @OptionGroup var selection: SelectionOptions

    @Option(name: .long, help: "Counting convention: standard or mxop.")
    var convention: Convention = .standard

    @Option(
        name: .long, parsing: .upToNextOption,
        help: ArgumentHelp(
            "Extra columns, space- or comma-separated: \(ComparisonColumn.optional.map(\.key).joined(separator: ", ")) "
                + "(with --convention mxop: format, family, parent, int8_share).",
            valueName: "column"))
    var columns: [String] = []

    @Option(name: .long, help: "Show at most this many rows (after sorting).")
    var limit: Int?

    @OptionGroup var output: FormatOptions

    /// `--columns` values, split at commas.
    func extraColumns() throws -> [ComparisonColumn] {
        try columns.flatMap { $0.split(separator: ",").map(String.init) }.map { key in
            guard let column = ComparisonColumn(argument: key), ComparisonColumn.optional.contains(column) else {
                throw ValidationError(
                    "unknown column '\(key)'; choose from \(ComparisonColumn.optional.map(\.key).joined(separator: ", "))"
                )
            }
            return column
        }
    }

    func validate() throws {
        let extra = try extraColumns()
        if convention == .mxop && extra.contains(where: { !$0.isDescriptive }) {
            throw ValidationError("--columns with counts applies to the standard convention")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    /// The order when SQLite can sort by it: catalog order, a count or a metric (`.some(nil)`
    /// for catalog order); nil when the rows are sorted in memory (names, inputs, shares …).
    var storedOrder: TableOrder?? {
        switch sort {
        case nil: .some(nil)
        case .measure(let m): .column(m.key)
        case .backbone(let m): .column("bb_" + m.key)
        case .top1: .metric("top1")
        case .top5: .metric("top5")
        default: nil
        }
    }

    func run() throws {
        let catalog = try self.catalog.openForReading()
        let table = ComparisonTable(convention: convention, extra: try extraColumns())
        var rows: [ComparisonRow]
        if let order = storedOrder, let scope = try selection.storedScope(catalog, convention: convention) {
            // Ordered and cut in SQLite: only the rows shown are read.
            rows = try catalog.rows(scope, orderBy: order, descending: desc, limit: limit).map(ComparisonRow.init)
            if rows.isEmpty { throw try selection.noModels(catalog) }
        } else {
            rows = try selection.summaries(catalog, convention: convention).map(ComparisonRow.init)
            if let sort { rows = ComparisonTable.sorted(rows, by: sort, descending: desc) }
            if let limit { rows = Array(rows.prefix(limit)) }
        }
        var document = Document(table.result(rows))
        if let note = CheckpointColumns(rows).note { document.add(.line(note), in: .human) }
        document.print(output.format)
    }
}
