import CZlib
import Foundation
import GRDB
import ModelFormats
import OpCount

/// A model's definition file as the catalog keeps it, with what counting it again needs.
public struct StoredDefinition: Sendable {
    var id: Int64
    public var model: String
    public var displayName: String?
    public var family: String?
    public var floatParent: String?
    /// SHA-256 of the file it was ingested from: a profile counted from it belongs to that file.
    public var sha256: String
    public var format: String
    /// The file it was ingested from, for messages.
    public var file: String
    /// The definition, decompressed (ONNX without tensor payloads).
    public var data: Data
    /// The input of its default profile, and that profile's backbone end.
    public var defaultInput: InputKey
    public var backboneEnd: String?
    /// The inputs it already has profiles at.
    public var inputs: [InputKey]

    /// Counts the definition at `inputs`, with the backbone end of its default profile.
    public func count(inputs: [InputBinding]) throws -> CountedModel {
        var counted = try Pipeline.count(
            data, file: file, inputs: inputs, backbone: backboneEnd.map(BackboneChoice.node) ?? .propose)
        counted.name = model
        counted.sha256 = sha256
        return counted
    }

    /// Whether it has a profile at `key`.
    public func hasProfile(at key: InputKey) -> Bool { inputs.contains { $0.matches(key) } }
}

/// zlib's deflate format, for definitions.
enum Zlib {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func compress(_ data: Data) throws -> Data {
        var bound = compressBound(uLong(data.count))
        var out = Data(count: Int(bound))
        let code = out.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) in
            data.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
                compress2(
                    target.baseAddress!.assumingMemoryBound(to: Bytef.self), &bound,
                    source.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(data.count), 6)
            }
        }
        guard code == Z_OK else { throw Failure(description: "zlib could not compress the definition (code \(code))") }
        out.count = Int(bound)
        return out
    }

    /// Inflates `data`, which must come to exactly `size` bytes (the size stored beside it).
    static func decompress(_ data: Data, size: Int) throws -> Data {
        guard size >= 0, size <= Limits.fileBytes else {
            throw Failure(description: "the stored size \(size) is out of range")
        }
        var length = uLong(size)
        var out = Data(count: max(size, 1))
        let code = out.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) in
            data.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
                uncompress(
                    target.baseAddress!.assumingMemoryBound(to: Bytef.self), &length,
                    source.baseAddress?.assumingMemoryBound(to: Bytef.self), uLong(data.count))
            }
        }
        guard code == Z_OK, Int(length) == size else {
            throw Failure(
                description: "the stored definition does not inflate to its \(size) bytes (zlib code \(code))")
        }
        out.count = size
        return out
    }
}

/// A definition as the catalog stores it, compressed: made before the write transaction (on
/// any thread), so the writer only writes it.
public struct StoredDefinitionData: Sendable {
    public let compressed: Data
    /// The size of the definition as read (ONNX without its payloads when `stripped`).
    public let bytes: Int
    public let stripped: Bool

    public init(_ data: Data, stripped: Bool) throws {
        compressed = try Zlib.compress(data)
        bytes = data.count
        self.stripped = stripped
    }
}

extension Catalog {
    /// Stores the definition of the model `modelID` (replacing any).
    func storeDefinition(_ db: Database, modelID: Int64, _ definition: StoredDefinitionData) throws {
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO definitions (model_id, encoding, payloads, stored_bytes, data)
                VALUES (?, 'zlib', ?, ?, ?)
                """,
            arguments: [modelID, definition.stripped ? "stripped" : "kept", definition.bytes, definition.compressed])
    }

    /// The stored definitions of the models a selection names (all when empty), in ingest order,
    /// and the names of the selected models that have none (ingested by a schema-2 opcat).
    public func definitions(
        families: [String] = [], models: [String] = [], zoos: [String] = [], named names: [String]? = nil
    ) throws
        -> (definitions: [StoredDefinition], missing: [String])
    {
        try read { db in
            var sql = """
                SELECT m.id, m.name, m.display_name, m.family, m.float_parent, m.definition_sha256, m.format,
                       m.source_file, m.default_input, d.stored_bytes, d.data,
                       (SELECT p.backbone_end FROM profiles p WHERE p.model_id = m.id
                          AND p.input_shape = m.default_input AND p.convention = 'standard') AS backbone_end
                FROM models m LEFT JOIN definitions d ON d.model_id = m.id
                """
            var (condition, arguments) = Catalog.selection(families: families, models: models, zoos: zoos)
            if let names {
                let exact = "m.name IN (" + names.map { _ in "?" }.joined(separator: ", ") + ")"
                condition = condition.isEmpty ? exact : condition + " AND " + exact
                arguments += names.map { $0 }
            }
            if !condition.isEmpty { sql += " WHERE " + condition }
            sql += " ORDER BY m.id"
            var found: [StoredDefinition] = []
            var missing: [String] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) {
                let t = "models and definitions"
                func get<T: DatabaseValueConvertible>(_ name: String) throws -> T { try value(row, name, in: t) }
                func optional<T: DatabaseValueConvertible>(_ name: String) throws -> T? {
                    try optionalValue(row, name, in: t)
                }
                let name: String = try get("name")
                guard let compressed: Data = try optional("data") else {
                    missing.append(name)
                    continue
                }
                let data: Data
                do { data = try Zlib.decompress(compressed, size: try get("stored_bytes")) } catch let error
                    as Zlib.Failure
                {
                    throw CatalogError.database(path: path, message: "the stored definition of '\(name)': \(error)")
                }
                let id: Int64 = try get("id")
                let inputs: [String] = try column(
                    db, "SELECT DISTINCT input_shape FROM profiles WHERE model_id = ? ORDER BY id", arguments: [id],
                    in: "profiles")
                found.append(
                    StoredDefinition(
                        id: id, model: name, displayName: try optional("display_name"), family: try optional("family"),
                        floatParent: try optional("float_parent"), sha256: try get("definition_sha256"),
                        format: try get("format"), file: try get("source_file"), data: data,
                        defaultInput: try storedInputKey(try get("default_input")),
                        backboneEnd: try optional("backbone_end"), inputs: try inputs.map(storedInputKey)))
            }
            return (found, missing)
        }
    }

    /// A WHERE condition for `--family`/`--model` shell-style patterns (case-insensitive; any
    /// pattern of an option matches), with its arguments; empty when neither is given.
    static func selection(families: [String], models: [String], zoos: [String] = []) -> (
        String, [(any DatabaseValueConvertible)?]
    ) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        for (column, patterns) in [("m.family", families), ("m.name", models), ("m.zoo", zoos)] where !patterns.isEmpty
        {
            conditions.append(
                "(" + patterns.map { _ in "lower(\(column)) GLOB lower(?)" }.joined(separator: " OR ") + ")")
            arguments += patterns.map { $0 }
        }
        return (conditions.joined(separator: " AND "), arguments)
    }
}

extension Catalog {
    /// Summaries of `definition` counted now at `inputs`, one per checkpoint, as
    /// ``summaries(convention:input:families:models:format:)`` would give them had the profile
    /// been stored; nothing is written.
    public func summaries(counting definition: StoredDefinition, inputs: [InputBinding], convention: Convention)
        throws -> [ProfileSummary]
    {
        let counted = try definition.count(inputs: inputs)
        let analysis = counted.analysis
        func counts(_ totals: Counts, _ mxop: MxopCounts) -> ProfileCounts {
            var result = ProfileCounts()
            for measure in Measure.allCases { result[measure] = convention.value(measure, totals, mxop) }
            return result
        }
        var summary = ProfileSummary(
            model: definition.model, displayName: definition.displayName, family: definition.family,
            format: definition.format, input: InputKey(analysis.inputs), convention: convention,
            complete: analysis.isComplete, upperBound: Catalog.upperBound(analysis), layerCount: analysis.layers.count,
            backboneEnd: analysis.backbone?.end,
            totals: counts(analysis.totals, analysis.mxop),
            backbone: analysis.backbone.map { counts($0.totals, $0.mxop) }, metrics: [:],
            unsupported: Dictionary(analysis.unsupported.map { ($0.op, $0.count) }, uniquingKeysWith: +),
            floatParent: definition.floatParent)
        if convention == .standard {
            for (precision, macs) in analysis.macsByPrecision {
                summary.precisions["\(precision.activation.rawValue)×\(precision.weight.rawValue)"] = macs
            }
            for (type, stored) in analysis.storageByType { summary.storedBytes[type.rawValue] = stored.bytes }
        }
        let checkpoints = try read { db in
            let ids: [Int64] = try column(
                db, "SELECT id FROM checkpoints WHERE model_id = ? ORDER BY id", arguments: [definition.id],
                in: "checkpoints")
            let loaded = try loadCheckpoints(db, ids: "[" + ids.map(String.init).joined(separator: ",") + "]")
            return ids.compactMap { loaded[$0] }
        }
        guard !checkpoints.isEmpty else { return [summary] }
        return checkpoints.map { checkpoint, metrics in
            var one = summary
            one.checkpoint = checkpoint
            one.metrics = metrics
            return one
        }
    }
}
