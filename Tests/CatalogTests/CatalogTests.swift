import Foundation
import GRDB
import ModelFormats
import OpCount
import Testing

@testable import Catalog

/// The catalog on fresh databases: schema, ingest semantics, refusals, atomicity.
struct CatalogTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized
    static let zoo = root.appendingPathComponent("data/zoo")
    static let manifest = try! ZooManifest.load(directory: zoo)

    static func counted(_ name: String, input: [Int]? = nil) throws -> (CountedModel, ModelRecord) {
        let entry = try #require(manifest.models.first { $0.name == name })
        let bindings = input.map { [InputBinding(name: "data", shape: $0)] } ?? []
        let file = zoo.appendingPathComponent(entry.file)
        var model = try Pipeline.count(
            ModelFile.contents(of: file), file: file.relativePath, entry: entry, inputs: bindings)
        model.sha256 = SHA256.hex(try ModelFile.contents(of: file))
        return (model, ModelRecord(name: entry.name, entry: entry))
    }

    /// One scratch directory per test process, removed when the process exits.
    static let scratch: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: CatalogTests.scratch) }
        return dir
    }()

    static func temporaryPath(_ name: String = "catalog.sqlite") throws -> String {
        let dir = scratch.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    @Test("opening applies every migration in migrations/ and marks the file as an opcat catalog")
    func migrations() throws {
        let path = try Self.temporaryPath()
        let catalog = try Catalog(path: path)
        let files = try FileManager.default.contentsOfDirectory(
            atPath: Self.root.appendingPathComponent("migrations").path
        )
        .filter { $0.hasSuffix(".sql") }.map { String($0.dropLast(4)) }.sorted()
        #expect(try catalog.appliedMigrations() == files)
        let id = try catalog.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
        #expect(id == Catalog.applicationID)
        let mode = try catalog.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        // Reopening an existing catalog is fine.
        _ = try Catalog(path: path)
    }

    @Test("ingest stores both conventions, layers and metrics, exactly as counted")
    func ingestStoresEverything() throws {
        let catalog = try Catalog()
        let (model, record) = try Self.counted("resnet18_v1")
        #expect(try catalog.ingest(model, record: record) == .added)
        let standard = try #require(try catalog.summaries(convention: .standard).first)
        #expect(standard.totals[.params] == model.analysis.totals[.params])
        #expect(standard.totals[.macs] == model.analysis.totals[.macs])
        #expect(standard.totals[.flops] == model.analysis.totals.flops)
        #expect(standard.backbone?[.macs] == model.analysis.backbone?.totals[.macs])
        #expect(standard.metrics["top1"] == 0.7093)
        #expect(standard.input.description == "data:1x3x224x224")
        let mxop = try #require(try catalog.summaries(convention: .mxop).first)
        #expect(mxop.totals[.params] == model.analysis.mxop.params)
        #expect(mxop.totals[.muls] == model.analysis.mxop.muls)
        #expect(mxop.totals[.macs] == nil, "mxop defines no MACs")
        let layers = try catalog.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM layers") ?? 0
        }
        #expect(layers == 2 * model.analysis.layers.count)
        let layerMACs = try catalog.read { db in
            try Int.fetchOne(
                db,
                sql:
                    "SELECT sum(l.macs) FROM layers l JOIN profiles p ON p.id = l.profile_id WHERE p.convention = 'standard'"
            )
        }
        #expect(layerMACs == model.analysis.totals[.macs])
        let check = try catalog.check()
        #expect(check.integrity == ["ok"] && check.foreignKeys == 0)
    }

    @Test("the same file and options are skipped, a new input adds profiles, a changed file replaces")
    func idempotence() throws {
        let catalog = try Catalog()
        let (model, record) = try Self.counted("squeezenet1.1")
        let definition = try ModelFile.contents(of: Self.zoo.appendingPathComponent("squeezenet1.1-symbol.json"))
        #expect(try catalog.ingest(model, record: record) == .added)
        // Not current until its definition is stored (a model from a schema-2 catalog).
        #expect(
            !(try catalog.isCurrent(
                name: record.name, sha256: model.sha256,
                inputKey: InputKey([InputKey.Input(name: "data", shape: [1, 3, 224, 224])]), backboneEnd: nil)))
        #expect(
            try catalog.ingest(model, record: record, definition: StoredDefinitionData(definition, stripped: false))
                == .skipped)
        let stored = try catalog.definitions().definitions
        #expect(stored.map(\.model) == ["squeezenet1.1"] && stored.first?.data == definition)
        #expect(
            try catalog.isCurrent(
                name: record.name, sha256: model.sha256,
                inputKey: InputKey([InputKey.Input(name: "data", shape: [1, 3, 224, 224])]), backboneEnd: nil))
        #expect(try catalog.ingest(model, record: record) == .skipped)
        #expect(try catalog.ingest(model, record: record, force: true) == .replaced)

        let (large, _) = try Self.counted("squeezenet1.1", input: [1, 3, 320, 320])
        #expect(
            !(try catalog.isCurrent(
                name: record.name, sha256: large.sha256,
                inputKey: InputKey([InputKey.Input(name: "data", shape: [1, 3, 320, 320])]), backboneEnd: nil)))
        #expect(try catalog.ingest(large, record: record) == .addedProfile)
        #expect(
            try catalog.summaries(
                convention: .standard, input: InputKey([InputKey.Input(name: nil, shape: [1, 3, 320, 320])])
            ).first?.totals[.macs] == large.analysis.totals[.macs])
        #expect(
            try catalog.summaries(convention: .standard).first?.totals[.macs] == model.analysis.totals[.macs],
            "the default input stays")

        var changed = model
        changed.sha256 = String(repeating: "0", count: 64)
        #expect(try catalog.ingest(changed, record: record) == .replaced)
        let profiles = try catalog.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM profiles") }
        #expect(profiles == 2, "a changed file drops the profiles of the old definition")
    }

    @Test("a manifest's checkpoints are stored with their evaluation inputs, and each is a row of a query")
    func manifestCheckpoints() throws {
        let json = """
            {"format_version": 1, "models": [{
              "name": "squeezenet1.1", "family": "squeezenet", "format": "mxnet-symbol",
              "file": "squeezenet1.1-symbol.json", "input": {"name": "data", "shape": [1, 3, 224, 224]},
              "metrics": [{"dataset": "ImageNet-1k val", "metric": "top1", "value": 0.5496, "source": "gluon"}],
              "checkpoints": [{"name": "ft_320", "eval_input": {"shape": [1, 3, 320, 320]}, "crop_fraction": 0.95,
                               "interpolation": "bicubic", "pretraining": "in22k", "source": "a fine-tune",
                               "metrics": [{"dataset": "ImageNet-1k val", "metric": "top1", "value": 0.6,
                                            "source": "our eval"}]}]}]}
            """
        let manifest = try ZooManifest.decode(Data(json.utf8), file: "manifest.json")
        let entry = try #require(manifest.models.first)
        #expect(entry.allCheckpoints.map(\.name) == ["squeezenet1.1", "ft_320"])
        let catalog = try Catalog()
        let file = Self.zoo.appendingPathComponent(entry.file)
        var model = try Pipeline.count(ModelFile.contents(of: file), file: file.relativePath, entry: entry)
        model.sha256 = String(repeating: "a", count: 64)
        try catalog.ingest(model, record: ModelRecord(name: entry.name, entry: entry))
        let rows = try catalog.summaries(convention: .standard)
        #expect(rows.map { $0.checkpoint?.name } == ["squeezenet1.1", "ft_320"])
        #expect(rows.map { $0.checkpoint?.evalInput.description } == ["data:1x3x224x224", "data:1x3x320x320"])
        #expect(rows.map { $0.metrics["top1"] } == [0.5496, 0.6])
        #expect(rows.map(\.evaluatedElsewhere) == [false, true])
        #expect(rows[1].checkpoint?.cropFraction == 0.95 && rows[1].checkpoint?.pretraining == "in22k")
        #expect(rows[1].checkpoint?.metricSources == ["our eval"])

        for (bad, reason) in [
            (#""checkpoints": [{"name": "a", "metrics": []}, {"name": "a", "metrics": []}]"#, "listed twice"),
            (#""checkpoints": [{"name": "a", "crop_fraction": 1.5, "metrics": []}]"#, "crop fraction 1.5"),
            (
                #""measurements": [{"input": {"shape": [1, 3, 224, 224]}, "device": "d", "precision": "fp32", "batch_size": 0, "metric": "samples_per_sec", "value": 1, "source": "s"}]"#,
                "a batch size of at least 1"
            ),
            (
                #""measurements": [{"input": {"shape": [1, 3, 224, 224]}, "device": "", "precision": "fp32", "batch_size": 1, "metric": "samples_per_sec", "value": 1, "source": "s"}]"#,
                "a measurement needs a device"
            ),
            (
                #""measurements": [{"input": {"shape": [1, 3, 0, 224]}, "device": "d", "precision": "fp32", "batch_size": 1, "metric": "samples_per_sec", "value": 1, "source": "s"}]"#,
                "input dimension 0 is out of range"
            ),
        ] {
            let text = """
                {"format_version": 1, "models": [{"name": "m", "format": "onnx", "file": "m.onnx",
                  "input": {"shape": [1, 3, 224, 224]}, "metrics": [], \(bad)}]}
                """
            #expect {
                try ZooManifest.decode(Data(text.utf8), file: "manifest.json")
            } throws: { error in "\(error)".contains(reason) }
        }
    }

    @Test("values are bound, never spliced into SQL")
    func hostileNames() throws {
        let catalog = try Catalog()
        let (model, _) = try Self.counted("squeezenet1.1")
        let name = "x'); DROP TABLE models;--"
        let metric = ZooManifest.Metric(
            dataset: "d'\"", metric: "top1", value: 0.5, source: "'; DELETE FROM metrics; --")
        var record = ModelRecord(name: name)
        record.family = "f\"'"
        record.checkpoints = [ZooManifest.Checkpoint(name: "c'\"", metrics: [metric])]
        try catalog.ingest(model, record: record)
        let stored = try catalog.summaries(convention: .standard)
        #expect(stored.map(\.model) == [name])
        #expect(stored.first?.family == "f\"'")
        #expect(try catalog.summaries(convention: .standard, families: ["F\"'"]).count == 1)
        let check = try catalog.check()
        #expect(check.integrity == ["ok"] && check.foreignKeys == 0)
    }

    @Test("a failure in the middle of a model's transaction leaves nothing of it, and the others intact")
    func atomicity() throws {
        let path = try Self.temporaryPath()
        let catalog = try Catalog(path: path)
        let (first, firstRecord) = try Self.counted("squeezenet1.1")
        try catalog.ingest(first, record: firstRecord)
        // Make the 50th layer row of the next model fail, as a full disk or a crash would.
        try catalog.write { db in
            try db.execute(
                sql:
                    "CREATE TEMP TRIGGER fail BEFORE INSERT ON layers WHEN NEW.layer_index = 50 BEGIN SELECT RAISE(ABORT, 'injected'); END"
            )
        }
        let (second, secondRecord) = try Self.counted("resnet18_v1")
        #expect(throws: CatalogError.self) { try catalog.ingest(second, record: secondRecord) }
        #expect(try catalog.modelNames() == ["squeezenet1.1"])
        let orphans = try catalog.read { db in
            try Int.fetchOne(
                db,
                sql:
                    "SELECT (SELECT count(*) FROM profiles) + (SELECT count(*) FROM layers) + (SELECT count(*) FROM metrics)"
            )
        }
        // squeezenet1.1's own rows: 2 profiles, their layers, 2 metrics.
        #expect(orphans == 2 + 2 * first.analysis.layers.count + 2)
        #expect(try catalog.check().integrity == ["ok"])
    }

    @Test("a file that is not SQLite, not a catalog, or from a newer schema is refused and left untouched")
    func refusals() throws {
        let text = try Self.temporaryPath("notes.sqlite")
        try "these are my notes, not a database\n".write(toFile: text, atomically: true, encoding: .utf8)
        try expectRefused(text) { if case .notADatabase = $0 { true } else { false } }

        let foreign = try Self.temporaryPath("other.sqlite")
        do {
            let queue = try DatabaseQueue(path: foreign)
            try queue.write {
                try $0.execute(
                    sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY); INSERT INTO invoices DEFAULT VALUES")
            }
            try queue.close()
        }
        try expectRefused(foreign) { if case .notACatalog = $0 { true } else { false } }

        let newer = try Self.temporaryPath("newer.sqlite")
        do {
            let catalog = try Catalog(path: newer)
            try catalog.write {
                try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('999_from_the_future')")
            }
        }
        try expectRefused(newer) {
            if case .newerSchema(_, let unknown) = $0 { unknown == ["999_from_the_future"] } else { false }
        }
    }

    func expectRefused(_ path: String, _ matches: (CatalogError) -> Bool) throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let siblings = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        do {
            _ = try Catalog(path: path)
            Issue.record("\(path) was accepted")
        } catch let error as CatalogError {
            #expect(matches(error), "\(error)")
            #expect(error.description.contains(path))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the file was modified")
        let after = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(Set(after).subtracting(siblings).filter { !$0.hasSuffix("-shm") && !$0.hasSuffix("-wal") }.isEmpty)
    }

    @Test("stored layer shapes read back as written, and anything else is refused")
    func shapes() throws {
        let cases: [[[Int]?]] = [[], [[1, 64, 56, 56]], [nil], [[], [3], nil, [1, 2, 3, 4, 5, 6]], [[Int.max, 0]]]
        for shapes in cases {
            let text = Catalog.encodeShapes(shapes)
            #expect(Catalog.parseShapes(text) == shapes, "\(text)")
            // As JSON writes it too, with spaces.
            let spaced = text.replacingOccurrences(of: ",", with: ", ")
            #expect(Catalog.parseShapes(spaced) == shapes, "\(spaced)")
        }
        for bad in [
            "", "[", "[[1,2]", "[[1,2]]x", "[[1,,2]]", "[[a]]", "[nul]", "[[99999999999999999999]]", "{}", "[[1],]",
        ] {
            #expect(Catalog.parseShapes(bad) == nil, "\(bad)")
        }
    }
}
