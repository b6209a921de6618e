import Foundation
import GRDB
import Testing

/// The catalog when the system says no: a read-only file, a full disk, a lock held too long.
/// Each ends in one clear error, a non-zero status, and an intact catalog.
struct CatalogFaultTests {
    typealias CLI = CLITests

    /// A catalog with the zoo's squeezenet in it, in a fresh directory.
    static func catalog() throws -> (dir: URL, db: URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-fault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("c.sqlite")
        let result = try CLI.run(["ingest", "data/zoo/squeezenet1.1-symbol.json", "--db", db.path])
        precondition(result.status == 0, result.stderr)
        return (dir, db)
    }

    static func intact(_ db: URL) throws {
        #expect(try IngestCLITests.sqlite(db, "PRAGMA integrity_check") == "ok")
        #expect(try IngestCLITests.sqlite(db, "SELECT group_concat(name) FROM models") == "squeezenet1.1")
        #expect(
            try IngestCLITests.sqlite(
                db,
                "SELECT count(*) FROM profiles p WHERE p.layer_count != (SELECT count(*) FROM layers l WHERE l.profile_id = p.id)"
            ) == "0")
    }

    /// Runs a shell command line (for ulimit and traps), returning status and stderr.
    static func shell(_ script: String) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = CLI.root
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let canMakeImmutable: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-probe-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: probe.path, contents: Data())
        defer {
            _ = try? shell("chattr -i '\(probe.path)'")
            try? FileManager.default.removeItem(at: probe)
        }
        return (try? shell("chattr +i '\(probe.path)'"))?.status == 0
    }()

    @Test(
        "a read-only catalog: one clear error, nothing changed",
        .enabled(if: canMakeImmutable, "needs chattr (root reads past file modes)"))
    func readOnly() throws {
        let (dir, db) = try Self.catalog()
        defer {
            _ = try? Self.shell("chattr -i '\(dir.path)' '\(db.path)'")
            try? FileManager.default.removeItem(at: dir)
        }
        // Immutable file and directory: even root cannot write them, nor create the WAL beside them.
        _ = try Self.shell("rm -f '\(db.path)-wal' '\(db.path)-shm'; chattr +i '\(db.path)' '\(dir.path)'")
        let before = try Data(contentsOf: db)
        let result = try CLI.run(["ingest", "data/zoo/mobilenet0.25-symbol.json", "--db", db.path])
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(db.path))
        #expect(try Data(contentsOf: db) == before)
    }

    @Test(
        "queries open read-only: they work on an immutable file in an immutable directory, and change nothing",
        .enabled(if: canMakeImmutable, "needs chattr (root reads past file modes)"))
    func queriesReadOnly() throws {
        let (dir, db) = try Self.catalog()
        defer {
            _ = try? Self.shell("chattr -i '\(dir.path)' '\(db.path)'")
            try? FileManager.default.removeItem(at: dir)
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-ro-\(UUID().uuidString).md")
        defer { try? FileManager.default.removeItem(at: out) }
        let queries = [
            ["table", "--format", "csv"], ["pareto"], ["best", "--max-macs", "2G"], ["layers", "squeezenet1.1"],
            ["export", "markdown", "--out", out.path], ["table", "--input", "1x3x320x320"],
        ]
        let writable = try queries.map { try CLI.run($0 + ["--db", db.path]) }
        // No side files: SQLite cannot create the WAL index in an immutable directory.
        _ = try Self.shell("rm -f '\(db.path)-wal' '\(db.path)-shm'; chattr +i '\(db.path)' '\(dir.path)'")
        let before = try Data(contentsOf: db)
        for (arguments, expected) in zip(queries, writable) {
            let result = try CLI.run(arguments + ["--db", db.path])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout == expected.stdout, "\(arguments)")
        }
        #expect(try Data(contentsOf: db) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["c.sqlite"])
    }

    /// Whether a read-only mount can be made here: a tmpfs in a private mount namespace
    /// (`unshare -rm`, so no root is needed where user namespaces are allowed).
    static let canMountReadOnly: Bool = {
        let probe = "d=$(mktemp -d) && mount -t tmpfs tmpfs \"$d\" && mount -o remount,ro \"$d\""
        return (try? shell("unshare -rm sh -c '\(probe)'"))?.status == 0
    }()

    @Test(
        "on a read-only mount queries read the catalog and a writer fails with one clear error, nothing beside it",
        .enabled(if: canMountReadOnly, "needs unshare and mount (a tmpfs in a private mount namespace)"))
    func readOnlyMount() throws {
        let (dir, db) = try Self.catalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mount = dir.appendingPathComponent("mnt")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        let expected = try CLI.run(["table", "--format", "csv", "--db", db.path])
        let opcat = CLI.binary.path
        let catalog = mount.appendingPathComponent("c.sqlite").path
        let script = """
            set -e
            mount -t tmpfs -o size=64m tmpfs '\(mount.path)'
            cp '\(db.path)' '\(catalog)'
            mount -o remount,ro '\(mount.path)'
            '\(opcat)' table --format csv --db '\(catalog)' > '\(dir.path)/table.csv'
            '\(opcat)' layers squeezenet1.1 --db '\(catalog)' > /dev/null
            status=0
            '\(opcat)' ingest data/zoo/alexnet-symbol.json --db '\(catalog)' 2> '\(dir.path)/ingest.err' || status=$?
            echo $status > '\(dir.path)/ingest.status'
            ls -A '\(mount.path)' > '\(dir.path)/listing'
            """
        let result = try Self.shell("unshare -rm sh -c '\(script.replacingOccurrences(of: "'", with: "'\\''"))'")
        #expect(result.status == 0, "\(result.stderr)")
        func text(_ name: String) throws -> String {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        }
        #expect(try text("table.csv") == expected.stdout)
        #expect(try text("ingest.status") == "1\n")
        let error = try text("ingest.err")
        #expect(error.split(separator: "\n").count == 1 && error.contains(catalog), "\(error)")
        #expect(error.contains("its directory is on a read-only file system; queries can still read it"), "\(error)")
        #expect(try text("listing") == "c.sqlite\n", "no file beside the catalog")
    }

    @Test("a query leaves the catalog file byte for byte as it was, and does not wait behind a writer")
    func queriesDoNotWrite() throws {
        let (dir, db) = try Self.catalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try Data(contentsOf: db)
        let modified = try FileManager.default.attributesOfItem(atPath: db.path)[.modificationDate] as? Date
        let queue = try DatabaseQueue(path: db.path)
        try queue.inDatabase { database in
            // A writer in the middle of storing something, holding the write lock.
            try database.execute(sql: "BEGIN IMMEDIATE; INSERT INTO table_notes (table_name, note) VALUES ('x', 'y')")
            let result = try CLI.run(["table", "--db", db.path], environment: ["OPCAT_BUSY_TIMEOUT": "0"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("squeezenet1.1"))
            try database.execute(sql: "ROLLBACK")
        }
        try queue.close()
        #expect(try Data(contentsOf: db) == before)
        #expect(try FileManager.default.attributesOfItem(atPath: db.path)[.modificationDate] as? Date == modified)
    }

    @Test(
        "a value of the wrong type, edited in by hand, is one error naming table and column, never a crash",
        arguments: [
            ("UPDATE metrics SET value = 'abc'", "column value"),
            ("UPDATE layers SET params = 1e300", "column params"),
            ("UPDATE profiles SET macs = 'many'", "column macs"),
            ("UPDATE checkpoints SET name = x'00ff'", "column name"),
        ])
    func mistypedValues(_ edit: String, _ column: String) throws {
        let (dir, db) = try Self.catalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The tables are STRICT: SQLite itself refuses the edit.
        let strict = try DatabaseQueue(path: db.path)
        #expect(throws: DatabaseError.self) { try strict.write { try $0.execute(sql: edit) } }
        try strict.close()
        // With STRICT taken off the schema by hand, the value gets in, and opcat still reads it
        // with a check.
        let queue = try DatabaseQueue(path: db.path)
        try queue.writeWithoutTransaction { database in
            try database.execute(
                sql: """
                    PRAGMA writable_schema = ON;
                    UPDATE sqlite_master SET sql = replace(replace(sql, ', STRICT', ''), ') STRICT', ')') WHERE type = 'table';
                    PRAGMA writable_schema = OFF;
                    """)
        }
        try queue.close()
        let loose = try DatabaseQueue(path: db.path)
        try loose.write { try $0.execute(sql: edit) }
        try loose.close()
        for arguments in [["table"], ["best", "--max-macs", "2G"], ["pareto"], ["layers", "squeezenet1.1"]] {
            let result = try CLI.run(arguments + ["--db", db.path])
            // layers reads no metrics; the others read everything they show.
            if result.status == 0 { continue }
            #expect(result.status == 1, "\(edit) \(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(column) && result.stderr.contains("edited by hand"), "\(result.stderr)")
        }
        // The command that reads the edited table fails (and does not crash).
        let reader = edit.contains("layers") ? ["layers", "squeezenet1.1"] : ["table"]
        let result = try CLI.run(reader + ["--db", db.path])
        #expect(result.status == 1, "\(edit): \(result.stderr)")
    }

    @Test("an SQLite file of another application, empty or not, is refused untouched, with no file beside it")
    func foreignDatabases() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-foreign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, sql) in [
            ("tables.db", "CREATE TABLE t (x); INSERT INTO t VALUES (1)"),
            ("empty.db", "PRAGMA user_version = 0"), ("versioned.db", "PRAGMA user_version = 7"),
            ("walapp.db", "PRAGMA journal_mode = WAL; PRAGMA application_id = 42; CREATE TABLE t (x)"),
            // Empty, WAL mode, no application id: not a catalog being created (opcat gives a new
            // catalog its id before it switches it to WAL).
            ("walempty.db", "PRAGMA journal_mode = WAL"),
        ] {
            let file = dir.appendingPathComponent(name)
            let queue = try DatabaseQueue(path: file.path)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: sql)
                try db.execute(sql: "VACUUM")
            }
            try queue.close()
            _ = try? FileManager.default.removeItem(atPath: file.path + "-wal")
            _ = try? FileManager.default.removeItem(atPath: file.path + "-shm")
            let before = try Data(contentsOf: file)
            for arguments in [["ingest", "data/zoo/squeezenet1.1-symbol.json"], ["table"], ["migrate"]] {
                let result = try CLI.run(arguments + ["--db", file.path])
                #expect(result.status == 1, "\(name) \(arguments): \(result.stderr)")
                #expect(result.stderr.contains("not an opcat catalog"), "\(name): \(result.stderr)")
            }
            #expect(try Data(contentsOf: file) == before, "\(name) changed")
            #expect(
                !FileManager.default.fileExists(atPath: file.path + "-wal")
                    && !FileManager.default.fileExists(atPath: file.path + "-shm"), "\(name): a file beside it")
        }
    }

    @Test("a write-ahead log written on another copy of the catalog is refused; the catalog's own is replayed")
    func foreignLog() throws {
        let (dir, a) = try Self.catalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        let b = dir.appendingPathComponent("b.sqlite")
        try FileManager.default.copyItem(at: a, to: b)
        // A reader pinned at B's first state keeps the ingest's frames out of B's file, so its
        // WAL stays beside it, as a crash would leave it.
        let pinned = try DatabaseQueue(path: b.path)
        try pinned.inDatabase { db in
            try db.execute(sql: "BEGIN")
            defer { try? db.execute(sql: "ROLLBACK") }
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM models")
            let ingest = try CLI.run(["ingest", "data/zoo/mobilenet0.25-symbol.json", "--db", b.path])
            #expect(ingest.status == 0, "\(ingest.stderr)")
            // B's file and its log, copied together: the log belongs to the file.
            let c = dir.appendingPathComponent("copy.sqlite")
            try FileManager.default.copyItem(at: b, to: c)
            try FileManager.default.copyItem(atPath: b.path + "-wal", toPath: c.path + "-wal")
            let own = try CLI.run(["table", "--format", "csv", "--db", c.path])
            #expect(own.status == 0, "\(own.stderr)")
            #expect(own.stdout.contains("mobilenet0.25") && own.stdout.contains("squeezenet1.1"))
            // A moved on after the copy; B's log beside A would replay B's pages over A's.
            #expect(try CLI.run(["ingest", "data/zoo/alexnet-symbol.json", "--db", a.path]).status == 0)
            try FileManager.default.copyItem(atPath: b.path + "-wal", toPath: a.path + "-wal")
        }
        try pinned.close()
        let before = try Data(contentsOf: a)
        for arguments in [["table"], ["ingest", "data/zoo/resnet18_v1-symbol.json"], ["check"]] {
            let result = try CLI.run(arguments + ["--db", a.path])
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("was not written on this file"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
        #expect(try Data(contentsOf: a) == before, "nothing replayed into the file")
        try FileManager.default.removeItem(atPath: a.path + "-wal")
        try? FileManager.default.removeItem(atPath: a.path + "-shm")
        let table = try CLI.run(["table", "--format", "csv", "--db", a.path])
        #expect(table.status == 0 && table.stdout.contains("alexnet") && !table.stdout.contains("mobilenet0.25"))
    }

    @Test("a damaged catalog: `opcat check` lists the problems, and a writer refuses it without writing")
    func damagedCatalog() throws {
        let (dir, db) = try Self.catalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        let healthy = try CLI.run(["check", "--db", db.path])
        #expect(
            healthy.status == 0 && healthy.stdout.hasPrefix("ok: \(CLI.migrations.count) migrations applied"),
            "\(healthy.stdout)")
        // Bytes flipped inside every other page after the first (some are free pages, left by
        // the STRICT rebuild; the others are tables and indexes).
        let handle = try FileHandle(forUpdating: db)
        let size = try handle.seekToEnd()
        for page in stride(from: UInt64(2), to: size / 4096, by: 2) {
            try handle.seek(toOffset: page * 4096 + 200)
            handle.write(Data(repeating: 0x07, count: 300))
        }
        try handle.close()
        let before = try Data(contentsOf: db)
        let check = try CLI.run(["check", "--db", db.path])
        #expect(check.status == 1, "\(check.stdout)")
        #expect(!check.stdout.isEmpty && check.stderr.contains("problem"), "\(check.stdout) \(check.stderr)")
        let ingest = try CLI.run(["ingest", "data/zoo/alexnet-symbol.json", "--db", db.path])
        #expect(ingest.status == 1)
        #expect(ingest.stderr.contains("the catalog is damaged"), "\(ingest.stderr)")
        #expect(ingest.stderr.split(separator: "\n").count == 1)
        #expect(try Data(contentsOf: db) == before, "a damaged catalog is never written to")
    }

    @Test("an interrupted first write (a hot journal beside a half-written catalog) is rolled back by a writer")
    func hotJournal() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let live = dir.appendingPathComponent("live.sqlite")
        let crashed = dir.appendingPathComponent("c.sqlite")
        // The files as a kill -9 in the middle of a first transaction leaves them: pages spilled
        // into the main file, the journal beside it.
        let queue = try DatabaseQueue(path: live.path)
        try queue.inDatabase { db in
            try db.execute(
                sql: "PRAGMA cache_size = 1; BEGIN IMMEDIATE; CREATE TABLE models (id INTEGER PRIMARY KEY, x TEXT)")
            for _ in 0..<500 {
                try db.execute(
                    sql: "INSERT INTO models (x) VALUES (?)", arguments: [String(repeating: "x", count: 500)])
            }
            try FileManager.default.copyItem(at: live, to: crashed)
            try FileManager.default.copyItem(
                at: URL(fileURLWithPath: live.path + "-journal"), to: URL(fileURLWithPath: crashed.path + "-journal"))
            try db.execute(sql: "ROLLBACK")
        }
        try queue.close()
        #expect(try Data(contentsOf: crashed).count > 4096, "pages were spilled into the main file")
        let table = try CLI.run(["table", "--db", crashed.path])
        #expect(table.status == 1)
        #expect(table.stderr.contains("was interrupted") && table.stderr.contains("opcat migrate"), "\(table.stderr)")
        let migrate = try CLI.run(["migrate", "--db", crashed.path])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        let ingest = try CLI.run(["ingest", "data/zoo/squeezenet1.1-symbol.json", "--db", crashed.path])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(try CLI.run(["table", "--db", crashed.path]).stdout.contains("squeezenet1.1"))
    }

    @Test("a full disk: one clear error, the model not half written, the catalog intact")
    func diskFull() throws {
        let (dir, db) = try Self.catalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A file-size limit just above the catalog's size makes every write past it fail (EFBIG),
        // as a full disk would; SIGXFSZ is ignored so the write returns the error.
        let size = try FileManager.default.attributesOfItem(atPath: db.path)[.size] as! Int
        let wal = (try? FileManager.default.attributesOfItem(atPath: db.path + "-wal")[.size] as? Int) ?? 0
        let blocks = (max(size, wal) + 64 * 1024) / 512
        let result = try Self.shell(
            """
            trap '' XFSZ; ulimit -f \(blocks); exec '\(CLI.binary.path)' ingest data/zoo/resnet152_v1-symbol.json --db '\(db.path)'
            """)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("resnet152_v1") || result.stderr.contains(db.path), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").filter { $0.contains("error") }.count == 1, "\(result.stderr)")
        try Self.intact(db)
    }

    @Test("a lock held past the busy timeout: one clear error, the catalog intact")
    func lockedTooLong() throws {
        let (dir, db) = try Self.catalog()
        defer { try? FileManager.default.removeItem(at: dir) }
        let holder = try DatabaseQueue(path: db.path)
        try holder.writeWithoutTransaction { database in
            try database.execute(sql: "BEGIN IMMEDIATE")
            let result = try CLI.run(
                ["ingest", "data/zoo/mobilenet0.25-symbol.json", "--db", db.path],
                environment: ["OPCAT_BUSY_TIMEOUT": "1"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("locked"), "\(result.stderr)")
            #expect(result.stderr.contains(db.path))
            try database.execute(sql: "ROLLBACK")
        }
        try holder.close()
        try Self.intact(db)
    }
}
