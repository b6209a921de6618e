import Foundation
import OpCount

/// Reads MXNet symbol JSON into opcat's graph IR: it translates node names, references and
/// attributes, and nothing else. Shapes are left to the analyzer, which infers them from the
/// input shape as MXNet's `infer_shape` does (the file declares `0` for deferred dimensions).
public enum MXNetSymbolReader {
    public static let formatName = "mxnet-symbol"

    /// MXNet's `__dtype__` codes.
    static let dataTypes: [Int: DataType] = [
        0: .float32, 1: .float64, 2: .float16, 3: .uint8, 4: .int32, 5: .int8, 6: .int64, 7: .bool,
        8: .int16, 9: .uint16, 10: .uint32, 11: .uint64, 12: .bfloat16,
    ]

    /// JSON nested deeper than this is refused before parsing.
    static let nestingLimit = 256

    /// The depth reached when JSON arrays and objects nest deeper than `limit`, else nil: one
    /// pass over the bytes, strings skipped.
    static func nestingBeyond(_ data: Data, limit: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return depth }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return nil
    }

    /// Parses symbol JSON held in memory; `file` names it in errors.
    public static func read(_ data: Data, file: String) throws -> Graph {
        let symbol: MXNetSymbolFile
        if nestingBeyond(data, limit: nestingLimit) != nil {
            throw ModelFormatError.malformed(
                file: file,
                reason: "JSON nested more than \(nestingLimit) levels deep (an MXNet symbol nests about 5)")
        }
        do {
            symbol = try JSONDecoder().decode(MXNetSymbolFile.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw ModelFormatError.malformed(
                file: file, reason: "not valid JSON (truncated or corrupt)" + (detail.map { ": \($0)" } ?? ""))
        } catch let error as DecodingError {
            throw ModelFormatError.malformed(file: file, reason: "not an MXNet symbol file: \(describe(error))")
        } catch {
            throw ModelFormatError.malformed(file: file, reason: "not valid JSON: \(error)")
        }
        return try graph(from: symbol, file: file)
    }

    static func graph(from symbol: MXNetSymbolFile, file: String) throws -> Graph {
        let count = symbol.nodes.count
        guard count > 0 else { throw ModelFormatError.malformed(file: file, reason: "the symbol has no nodes") }
        guard count <= Limits.nodes else {
            throw ModelFormatError.malformed(
                file: file, reason: "the symbol has \(count) nodes; the limit is \(Limits.nodes)")
        }
        var nodes: [Node] = []
        var opNames = Set<String>()
        nodes.reserveCapacity(count)
        for (index, source) in symbol.nodes.enumerated() {
            func fail(_ reason: String) -> ModelFormatError {
                .node(file: file, node: source.name, op: source.op == "null" ? "variable" : source.op, reason: reason)
            }
            var inputs: [TensorRef] = []
            for (position, triple) in source.inputs.enumerated() {
                guard triple.count == 2 || triple.count == 3 else {
                    throw fail("input \(position) is \(triple), not [node, output, version]")
                }
                guard triple[0] >= 0, triple[0] < count else {
                    throw fail("input \(position) refers to node \(triple[0]), but the file has \(count) nodes")
                }
                guard triple[0] != index else { throw fail("input \(position) refers to the node itself") }
                guard triple[1] >= 0 else { throw fail("input \(position) refers to output \(triple[1])") }
                inputs.append(TensorRef(node: triple[0], output: triple[1]))
            }
            let attributes = MXNetAttributes(raw: source.attributes)
            if source.op == "null" {
                guard inputs.isEmpty else { throw fail("a variable cannot have inputs") }
                nodes.append(Node(name: source.name, kind: .variable(try variable(attributes, fail: fail))))
            } else {
                let translated: MXNetOps.Translation
                do {
                    translated = try MXNetOps.translate(source.op, attributes, subgraph: source.subgraphs?.first?.nodes)
                    inputs = try translated.laidOut(inputs)
                } catch let error as RuleError {
                    throw fail(error.message)
                }
                // GluonCV reuses op names (Xception65's `relu0_fwd` many times): a repeated name
                // gets its position, as the ONNX reader does, so a layer or backbone end named
                // in the catalog is one node.
                var name = source.name
                if !opNames.insert(name).inserted { name += "#\(index)" }
                nodes.append(
                    Node(
                        name: name,
                        kind: .operation(
                            Operation(type: translated.type, sourceType: source.op, attributes: translated.attributes)),
                        inputs: inputs))
            }
        }
        var outputs: [TensorRef] = []
        for head in symbol.heads {
            guard head.count >= 2, head[0] >= 0, head[0] < count, head[1] >= 0 else {
                throw ModelFormatError.malformed(file: file, reason: "heads entry \(head) does not name a node output")
            }
            outputs.append(TensorRef(node: head[0], output: head[1]))
        }
        return Graph(nodes: nodes, outputs: outputs)
    }

    /// A variable's declared shape (`__shape__`, 0 = deferred) and type (`__dtype__`).
    static func variable(_ a: MXNetAttributes, fail: (String) -> ModelFormatError) throws -> Variable {
        var v = Variable()
        if a.has("__shape__") {
            let dims: [Int]
            do { dims = try a.ints("__shape__") } catch let e as RuleError { throw fail(e.message) }
            if let bad = dims.first(where: { $0 < 0 }) { throw fail("declared shape has a negative dimension \(bad)") }
            if let limit = Limits.violation(dims) { throw fail("declared shape: \(limit)") }
            v.declaredShape = dims.map { $0 == 0 ? nil : $0 }
        }
        if a.has("__dtype__") {
            guard let code = MXNetAttributes.parseInt(a.string("__dtype__", default: "")), let type = dataTypes[code]
            else {
                throw fail("unknown __dtype__ '\(a.string("__dtype__", default: ""))'")
            }
            v.dataType = type
        }
        return v
    }

    /// One line for a decoding error: what was expected where.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.isEmpty ? "the top level" : String(p.drop { $0 == "." })
        }
        switch error {
        case .dataCorrupted(let c):
            let underlying = (c.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "\(underlying ?? c.debugDescription) (at \(path(c)))"
        case .keyNotFound(let key, let c): return "missing key '\(key.stringValue)' at \(path(c))"
        case .typeMismatch(let type, let c): return "expected \(type) at \(path(c))"
        case .valueNotFound(let type, let c): return "expected \(type) at \(path(c)), found null"
        @unknown default: return "\(error)"
        }
    }
}
