import Foundation

/// The formats every command prints in.
enum OutputFormat: String, CaseIterable, Sendable {
    case text, json, csv, markdown

    static let all = Set(allCases)
}

extension Set where Element == OutputFormat {
    /// Text and Markdown: the formats people read.
    static let human: Set<OutputFormat> = [.text, .markdown]
    /// CSV and JSON: the formats programs read, with exact values.
    static let exact: Set<OutputFormat> = [.csv, .json]
}

/// What a command prints: facts, results and lines of prose, in order, each shown in some of
/// the formats. Rendering for each format is written here once.
struct Document {
    enum Part {
        /// Labelled facts (`model  resnet18_v1`).
        case facts([(String, String)])
        case result(ResultSet)
        /// A line of prose (a summary above a table).
        case line(String)
    }

    struct Section {
        var part: Part
        var formats: Set<OutputFormat>
    }

    var sections: [Section] = []
    /// A JSON document with its own contract (`count`), instead of the result's rows; built
    /// only when JSON is asked for.
    var json: (() -> JSON)?

    init(json: (() -> JSON)? = nil) { self.json = json }

    init(_ result: ResultSet, line: String? = nil) {
        if let line { add(.line(line), in: [.text]) }
        add(.result(result))
    }

    mutating func add(_ part: Part, in formats: Set<OutputFormat> = OutputFormat.all) {
        sections.append(Section(part: part, formats: formats))
    }

    func rendered(_ format: OutputFormat) -> String {
        switch format {
        case .text: text()
        case .markdown: markdown()
        case .csv: csv()
        case .json: jsonText()
        }
    }

    private func parts(in format: OutputFormat) -> [Part] {
        sections.filter { $0.formats.contains(format) }.map(\.part)
    }

    /// Parts separated by a blank line; facts aligned, results as aligned columns.
    func text() -> String {
        parts(in: .text).map { part -> String in
            switch part {
            case .facts(let facts):
                let width = facts.map(\.0.count).max() ?? 0
                return facts.map {
                    $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1.oneLine + "\n"
                }
                .joined()
            case .result(let result): return Document.layout(result, .text).text(dividers: result.dividers)
            case .line(let line): return line + "\n"
            }
        }.joined(separator: "\n")
    }

    func markdown() -> String {
        parts(in: .markdown).map { part -> String in
            switch part {
            case .facts(let facts): return facts.map { "- \($0.0): \($0.1.markdownEscaped)\n" }.joined()
            case .result(let result): return Document.layout(result, .markdown).markdown()
            case .line(let line): return line + "\n"
            }
        }.joined(separator: "\n")
    }

    /// The results only (one, for a well-formed CSV file).
    func csv() -> String {
        parts(in: .csv).compactMap { part -> String? in
            guard case .result(let result) = part else { return nil }
            return Document.layout(result, .csv).csv()
        }.joined(separator: "\n")
    }

    /// The JSON document if there is one, else the result's rows as an array of objects keyed
    /// by column.
    func jsonText() -> String {
        if let json { return json().rendered() }
        let results = parts(in: .json).compactMap { part -> ResultSet? in
            if case .result(let result) = part { result } else { nil }
        }
        let rows = results.flatMap { result in result.rows.map { Document.object($0, result.visible(in: .json)) } }
        return JSON.array(rows).rendered()
    }

    /// A result's visible columns as a grid of strings for a text-like format.
    static func layout(_ result: ResultSet, _ format: OutputFormat) -> Table {
        let visible = result.visible(in: format)
        let human = Set.human.contains(format)
        var table = Table(
            visible.map { Table.Column(human ? $0.column.title : $0.column.key, right: $0.column.kind.alignsRight) })
        for row in result.rows {
            table.append(
                visible.map { human ? display(row[$0.index], $0.column.kind) : exact(row[$0.index], $0.column.kind) })
        }
        return table
    }

    /// A cell as people read it.
    static func display(_ cell: ResultSet.Cell, _ kind: ResultSet.Kind) -> String {
        switch (cell, kind) {
        case (.empty, _): ""
        case (.int(let v), .count(let exponent)):
            exponent == 0 ? Numbers.grouped(v) : Numbers.scaled(v, exponent: exponent)
        case (.int(let v), _): String(v)
        case (.real(let v), .accuracy): Numbers.percent(v)
        case (.real(let v), .fraction): Numbers.accuracy(v)
        case (.real(let v), .rate): Numbers.decimal(v)
        case (.real(let v), _): "\(v)"
        case (.share(let s), .bar): s.bar
        case (.share(let s), _): s.percent
        // Names from model files and the catalog: no control or bidi character reaches a terminal.
        case (.text(let s), _): s.oneLine
        case (.label(let s, let note), _): note.map { "\(s.oneLine) (\($0))" } ?? s.oneLine
        case (.flag(let b), .flag(let yes, let no)): b ? yes : no
        case (.flag(let b), _): b ? "yes" : "no"
        }
    }

    /// A cell for a CSV file: exact integers, fractions as stored, shares as ratios, text with
    /// formulas neutralised.
    static func exact(_ cell: ResultSet.Cell, _ kind: ResultSet.Kind) -> String {
        switch (cell, kind) {
        case (.empty, _): ""
        case (.int(let v), _): String(v)
        case (.real(let v), _): "\(v)"
        case (.share(let s), _): s.ratio
        case (.text(let s), _), (.label(let s, _), _): s.csvNeutralised
        case (.flag(let b), .flag(let yes, let no)): b ? yes : no
        case (.flag(let b), _): b ? "yes" : "no"
        }
    }

    static func object(_ row: [ResultSet.Cell], _ columns: [(index: Int, column: ResultSet.Column)]) -> JSON {
        .object(
            columns.compactMap { index, column in
                let cell = row[index]
                if case .empty = cell, column.omitsEmptyInJSON { return nil }
                return (column.key, value(cell))
            })
    }

    static func value(_ cell: ResultSet.Cell) -> JSON {
        switch cell {
        case .empty: .null
        case .int(let v): .int(v)
        case .real(let v): .number(v)
        case .share(let s): .number(s.fraction)
        case .text(let s), .label(let s, _): .string(s)
        case .flag(let b): .bool(b)
        }
    }

    /// Prints the document in `format` on stdout.
    func print(_ format: OutputFormat) {
        Swift.print(rendered(format), terminator: "")
    }
}
