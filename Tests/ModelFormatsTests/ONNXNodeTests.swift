import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// The onnx package's own backend node tests (onnx 1.22.0; extracted into
/// `Tests/Fixtures/onnx_node_tests/cases.json` by `tools/extract_onnx_node_tests.py`): every test
/// whose ops opcat maps must give the expected output shapes and element types.
struct ONNXNodeTests {
    struct Fixture: Decodable { var cases: [Case] }

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var ops: [String]
        var model: String
        var inputs: [Value]
        var outputs: [Value]
        var skip: String?
        var testDescription: String { name }
    }

    struct Value: Decodable, Sendable {
        var name: String
        var shape: [Int]
        var type: String
        var values: [Double]?

        enum CodingKeys: String, CodingKey { case name, shape, type, values }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            shape = try c.decodeIfPresent([Int].self, forKey: .shape) ?? []
            type = try c.decode(String.self, forKey: .type)
            // NaN and infinities are written as strings.
            values = try c.decodeIfPresent([Number].self, forKey: .values)?.map(\.value)
        }
    }

    struct Number: Decodable {
        var value: Double
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let d = try? c.decode(Double.self) {
                value = d
                return
            }
            let s = try c.decode(String.self).lowercased()
            value = s.contains("nan") ? .nan : (s.hasPrefix("-") ? -.infinity : .infinity)
        }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/onnx_node_tests/cases.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url)).cases
    }()

    /// Node tests opcat deliberately does not pass, with the reason.
    static let knownFailures: [String: String] = [
        "test_scan_sum": "Scan-8 (opset 8: batched, with sequence lengths) is not counted; opset 9 and later are"
    ]

    enum Outcome: Equatable {
        case pass
        case fail(String)
        /// Some op of the test is outside the mapping: not claimed.
        case unsupported
        case notApplicable(String)
    }

    /// Whether every op of the case is one opcat maps.
    static func claimed(_ c: Case) -> Bool { c.ops.allSatisfy { ONNXOps.table[$0] != nil } }

    static func run(_ c: Case) -> Outcome {
        if let skip = c.skip { return .notApplicable(skip) }
        guard claimed(c) else { return .unsupported }
        do {
            guard let data = Data(base64Encoded: c.model) else { return .fail("bad base64") }
            let graph = try ONNXReader.read(data, file: c.name)
            var bindings: [InputBinding] = []
            for input in c.inputs {
                guard let type = DataType(rawValue: input.type) else {
                    return .notApplicable("input type \(input.type)")
                }
                var binding = InputBinding(name: input.name, shape: input.shape, dataType: type)
                if let values = input.values {
                    if type.isFloatingPoint {
                        binding.realValues = values
                    } else {
                        binding.values = values.map { Int($0) }
                    }
                }
                bindings.append(binding)
            }
            let analysis = try Analyzer().analyze(graph, inputs: bindings)
            if !analysis.unsupported.isEmpty { return .fail("unsupported: \(analysis.unsupported.map(\.op))") }
            guard analysis.outputs.count == c.outputs.count else {
                return .fail("\(analysis.outputs.count) outputs, expected \(c.outputs.count)")
            }
            for (got, expected) in zip(analysis.outputs, c.outputs) {
                guard let got else { return .fail("output \(expected.name) has no shape") }
                // A size that depends on the data is a bound: at least the actual size.
                let within =
                    !analysis.isExact && got.shape.count == expected.shape.count
                    && zip(got.shape, expected.shape).allSatisfy { $0 >= $1 }
                if (got.shape != expected.shape && !within) || got.dataType.rawValue != expected.type {
                    return .fail(
                        "output \(expected.name): \(formatShape(got.shape)) \(got.dataType.rawValue), expected \(formatShape(expected.shape)) \(expected.type)"
                    )
                }
            }
            return .pass
        } catch {
            return .fail("\(error)")
        }
    }

    @Test("every node test of a mapped op passes", arguments: cases.filter(claimed))
    func nodeTest(_ c: Case) {
        let outcome = Self.run(c)
        if let reason = Self.knownFailures[c.name] {
            #expect(outcome != .pass, "\(c.name) passes now; remove it from knownFailures (\(reason))")
            return
        }
        if case .fail(let message) = outcome { Issue.record("\(c.name) [\(c.ops.joined(separator: ","))]: \(message)") }
    }

    @Test("pass rate per op (printed)")
    func passRate() {
        var table: [String: (pass: Int, total: Int)] = [:]
        for c in Self.cases where c.skip == nil && Self.claimed(c) {
            let passed = Self.run(c) == .pass
            for op in Set(c.ops) {
                table[op, default: (0, 0)].total += 1
                if passed { table[op, default: (0, 0)].pass += 1 }
            }
        }
        for (op, row) in table.sorted(by: { $0.key < $1.key }) {
            print("onnx-node-tests \(op): \(row.pass)/\(row.total)\(row.pass == row.total ? "" : " FAILING")")
        }
        let unclaimed = Set(Self.cases.flatMap(\.ops)).subtracting(table.keys).sorted()
        print("onnx-node-tests not claimed (\(unclaimed.count) ops): \(unclaimed.joined(separator: " "))")
        #expect(!table.isEmpty)
    }
}

/// Every operator of the pinned onnx package (`Tests/Fixtures/onnx_node_tests/operators.txt`,
/// written by `tools/onnx_operator_list.py`) is mapped, or listed in `ONNXOps.notCounted` with
/// its reason; no listed one is mapped.
struct ONNXOperatorTests {
    static let operators: [String] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Fixtures/onnx_node_tests/operators.txt")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("#") && !$0.isEmpty }
    }()

    @Test("every onnx operator is counted, or not counted for a stated reason")
    func everyOperator() {
        #expect(Self.operators.count > 200)
        for name in Self.operators {
            let mapped = ONNXOps.maps(name)
            let listed = ONNXOps.notCounted[name]
            #expect(mapped || listed != nil, "\(name) is neither mapped nor listed in ONNXOps.notCounted")
            #expect(!(mapped && listed != nil), "\(name) is mapped and listed as not counted")
        }
        for name in ONNXOps.notCounted.keys {
            #expect(
                Self.operators.contains(name), "ONNXOps.notCounted lists \(name), which onnx 1.22.0 does not define")
        }
    }
}
