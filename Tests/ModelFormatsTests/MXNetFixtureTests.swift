import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// Shape inference against MXNet 1.9.1's own `infer_shape`, on the graphs that
/// `tools/mxnet_op_fixtures.py` built and recorded in `Tests/Fixtures/mxnet_ops/cases.json`.
struct MXNetFixtureTests {
    struct Fixture: Decodable {
        var cases: [Case]
    }

    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        var name: String
        var op: String
        var symbol: JSONValue
        var inputs: [String: [Int]]
        var expected: Expected
        var testDescription: String { name }
    }

    struct Expected: Decodable, Sendable {
        var args: [String: [Int]]?
        var aux: [String: [Int]]?
        var nodes: [NodeOutput]?
        var error: String?
    }

    struct NodeOutput: Decodable, Sendable {
        var name: String
        var output: Int
        var shape: [Int]
        init(from decoder: any Decoder) throws {
            var c = try decoder.unkeyedContainer()
            name = try c.decode(String.self)
            output = try c.decode(Int.self)
            shape = try c.decode([Int].self)
        }
    }

    /// Where opcat deliberately differs from MXNet, with the reason.
    static let deviations: [String: String] = [
        "batchnorm_declared_gamma_shape_mismatch_silently_overridden":
            "MXNet overwrites a declared parameter shape that contradicts the layer; opcat reports the contradiction",
        "reshape_code_2_minus2_after_explicit":
            "MXNet 1.9.1 does not check that a reshape keeps the element count (120 → 360 here); opcat refuses it",
        "reshape_wrong_element_count_accepted_by_mxnet": "as above: 120 elements cannot become 25",
        "reshape_minus1_not_divisible_accepted_by_mxnet":
            "as above: MXNet divides 120 by 7 with truncation; opcat refuses",
        "pooling_max_1d_same_default_pad_rejected_bug":
            "MXNet's 'same' convention reads pad[0..2] even for 1-D input (an indexing bug); opcat computes ⌈x/stride⌉",
        "pooling_max_1d_same_pad_1elem_rejected_bug": "the same MXNet indexing bug",
        "pooling_avg_1d_same_default_pad_rejected_bug": "the same MXNet indexing bug",
        "pooling_max_2d_same_rejected":
            "MXNet implements 'same' for 1-D input only; opcat applies ⌈x/stride⌉ to every spatial axis",
        "elemwise_add_backward_inference_rhs_unknown":
            "MXNet gives an undeclared element-wise operand the other operand's shape; opcat asks for it (--input rhs:SHAPE) rather than guess",
    ]

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/mxnet_ops/cases.json")
        let data = try! Data(contentsOf: url)
        return try! JSONDecoder().decode(Fixture.self, from: data).cases
    }()

    enum Outcome {
        case analyzed(Analysis)
        case failed(String)
        case unsupported([String])
    }

    static func run(_ c: Case) -> Outcome {
        do {
            let data = try JSONEncoder().encode(c.symbol)
            let graph = try MXNetSymbolReader.read(data, file: c.name)
            let bindings = c.inputs.map { InputBinding(name: $0.key, shape: $0.value) }
            let analysis = try Analyzer().analyze(graph, inputs: bindings)
            if !analysis.unsupported.isEmpty { return .unsupported(analysis.unsupported.map(\.op)) }
            return .analyzed(analysis)
        } catch {
            return .failed("\(error)")
        }
    }

    @Test("opcat infers what MXNet infers", arguments: cases)
    func matchesMXNet(_ c: Case) throws {
        if let reason = Self.deviations[c.name] {
            #expect(!reason.isEmpty)
            return
        }
        switch Self.run(c) {
        case .unsupported(let ops):
            // Not claimed: these ops are listed as unsupported, which is the honest answer.
            #expect(!ops.isEmpty)
        case .failed(let message):
            #expect(c.expected.error != nil, "opcat refused a graph MXNet accepts: \(message)")
        case .analyzed(let analysis):
            #expect(
                c.expected.error == nil, "MXNet refuses this graph (\(c.expected.error ?? "")) but opcat accepted it")
            guard c.expected.error == nil else { return }
            let shapes = Dictionary(analysis.parameters.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
            for (name, shape) in (c.expected.args ?? [:]).merging(
                c.expected.aux ?? [:], uniquingKeysWith: { a, _ in a })
            where c.inputs[name] == nil {
                #expect(shapes[name] == shape, "parameter \(name)")
            }
            for node in c.expected.nodes ?? [] {
                let layer = analysis.layer(named: node.name)
                #expect(layer != nil, "node \(node.name) is missing")
                if let layer {
                    #expect(
                        node.output < layer.outputShapes.count && layer.outputShapes[node.output] == node.shape,
                        "node \(node.name) output \(node.output): opcat \(layer.outputShapes), MXNet \(node.shape)")
                }
            }
        }
    }

    @Test("pass rate per MXNet op (printed)")
    func passRate() {
        var table: [String: (pass: Int, total: Int, unsupported: Int)] = [:]
        for c in Self.cases {
            var row = table[c.op] ?? (0, 0, 0)
            row.total += 1
            switch Self.run(c) {
            case .unsupported: row.unsupported += 1
            case .failed: if c.expected.error != nil { row.pass += 1 }
            case .analyzed: if c.expected.error == nil { row.pass += 1 }
            }
            table[c.op] = row
        }
        for (op, row) in table.sorted(by: { $0.key < $1.key }) {
            print(
                "mxnet-fixture \(op): \(row.pass)/\(row.total) match"
                    + (row.unsupported > 0 ? ", \(row.unsupported) unsupported" : ""))
        }
        #expect(!table.isEmpty)
    }
}

/// Any JSON value, to carry a fixture's symbol through unchanged.
indirect enum JSONValue: Codable, Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .object(let o): try c.encode(o)
        case .array(let a): try c.encode(a)
        case .string(let s): try c.encode(s)
        case .number(let n): if n == n.rounded(), abs(n) < 1e15 { try c.encode(Int(n)) } else { try c.encode(n) }
        case .bool(let b): try c.encode(b)
        case .null: try c.encodeNil()
        }
    }
}
