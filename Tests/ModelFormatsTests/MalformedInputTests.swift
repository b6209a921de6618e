import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// Bad files and impossible graphs end in one clear error that names the file and, where there
/// is one, the node; never a crash and never a wrapped-around count.
struct MalformedInputTests {
    /// A small valid graph: data → conv → relu → fc.
    static let valid = """
        {"nodes": [
          {"op": "null", "name": "data", "inputs": []},
          {"op": "null", "name": "conv_weight", "attrs": {"__shape__": "(8, 0, 3, 3)"}, "inputs": []},
          {"op": "Convolution", "name": "conv", "attrs": {"kernel": "(3, 3)", "num_filter": "8", "no_bias": "True"}, "inputs": [[0, 0, 0], [1, 0, 0]]},
          {"op": "Activation", "name": "relu", "attrs": {"act_type": "relu"}, "inputs": [[2, 0, 0]]},
          {"op": "null", "name": "fc_weight", "inputs": []},
          {"op": "null", "name": "fc_bias", "inputs": []},
          {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "10"}, "inputs": [[3, 0, 0], [4, 0, 0], [5, 0, 0]]}
        ], "arg_nodes": [0, 1, 4, 5], "heads": [[6, 0, 0]]}
        """

    /// The error `opcat count` would print for `json` counted at `input`, or nil if it counts.
    static func failure(_ json: String, input: [Int] = [1, 3, 8, 8]) -> String? {
        do {
            let graph = try MXNetSymbolReader.read(Data(json.utf8), file: "bad-symbol.json")
            _ = try Analyzer().analyze(graph, inputs: [InputBinding(shape: input)])
            return nil
        } catch let error as AnalysisError {
            return "bad-symbol.json: \(error)"
        } catch {
            return "\(error)"
        }
    }

    @Test func validGraphCounts() throws {
        #expect(Self.failure(Self.valid) == nil)
        let graph = try MXNetSymbolReader.read(Data(Self.valid.utf8), file: "ok")
        let a = try Analyzer().analyze(graph, inputs: [InputBinding(shape: [1, 3, 8, 8])])
        // conv 8·36 outputs × 27 = 7,776 MACs; fc 10 × 288 = 2,880.
        #expect(a.totals.macs == 7_776 + 2_880)
        #expect(a.totals.params == 8 * 27 + 10 * 288 + 10)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var title: String
        var json: String
        var input: [Int] = [1, 3, 8, 8]
        /// Fragments the one-line error must contain.
        var mentions: [String]
        var testDescription: String { title }
    }

    static func edit(_ from: String, _ to: String) -> String {
        precondition(valid.contains(from), "fixture edit does not apply: \(from)")
        return valid.replacingOccurrences(of: from, with: to)
    }

    static let cases: [Case] = [
        Case(
            title: "truncated JSON", json: String(valid.prefix(200)), mentions: ["bad-symbol.json", "not valid JSON"]),
        Case(title: "not JSON at all", json: "\u{7f}ELF\u{01}binary", mentions: ["bad-symbol.json", "not valid JSON"]),
        Case(
            title: "JSON but not a symbol", json: #"{"layers": []}"#,
            mentions: ["bad-symbol.json", "missing key 'nodes'"]),
        Case(
            title: "an input index past the last node",
            json: edit(
                #""inputs": [[3, 0, 0], [4, 0, 0], [5, 0, 0]]"#, #""inputs": [[3, 0, 0], [40, 0, 0], [5, 0, 0]]"#),
            mentions: ["bad-symbol.json", "node 'fc'", "node 40"]),
        Case(
            title: "a negative input index",
            json: edit(#""inputs": [[2, 0, 0]]"#, #""inputs": [[-1, 0, 0]]"#), mentions: ["node 'relu'", "node -1"]),
        Case(
            title: "an output index the producer does not have",
            json: edit(#""inputs": [[2, 0, 0]]"#, #""inputs": [[2, 3, 0]]"#), mentions: ["node 'relu'", "output 3"]),
        Case(
            title: "a missing input triple entry", json: edit(#""inputs": [[2, 0, 0]]"#, #""inputs": [[2]]"#),
            mentions: ["node 'relu'", "[node, output, version]"]),
        Case(
            title: "a cycle",
            json: edit(#""inputs": [[0, 0, 0], [1, 0, 0]]}"#, #""inputs": [[3, 0, 0], [1, 0, 0]]}"#),
            mentions: ["bad-symbol.json", "cycle"]),
        Case(
            title: "a non-numeric attribute", json: edit(#""kernel": "(3, 3)""#, #""kernel": "(3, x)""#),
            mentions: ["node 'conv'", "kernel", "(3, x)"]),
        Case(
            title: "a missing attribute", json: edit(#", "num_filter": "8""#, ""),
            mentions: ["node 'conv'", "num_filter"]),
        Case(
            title: "a zero kernel", json: edit(#""kernel": "(3, 3)""#, #""kernel": "(0, 3)""#),
            mentions: ["node 'conv'", "kernel"]),
        Case(
            title: "a negative declared dimension", json: edit(#""(8, 0, 3, 3)""#, #""(8, -2, 3, 3)""#),
            mentions: ["node 'conv_weight'", "negative"]),
        Case(
            title: "a declared shape that contradicts the layer", json: edit(#""(8, 0, 3, 3)""#, #""(8, 4, 3, 3)""#),
            mentions: ["node 'conv'", "conv_weight", "8x4x3x3", "8x3x3x3"]),
        Case(
            title: "a kernel larger than the input", json: valid, input: [1, 3, 2, 2],
            mentions: ["node 'conv'", "larger than the padded input"]),
        Case(
            title: "counts past 64 bits", json: valid, input: [1, 3, 1 << 29, 1 << 29],
            mentions: ["node 'conv'", "64-bit"]),
        Case(
            title: "heads naming a missing node", json: edit(#""heads": [[6, 0, 0]]"#, #""heads": [[60, 0, 0]]"#),
            mentions: ["bad-symbol.json", "heads"]),
        Case(
            title: "a node name with a newline and a terminal escape stays on one line",
            json: edit(#""kernel": "(3, 3)", "num_filter""#, #""kernel": "(0, 3)", "num_filter""#)
                .replacingOccurrences(of: #""name": "conv""#, with: #""name": "co\nnv\u001b[2J""#),
            mentions: ["node 'co\\nnv\\u{1B}[2J'", "kernel"]),
        Case(
            title: "concat of different heights",
            json: """
                {"nodes": [
                  {"op": "null", "name": "data", "inputs": []},
                  {"op": "Pooling", "name": "pool", "attrs": {"kernel": "(2, 2)", "stride": "(2, 2)"}, "inputs": [[0, 0, 0]]},
                  {"op": "Concat", "name": "cat", "attrs": {"dim": "1", "num_args": "2"}, "inputs": [[0, 0, 0], [1, 0, 0]]}
                ], "arg_nodes": [0], "heads": [[2, 0, 0]]}
                """, mentions: ["node 'cat'", "does not match"]),
    ]

    @Test("one clear error", arguments: cases)
    func clearError(_ c: Case) throws {
        let message = try #require(Self.failure(c.json, input: c.input), "expected an error")
        for fragment in c.mentions {
            #expect(message.contains(fragment), "'\(message)' should mention \(fragment)")
        }
        #expect(!message.contains("\n"), "one line: \(message)")
    }

    @Test("an op outside the registry is listed as unsupported and the totals say partial")
    func unsupportedOp() throws {
        let json = Self.edit(
            #""op": "Activation", "name": "relu", "attrs": {"act_type": "relu"}"#,
            #""op": "_contrib_MysteryOp", "name": "relu", "attrs": {"x": "1"}"#)
        let graph = try MXNetSymbolReader.read(Data(json.utf8), file: "m")
        let a = try Analyzer().analyze(graph, inputs: [InputBinding(shape: [1, 3, 8, 8])])
        #expect(a.unsupported == [OpOccurrence(op: "_contrib_MysteryOp", count: 1)])
        #expect(!a.isComplete)
        #expect(a.unshapedNodes == ["fc"])
        #expect(a.uncountedParameters == ["fc_bias", "fc_weight"])
        #expect(a.totals.macs == 7_776, "the conv before the unknown op is still counted")
    }

    @Test("input shapes are checked before anything is allocated")
    func badInputShapes() throws {
        for text in ["1x0x224x224", "1x-3x224", "1xax2", "", "1x3x\(1 << 50)"] {
            #expect(throws: RuleError.self, "\(text)") { try ShapeSyntax.parseBinding(text) }
        }
        #expect(
            try ShapeSyntax.parseBinding("data:1x3x224x224") == InputBinding(name: "data", shape: [1, 3, 224, 224]))
        #expect(try ShapeSyntax.parseShape("(1, 3, 224, 224)") == [1, 3, 224, 224])
    }
}
