import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// The corpus of graphs as they are exported today (`Tests/Fixtures/corpus`): ONNX files made by
/// `tools/export_onnx_corpus.py` with reference counts from the frameworks, and GluonCV's
/// detection, segmentation and pose graphs made by `tools/export_gluoncv_corpus.py` with counts
/// from MXNet itself. Every file is counted complete, with the reference MACs
/// (`torch.utils.flop_counter`, or the linear ops over MXNet's `infer_shape`) and the framework's
/// parameter count (after the BatchNorm folding the ONNX exporter does; for MXNet also its aux
/// states as buffers), or the difference is listed with opcat's exact figure and its reason in
/// `explained.csv` (written by `tools/corpus_explained.py`). A listed difference that goes away
/// must be removed from the list.
struct CorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/corpus")

    /// RFC 4180 rows (quoted fields may hold commas, quotes and newlines).
    static func csv(_ url: URL) throws -> [[String: String]] {
        let chars = Array(try String(contentsOf: url, encoding: .utf8).unicodeScalars)
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var i = 0
        while i < chars.count {
            let c = chars[i]
            i += 1
            if quoted {
                if c == "\"" {
                    if i < chars.count, chars[i] == "\"" {
                        field.unicodeScalars.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else if c != "\r" {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        guard let header = rows.first else { return [] }
        return rows.dropFirst().filter { $0.count == header.count }.map {
            Dictionary(uniqueKeysWithValues: zip(header, $0))
        }
    }

    /// Expects a measure of `subject` to match its reference, or, where `explained` lists it, to
    /// differ by exactly the listed figure (a listed difference that went away must be removed).
    static func expectListed(
        _ measure: String, _ value: String, matches: Bool, subject: String, reference: String?,
        explained: [String: (value: String, reason: String)]
    ) {
        if let listed = explained[measure] {
            #expect(!matches, "\(subject): \(measure) now matches the reference; remove it from explained.csv")
            #expect(listed.value == value, "\(subject): \(measure) is \(value), explained.csv says \(listed.value)")
        } else {
            #expect(matches, "\(subject): \(measure) \(value) differs from the reference (\(reference ?? "-"))")
        }
    }

    struct Entry: Sendable, CustomTestStringConvertible {
        var reference: [String: String]
        var explained: [String: (value: String, reason: String)]
        var testDescription: String { reference["file"] ?? "?" }
    }

    static let entries: [Entry] = {
        let references = ["reference.csv", "reference_gluoncv.csv"].flatMap {
            (try? csv(root.appendingPathComponent($0))) ?? []
        }
        let explained = (try? csv(root.appendingPathComponent("explained.csv"))) ?? []
        return references.map { r in
            var mine: [String: (String, String)] = [:]
            for e in explained where e["file"] == r["file"] {
                mine[e["measure"] ?? ""] = (e["opcat"] ?? "", e["reason"] ?? "")
            }
            return Entry(reference: r, explained: mine)
        }
    }()

    @Test("the corpus and its lists are there")
    func present() throws {
        #expect(Self.entries.count >= 80, "\(Self.entries.count) corpus files")
        #expect(Self.entries.filter { $0.reference["set"] == "gluoncv" }.count >= 13, "GluonCV's graphs")
        let files = Set(Self.entries.compactMap { $0.reference["file"] })
        for e in try Self.csv(Self.root.appendingPathComponent("explained.csv")) {
            #expect(files.contains(e["file"] ?? ""), "explained.csv names \(e["file"] ?? "?"), not in reference.csv")
            #expect(!(e["reason"] ?? "").isEmpty, "\(e["file"] ?? "?"): no reason")
        }
    }

    @Test("every corpus file is complete and exact, or its difference is listed with the reason", arguments: entries)
    func counted(_ entry: Entry) throws {
        let r = entry.reference
        let file = try #require(r["file"])
        let data = try Data(contentsOf: Self.root.appendingPathComponent(file))
        let bindings = try (r["inputs"] ?? "").split(separator: ";").map { try ShapeSyntax.parseBinding(String($0)) }
        let a = try Pipeline.count(data, file: file, inputs: bindings).analysis
        func check(_ measure: String, _ value: String, matches: Bool) {
            Self.expectListed(
                measure, value, matches: matches, subject: file, reference: r[measure], explained: entry.explained)
        }
        guard a.isComplete else {
            let missing =
                a.unsupported.map { "\($0.op) ×\($0.count)" }
                + a.unresolved.map { "run-time size at \($0.op) '\($0.node)'" }
            check("complete", missing.joined(separator: ", "), matches: false)
            return
        }
        check("complete", "", matches: true)
        let macs = r["macs_flop_counter"] ?? r["macs_infer_shape"]
        check("macs", String(a.totals.macs), matches: String(a.totals.macs) == macs)
        if r["macs_infer_shape"] != nil {
            // MXNet keeps BatchNorm statistics as aux states: opcat's buffers.
            check("buffers", String(a.totals.buffers), matches: String(a.totals.buffers) == r["buffers"])
        }
        let bn = Int(r["bn_params_torch"] ?? "") ?? 0
        let framework = try #require(Int(r["params"] ?? ""))
        let expected = framework - (bn > 0 ? max(0, bn - a.totals.buffers) / 2 : 0)
        check("params", String(a.totals.params), matches: a.totals.params == expected)
    }
}
