import Foundation
import GRDB
import Testing

/// `opcat ingest` and `opcat table` as processes: concurrency, crashes, bad files, locations.
struct IngestCLITests {
    typealias CLI = CLITests

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A zoo of `count` models named `prefix0…` that all use a copy of one bundled graph.
    static func syntheticZoo(_ count: Int, prefix: String, model: String = "resnet50_v1", in dir: URL) throws -> URL {
        let zoo = dir.appendingPathComponent("zoo-\(prefix)")
        try FileManager.default.createDirectory(at: zoo, withIntermediateDirectories: true)
        let source = CLI.root.appendingPathComponent("data/zoo/\(model)-symbol.json")
        try FileManager.default.copyItem(at: source, to: zoo.appendingPathComponent("m-symbol.json"))
        let models = (0..<count).map { i in
            [
                "name": "\(prefix)\(i)", "format": "mxnet-symbol", "file": "m-symbol.json",
                "input": ["name": "data", "shape": [1, 3, 224, 224]], "metrics": [],
            ] as [String: Any]
        }
        try JSONSerialization.data(withJSONObject: ["format_version": 1, "models": models])
            .write(to: zoo.appendingPathComponent("manifest.json"))
        return zoo
    }

    /// Rows of a query on the database file, as `a|b` lines, read the way any SQLite client would.
    static func sqlite(_ db: URL, _ sql: String) throws -> String {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let queue = try DatabaseQueue(path: db.path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { database in
            try Row.fetchAll(database, sql: sql).map { row in
                row.databaseValues.map { value in
                    switch value.storage {
                    case .null: ""
                    case .int64(let i): String(i)
                    case .double(let d): String(d)
                    case .string(let s): s
                    case .blob(let b): "\(b.count) bytes"
                    }
                }.joined(separator: "|")
            }.joined(separator: "\n")
        }
    }

    @Test("ingest the zoo, then again as a no-op, then print the table from the catalog")
    func ingestAndTable() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("c.sqlite").path
        let first = try CLI.run(["ingest", "data/zoo", "--db", db])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.isEmpty)
        let zoo = CLI.zooModels.count
        #expect(first.stderr.contains("\(zoo) models: \(zoo) added"))
        let again = try CLI.run(["ingest", "data/zoo", "--db", db])
        #expect(again.stderr.contains("\(zoo) models: \(zoo) skipped"), "\(again.stderr)")
        let table = try CLI.run([
            "table", "--db", db, "--convention", "mxop", "--file-format", "mxnet-symbol", "--exclude-quantized",
            "--format", "markdown",
        ])
        #expect(table.status == 0)
        try CLI.expectGolden(table.stdout, "zoo-seed-table.md")
    }

    @Test("an unchanged file is skipped by its status, unread; any change to it is seen, a restored mtime too")
    func fileStatus() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("c.sqlite")
        let file = dir.appendingPathComponent("squeezenet1.1-symbol.json")
        let original = try String(
            contentsOf: CLI.root.appendingPathComponent("data/zoo/squeezenet1.1-symbol.json"), encoding: .utf8)
        try original.write(to: file, atomically: false, encoding: .utf8)
        func status() throws -> String {
            var info = stat()
            #expect(stat(file.path, &info) == 0)
            func ns(_ t: timespec) -> Int { t.tv_sec * 1_000_000_000 + t.tv_nsec }
            return "\(info.st_dev):\(info.st_ino):\(info.st_size):\(ns(info.st_mtim)):\(ns(info.st_ctim))"
        }
        func ingest(_ expected: String) throws {
            let result = try CLI.run(["ingest", file.path, "--db", db.path])
            #expect(result.status == 0 && result.stderr.contains("1 model: 1 \(expected)"), "\(result.stderr)")
        }
        func stored() throws -> String { try Self.sqlite(db, "SELECT file_status FROM models") }
        // Written just now: its status may not yet show a write in the same clock tick, so it is
        // not stored; once settled, the next ingest (skipped by digest) stores it.
        try ingest("added")
        #expect(try stored() == "")
        Thread.sleep(forTimeInterval: 2.2)
        try ingest("skipped")
        #expect(try stored() == (try status()))
        try ingest("skipped")
        // The same size and modification time, another graph (a layer renamed): the status-change
        // time tells it apart, and the file is read and counted again.
        var info = stat()
        #expect(stat(file.path, &info) == 0)
        let changed = original.replacingOccurrences(
            of: "\"name\": \"squeezenet0_relu0_fwd\"", with: "\"name\": \"squeezenet0_relu0_fwx\"")
        #expect(changed != original && changed.utf8.count == original.utf8.count)
        try changed.write(to: file, atomically: false, encoding: .utf8)
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, file.path, &times, 0) == 0)
        var after = stat()
        #expect(stat(file.path, &after) == 0)
        #expect(after.st_mtim.tv_nsec == info.st_mtim.tv_nsec && after.st_size == info.st_size)
        try ingest("replaced")
    }

    @Test("--db, else OPCAT_DB, else ./opcat.sqlite; the binary needs no source tree")
    func defaultLocation() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = CLI.root.appendingPathComponent("data/zoo/squeezenet1.1-symbol.json").path
        func run(_ args: [String], env: [String: String] = [:]) throws -> Int32 {
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = args
            process.currentDirectoryURL = dir
            process.environment = ["PATH": "/usr/bin:/bin"].merging(env) { $1 }
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(try run(["ingest", file]) == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("opcat.sqlite").path))
        #expect(try run(["ingest", file], env: ["OPCAT_DB": dir.appendingPathComponent("env.sqlite").path]) == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("env.sqlite").path))
        #expect(try run(["ingest", file, "--db", "flag.sqlite"], env: ["OPCAT_DB": "env2.sqlite"]) == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("flag.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("env2.sqlite").path))
    }

    @Test("two ingests at once on one catalog both finish with everything stored")
    func concurrentIngests() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("c.sqlite")
        let a = try Self.syntheticZoo(25, prefix: "a", model: "squeezenet1.1", in: dir)
        let b = try Self.syntheticZoo(25, prefix: "b", model: "squeezenet1.1", in: dir)
        func start(_ args: [String]) throws -> Process {
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = args
            p.currentDirectoryURL = CLI.root
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        // Two disjoint batches and the shared zoo twice, all at the same time.
        let processes = try [
            start(["ingest", a.path, "data/zoo", "--db", db.path]),
            start(["ingest", b.path, "data/zoo", "--db", db.path]),
        ]
        for p in processes { p.waitUntilExit() }
        #expect(processes.map(\.terminationStatus) == [0, 0])
        let models = 25 + 25 + CLI.zooModels.count
        #expect(try Self.sqlite(db, "SELECT count(*) FROM models") == "\(models)")
        #expect(try Self.sqlite(db, "SELECT count(*) FROM profiles") == "\(2 * models)")
        #expect(try Self.sqlite(db, "PRAGMA integrity_check") == "ok")
        #expect(try Self.sqlite(db, "PRAGMA foreign_key_check") == "")
    }

    @Test("kill -9 in the middle of an ingest leaves a consistent catalog with no half model")
    func killDuringIngest() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("c.sqlite")
        let zoo = try Self.syntheticZoo(60, prefix: "m", model: "resnet152_v1", in: dir)
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["ingest", zoo.path, "--db", db.path]
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until some models are in, then kill it mid-batch.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: db.path),
                (try? Self.sqlite(db, "SELECT count(*) FROM models")).flatMap(Int.init) ?? 0 >= 3
            {
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        let models = Int(try Self.sqlite(db, "SELECT count(*) FROM models")) ?? -1
        #expect(models >= 3 && models < 60, "killed mid-batch: \(models) models")
        #expect(try Self.sqlite(db, "PRAGMA integrity_check") == "ok")
        #expect(try Self.sqlite(db, "PRAGMA foreign_key_check") == "")
        // Every stored model is whole: two profiles, each with all its layer rows.
        #expect(
            try Self.sqlite(
                db, "SELECT count(*) FROM models m WHERE (SELECT count(*) FROM profiles p WHERE p.model_id = m.id) != 2"
            ) == "0")
        #expect(
            try Self.sqlite(
                db,
                "SELECT count(*) FROM profiles p WHERE p.layer_count != (SELECT count(*) FROM layers l WHERE l.profile_id = p.id)"
            ) == "0")
        // And the catalog takes the rest of the batch afterwards.
        let resumed = try CLI.run(["ingest", zoo.path, "--db", db.path])
        #expect(resumed.status == 0)
        #expect(resumed.stderr.contains("\(models) skipped"))
    }

    @Test("a malformed file in a batch is named and skipped; the rest is stored; exit 1")
    func malformedInBatch() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let zoo = try Self.syntheticZoo(3, prefix: "ok", model: "squeezenet1.1", in: dir)
        let bad = dir.appendingPathComponent("broken-symbol.json")
        try Data("{\"nodes\": [".utf8).write(to: bad)
        let db = dir.appendingPathComponent("c.sqlite")
        let result = try CLI.run(["ingest", zoo.path, bad.path, "--db", db.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("broken-symbol.json: not valid JSON"))
        #expect(result.stderr.contains("3 added, 1 failed (broken)"), "\(result.stderr)")
        #expect(
            try Self.sqlite(db, "SELECT group_concat(name) FROM (SELECT name FROM models ORDER BY name)")
                == "ok0,ok1,ok2")
    }

    @Test("counting on several threads stores and says what one thread does, in the order given")
    func parallelIngest() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A failure in the middle of the batch, a partial ONNX model and models without a backbone end.
        let bad = dir.appendingPathComponent("broken-symbol.json")
        try Data("{\"nodes\": [".utf8).write(to: bad)
        let zoo = CLI.root.appendingPathComponent("data/zoo").path
        let tail = CLI.root.appendingPathComponent("data/zoo/resnet18_v1-symbol.json").path
        var outputs: [String] = []
        var tables: [String] = []
        for jobs in ["1", "3"] {
            let db = dir.appendingPathComponent("j\(jobs).sqlite")
            let result = try CLI.run(["ingest", "--jobs", jobs, zoo, bad.path, tail, "--db", db.path])
            #expect(result.status == 1 && result.stderr.contains("1 failed (broken)"), "\(result.stderr)")
            outputs.append(
                result.stderr.replacingOccurrences(of: #"in [0-9.]+ s"#, with: "", options: .regularExpression)
                    .replacingOccurrences(of: db.path, with: "DB"))
            tables.append(
                try Self.sqlite(
                    db,
                    """
                    SELECT m.name, p.input_shape, p.convention, l.layer_index, l.name, l.input_shapes, l.macs, l.flops
                    FROM layers l JOIN profiles p ON p.id = l.profile_id JOIN models m ON m.id = p.model_id
                    ORDER BY m.name, p.input_shape, p.convention, l.layer_index
                    """))
        }
        #expect(outputs[0] == outputs[1])
        #expect(!tables[0].isEmpty && tables[0] == tables[1])
        let zero = try CLI.run(["ingest", "--jobs", "0", zoo, "--db", dir.appendingPathComponent("z.sqlite").path])
        #expect(zero.status == 64 && zero.stderr.contains("--jobs"), "\(zero.stderr)")
    }

    @Test("a single file with its metadata; metrics need a source")
    func singleFile() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("c.sqlite")
        let copy = dir.appendingPathComponent("net-symbol.json")
        try FileManager.default.copyItem(
            at: CLI.root.appendingPathComponent("data/zoo/mobilenet0.25-symbol.json"), to: copy)
        let noSource = try CLI.run(["ingest", copy.path, "--db", db.path, "--top1", "0.5"])
        #expect(noSource.status == 64)
        #expect(noSource.stderr.contains("--metric-source"))
        let percent = try CLI.run(["ingest", copy.path, "--db", db.path, "--top1", "51.85", "--metric-source", "x"])
        #expect(percent.status == 64)
        let ok = try CLI.run([
            "ingest", copy.path, "--db", db.path, "--name", "tiny", "--family", "mobilenet_v1", "--top1", "51.85%",
            "--metric-source", "MXNet model zoo", "--input", "1x3x160x160",
        ])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(
            try Self.sqlite(db, "SELECT name, family, default_input FROM models")
                == "tiny|mobilenet_v1|data:1x3x160x160")
        #expect(
            try Self.sqlite(
                db,
                "SELECT c.name, c.eval_input, metric, value, x.source FROM metrics x JOIN checkpoints c ON c.id = x.checkpoint_id"
            )
                == "tiny|data:1x3x160x160|top1|0.5185|MXNet model zoo")
        // A corrected figure for the unchanged file is stored and said, not skipped in silence.
        let corrected = try CLI.run([
            "ingest", copy.path, "--db", db.path, "--name", "tiny", "--top1", "0.52", "--metric-source",
            "MXNet model zoo",
            "--input", "1x3x160x160",
        ])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(corrected.stderr.contains("tiny: top1 0.5185 → 0.52"), "\(corrected.stderr)")
        #expect(corrected.stderr.contains("1 skipped, metrics updated for 1"), "\(corrected.stderr)")
        #expect(try Self.sqlite(db, "SELECT metric, value FROM metrics") == "top1|0.52")
        let table = try CLI.run(["table", "--db", db.path, "--format", "csv"])
        #expect(
            table.stdout.hasPrefix(
                "model,checkpoint,input,eval_input,params,macs,backbone_params,backbone_macs,top1,top5\ntiny,tiny,1x3x160x160,1x3x160x160,"
            ), "\(table.stdout)")
    }

    @Test("table on a missing or empty catalog is one clear error")
    func tableErrors() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = try CLI.run(["table", "--db", dir.appendingPathComponent("none.sqlite").path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no catalog here"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.sqlite").path))
        let notes = dir.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: notes)
        let foreign = try CLI.run(["table", "--db", notes.path])
        #expect(foreign.status == 1)
        #expect(foreign.stderr.contains("not an SQLite database"))
        #expect(try String(contentsOf: notes, encoding: .utf8) == "hello")
    }
}
