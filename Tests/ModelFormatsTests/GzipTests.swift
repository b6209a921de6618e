import Foundation
import OpCount
import Testing

@testable import ModelFormats

/// gzip-compressed model files are read as what they hold; a truncated, corrupt or oversized
/// archive is one clear error naming the file.
struct GzipTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized

    /// `gzip -c` of `data` (the system's gzip, as people make these files).
    static func gzip(_ data: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-9", "-n"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // Write from another thread: a pipe holds only 64 KiB.
        let writer = Thread {
            input.fileHandleForWriting.write(data)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let packed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return packed
    }

    static func write(_ data: Data, _ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("opcat-gz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }

    static func count(_ url: URL) throws -> CountedModel {
        try Pipeline.count(ModelFile.contents(of: url), file: url.path)
    }

    @Test(
        "a gzipped model counts what the plain file counts",
        arguments: ["data/zoo/resnet18_v1-symbol.json", "Tests/Fixtures/corpus/timm-torchscript/resnet18.onnx"])
    func sameCounts(_ path: String) throws {
        let plain = Self.repo.appendingPathComponent(path)
        let packed = try Self.write(Self.gzip(Data(contentsOf: plain)), plain.lastPathComponent + ".gz")
        defer { try? FileManager.default.removeItem(at: packed.deletingLastPathComponent()) }
        let bindings = path.hasSuffix(".onnx") ? [InputBinding(name: "input", shape: [1, 3, 224, 224])] : []
        let a = try Pipeline.count(ModelFile.contents(of: plain), file: plain.path, inputs: bindings)
        let b = try Pipeline.count(ModelFile.contents(of: packed), file: packed.path, inputs: bindings)
        #expect(b.analysis.totals == a.analysis.totals)
        #expect(b.format == a.format)
        #expect(b.analysis.layers.count == a.analysis.layers.count)
        #expect(Pipeline.modelName(for: packed.path) == Pipeline.modelName(for: plain.path))
        #expect(Pipeline.modelName(for: "resnet18_v1-symbol.json.gz") == "resnet18_v1")
    }

    @Test("a truncated or corrupt archive is one error naming the file, never a partial model")
    func damaged() throws {
        let plain = try Data(contentsOf: Self.repo.appendingPathComponent("data/zoo/resnet18_v1-symbol.json"))
        let packed = try Self.gzip(plain)
        var corrupt = packed
        for i in stride(from: packed.count / 2, to: packed.count / 2 + 64, by: 1) { corrupt[i] ^= 0x5A }
        for (name, data, reason) in [
            ("half.json.gz", packed.prefix(packed.count / 2), "truncated"),
            ("tail.json.gz", packed.dropLast(4), "truncated"), ("corrupt.json.gz", corrupt, "corrupt"),
        ] {
            let url = try Self.write(Data(data), name)
            defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
            do {
                _ = try Self.count(url)
                Issue.record("\(name) was read")
            } catch {
                let text = "\(error)"
                #expect(text.contains(name) && text.contains(reason), "\(name): \(text)")
            }
        }
    }

    @Test("inflating stops at the size limit; concatenated members inflate to their concatenation")
    func bounded() throws {
        let zeros = try Self.gzip(Data(count: 1 << 20))
        #expect(throws: Gzip.Failure(reason: "it inflates past the limit of 4096 bytes")) {
            try Gzip.inflate(zeros, limit: 4096)
        }
        let two = try Self.gzip(Data("ab".utf8)) + Self.gzip(Data("cd".utf8))
        #expect(try Gzip.inflate(two, limit: 100) == Data("abcd".utf8))
        #expect(Gzip.isGzip(zeros) && !Gzip.isGzip(Data("{}".utf8)))
    }
}
