import Foundation
import GRDB
import GRDBSQLite
import ModelFormats
import OpCount

/// What the catalog knows about a model besides its counts.
public struct ModelRecord: Sendable, Hashable {
    public var name: String
    public var displayName: String?
    public var family: String?
    /// Its checkpoints with their figures. A checkpoint without an evaluation input was
    /// evaluated at the model's default input.
    public var checkpoints: [ZooManifest.Checkpoint]
    /// For a quantized model: the float model it was made from.
    public var floatParent: String?
    /// Measured speeds of the model (at an input, on a device).
    public var measurements: [ZooManifest.Measurement]
    /// The zoo it comes from.
    public var zoo: String?

    /// A model called `name`, described by its zoo manifest entry if it has one.
    public init(name: String, entry: ZooManifest.Entry? = nil) {
        self.name = name
        displayName = entry?.displayName
        family = entry?.family
        checkpoints = entry?.allCheckpoints ?? []
        floatParent = entry?.quantizedFrom
        measurements = entry?.measurements ?? []
    }
}

/// The text columns of a counted model's layer rows, encoded once for both conventions'
/// profiles; ``Catalog/ingest(_:record:definition:force:rows:now:)`` encodes them when not
/// given, and a caller that counts on other threads encodes them there.
public struct LayerRows: Sendable {
    /// Per layer, as stored: JSON arrays of shapes (`null` for an unknown one).
    public let inputShapes: [String]
    public let outputShapes: [String]
    /// Per layer: the element types multiplied (standard profiles only).
    public let precisions: [String?]
    /// Per layer: its module path.
    public let modules: [String]

    public init(_ model: CountedModel) {
        let analysis = model.analysis
        inputShapes = analysis.layers.map { Catalog.encodeShapes($0.inputShapes) }
        outputShapes = analysis.layers.map { Catalog.encodeShapes($0.outputShapes.lazy.map(Optional.some)) }
        precisions = analysis.layers.map { $0.precision?.description }
        modules = analysis.layers.map(model.module(of:))
    }
}

/// What one ingest did.
public enum IngestOutcome: String, Sendable {
    /// A new model.
    case added
    /// The file changed: the model's rows were replaced.
    case replaced
    /// Same file, a new input shape (or backbone end): profiles added beside the others.
    case addedProfile = "added profile"
    /// Same file and options: nothing to count (metadata refreshed if it changed).
    case skipped
}

extension Catalog {
    /// Whether the catalog already has `name` from a file with this digest, its definition stored, counted at `inputKey`
    /// (or at its default input when `inputKey` is nil) with this backbone end (any, when nil):
    /// then an ingest has nothing to count.
    public func isCurrent(name: String, sha256: String, inputKey: InputKey?, backboneEnd: String?) throws -> Bool {
        try isCurrent(
            name: name, column: "definition_sha256", identity: sha256, inputKey: inputKey, backboneEnd: backboneEnd)
    }

    /// For a file whose status (a settled ``FileStatus``) is `status`, in one read: whether the
    /// catalog has `name` from it, current as above at every one of `inputKeys` (then the file
    /// need not be read), and whether a manifest's figures differ from the catalog's.
    public func unchanged(
        name: String, status: FileStatus, inputKeys: [InputKey?], backboneEnd: String?,
        checkpoints: [ZooManifest.Checkpoint], measurements: [ZooManifest.Measurement]
    ) throws -> (current: Bool, figuresDiffer: Bool) {
        try read { db in
            let current =
                try !inputKeys.isEmpty
                && inputKeys.allSatisfy { key in
                    try isCurrent(
                        db, name: name, column: "file_status", identity: status.description, inputKey: key,
                        backboneEnd: backboneEnd)
                }
            return (current, try figuresDiffer(db, name, checkpoints, measurements))
        }
    }

    private func isCurrent(name: String, column: String, identity: String, inputKey: InputKey?, backboneEnd: String?)
        throws -> Bool
    {
        try read { db in
            try isCurrent(
                db, name: name, column: column, identity: identity, inputKey: inputKey, backboneEnd: backboneEnd)
        }
    }

    private func isCurrent(
        _ db: Database, name: String, column: String, identity: String, inputKey: InputKey?, backboneEnd: String?
    ) throws -> Bool {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, \(column), default_input FROM models WHERE name = ?"),
                arguments: [name]),
            try optionalValue(row, 1, in: "models") as String? == identity,
            // A model from a schema-2 catalog is not current until its definition is stored.
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM definitions WHERE model_id = ?"),
                arguments: [row["id"] as Int64])
                == 1
        else { return false }
        let key: String = try inputKey?.description ?? value(row, "default_input", in: "models")
        var sql = "SELECT count(*) FROM profiles WHERE model_id = ? AND input_shape = ?"
        var arguments: StatementArguments = [row["id"] as Int64, key]
        if let backboneEnd {
            sql += " AND backbone_end = ?"
            arguments += [backboneEnd]
        }
        let count =
            try Int.fetchOne(
                db.cachedStatement(sql: sql), arguments: arguments) ?? 0
        return count == Convention.allCases.count
    }

    /// Whether `name`, stored from a file with this digest, has another file status stored than
    /// `status` (reading only): then ``recordStatus(name:sha256:status:)`` is worth a write.
    public func statusDiffers(name: String, sha256: String, status: FileStatus) throws -> Bool {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT definition_sha256, file_status FROM models WHERE name = ?"),
                    arguments: [name]),
                try value(row, 0, in: "models") as String == sha256
            else { return false }
            return try optionalValue(row, 1, in: "models") as String? != status.description
        }
    }

    /// Stores the status of the file `name` was read from, when the catalog holds it from a file
    /// with this digest: the next ingest skips the file without reading it.
    public func recordStatus(name: String, sha256: String, status: FileStatus) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE models SET file_status = ? WHERE name = ? AND definition_sha256 = ?",
                arguments: [status.description, name, sha256])
        }
    }

    /// A figure (or a checkpoint's evaluation input) that an ingest or import stored where the
    /// catalog had another, or none.
    public struct MetricChange: Sendable, Hashable, CustomStringConvertible {
        public var checkpoint: String
        public var dataset: String
        /// The metric (`top1`), or `eval input`.
        public var metric: String
        public var old: String?
        public var new: String

        /// Whether it is a figure (not an evaluation input).
        public var isFigure: Bool { metric != MetricChange.evalInput }
        public static let evalInput = "eval input"

        public var description: String { "\(metric) \(old ?? "none") → \(new)" }
    }

    /// Whether storing `checkpoints` for the model called `name` would change anything, read
    /// only (false when the model is not in the catalog: its ingest stores them).
    /// Whether a manifest's checkpoints or measurements differ from the catalog's for `name`, in one read.
    public func figuresDiffer(
        name: String, checkpoints: [ZooManifest.Checkpoint], measurements: [ZooManifest.Measurement]
    ) throws -> Bool {
        guard !checkpoints.isEmpty || !measurements.isEmpty else { return false }
        return try read { db in try figuresDiffer(db, name, checkpoints, measurements) }
    }

    private func figuresDiffer(
        _ db: Database, _ name: String, _ checkpoints: [ZooManifest.Checkpoint],
        _ measurements: [ZooManifest.Measurement]
    ) throws -> Bool {
        if !checkpoints.isEmpty, try checkpointState(db, name, checkpoints)?.stale ?? false { return true }
        return try !measurements.isEmpty && (try measurementState(db, name, measurements)?.stale ?? 0) > 0
    }

    public func checkpointsDiffer(name: String, checkpoints: [ZooManifest.Checkpoint]) throws -> Bool {
        guard !checkpoints.isEmpty else { return false }
        return try read { db in try checkpointState(db, name, checkpoints)?.stale ?? false }
    }

    /// Whether the model called `name` lacks any of `measurements` as given, read only (false
    /// when the model is not in the catalog).
    public func measurementsDiffer(name: String, measurements: [ZooManifest.Measurement]) throws -> Bool {
        guard !measurements.isEmpty else { return false }
        return try read { db in (try measurementState(db, name, measurements)?.stale ?? 0) > 0 }
    }

    /// Stores the checkpoints of `checkpoints` for the model called `name` where they differ
    /// from the catalog's, in one transaction, and says which figures changed; nothing when the
    /// model is not in the catalog yet (its ingest stores them).
    public func updateCheckpoints(name: String, checkpoints: [ZooManifest.Checkpoint]) throws -> [MetricChange] {
        // Compared in a read first: an unchanged re-ingest writes nothing.
        guard try checkpointsDiffer(name: name, checkpoints: checkpoints) else { return [] }
        return try write { db in
            guard let now = try checkpointState(db, name, checkpoints) else { return [] }
            try storeCheckpoints(db, now.id, defaultInput: now.defaultInput, checkpoints)
            return now.changes
        }
    }

    /// Stores the measurements of the model called `name` that are new or differ from the
    /// catalog's, in one transaction, and says how many; nothing when the model is not in the
    /// catalog yet (its ingest stores them). An unchanged re-ingest writes nothing.
    public func updateMeasurements(name: String, measurements: [ZooManifest.Measurement]) throws -> Int {
        guard try measurementsDiffer(name: name, measurements: measurements) else { return 0 }
        return try write { db in
            guard let now = try measurementState(db, name, measurements) else { return 0 }
            try storeMeasurements(db, now.id, measurements)
            return now.stale
        }
    }

    /// The model called `name` (nil when not in the catalog) and what storing `checkpoints` would change.
    private func checkpointState(_ db: Database, _ name: String, _ checkpoints: [ZooManifest.Checkpoint]) throws
        -> (id: Int64, defaultInput: String, changes: [MetricChange], stale: Bool)?
    {
        guard
            let model = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, default_input FROM models WHERE name = ?"), arguments: [name])
        else { return nil }
        let id: Int64 = model["id"]
        let defaultInput: String = try value(model, "default_input", in: "models")
        let (changes, stale) = try checkpointDifferences(db, id, defaultInput, checkpoints)
        return (id, defaultInput, changes, stale)
    }

    /// The model called `name` (nil when not in the catalog) and how many of `measurements` it
    /// lacks or has with another value or source.
    private func measurementState(_ db: Database, _ name: String, _ measurements: [ZooManifest.Measurement]) throws
        -> (id: Int64, stale: Int)?
    {
        guard
            let id = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM models WHERE name = ?"), arguments: [name])
        else { return nil }
        var stale = 0
        for m in measurements {
            let stored = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT value, source FROM measurements WHERE model_id = ? AND input_shape = ? AND device = ?
                        AND precision = ? AND batch_size = ? AND metric = ?
                        """), arguments: [id, Catalog.key(m.input), m.device, m.precision, m.batchSize, m.metric])
            if try stored.map({
                try value($0, 0, in: "measurements") as Double != m.value
                    || (try value($0, 1, in: "measurements") as String) != m.source
            }) ?? true {
                stale += 1
            }
        }
        return (id, stale)
    }

    /// The input key of a manifest input, as profiles key it.
    static func key(_ input: ZooManifest.Input) -> String {
        InputKey([InputKey.Input(name: input.name, shape: input.shape)]).description
    }

    /// Adds or updates measurements (others of the model are kept).
    func storeMeasurements(_ db: Database, _ modelID: Int64, _ measurements: [ZooManifest.Measurement]) throws {
        for m in measurements {
            try db.execute(
                sql: """
                    INSERT INTO measurements (model_id, input_shape, device, precision, batch_size, metric, value, source)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (model_id, input_shape, device, precision, batch_size, metric)
                    DO UPDATE SET value = excluded.value, source = excluded.source
                    """,
                arguments: [
                    modelID, Catalog.key(m.input), m.device, m.precision, m.batchSize, m.metric, m.value, m.source,
                ])
        }
    }

    /// Stores figures for checkpoints of models already in the catalog, all in one transaction,
    /// and says which changed. A model that is not in the catalog fails the whole import:
    /// nothing is applied.
    public func importCheckpoints(_ items: [(model: String, checkpoint: ZooManifest.Checkpoint)]) throws
        -> [(model: String, change: MetricChange)]
    {
        try write { db in
            var ids: [String: (Int64, String)] = [:]
            var unknown: [String] = []
            for (model, _) in items where ids[model] == nil && !unknown.contains(model) {
                if let row = try Row.fetchOne(
                    db, sql: "SELECT id, default_input FROM models WHERE name = ?", arguments: [model])
                {
                    ids[model] = (row["id"], try value(row, "default_input", in: "models"))
                } else {
                    unknown.append(model)
                }
            }
            guard unknown.isEmpty else {
                throw CatalogError.notFound(
                    "no model \(unknown.map { "'\($0)'" }.joined(separator: ", ")) in the catalog; nothing was imported"
                )
            }
            var changes: [(String, MetricChange)] = []
            for (model, checkpoint) in items {
                let (id, defaultInput) = ids[model]!
                let (found, stale) = try checkpointDifferences(db, id, defaultInput, [checkpoint])
                guard stale else { continue }
                changes += found.map { (model, $0) }
                try storeCheckpoints(db, id, defaultInput: defaultInput, [checkpoint])
            }
            return changes
        }
    }

    /// What storing `checkpoints` would change: the figures that differ, and whether anything
    /// (a figure, a source, an evaluation input, a tag) does.
    func checkpointDifferences(
        _ db: Database, _ modelID: Int64, _ defaultInput: String, _ checkpoints: [ZooManifest.Checkpoint]
    ) throws -> (changes: [MetricChange], stale: Bool) {
        var changes: [MetricChange] = []
        var stale = false
        for checkpoint in checkpoints {
            let stored = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id, eval_input, crop_fraction, interpolation, pretraining, source FROM checkpoints
                        WHERE model_id = ? AND name = ?
                        """), arguments: [modelID, checkpoint.name])
            let storedEval: String? = try stored.flatMap { try optionalValue($0, "eval_input", in: "checkpoints") }
            let evalInput = Catalog.evalKey(checkpoint, stored: storedEval, defaultInput: defaultInput)
            // Attributes a checkpoint leaves out keep their stored values (compared as stored).
            func differs<T: DatabaseValueConvertible & Equatable>(_ new: T?, _ column: String) -> Bool {
                guard let new else { return false }
                return (stored?[column] as DatabaseValue?) != new.databaseValue
            }
            if stored != nil, storedEval != evalInput {
                changes.append(
                    MetricChange(
                        checkpoint: checkpoint.name, dataset: "", metric: MetricChange.evalInput,
                        old: storedEval, new: evalInput))
            }
            if storedEval != evalInput || differs(checkpoint.cropFraction, "crop_fraction")
                || differs(checkpoint.interpolation, "interpolation") || differs(checkpoint.pretraining, "pretraining")
                || differs(checkpoint.source, "source")
            {
                stale = true
            }
            for metric in checkpoint.metrics {
                let old = try stored.flatMap { row in
                    try Row.fetchOne(
                        db.cachedStatement(
                            sql:
                                "SELECT value, source FROM metrics WHERE checkpoint_id = ? AND dataset = ? AND metric = ?"
                        ),
                        arguments: [row["id"] as Int64, metric.dataset, metric.metric])
                }
                let oldValue: Double? = try old.flatMap { try optionalValue($0, "value", in: "metrics") }
                if oldValue != metric.value {
                    changes.append(
                        MetricChange(
                            checkpoint: checkpoint.name, dataset: metric.dataset, metric: metric.metric,
                            old: oldValue.map { "\($0)" }, new: "\(metric.value)"))
                }
                stale =
                    stale || oldValue != metric.value
                    || (old?["source"] as DatabaseValue?) != metric.source.databaseValue
            }
        }
        return (changes, stale)
    }

    /// The evaluation input to store for a checkpoint: its own, else the one stored, else the
    /// model's default input.
    /// An evaluation input given without a name takes the name of the model's one input, so it
    /// reads like the profiles' keys (`1x3x384x384` → `input:1x3x384x384`).
    static func evalKey(_ checkpoint: ZooManifest.Checkpoint, stored: String?, defaultInput: String) -> String {
        guard let given = checkpoint.evalInput else { return stored ?? defaultInput }
        var name = given.name
        if name == nil, let model = try? InputKey(parsing: defaultInput), model.inputs.count == 1 {
            name = model.inputs[0].name
        }
        return InputKey([InputKey.Input(name: name, shape: given.shape)]).description
    }

    /// Stores one counted model — its row, its two profiles (standard and mxop) at the counted
    /// input, their layers and unsupported ops, and its metrics — in one transaction: all or nothing.
    /// A model of the same name from a different file is replaced; the same file at another input
    /// gains profiles; the same file and options are skipped unless `force`.
    @discardableResult
    public func ingest(
        _ model: CountedModel, record: ModelRecord, definition: StoredDefinitionData? = nil,
        force: Bool = false, rows: LayerRows? = nil, status: FileStatus? = nil, now: Date = Date()
    ) throws -> IngestOutcome {
        let analysis = model.analysis
        // Encoded before the transaction: the write lock is held for the writing only.
        let rows = rows ?? LayerRows(model)
        precondition(rows.inputShapes.count == analysis.layers.count, "layer rows encoded from another analysis")
        let key = InputKey(analysis.inputs).description
        let backboneEnd = analysis.backbone?.end
        return try write { db in
            var outcome = IngestOutcome.added
            var modelID: Int64
            if let existing = try Row.fetchOne(
                db, sql: "SELECT id, definition_sha256 FROM models WHERE name = ?",
                arguments: [record.name])
            {
                modelID = existing["id"]
                if try value(existing, "definition_sha256", in: "models") as String != model.sha256 {
                    try db.execute(sql: "DELETE FROM models WHERE id = ?", arguments: [modelID])
                    modelID = try insertModel(db, model, record, key, status, now)
                    if let definition { try storeDefinition(db, modelID: modelID, definition) }
                    outcome = .replaced
                } else {
                    // A model from a schema-2 catalog gains its definition when its file is ingested again.
                    if let definition,
                        try Int.fetchOne(
                            db, sql: "SELECT count(*) FROM definitions WHERE model_id = ?", arguments: [modelID])
                            == 0
                    {
                        try storeDefinition(db, modelID: modelID, definition)
                    }
                    let current =
                        try Int.fetchOne(
                            db,
                            sql: """
                                SELECT count(*) FROM profiles WHERE model_id = ? AND input_shape = ? AND backbone_end IS ?
                                """, arguments: [modelID, key, backboneEnd]) ?? 0
                    try updateMetadata(db, modelID, record)
                    if let status {
                        try db.execute(
                            sql: "UPDATE models SET file_status = ? WHERE id = ? AND file_status IS NOT ?",
                            arguments: [status.description, modelID, status.description])
                    }
                    if current == Convention.allCases.count && !force { return .skipped }
                    outcome = current > 0 ? .replaced : .addedProfile
                    try db.execute(
                        sql: "DELETE FROM profiles WHERE model_id = ? AND input_shape = ?", arguments: [modelID, key])
                    try db.execute(
                        sql: "UPDATE models SET ingested_at = ?, opcat_version = ? WHERE id = ?",
                        arguments: [Catalog.timestamp(now), OpcatVersion.current, modelID])
                }
            } else {
                modelID = try insertModel(db, model, record, key, status, now)
                if let definition { try storeDefinition(db, modelID: modelID, definition) }
            }
            for convention in Convention.allCases {
                try insertProfile(
                    db, modelID: modelID, key: key, convention: convention, analysis: analysis, rows: rows)
            }
            return outcome
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    private func insertModel(
        _ db: Database, _ model: CountedModel, _ record: ModelRecord, _ key: String, _ status: FileStatus?,
        _ now: Date
    ) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO models (name, display_name, family, format, source_file, definition_sha256, default_input,
                                    ingested_at, opcat_version, float_parent, zoo, file_status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                record.name, record.displayName, record.family, model.format, model.file,
                model.sha256, key, Catalog.timestamp(now), OpcatVersion.current, record.floatParent, record.zoo,
                status?.description,
            ])
        let id = db.lastInsertedRowID
        try storeCheckpoints(db, id, defaultInput: key, record.checkpoints)
        try storeMeasurements(db, id, record.measurements)
        return id
    }

    private func updateMetadata(_ db: Database, _ id: Int64, _ record: ModelRecord) throws {
        let defaultInput =
            (try column(db, "SELECT default_input FROM models WHERE id = ?", arguments: [id], in: "models") as [String])
            .first
        if record.displayName != nil || record.family != nil || record.floatParent != nil || record.zoo != nil {
            try db.execute(
                sql: """
                    UPDATE models SET display_name = coalesce(?, display_name), family = coalesce(?, family),
                                      float_parent = coalesce(?, float_parent), zoo = coalesce(?, zoo) WHERE id = ?
                    """, arguments: [record.displayName, record.family, record.floatParent, record.zoo, id])
        }
        if !record.checkpoints.isEmpty {
            try storeCheckpoints(db, id, defaultInput: defaultInput ?? "", record.checkpoints)
        }
        try storeMeasurements(db, id, record.measurements)
    }

    /// Adds or updates checkpoints and their figures (figures of a checkpoint not named are kept).
    func storeCheckpoints(
        _ db: Database, _ modelID: Int64, defaultInput: String, _ checkpoints: [ZooManifest.Checkpoint]
    )
        throws
    {
        for checkpoint in checkpoints {
            let stored =
                (try column(
                    db, "SELECT eval_input FROM checkpoints WHERE model_id = ? AND name = ?",
                    arguments: [modelID, checkpoint.name], in: "checkpoints") as [String]).first
            try db.execute(
                sql: """
                    INSERT INTO checkpoints (model_id, name, eval_input, crop_fraction, interpolation, pretraining, source)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (model_id, name) DO UPDATE SET eval_input = excluded.eval_input,
                        crop_fraction = coalesce(excluded.crop_fraction, crop_fraction),
                        interpolation = coalesce(excluded.interpolation, interpolation),
                        pretraining = coalesce(excluded.pretraining, pretraining), source = coalesce(excluded.source, source)
                    """,
                arguments: [
                    modelID, checkpoint.name, Catalog.evalKey(checkpoint, stored: stored, defaultInput: defaultInput),
                    checkpoint.cropFraction, checkpoint.interpolation, checkpoint.pretraining, checkpoint.source,
                ])
            let checkpointID = try Int64.fetchOne(
                db, sql: "SELECT id FROM checkpoints WHERE model_id = ? AND name = ?",
                arguments: [modelID, checkpoint.name])!
            for metric in checkpoint.metrics {
                try db.execute(
                    sql: """
                        INSERT INTO metrics (checkpoint_id, dataset, metric, value, source) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (checkpoint_id, dataset, metric) DO UPDATE SET value = excluded.value,
                            source = excluded.source
                        """, arguments: [checkpointID, metric.dataset, metric.metric, metric.value, metric.source])
            }
        }
    }

    /// The count columns of profiles and layers, in schema order.
    static let countColumns = Measure.allCases.map(\.key)

    /// `profiles.upper_bound`: the nodes whose sizes depend on the data, or nil when exact.
    public static func upperBound(_ analysis: Analysis) -> String? {
        analysis.isExact ? nil : analysis.bounds.map { "\($0.op) '\($0.node)': \($0.bound)" }.joined(separator: "; ")
    }

    /// Values for `countColumns` in a convention: NULL where the convention does not define one.
    static func values(_ counts: Counts, _ mxop: MxopCounts, convention: Convention) -> [Int?] {
        Measure.allCases.map { convention.value($0, counts, mxop) }
    }

    private func insertProfile(
        _ db: Database, modelID: Int64, key: String, convention: Convention, analysis: Analysis, rows: LayerRows
    ) throws {
        let totals = Catalog.values(analysis.totals, analysis.mxop, convention: convention)
        let backbone: [Int?] =
            analysis.backbone.map { Catalog.values($0.totals, $0.mxop, convention: convention) }
            ?? Array(repeating: nil, count: Catalog.countColumns.count)
        let columns =
            [
                "model_id", "input_shape", "convention", "convention_version", "complete", "layer_count",
                "backbone_end",
                "upper_bound",
            ]
            + Catalog.countColumns + Catalog.countColumns.map { "bb_" + $0 }
        var arguments: [(any DatabaseValueConvertible)?] = [
            modelID, key, convention.rawValue, convention.rulesVersion, analysis.isComplete, analysis.layers.count,
            analysis.backbone?.end, Catalog.upperBound(analysis),
        ]
        arguments += totals.map { $0 as (any DatabaseValueConvertible)? }
        arguments += backbone.map { $0 as (any DatabaseValueConvertible)? }
        try db.execute(
            sql:
                "INSERT INTO profiles (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))",
            arguments: StatementArguments(arguments))
        let profileID = db.lastInsertedRowID

        try insertLayers(db, profileID: profileID, convention: convention, analysis: analysis, rows: rows)
        for entry in analysis.unsupported {
            try db.execute(
                sql: "INSERT INTO unsupported_ops (profile_id, op, occurrences) VALUES (?, ?, ?)",
                // As printed (control characters escaped): SQLite's text binding would cut at a NUL.
                arguments: [profileID, entry.op.oneLine, entry.count])
        }
        // A node whose size needs run-time values is not counted either: it is named with the reason.
        for entry in analysis.unresolved {
            try db.execute(
                sql: "INSERT INTO unsupported_ops (profile_id, op, occurrences) VALUES (?, ?, 1)",
                arguments: [profileID, "\(entry.op) '\(entry.node)' (size known only at run time)".oneLine])
        }
        guard convention == .standard else { return }
        for (precision, macs) in analysis.macsByPrecision {
            try db.execute(
                sql:
                    "INSERT INTO profile_precisions (profile_id, activation_type, weight_type, macs, bops) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    profileID, precision.activation.rawValue, precision.weight.rawValue, macs,
                    (Exact(macs) * precision.bitsProduct).value,
                ])
        }
        for (type, stored) in analysis.storageByType {
            try db.execute(
                sql: "INSERT INTO profile_storage (profile_id, data_type, elements, bytes) VALUES (?, ?, ?, ?)",
                arguments: [profileID, type.rawValue, stored.elements, stored.bytes])
        }
    }

    /// The columns of a layer row, in the order ``insertLayers`` binds them.
    static let layerColumns =
        ["profile_id", "layer_index", "name", "op", "source_op", "status", "input_shapes", "output_shapes"]
        + Catalog.countColumns + ["in_backbone", "precision", "module"]

    /// Layer rows per INSERT statement. One statement per row would pay SQLite's per-statement
    /// setup for every row (the CHECK on `status` builds a lookup table for its IN list each
    /// time), a large part of an ingest's time. Chunks of rows pay it once per chunk.
    static let layerChunk = 64

    /// `INSERT INTO layers (…) VALUES (?, …), …` for `rows` rows.
    static func layerInsertSQL(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: layerColumns.count).joined(separator: ",") + ")"
        return "INSERT INTO layers (\(layerColumns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ",")
    }

    static let fullChunkSQL = layerInsertSQL(rows: layerChunk)

    /// The layer rows of a profile, bound with SQLite's C API in chunks of ``layerChunk`` rows.
    private func insertLayers(
        _ db: Database, profileID: Int64, convention: Convention, analysis: Analysis, rows: LayerRows
    ) throws {
        let layers = analysis.layers
        let measures = Measure.allCases
        var start = 0
        while start < layers.count {
            let count = min(Catalog.layerChunk, layers.count - start)
            let statement = try db.cachedStatement(
                sql: count == Catalog.layerChunk ? Catalog.fullChunkSQL : Catalog.layerInsertSQL(rows: count))
            let handle = statement.sqliteStatement
            sqlite3_reset(handle)
            var column: Int32 = 1
            func bind(_ value: Int?) {
                if let value {
                    sqlite3_bind_int64(handle, column, Int64(value))
                } else {
                    sqlite3_bind_null(handle, column)
                }
                column += 1
            }
            func bind(_ text: String) {
                // The byte length, not -1: a NUL inside a node's name is stored, not a cut. A
                // native string's bytes are bound in place, without a C-string copy.
                var text = text
                text.withUTF8 { bytes in
                    if let base = bytes.baseAddress, !bytes.isEmpty {
                        let pointer = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
                        sqlite3_bind_text(handle, column, pointer, Int32(bytes.count), Catalog.transient)
                    } else {
                        sqlite3_bind_text(handle, column, "", 0, Catalog.transient)
                    }
                }
                column += 1
            }
            for i in start..<start + count {
                let layer = layers[i]
                bind(Int(profileID))
                bind(layer.index)
                bind(layer.name)
                bind(layer.op)
                bind(layer.sourceOp)
                bind(layer.status.rawValue)
                bind(rows.inputShapes[i])
                bind(rows.outputShapes[i])
                for measure in measures { bind(convention.value(measure, layer.counts, layer.mxop)) }
                bind(layer.inBackbone ? 1 : 0)
                if let precision = rows.precisions[i], convention == .standard {
                    bind(precision)
                } else {
                    bind(nil as Int?)
                }
                bind(rows.modules[i])
            }
            let code = sqlite3_step(handle)
            guard code == SQLITE_DONE else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code),
                    message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                    sql: statement.sql)
            }
            sqlite3_reset(handle)
            start += count
        }
    }

    /// SQLITE_TRANSIENT: SQLite copies bound text before the call returns.
    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
