import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A catalog of hostile names rendered in every format, each output read back with a real
/// parser: one row per model, the name recoverable, no injected element, no terminal control.
struct HostileNameTests {
    typealias CLI = CLITests

    static let names = [
        "=HYPERLINK(\"http://x\",\"y\")", "<script>alert(1)</script>", "a|b", "[x](javascript:alert(1))",
        "<!-- open", "*bold* _x_ `code`", "-1+2", "@SUM(A1)", "\"quoted, comma\"", "back\\slash &amp;",
    ]

    static let cmark: String? = ["/usr/bin/cmark", "/usr/local/bin/cmark"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// A catalog with one copy of squeezenet per hostile name, all of family `f<b>`, and a
    /// model whose node names carry terminal escapes.
    static func catalog() throws -> (dir: URL, db: String) {
        let dir = try IngestCLITests.temporaryDirectory()
        let db = dir.appendingPathComponent("c.sqlite").path
        for name in names {
            let result = try CLI.run([
                "ingest", "data/zoo/squeezenet1.1-symbol.json", "--db", db, "--name=\(name)", "--family", "f<b>",
                "--top1", "0.5", "--metric-source", "s", "--force",
            ])
            #expect(result.status == 0, "\(name): \(result.stderr)")
        }
        let symbol = dir.appendingPathComponent("esc-symbol.json")
        try Data(
            """
            {"nodes": [{"op": "null", "name": "data", "inputs": []},
                       {"op": "Activation", "name": "relu\\u001b[2J\\u001b]0;pwned\\u0007\\r\\u202e", "attrs": {"act_type": "relu"},
                        "inputs": [[0, 0, 0]]}],
             "arg_nodes": [0], "heads": [[1, 0, 0]]}
            """.utf8
        ).write(to: symbol)
        let escaped = try CLI.run(["ingest", symbol.path, "--db", db, "--name", "escapes"])
        #expect(escaped.status == 0, "\(escaped.stderr)")
        return (dir, db)
    }

    /// RFC 4180 records.
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field)
                field = ""
            } else if c == "\n" {
                record.append(field)
                records.append(record)
                (record, field) = ([], "")
            } else {
                field.append(c)
            }
        }
        return records
    }

    @Test("hostile names are one row each in CSV, JSON, Markdown, SVG and text, and recoverable")
    func everyFormat() throws {
        let (dir, db) = try Self.catalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        let expected = Set(Self.names + ["escapes"])

        // CSV: one record per model; formulas neutralised with a leading ', which strips off.
        let csv = Self.parseCSV(try CLI.run(["table", "--db", db, "--format", "csv", "--columns", "family"]).stdout)
        #expect(csv.count == expected.count + 1)
        #expect(csv.dropFirst().allSatisfy { $0.count == csv[0].count })
        let cells = csv.dropFirst().map { $0[0] }
        #expect(cells.allSatisfy { !["=", "+", "-", "@"].contains($0.first) }, "\(cells)")
        let recovered = cells.map { cell in
            cell.hasPrefix("'") && ["=", "+", "-", "@"].contains(cell.dropFirst().first)
                ? String(cell.dropFirst()) : cell
        }
        #expect(Set(recovered) == expected)

        // JSON: exact.
        let json = try CLI.run(["table", "--db", db, "--format", "json"]).stdout
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["model"] as? String }) == expected)

        // Text: no terminal control byte anywhere.
        for arguments in [["table"], ["layers", "escapes"], ["best", "--max-macs", "2G"], ["pareto", "--all"]] {
            let text = try CLI.run(arguments + ["--db", db])
            #expect(text.status == 0, "\(arguments): \(text.stderr)")
            #expect(!text.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(arguments)")
            #expect(!text.stdout.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{7F}" })
        }
        #expect(try CLI.run(["layers", "escapes", "--db", db]).stdout.contains("relu\\u{1B}[2J"))

        // SVG: well-formed XML with no element but the chart's own.
        let svg = dir.appendingPathComponent("chart.svg")
        #expect(try CLI.run(["pareto", "--db", db, "--svg", svg.path]).status == 0)
        final class Elements: NSObject, XMLParserDelegate {
            var names = Set<String>()
            func parser(
                _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]
            ) { names.insert(name) }
        }
        let parser = XMLParser(data: try Data(contentsOf: svg))
        let elements = Elements()
        parser.delegate = elements
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(
            elements.names.isSubset(of: ["svg", "rect", "text", "line", "circle", "title", "polyline", "g", "path"]),
            "\(elements.names)")

        // Markdown, rendered by a CommonMark implementation: one table row per model, no HTML, no link.
        guard let cmark = Self.cmark else { return }
        let page = dir.appendingPathComponent("zoo.md")
        #expect(try CLI.run(["export", "markdown", "--db", db, "--out", page.path]).status == 0)
        for markdown in [
            try CLI.run(["table", "--db", db, "--format", "markdown"]).stdout,
            try String(contentsOf: page, encoding: .utf8),
        ] {
            let input = dir.appendingPathComponent("in.md")
            try Data(markdown.utf8).write(to: input)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: cmark)
            p.arguments = ["--extension", "table", input.path]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let html = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(
                !html.contains("<script") && !html.contains("<!--") && !html.contains("href=\"javascript"), "\(html)")
            #expect(!html.contains("<strong>") && !html.contains("<em>") && !html.contains("<code>b"))
        }
    }

    @Test("a control character in a name is refused at ingest, never cut")
    func controlCharactersRefused() throws {
        let dir = try IngestCLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("c.sqlite").path
        // (A NUL cannot reach argv; the manifest below carries one.)
        let result = try CLI.run(["ingest", "data/zoo/squeezenet1.1-symbol.json", "--db", db, "--name", "a\u{1B}b"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("U+001B") && !result.stderr.contains("\u{1B}b\""), "\(result.stderr)")
        let zoo = dir.appendingPathComponent("zoo")
        try FileManager.default.createDirectory(at: zoo, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: CLI.root.appendingPathComponent("data/zoo/squeezenet1.1-symbol.json"),
            to: zoo.appendingPathComponent("m-symbol.json"))
        try Data(
            """
            {"format_version": 1, "models": [
              {"name": "x\\u0000one", "format": "mxnet-symbol", "file": "m-symbol.json", "input": {"shape": [1, 3, 224, 224]}, "metrics": []},
              {"name": "x\\u0000two", "format": "mxnet-symbol", "file": "m-symbol.json", "input": {"shape": [1, 3, 224, 224]}, "metrics": []}]}
            """.utf8
        ).write(to: zoo.appendingPathComponent("manifest.json"))
        let manifest = try CLI.run(["ingest", zoo.path, "--db", db])
        #expect(manifest.status == 1)
        #expect(manifest.stderr.contains("model name \"x\\u{0}one\" contains U+0000"), "\(manifest.stderr)")
    }
}
