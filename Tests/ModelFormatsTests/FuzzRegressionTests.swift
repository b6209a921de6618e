import Foundation
import FuzzHarness
import Testing

/// Every input the fuzzers (`make fuzz`) ever crashed on, kept in `Tests/Fixtures/fuzz/<kind>/`
/// and replayed through the same pipeline: each must now count or end in one clear error.
struct FuzzRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../Fixtures/fuzz")

    struct Case: Sendable, CustomTestStringConvertible {
        var kind: String
        var file: URL
        var testDescription: String { "\(kind)/\(file.lastPathComponent)" }
    }

    static let cases: [Case] = ["mxnet", "onnx", "manifest", "syntax"].flatMap { kind in
        let dir = directory.appendingPathComponent(kind)
        let files = (try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []
        return files.filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }.map {
            Case(kind: kind, file: $0)
        }
    }

    @Test("each past crash now counts or fails cleanly", arguments: cases)
    func replay(_ c: Case) throws {
        let data = try Data(contentsOf: c.file)
        do {
            switch c.kind {
            case "mxnet": _ = try FuzzHarness.describe(mxnet: data)
            case "onnx": _ = try FuzzHarness.describe(onnx: data)
            default:
                data.withUnsafeBytes { raw in
                    let bytes = raw.bindMemory(to: UInt8.self)
                    c.kind == "manifest" ? FuzzHarness.manifest(bytes) : FuzzHarness.syntax(bytes)
                }
            }
        } catch {
            #expect(!"\(error)".contains("\n"), "one line: \(error)")
        }
    }

    @Test("the regression folders exist, so new crashes have a home")
    func folders() {
        for kind in ["mxnet", "onnx", "manifest", "syntax"] {
            #expect(FileManager.default.fileExists(atPath: Self.directory.appendingPathComponent(kind).path))
        }
    }
}
