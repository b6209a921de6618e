import Foundation
import Testing

/// A fresh catalog served by Datasette with docs/datasette.yml, on 127.0.0.1: every page and
/// canned query answers 200, internal tables are hidden, columns are described, the views hold
/// one convention each, and the canned queries answer as `opcat best` and `opcat pareto` do.
/// Datasette comes from PyPI into .build/datasette-venv (set up on first use); where that cannot
/// be done (no python3 or PyPI unreachable) the test says so and is skipped.
struct DatasetteTests {
    typealias CLI = CLITests

    static let version = "0.65.1"
    static let venv = CLI.root.appendingPathComponent(".build/datasette-venv")

    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The datasette executable, set up if needed; nil (with the reason printed) when it cannot be.
    static func datasette() throws -> String? {
        let binary = venv.appendingPathComponent("bin/datasette").path
        let marker = venv.appendingPathComponent("opcat-datasette-\(version)")
        if FileManager.default.fileExists(atPath: marker.path) { return binary }
        guard
            let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
                ?? ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map({ "\($0)/python3" })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            print("DatasetteTests: skipped: no python3 to install Datasette with")
            return nil
        }
        try? FileManager.default.removeItem(at: venv)
        let (made, madeLog) = try run(python, ["-m", "venv", venv.path])
        guard made == 0 else {
            Issue.record("python3 -m venv failed (Debian: apt-get install python3-venv): \(madeLog)")
            return nil
        }
        let (installed, log) = try run(
            venv.appendingPathComponent("bin/pip").path,
            ["install", "-q", "--disable-pip-version-check", "--timeout", "30", "datasette==\(version)"])
        guard installed == 0 else {
            print("DatasetteTests: skipped: PyPI is unreachable or refused datasette==\(version): \(log.suffix(300))")
            try? FileManager.default.removeItem(at: venv)
            return nil
        }
        _ = FileManager.default.createFile(atPath: marker.path, contents: nil)
        return binary
    }

    /// An HTTP GET by curl (URLSession on Linux is not what is under test): the status and body.
    static func get(_ url: URL) async throws -> (Int, Data) {
        let body = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-http-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: body) }
        let (status, out) = try run(
            "/usr/bin/curl", ["-s", "-m", "30", "-o", body.path, "-w", "%{http_code}", url.absoluteString])
        guard status == 0 || status == 7 else { throw HTTPError(message: "curl \(url): exit \(status) \(out)") }
        return (Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, (try? Data(contentsOf: body)) ?? Data())
    }

    struct HTTPError: Error { var message: String }

    static func json(_ data: Data) -> Any? { try? JSONSerialization.jsonObject(with: data) }

    @Test("Datasette serves a fresh catalog with every page, description and canned query")
    func served() async throws {
        guard let datasette = try Self.datasette() else { return }
        let dir = try IngestCLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("opcat.sqlite").path
        let ingest = try CLI.run(["ingest", "data/zoo", "--db", db])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let server = Process()
        server.executableURL = URL(fileURLWithPath: datasette)
        let port = Int.random(in: 20_000..<40_000)
        server.arguments = [
            "serve", "-i", db, "-m", CLI.root.appendingPathComponent("docs/datasette.yml").path, "-h", "127.0.0.1",
            "-p", "\(port)",
        ]
        let log = dir.appendingPathComponent("datasette.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        server.standardOutput = handle
        server.standardError = handle
        try server.run()
        defer {
            // Datasette's server may not stop on SIGTERM: ask, then kill.
            server.terminate()
            for _ in 0..<50 where server.isRunning { usleep(100_000) }
            if server.isRunning { kill(server.processIdentifier, SIGKILL) }
            server.waitUntilExit()
            try? handle.close()
        }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        var up = false
        for _ in 0..<100 where !up {
            if let (status, _) = try? await Self.get(base.appendingPathComponent("-/versions.json")), status == 200 {
                up = true
            } else {
                try await Task.sleep(nanoseconds: 200_000_000)
            }
        }
        let serverLog = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try #require(up, "Datasette did not start: \(serverLog.suffix(800))")

        // Every visible table and view, and the canned queries, answer.
        let database = try #require(
            Self.json(try await Self.get(base.appendingPathComponent("opcat.json")).1) as? [String: Any])
        let tables = database["tables"] as? [[String: Any]] ?? []
        let hidden = Set(tables.filter { $0["hidden"] as? Bool == true }.compactMap { $0["name"] as? String })
        #expect(hidden.isSuperset(of: ["grdb_migrations", "table_notes", "definitions"]), "\(hidden)")
        let views = (database["views"] as? [Any] ?? []).compactMap {
            ($0 as? [String: Any])?["name"] as? String ?? $0 as? String
        }
        #expect(
            Set(views).isSuperset(of: ["layer_breakdown", "mxop_layer_breakdown", "checkpoint_costs", "model_summary"]))
        let visible = tables.compactMap { $0["name"] as? String }.filter { !hidden.contains($0) } + views
        for path in ["", "opcat"] + visible.map({ "opcat/\($0)" }) + ["opcat/best_under_budget", "opcat/pareto_front"] {
            let (status, _) = try await Self.get(base.appendingPathComponent(path))
            #expect(status == 200, "/\(path): \(status)")
        }
        // Columns are described, with their units.
        let profiles = String(
            decoding: try await Self.get(base.appendingPathComponent("opcat/profiles")).1, as: UTF8.self)
        #expect(profiles.contains("Multiply-accumulates of convolutions and dense layers"))

        // One convention per view: the standard layers once each, with MACs.
        func rows(_ path: String, _ query: String) async throws -> [[String: Any]] {
            var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
            components.percentEncodedQuery = query + "&_shape=array&_size=max"
            return Self.json(try await Self.get(components.url!).1) as? [[String: Any]] ?? []
        }
        func count(_ path: String, _ query: String) async throws -> Int? {
            var components = URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
            components.percentEncodedQuery = query + "&_size=0"
            let page = Self.json(try await Self.get(components.url!).1) as? [String: Any]
            return page?["filtered_table_rows_count"] as? Int
        }
        // As many rows as `opcat layers` lists layers, in each convention.
        func layers(_ model: String, _ convention: String) throws -> Int {
            let csv = try CLI.run([
                "layers", model, "--db", db, "--convention", convention, "--group-by", "none", "--format", "csv",
            ])
            return csv.stdout.split(separator: "\n").count - 1
        }
        #expect(try await count("opcat/layer_breakdown.json", "model=vit_b_16") == (try layers("vit_b_16", "standard")))
        #expect(
            try await count("opcat/mxop_layer_breakdown.json", "model=resnet18_v1")
                == (try layers("resnet18_v1", "mxop")))
        let vit = try await rows("opcat/layer_breakdown.json", "model=vit_b_16&_sort_desc=macs")
        // The costliest layer: an MLP matmul, 197 tokens × 768 × 3,072.
        #expect(
            vit.first?["macs"] as? Int == 197 * 768 * 3072 && vit.allSatisfy { $0["cost"] == nil },
            "\(vit.first ?? [:])")
        let mxop = try await rows("opcat/mxop_layer_breakdown.json", "model=resnet18_v1")
        #expect(!mxop.isEmpty && mxop.allSatisfy { $0["muls"] != nil && $0["macs"] == nil })
        // The canned queries answer as opcat does.
        let best = try await rows("opcat/best_under_budget.json", "max_macs=2000000000")
        let opcatBest = try CLI.run(["best", "--max-macs", "2G", "--db", db, "--format", "json", "--limit", "5"])
        let expected = (Self.json(Data(opcatBest.stdout.utf8)) as? [[String: Any]] ?? []).compactMap {
            $0["model"] as? String
        }
        #expect(!expected.isEmpty && best.prefix(5).compactMap { $0["model"] as? String } == expected)
        let front = try await rows("opcat/pareto_front.json", "")
        let opcatFront = try CLI.run(["pareto", "--db", db, "--format", "json"])
        let frontModels = (Self.json(Data(opcatFront.stdout.utf8)) as? [[String: Any]] ?? []).compactMap {
            $0["model"] as? String
        }
        #expect(!frontModels.isEmpty && front.compactMap { $0["model"] as? String } == frontModels)
    }
}
