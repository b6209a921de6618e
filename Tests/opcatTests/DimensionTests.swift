import Foundation
import OpCount
import Testing

/// `--dim NAME=SIZE`: symbolic dimensions sized by name, wherever the inputs declare them, as an
/// LLM export with a KV cache needs (batch_size, sequence_length, past_sequence_length).
struct DimensionTests {
    typealias CLI = CLITests
    typealias Proto = HostileFileTests.Proto

    /// An input declared with named symbolic dimensions (a string) or fixed ones (a number).
    static func input(_ name: String, type: UInt64, _ dims: [Any]) -> [UInt8] {
        let shape = dims.flatMap { dim -> [UInt8] in
            if let size = dim as? Int { return Proto.bytes(1, Proto.int(1, UInt64(size))) }
            return Proto.bytes(1, Proto.string(2, dim as! String))
        }
        let tensorType = Proto.int(1, type) + Proto.bytes(2, shape)
        return Proto.string(1, name) + Proto.bytes(2, Proto.bytes(1, tensorType))
    }

    /// A weight without its values (as exports are stripped).
    static func weight(_ name: String, _ dims: [Int]) -> [UInt8] {
        dims.flatMap { Proto.int(1, UInt64($0)) } + Proto.int(2, 1) + Proto.string(8, name)
    }

    /// Token ids → embedding (100×8) → concatenated after a cache of past tokens → MatMul 8×8:
    /// MACs = batch · (past + sequence) · 64.
    static let model: Data = {
        var graph = Proto.bytes(5, weight("table", [100, 8])) + Proto.bytes(5, weight("w", [8, 8]))
        graph += Proto.bytes(11, input("input_ids", type: 7, ["batch_size", "sequence_length"]))
        graph += Proto.bytes(11, input("past", type: 1, ["batch_size", "past_sequence_length", 8]))
        // Exporters name a derived dimension by its expression.
        graph += Proto.bytes(11, input("mask", type: 7, ["batch_size", "past_sequence_length + sequence_length"]))
        graph += Proto.bytes(1, Proto.node("Gather", inputs: ["table", "input_ids"], outputs: ["x"], name: "embed"))
        graph += Proto.bytes(
            1,
            Proto.node(
                "Concat", inputs: ["past", "x"], outputs: ["kv"], name: "cache",
                attributes: [Proto.string(1, "axis") + Proto.int(20, 2) + Proto.int(3, 1)]))
        graph += Proto.bytes(1, Proto.node("MatMul", inputs: ["kv", "w"], outputs: ["y"], name: "proj"))
        graph += Proto.string(2, "g") + Proto.bytes(12, Proto.string(1, "y"))
        return Data(Proto.model(graph: graph))
    }()

    static func write() throws -> (dir: URL, file: URL) {
        let dir = try IngestCLITests.temporaryDirectory()
        let file = dir.appendingPathComponent("kv.onnx")
        try model.write(to: file)
        return (dir, file)
    }

    @Test("--dim sizes every input's symbolic dimensions by name, a past length of 0 included")
    func sized() throws {
        let (dir, file) = try Self.write()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (past, macs) in [(0, 128 * 64), (16, 144 * 64)] {
            let result = try CLI.run([
                "count", file.path, "--format", "json", "--dim", "batch_size=1", "--dim", "sequence_length=128",
                "--dim", "past_sequence_length=\(past)",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let totals = json?["totals"] as? [String: Any]
            #expect(totals?["macs"] as? Int == macs, "\(result.stdout.prefix(400))")
        }
    }

    @Test("without --dim, or with a name the file does not declare, the error says which dimensions to give")
    func named() throws {
        let (dir, file) = try Self.write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bare = try CLI.run(["count", file.path])
        #expect(bare.status == 1)
        #expect(bare.stderr.contains("--dim sequence_length=N"), "\(bare.stderr)")
        let wrong = try CLI.run(["count", file.path, "--dim", "seq_len=128"])
        #expect(wrong.status == 1)
        #expect(
            wrong.stderr.contains("no symbolic dimension called 'seq_len'")
                && wrong.stderr.contains("'batch_size', 'sequence_length', 'past_sequence_length'"), "\(wrong.stderr)")
        let malformed = try CLI.run(["count", file.path, "--dim", "sequence_length"])
        #expect(malformed.status != 0 && malformed.stderr.contains("expected NAME=SIZE"), "\(malformed.stderr)")
    }

    @Test("ingest with --dim stores the profile at the inputs the sizes make")
    func ingested() throws {
        let (dir, file) = try Self.write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("c.sqlite").path
        let result = try CLI.run([
            "ingest", file.path, "--db", db, "--dim", "batch_size=2", "--dim", "sequence_length=16",
            "--dim", "past_sequence_length=0",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            try IngestCLITests.sqlite(URL(fileURLWithPath: db), "SELECT input_shape FROM profiles LIMIT 1")
                == "input_ids:2x16,past:2x0x8,mask:2x16")
    }

    @Test("profile with --dim adds the profile at those sizes from the stored definition, once")
    func profiled() throws {
        let (dir, file) = try Self.write()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("c.sqlite").path
        let sizes = ["--dim", "batch_size=1", "--dim", "past_sequence_length=0"]
        let ingest = try CLI.run(["ingest", file.path, "--db", db, "--dim", "sequence_length=16"] + sizes)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let profile = try CLI.run(["profile", "--db", db, "--dim", "sequence_length=64"] + sizes)
        #expect(profile.status == 0, "\(profile.stderr)")
        #expect(profile.stderr.contains("1 profiled at sequence_length=64"), "\(profile.stderr)")
        #expect(
            try IngestCLITests.sqlite(
                URL(fileURLWithPath: db),
                "SELECT group_concat(input_shape, ';') FROM (SELECT DISTINCT input_shape FROM profiles ORDER BY 1)")
                == "input_ids:1x16,past:1x0x8,mask:1x16;input_ids:1x64,past:1x0x8,mask:1x64")
        let again = try CLI.run(["profile", "--db", db, "--dim", "sequence_length=64"] + sizes)
        #expect(again.status == 0 && again.stderr.contains("1 already there"), "\(again.stderr)")
        let none = try CLI.run(["profile", "--db", db])
        #expect(none.status != 0 && none.stderr.contains("--dim sequence_length=128"), "\(none.stderr)")
    }

    @Test(
        "a dimension named by an expression takes its value",
        arguments: [
            ("past_sequence_length + sequence_length", 192), ("2*height", 448), ("(width - 1) // 2 + 1", 112),
            ("height % 5", 4), ("unknown + 1", nil), ("height +", nil), ("1 - height", nil),
        ] as [(String, Int?)])
    func expression(_ text: String, _ value: Int?) {
        let sizes = ["past_sequence_length": 64, "sequence_length": 128, "height": 224, "width": 224]
        #expect(DimensionExpression.value(text, sizes) == value)
    }
}
