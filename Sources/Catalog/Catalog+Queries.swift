import Foundation
import GRDB
import ModelFormats
import OpCount

/// The counts of one profile or its backbone. Measures a convention does not define are nil.
public struct ProfileCounts: Sendable, Hashable {
    // One stored value per measure (a profile is read per model of a catalog: no dictionary).
    private var params, buffers, paramBytes, macs, muls, adds, divs, exps, cmps, flops, activations: Int?

    /// No counts; set them by measure.
    public init() {}

    /// The positions of one set of count columns (`bb_` prefixed for the backbone) in a
    /// statement, looked up once per query: GRDB's by-name lookup lowercases the name on every
    /// access.
    struct Columns {
        let positions: [(Measure, Int)]

        init(_ column: ColumnIndex, prefix: String = "") {
            positions = Measure.allCases.map { ($0, column[prefix + $0.key]) }
        }
    }

    /// The counts in `row`; nil when the row has none (no backbone). Each value is checked.
    init?(_ row: Row, _ columns: Columns, _ catalog: Catalog) throws {
        guard try catalog.optionalValue(row, columns.positions[0].1, in: "profiles") as Int? != nil else { return nil }
        for (measure, position) in columns.positions {
            self[measure] = try catalog.optionalValue(row, position, in: "profiles")
        }
    }

    /// The count of a measure, nil where the profile's convention defines none.
    public subscript(_ measure: Measure) -> Int? {
        get { measure.pick(params, buffers, paramBytes, macs, muls, adds, divs, exps, cmps, flops, activations) }
        set {
            switch measure {
            case .params: params = newValue
            case .buffers: buffers = newValue
            case .paramBytes: paramBytes = newValue
            case .macs: macs = newValue
            case .muls: muls = newValue
            case .adds: adds = newValue
            case .divs: divs = newValue
            case .exps: exps = newValue
            case .cmps: cmps = newValue
            case .flops: flops = newValue
            case .activations: activations = newValue
            }
        }
    }
}

/// A checkpoint of a model: its name, the input its figures were measured at, and their sources.
public struct CheckpointSummary: Sendable, Hashable {
    public var name: String
    public var evalInput: InputKey
    public var cropFraction: Double?
    public var interpolation: String?
    public var pretraining: String?
    /// Where the weights come from.
    public var source: String?
    /// Where its figures come from (distinct sources, in the order stored).
    public var metricSources: [String]
}

/// A measured speed of a model at a profile's input: the manifest's measurement, as stored.
public typealias MeasuredSpeed = ZooManifest.Measurement

extension ZooManifest.Measurement {
    /// `RTX 4090, amp, batch 256`.
    public var setting: String { "\(device), \(precision), batch \(batchSize)" }
}

/// One model at one input under one convention, with what a comparison table needs: one per
/// checkpoint of the model (a model without checkpoints has one, with none).
public struct ProfileSummary: Sendable, Hashable {
    public var model: String
    public var displayName: String?
    public var family: String?
    public var format: String
    public var input: InputKey
    public var convention: Convention
    public var complete: Bool
    /// Where sizes depend on the data (the figures are then upper bounds); nil when exact.
    public var upperBound: String? = nil
    public var layerCount: Int
    public var backboneEnd: String?
    public var totals: ProfileCounts
    public var backbone: ProfileCounts?
    /// The checkpoint whose figures `metrics` are; nil for a model with none.
    public var checkpoint: CheckpointSummary?
    /// Metric name → value (top1, top5 …) of the checkpoint.
    public var metrics: [String: Double]
    public var unsupported: [String: Int]
    /// For a quantized model, the float model it was made from.
    public var floatParent: String?
    /// MACs by precision, `activation×weight` → MACs (standard profiles).
    public var precisions: [String: Int] = [:]
    /// Stored bytes of params and buffers by element type (standard profiles).
    public var storedBytes: [String: Int] = [:]
    /// Measured speeds of the model at this input.
    public var measurements: [MeasuredSpeed] = []

    /// MACs whose operands are both 8 bits or narrower.
    public var lowBitMACs: Int {
        precisions.filter { key, _ in
            key.split(separator: "×").allSatisfy { DataType(rawValue: String($0)).map { $0.bitWidth <= 8 } ?? false }
        }.values.reduce(0, +)
    }

    /// Whether the accuracy comes from another input than the costs.
    public var evaluatedElsewhere: Bool {
        guard let checkpoint else { return false }
        return !checkpoint.evalInput.matches(input) && !input.matches(checkpoint.evalInput)
    }

    /// A count of the whole model or of its backbone.
    public func value(_ measure: Measure, backbone: Bool = false) -> Int? {
        backbone ? self.backbone?[measure] : totals[measure]
    }
}

extension Catalog {
    /// One profile per model and checkpoint: at the inputs `input` matches (its names, where it
    /// gives them, and its shapes) when given; else each checkpoint at its evaluation input when
    /// the model has a profile there, and at the model's default input otherwise (a model
    /// without checkpoints: its default input).
    public func summaries(
        convention: Convention, input: InputKey? = nil, families: [String] = [], models: [String] = [],
        format: String? = nil, zoos: [String] = []
    ) throws -> [ProfileSummary] {
        try summaries(
            QueryScope(
                convention: convention, input: input, families: families, models: models, zoos: zoos, format: format))
    }

    /// The summaries of `rows`, in their order: each row's profile with its model's figures and
    /// the checkpoint's metrics. Side tables are read for these rows only.
    func summaries(_ db: Database, _ rows: [ScopeRow], convention: Convention) throws -> [ProfileSummary] {
        guard !rows.isEmpty else { return [] }
        // The ids as one JSON array argument each (`IN (SELECT value FROM json_each(?))`).
        func ids(_ values: some Sequence<Int64>) -> String {
            "[" + Set(values).map(String.init).joined(separator: ",") + "]"
        }
        let profileIDs = ids(rows.map(\.profile))
        let inProfiles = "IN (SELECT value FROM json_each(?))"
        let statement = try db.makeStatement(
            sql: """
                SELECT m.id AS model_id, m.name, m.display_name, m.family, m.format, m.float_parent, p.*
                FROM profiles p JOIN models m ON m.id = p.model_id WHERE p.id \(inProfiles)
                """)
        let column = ColumnIndex(statement.columnNames)
        let totalColumns = ProfileCounts.Columns(column)
        let backboneColumns = ProfileCounts.Columns(column, prefix: "bb_")
        let unsupported = try perProfile(db, "unsupported_ops", key: ["op"], count: "occurrences", ids: profileIDs)
        let precisions = try perProfile(
            db, "profile_precisions", key: ["activation_type", "weight_type"], count: "macs", ids: profileIDs)
        let stored = try perProfile(db, "profile_storage", key: ["data_type"], count: "bytes", ids: profileIDs)
        var profiles: [Int64: ProfileSummary] = [:]
        var modelIDs: [Int64: Int64] = [:]
        var inputs: [Int64: String] = [:]
        profiles.reserveCapacity(rows.count)
        modelIDs.reserveCapacity(rows.count)
        inputs.reserveCapacity(rows.count)
        let cursor = try Row.fetchCursor(statement, arguments: [profileIDs])
        while let row = try cursor.next() {
            guard let totals = try ProfileCounts(row, totalColumns, self) else { continue }
            let t = "models and profiles"
            func get<T: DatabaseValueConvertible>(_ name: String) throws -> T {
                try value(row, column[name], in: t)
            }
            func optional<T: DatabaseValueConvertible>(_ name: String) throws -> T? {
                try optionalValue(row, column[name], in: t)
            }
            let profileID: Int64 = try get("id")
            let input: String = try get("input_shape")
            modelIDs[profileID] = try get("model_id")
            inputs[profileID] = input
            profiles[profileID] = ProfileSummary(
                model: try get("name"), displayName: try optional("display_name"), family: try optional("family"),
                format: try get("format"), input: try storedInputKey(input),
                convention: convention, complete: try get("complete"), upperBound: try optional("upper_bound"),
                layerCount: try get("layer_count"), backboneEnd: try optional("backbone_end"), totals: totals,
                backbone: try ProfileCounts(row, backboneColumns, self), metrics: [:],
                unsupported: unsupported[profileID] ?? [:], floatParent: try optional("float_parent"),
                precisions: precisions[profileID] ?? [:], storedBytes: stored[profileID] ?? [:])
        }
        // Measured speeds, by model and stored input key.
        var measured: [Int64: [String: [MeasuredSpeed]]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT model_id, input_shape, device, precision, batch_size, metric, value, source
                FROM measurements WHERE model_id IN (SELECT value FROM json_each(?)) ORDER BY id
                """, arguments: [ids(modelIDs.values)])
        {
            let t = "measurements"
            let key: String = try value(row, 1, in: t)
            let input = try storedInputKey(key).inputs.first
            measured[try value(row, 0, in: t), default: [:]][key, default: []].append(
                MeasuredSpeed(
                    input: ZooManifest.Input(name: input?.name, shape: input?.shape ?? []),
                    device: try value(row, 2, in: t), precision: try value(row, 3, in: t),
                    batchSize: try value(row, 4, in: t), metric: try value(row, 5, in: t),
                    value: try value(row, 6, in: t), source: try value(row, 7, in: t)))
        }
        for (id, model) in modelIDs {
            guard let byInput = measured[model], let input = inputs[id] else { continue }
            profiles[id]?.measurements = byInput[input] ?? []
        }
        let checkpoints = try loadCheckpoints(db, ids: ids(rows.compactMap(\.checkpoint)))
        return rows.compactMap { row in
            guard var summary = profiles[row.profile] else { return nil }
            if let id = row.checkpoint, let (checkpoint, metrics) = checkpoints[id] {
                summary.checkpoint = checkpoint
                summary.metrics = metrics
            }
            return summary
        }
    }

    /// A side table of profiles read for the profile ids of a JSON array: profile id → key (the
    /// `key` columns joined by `×`, as `float32×int8`) → the `count` column.
    private func perProfile(_ db: Database, _ table: String, key: [String], count: String, ids: String) throws
        -> [Int64: [String: Int]]
    {
        var result: [Int64: [String: Int]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT profile_id, \(key.joined(separator: ", ")), \(count) FROM \(table)
                WHERE profile_id IN (SELECT value FROM json_each(?))
                """, arguments: [ids])
        {
            let name = try key.indices.map { try value(row, $0 + 1, in: table) as String }.joined(separator: "×")
            result[try value(row, 0, in: table) as Int64, default: [:]][name] = try value(row, key.count + 1, in: table)
        }
        return result
    }

    /// Checkpoints with their figures (metric → value), by checkpoint id, for the ids of a JSON array.
    func loadCheckpoints(_ db: Database, ids: String) throws -> [Int64: (CheckpointSummary, [String: Double])] {
        let only = "IN (SELECT value FROM json_each(?))"
        var metrics: [Int64: [String: Double]] = [:]
        var sources: [Int64: [String]] = [:]
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT checkpoint_id, metric, value, source FROM metrics WHERE checkpoint_id \(only) ORDER BY checkpoint_id, dataset, metric",
            arguments: [ids])
        {
            let id: Int64 = try value(row, 0, in: "metrics")
            metrics[id, default: [:]][try value(row, 1, in: "metrics")] = try value(row, 2, in: "metrics") as Double
            let source: String = try value(row, 3, in: "metrics")
            if !(sources[id] ?? []).contains(source) { sources[id, default: []].append(source) }
        }
        var checkpoints: [Int64: (CheckpointSummary, [String: Double])] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT id, name, eval_input, crop_fraction, interpolation, pretraining, source
                FROM checkpoints WHERE id \(only)
                """, arguments: [ids])
        {
            let t = "checkpoints"
            let id: Int64 = try value(row, 0, in: t)
            let checkpoint = CheckpointSummary(
                name: try value(row, 1, in: t), evalInput: try storedInputKey(try value(row, 2, in: t)),
                cropFraction: try optionalValue(row, 3, in: t), interpolation: try optionalValue(row, 4, in: t),
                pretraining: try optionalValue(row, 5, in: t), source: try optionalValue(row, 6, in: t),
                metricSources: sources[id] ?? [])
            checkpoints[id] = (checkpoint, metrics[id] ?? [:])
        }
        return checkpoints
    }

    /// The families of the catalog's models, for messages.
    public func families() throws -> [String] {
        try read { db in
            try column(db, "SELECT DISTINCT family FROM models WHERE family IS NOT NULL ORDER BY 1", in: "models")
        }
    }

    /// Every input a model has a measured speed at, by model name (an input no checkpoint is
    /// evaluated at has a profile of its own, which ``summaries(convention:input:families:models:format:zoos:)``
    /// gives only when asked for that input).
    public func measuredInputs() throws -> [String: [InputKey]] {
        try read { db in
            var result: [String: [InputKey]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT m.name, x.input_shape FROM measurements x JOIN models m ON m.id = x.model_id
                    ORDER BY m.id, x.input_shape
                    """)
            {
                let t = "measurements"
                result[try value(row, 0, in: t), default: []].append(try storedInputKey(try value(row, 1, in: t)))
            }
            return result
        }
    }

    /// The datasets the catalog's figures of `metric` (top1 …) are on, in name order.
    public func metricDatasets(_ metric: String) throws -> [String] {
        try read { db in
            try column(
                db, "SELECT DISTINCT dataset FROM metrics WHERE metric = ? ORDER BY 1", arguments: [metric],
                in: "metrics")
        }
    }

    /// The zoo each model was ingested from, by model name (models of no zoo are absent).
    public func modelZoos() throws -> [String: String] {
        try read { db in
            var result: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, zoo FROM models WHERE zoo IS NOT NULL") {
                result[try value(row, 0, in: "models")] = try value(row, 1, in: "models")
            }
            return result
        }
    }

    /// Every input a model has a stored profile at in `convention`, by model name, in the order
    /// stored.
    public func profileInputs(convention: Convention) throws -> [String: [InputKey]] {
        try read { db in
            var result: [String: [InputKey]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT m.name, p.input_shape FROM profiles p JOIN models m ON m.id = p.model_id
                    WHERE p.convention = ? ORDER BY m.id, p.id
                    """, arguments: [convention.rawValue])
            {
                let t = "profiles"
                result[try value(row, 0, in: t), default: []].append(try storedInputKey(try value(row, 1, in: t)))
            }
            return result
        }
    }

    /// All model names, for suggestions.
    public func modelNames() throws -> [String] {
        try read { db in try column(db, "SELECT name FROM models ORDER BY name", in: "models") }
    }

    /// The SQL function `opcat_input_matches(stored_key)`: ``InputKey/matches(_:)`` against
    /// `query` inside SQLite, so a query by shape needs no string pattern.
    static func inputMatches(_ query: InputKey) -> DatabaseFunction {
        DatabaseFunction("opcat_input_matches", argumentCount: 1, pure: true) { values in
            guard let stored = String.fromDatabaseValue(values[0]), let key = try? InputKey(parsing: stored) else {
                return false
            }
            return key.matches(query)
        }
    }

    /// A stored input key, parsed; a key this build cannot read is a catalog error.
    func storedInputKey(_ text: String) throws -> InputKey {
        do { return try InputKey(parsing: text) } catch {
            throw CatalogError.database(path: path, message: "a stored input key '\(text)' is not readable: \(error)")
        }
    }
}

/// Column positions of a statement by name; the leftmost column wins, as in GRDB's own lookup
/// (`m.id AS model_id` before `p.*`'s `model_id`).
struct ColumnIndex {
    private let positions: [String: Int]

    init(_ names: [String]) {
        positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    subscript(_ name: String) -> Int {
        guard let position = positions[name] else { preconditionFailure("the query selects no column '\(name)'") }
        return position
    }
}

/// One stored layer row.
public struct StoredLayer: Sendable, Hashable {
    public var index: Int
    public var name: String
    public var op: String
    public var sourceOp: String
    public var status: String
    /// Output shapes, nil where one could not be inferred.
    public var outputShapes: [[Int]?]
    public var params: Int
    public var cost: Int
    public var flops: Int?
    public var inBackbone: Bool
    /// `activation×weight` types of a layer with MACs (standard profiles).
    public var precision: String?
    /// The module path the layer belongs to; nil where the catalog has none (stored before
    /// schema 8).
    public var module: String? = nil
    /// Elements of the layer's outputs (standard profiles).
    public var activations: Int? = nil

    public init(
        index: Int, name: String, op: String, sourceOp: String, status: String, outputShapes: [[Int]?], params: Int,
        cost: Int, flops: Int?, inBackbone: Bool, precision: String?, module: String? = nil, activations: Int? = nil
    ) {
        self.index = index
        self.name = name
        self.op = op
        self.sourceOp = sourceOp
        self.status = status
        self.outputShapes = outputShapes
        self.params = params
        self.cost = cost
        self.flops = flops
        self.inBackbone = inBackbone
        self.precision = precision
        self.module = module
        self.activations = activations
    }
}

extension Catalog {
    /// The stored name matching `name` case-insensitively, or an error suggesting the nearest names.
    public func resolveModel(_ name: String) throws -> String {
        let names = try modelNames()
        if let exact = names.first(where: { $0 == name })
            ?? names.first(where: { $0.lowercased() == name.lowercased() })
        {
            return exact
        }
        let nearest = Suggestions.nearest(to: name, in: names)
        throw CatalogError.notFound(
            "no model '\(name)' in the catalog"
                + (nearest.isEmpty ? "" : "; did you mean \(nearest.joined(separator: ", "))?"))
    }

    /// The model a checkpoint name belongs to, with the input its figures were measured at: nil
    /// when no checkpoint has that name (compared case-insensitively); an error when checkpoints
    /// of several models have it.
    public func checkpointOwner(_ name: String) throws -> (model: String, checkpoint: String, evalInput: InputKey)? {
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT m.name, c.name, c.eval_input FROM checkpoints c JOIN models m ON m.id = c.model_id
                    WHERE c.name = ? COLLATE NOCASE ORDER BY c.name = ? DESC, m.name
                    """, arguments: [name, name])
        }
        let exact = rows.filter { (try? value($0, 1, in: "checkpoints") as String) == name }
        let found = exact.isEmpty ? rows : exact
        guard let first = found.first else { return nil }
        if found.count > 1 {
            let models = try found.map { try value($0, 0, in: "checkpoints") as String }
            throw CatalogError.notFound(
                "checkpoint '\(name)' belongs to several models (\(models.joined(separator: ", "))); name the model")
        }
        return (
            try value(first, 0, in: "checkpoints"), try value(first, 1, in: "checkpoints"),
            try storedInputKey(try value(first, 2, in: "checkpoints"))
        )
    }

    /// The layers of `model` at `input` (its default input when nil) in a convention; the cost
    /// column is MACs in the standard convention and muls in mxop's.
    public func layers(model: String, convention: Convention, input: InputKey? = nil) throws
        -> (profile: ProfileSummary, layers: [StoredLayer])
    {
        let name = try resolveModel(model)
        guard let profile = try summaries(QueryScope(convention: convention, input: input, model: name)).first
        else {
            let inputs: [String] = try read { db in
                try column(
                    db,
                    """
                    SELECT DISTINCT p.input_shape FROM profiles p JOIN models m ON m.id = p.model_id WHERE m.name = ? ORDER BY 1
                    """, arguments: [name], in: "profiles")
            }
            let asked = input.map { $0.description } ?? "its default input"
            throw CatalogError.notFound(
                "'\(name)' has no profile at \(asked); it has \(inputs.joined(separator: ", ")) (add one with `opcat profile --input \(input.map { $0.shapes } ?? "SHAPE") --model \(name)`)"
            )
        }
        // Columns by position (a by-name lookup per value costs more than the rest of the read).
        let (module, rows) = try read { db in
            let module = try db.columns(in: "layers").contains { $0.name == "module" }
            return (
                module,
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT l.layer_index, l.name, l.op, l.source_op, l.status, l.output_shapes, l.params, \
                        l.\(convention.cost.key), l.flops, l.in_backbone, l.precision, l.activations\(module ? ", l.module" : "")
                        FROM layers l JOIN profiles p ON p.id = l.profile_id JOIN models m ON m.id = p.model_id
                        WHERE m.name = ? AND p.input_shape = ? AND p.convention = ? ORDER BY l.layer_index
                        """, arguments: [name, profile.input.description, convention.rawValue])
            )
        }
        let t = "layers"
        return (
            profile,
            try rows.map { row in
                StoredLayer(
                    index: try value(row, 0, in: t), name: try value(row, 1, in: t), op: try value(row, 2, in: t),
                    sourceOp: try value(row, 3, in: t), status: try value(row, 4, in: t),
                    outputShapes: try storedShapes(try value(row, 5, in: t)), params: try value(row, 6, in: t),
                    cost: try value(row, 7, in: t), flops: try optionalValue(row, 8, in: t),
                    inBackbone: try value(row, 9, in: t), precision: try optionalValue(row, 10, in: t),
                    // A catalog read without migrating may predate schema 8.
                    module: module ? try optionalValue(row, 12, in: t) : nil,
                    activations: try optionalValue(row, 11, in: t))
            }
        )
    }
}

extension Catalog {
    /// Shapes as stored: a JSON array of arrays, `null` for an unknown shape (`[[1,64,56,56]]`).
    static func encodeShapes(_ shapes: some Sequence<[Int]?>) -> String {
        var text = "["
        for (i, shape) in shapes.enumerated() {
            if i > 0 { text += "," }
            if let shape { append(shape, to: &text) } else { text += "null" }
        }
        return text + "]"
    }

    /// `[1,3,224,224]`, appended without a string per dimension.
    private static func append(_ shape: [Int], to text: inout String) {
        text += "["
        for (i, dimension) in shape.enumerated() {
            if i > 0 { text += "," }
            text += String(dimension)
        }
        text += "]"
    }

    /// Stored shapes read back (as ``encodeShapes(_:)`` writes them, parsed by hand: a JSON
    /// decoder per layer was most of a large model's read); text that is not such an array is
    /// a catalog error.
    func storedShapes(_ text: String) throws -> [[Int]?] {
        guard let shapes = Self.parseShapes(text) else {
            throw CatalogError.database(
                path: path, message: "stored layer shapes '\(text.prefix(80))' are not readable")
        }
        return shapes
    }

    /// `[[1,64,56,56],null]` → shapes; nil for anything else (whitespace allowed between tokens).
    static func parseShapes(_ text: String) -> [[Int]?]? {
        var bytes = Array(text.utf8)[...]
        func skip() {
            while let b = bytes.first, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { bytes.removeFirst() }
        }
        func take(_ c: UInt8) -> Bool {
            skip()
            guard bytes.first == c else { return false }
            bytes.removeFirst()
            return true
        }
        func integer() -> Int? {
            skip()
            var value = 0
            var digits = 0
            let negative = take(0x2D)
            while let b = bytes.first, b >= 0x30, b <= 0x39 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(b - 0x30))
                if o1 || o2 { return nil }
                value = a
                digits += 1
                bytes.removeFirst()
            }
            return digits > 0 ? (negative ? -value : value) : nil
        }
        guard take(0x5B) else { return nil }
        var shapes: [[Int]?] = []
        if !take(0x5D) {
            repeat {
                skip()
                if bytes.starts(with: "null".utf8) {
                    bytes.removeFirst(4)
                    shapes.append(nil)
                    continue
                }
                guard take(0x5B) else { return nil }
                var shape: [Int] = []
                if !take(0x5D) {
                    repeat {
                        guard let d = integer() else { return nil }
                        shape.append(d)
                    } while take(0x2C)
                    guard take(0x5D) else { return nil }
                }
                shapes.append(shape)
            } while take(0x2C)
            guard take(0x5D) else { return nil }
        }
        skip()
        return bytes.isEmpty ? shapes : nil
    }
}

/// Nearest names by edit distance, for "did you mean" messages.
public enum Suggestions {
    public static func nearest(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        let target = Array(name.lowercased())
        let scored = candidates.map { candidate -> (String, Int) in
            let c = Array(candidate.lowercased())
            var previous = Array(0...c.count)
            for (i, a) in target.enumerated() {
                var current = [i + 1] + Array(repeating: 0, count: c.count)
                for (j, b) in c.enumerated() {
                    current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (a == b ? 0 : 1))
                }
                previous = current
            }
            // Containment is a strong hint ("resnet50" → "resnet50_v1").
            let distance =
                c.count >= target.count && candidate.lowercased().contains(name.lowercased()) ? 0 : previous[c.count]
            return (candidate, distance)
        }
        let threshold = max(2, target.count / 2)
        return scored.filter { $0.1 <= threshold }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
    }
}
