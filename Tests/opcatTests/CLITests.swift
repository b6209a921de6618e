import Foundation
import Testing

/// Runs the built `opcat` binary and compares whole outputs with golden files in
/// `Tests/Fixtures/golden`. Regenerate them with `OPCAT_UPDATE_GOLDEN=1 swift test` and review
/// the diff before committing.
struct CLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized
    static let golden = root.appendingPathComponent("Tests/Fixtures/golden")
    /// The migrations this build applies: the files of migrations/, in order.
    static let migrations: [String] = try! FileManager.default.contentsOfDirectory(
        atPath: root.appendingPathComponent("migrations").path
    ).filter { $0.hasSuffix(".sql") }.map { String($0.dropLast(4)) }.sorted()

    /// The bundled zoo's manifest entries (name → family), read as plain JSON.
    static let zooModels: [(name: String, family: String, hasTop1: Bool)] = {
        let data = try! Data(contentsOf: root.appendingPathComponent("data/zoo/manifest.json"))
        let models = (try! JSONSerialization.jsonObject(with: data) as! [String: Any])["models"] as! [[String: Any]]
        return models.map { m in
            let metrics = m["metrics"] as? [[String: Any]] ?? []
            return (
                m["name"] as! String, m["family"] as? String ?? "",
                metrics.contains { $0["metric"] as? String == "top1" }
            )
        }
    }()

    /// The `opcat` executable built next to this test bundle.
    static let binary: URL = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("opcat")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/opcat")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// The process's peak resident set in KiB, for runs with `addressSpaceKB`.
        var peakRSSKB: Int? = nil
    }

    /// Runs opcat; with `addressSpaceKB`, under that `ulimit -v` (through /bin/sh), so a run that
    /// would use more memory fails instead of passing, and measured by GNU time for its peak RSS.
    static func run(_ arguments: [String], environment: [String: String] = [:], addressSpaceKB: Int? = nil) throws
        -> Result
    {
        let process = Process()
        var rssFile: URL?
        if let addressSpaceKB {
            let rss = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-rss-\(UUID().uuidString)")
            rssFile = rss
            let command = ["/usr/bin/time", "-f", "%M", "-o", rss.path, binary.path] + arguments
            let quoted = command.map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -v \(addressSpaceKB) && exec " + quoted.joined(separator: " ")]
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        process.currentDirectoryURL = root
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "COLUMNS": "100"].merging(
            environment
        ) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var peak: Int?
        if let rssFile {
            defer { try? FileManager.default.removeItem(at: rssFile) }
            // The last line is the figure; a line before it says if the command was killed.
            let text = (try? String(contentsOf: rssFile, encoding: .utf8)) ?? ""
            peak = text.split(separator: "\n").last.flatMap { Int($0) }
        }
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self), peakRSSKB: peak)
    }

    /// Compares `text` with the golden file `name`, or rewrites it when updating.
    static func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["OPCAT_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(
            text == expected, "output differs from \(name); rerun with OPCAT_UPDATE_GOLDEN=1 and review the diff",
            sourceLocation: sourceLocation)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var golden: String
        var arguments: [String]
        var testDescription: String { "opcat " + arguments.joined(separator: " ") }
    }

    static let outputs: [Case] = [
        Case(golden: "help.txt", arguments: ["--help"]),
        Case(golden: "count-help.txt", arguments: ["count", "--help"]),
        Case(golden: "ops-help.txt", arguments: ["ops", "--help"]),
        Case(golden: "ingest-help.txt", arguments: ["ingest", "--help"]),
        Case(golden: "table-help.txt", arguments: ["table", "--help"]),
        Case(golden: "count-resnet18.txt", arguments: ["count", "data/zoo/resnet18_v1-symbol.json"]),
        Case(
            golden: "count-resnet18-mxop.txt",
            arguments: ["count", "data/zoo/resnet18_v1-symbol.json", "--convention", "mxop"]),
        Case(
            golden: "count-resnet18.json", arguments: ["count", "data/zoo/resnet18_v1-symbol.json", "--format", "json"]),
        Case(
            golden: "count-squeezenet-layers.txt",
            arguments: ["count", "data/zoo/squeezenet1.1-symbol.json", "--layers"]),
        Case(
            golden: "count-squeezenet-layers.csv",
            arguments: ["count", "data/zoo/squeezenet1.1-symbol.json", "--layers", "--format", "csv"]),
        Case(
            golden: "count-mobilenet-320.md",
            arguments: [
                "count", "data/zoo/mobilenet1.0-symbol.json", "--input", "data:1x3x320x320", "--format", "markdown",
            ]),
        Case(
            golden: "zoo-count-mxop.md",
            arguments: ["count", "data/zoo", "--convention", "mxop", "--format", "markdown"]),
        Case(golden: "zoo.csv", arguments: ["count", "data/zoo", "--format", "csv"]),
        Case(golden: "zoo.txt", arguments: ["count", "data/zoo"]),
    ]

    @Test("whole outputs", arguments: outputs)
    func output(_ c: Case) throws {
        let result = try Self.run(c.arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "stderr: \(result.stderr)")
        try Self.expectGolden(result.stdout, c.golden)
    }

    @Test("docs/ops.md is opcat ops --format markdown")
    func opsDocIsCurrent() throws {
        let result = try Self.run(["ops", "--format", "markdown"])
        #expect(result.status == 0)
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/ops.md"), encoding: .utf8)
        #expect(result.stdout == doc, "docs/ops.md is stale: run `make docs`")
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var status: Int32
        var mentions: [String]
        var testDescription: String { "opcat " + arguments.joined(separator: " ") }
    }

    static let failures: [Failure] = [
        Failure(
            arguments: ["count", "no/such-symbol.json"], status: 1, mentions: ["no/such-symbol.json", "no such file"]),
        Failure(
            arguments: ["count", "data/zoo/resnet18_v1-symbol.json", "--input", "1x3x0x224"], status: 64,
            mentions: ["--input", "positive"]),
        Failure(
            arguments: ["count", "data/zoo/alexnet-symbol.json", "--input", "1x3x8x8"], status: 1,
            mentions: ["alexnet-symbol.json", "node 'alexnet0_pool0_fwd'", "larger than the padded input"]),
        Failure(
            arguments: ["count", "data/zoo/resnet18_v1-symbol.json", "--backbone-end", "nope"], status: 1,
            mentions: ["'nope' is not a node", "--backbone-end"]),
        Failure(arguments: ["count", "data/zoo", "--layers"], status: 64, mentions: ["--layers"]),
        Failure(arguments: ["count", "Tests"], status: 1, mentions: ["manifest.json"]),
        Failure(
            arguments: ["count", "data/zoo/resnet18_v1-symbol.json", "--convention", "thop"], status: 64,
            mentions: ["convention"]),
    ]

    @Test("errors are one line on stderr with a non-zero status", arguments: failures)
    func failure(_ f: Failure) throws {
        let result = try Self.run(f.arguments)
        #expect(result.status == f.status)
        #expect(result.stdout.isEmpty)
        let first = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        for fragment in f.mentions {
            #expect(first.contains(fragment), "'\(first)' should mention \(fragment)")
        }
    }

    @Test("a truncated model file in a copy of the zoo is named, the other models still print")
    func partialZooFailure() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-zoo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let zoo = Self.root.appendingPathComponent("data/zoo")
        let manifest =
            try JSONSerialization.jsonObject(with: Data(contentsOf: zoo.appendingPathComponent("manifest.json")))
            as! [String: Any]
        var models = (manifest["models"] as! [[String: Any]]).filter {
            ["resnet18_v1", "squeezenet1.1"].contains($0["name"] as! String)
        }
        models.sort { ($0["name"] as! String) < ($1["name"] as! String) }
        try JSONSerialization.data(withJSONObject: ["format_version": 1, "models": models]).write(
            to: dir.appendingPathComponent("manifest.json"))
        let good = try Data(contentsOf: zoo.appendingPathComponent("squeezenet1.1-symbol.json"))
        try good.write(to: dir.appendingPathComponent("squeezenet1.1-symbol.json"))
        let resnet = try Data(contentsOf: zoo.appendingPathComponent("resnet18_v1-symbol.json"))
        try resnet.prefix(resnet.count / 2).write(to: dir.appendingPathComponent("resnet18_v1-symbol.json"))

        let result = try Self.run(["count", dir.path, "--format", "csv"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("resnet18_v1-symbol.json: not valid JSON"))
        #expect(result.stdout.contains("squeezenet1.1,"))
        #expect(!result.stdout.contains("resnet18_v1,"))
    }

    @Test(
        "outside a zoo, what was assumed is said with the option that sets it; a broken manifest beside a file is an error"
    )
    func assumptionsAndManifest() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-lone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("resnet18_v1-symbol.json")
        try Data(contentsOf: Self.root.appendingPathComponent("data/zoo/resnet18_v1-symbol.json")).write(to: file)

        let lone = try Self.run(["count", file.path, "--format", "csv"])
        #expect(lone.status == 0)
        #expect(lone.stderr.contains("assuming 1x3x224x224 (set it with --input SHAPE)"), "\(lone.stderr)")
        #expect(
            lone.stderr.contains(
                "backbone end proposed from the head's shape: 'resnetv10_stage4_activation1' (set it with --backbone-end)"
            ),
            "\(lone.stderr)")

        try Data("{\"format_version\": 1, \"models\": [".utf8).write(to: dir.appendingPathComponent("manifest.json"))
        let broken = try Self.run(["count", file.path])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("manifest.json"), "\(broken.stderr)")
        #expect(broken.stdout.isEmpty)
    }
}
