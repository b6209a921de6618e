import ArgumentParser
import Catalog
import Foundation

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

    @Option(name: .long, help: ArgumentHelp("Sort by a column: \(TableCommand.sortable.joined(separator: ", ")) (default: ingest order).", valueName: "column"))
    var sort: String?

    @Flag(name: .long, help: "Sort in descending order.")
    var desc = false

    @OptionGroup var selection: SelectionOptions

    @Option(name: .long, help: "Counting convention: standard or mxop.")
    var convention: Convention = .standard

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
        "Extra columns: \(ComparisonTable.optionalColumns.joined(separator: ", ")) (standard convention).", valueName: "column"))
    var columns: [String] = []

    @OptionGroup var output: FormatOptions

    static let sortable = ["model", "input", "params", "macs", "muls", "backbone_params", "backbone_macs", "backbone_muls",
                           "top1", "top5", "flops", "activations", "param_bytes", "buffers"]

    func validate() throws {
        let extra = columns.flatMap { $0.split(separator: ",").map(String.init) }
        for column in extra where !ComparisonTable.optionalColumns.contains(column) {
            throw ValidationError("unknown column '\(column)'; choose from \(ComparisonTable.optionalColumns.joined(separator: ", "))")
        }
        if convention == .mxop && extra.contains(where: { !ComparisonTable.textColumns.contains($0) }) {
            throw ValidationError("--columns applies to the standard convention")
        }
        if let sort, !Self.sortable.contains(sort) {
            throw ValidationError("cannot sort by '\(sort)'; choose from \(Self.sortable.joined(separator: ", "))")
        }
    }

    func run() throws {
        let catalog = try self.catalog.openExisting()
        let table = ComparisonTable(convention: convention, extra: columns.flatMap { $0.split(separator: ",").map(String.init) })
        var rows = try selection.summaries(catalog, convention: convention.rawValue).map(ComparisonRow.init)
        if let sort { rows = Self.sorted(rows, by: sort, descending: desc, table: table) }
        print(table.render(rows, format: output.format), terminator: "")
    }

    /// Rows ordered by a column; models without a value go last.
    static func sorted(_ rows: [ComparisonRow], by column: String, descending: Bool, table: ComparisonTable) -> [ComparisonRow] {
        func key(_ row: ComparisonRow) -> Double? {
            switch column {
            case "top1": row.top1
            case "top5": row.top5
            default: table.value(row, column).map(Double.init)
            }
        }
        if column == "model" || column == "input" {
            let sorted = rows.sorted { column == "model" ? $0.model.lowercased() < $1.model.lowercased() : $0.input < $1.input }
            return descending ? sorted.reversed() : sorted
        }
        return rows.sorted { a, b in
            switch (key(a), key(b)) {
            case let (x?, y?): x == y ? a.model < b.model : (descending ? x > y : x < y)
            case (_?, nil): true
            case (nil, _?): false
            default: a.model < b.model
            }
        }
    }
}
