/// A table rendered as aligned text, Markdown or CSV: renderers build one, never format by hand.
struct Table {
    struct Column {
        var title: String
        var alignRight: Bool
        init(_ title: String, right: Bool = false) {
            self.title = title
            alignRight = right
        }
    }

    var columns: [Column]
    var rows: [[String]] = []

    init(_ columns: [Column]) { self.columns = columns }

    mutating func append(_ row: [String]) {
        precondition(row.count == columns.count, "row has \(row.count) cells for \(columns.count) columns")
        rows.append(row)
    }

    /// Columns separated by two spaces, numbers right-aligned, no trailing spaces; `dividers`
    /// are lines printed after the row of their index.
    func text(dividers: [Int: String] = [:]) -> String {
        let widths = columns.indices.map { c in
            rows.reduce(columns[c].title.count) { max($0, $1[c].count) }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (c, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                parts.append(columns[c].alignRight ? pad + cell : cell + pad)
            }
            var s = parts.joined(separator: "  ")
            while s.last == " " { s.removeLast() }
            return s
        }
        var lines = [line(columns.map(\.title))]
        for (i, row) in rows.enumerated() {
            lines.append(line(row))
            if let divider = dividers[i] { lines.append(divider) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func markdown() -> String {
        // Cells arrive as people read them (names already on one line); markup is escaped here.
        func escape(_ s: String) -> String { s.markdownEscaped }
        // Titles are opcat's own (the seed table's `*Params(M)` stays as published).
        var lines = ["| " + columns.map(\.title).joined(separator: " | ") + " |"]
        lines.append("|" + columns.map { $0.alignRight ? "---:" : "---" }.joined(separator: "|") + "|")
        for row in rows { lines.append("| " + row.map(escape).joined(separator: " | ") + " |") }
        return lines.joined(separator: "\n") + "\n"
    }

    func csv() -> String {
        func quote(_ s: String) -> String {
            guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return ([columns.map { quote($0.title) }] + rows.map { $0.map(quote) })
            .map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
