import CZlib
import Foundation
import GRDB
import ModelFormats
import OpCount

/// A model's definition file as the catalog keeps it, with what counting it again needs.
public struct StoredDefinition: Sendable {
    public var model: String
    public var family: String?
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

extension Catalog {
    /// Stores the definition of the model `modelID` (replacing any), compressed.
    func storeDefinition(_ db: Database, modelID: Int64, _ definition: (data: Data, stripped: Bool)) throws {
        let compressed = try Zlib.compress(definition.data)
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO definitions (model_id, encoding, payloads, stored_bytes, data)
                VALUES (?, 'zlib', ?, ?, ?)
                """,
            arguments: [modelID, definition.stripped ? "stripped" : "kept", definition.data.count, compressed])
    }

    /// The stored definitions of the models a selection names (all when empty), in ingest order,
    /// and the names of the selected models that have none (ingested by a schema-2 opcat).
    public func definitions(families: [String] = [], models: [String] = []) throws
        -> (definitions: [StoredDefinition], missing: [String])
    {
        try read { db in
            var sql = """
                SELECT m.id, m.name, m.family, m.format, m.source_file, m.default_input, d.stored_bytes, d.data,
                       (SELECT p.backbone_end FROM profiles p WHERE p.model_id = m.id
                          AND p.input_shape = m.default_input AND p.convention = 'standard') AS backbone_end
                FROM models m LEFT JOIN definitions d ON d.model_id = m.id
                """
            let (condition, arguments) = Catalog.selection(families: families, models: models)
            if !condition.isEmpty { sql += " WHERE " + condition }
            sql += " ORDER BY m.id"
            var found: [StoredDefinition] = []
            var missing: [String] = []
            for row in try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)) {
                let name: String = row["name"]
                guard let compressed = row["data"] as Data? else {
                    missing.append(name)
                    continue
                }
                let data: Data
                do { data = try Zlib.decompress(compressed, size: row["stored_bytes"]) } catch {
                    throw CatalogError.database(path: path, message: "the stored definition of '\(name)': \(error)")
                }
                let inputs = try String.fetchAll(
                    db, sql: "SELECT DISTINCT input_shape FROM profiles WHERE model_id = ? ORDER BY id",
                    arguments: [row["id"] as Int64])
                found.append(
                    StoredDefinition(
                        model: name, family: row["family"], format: row["format"], file: row["source_file"],
                        data: data, defaultInput: try storedInputKey(row["default_input"]),
                        backboneEnd: row["backbone_end"], inputs: try inputs.map(storedInputKey)))
            }
            return (found, missing)
        }
    }

    /// A WHERE condition for `--family`/`--model` shell-style patterns (case-insensitive; any
    /// pattern of an option matches), with its arguments; empty when neither is given.
    static func selection(families: [String], models: [String]) -> (String, [(any DatabaseValueConvertible)?]) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        for (column, patterns) in [("m.family", families), ("m.name", models)] where !patterns.isEmpty {
            conditions.append(
                "(" + patterns.map { _ in "lower(\(column)) GLOB lower(?)" }.joined(separator: " OR ") + ")")
            arguments += patterns.map { $0 }
        }
        return (conditions.joined(separator: " AND "), arguments)
    }
}
