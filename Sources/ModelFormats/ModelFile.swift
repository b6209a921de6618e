import Foundation
import OpCount

/// Opens a model file in any supported format.
public enum ModelFile {
    /// Formats opcat reads, by name.
    public static let formats = [MXNetSymbolReader.formatName, ONNXReader.formatName]

    /// Reads `url`, choosing the reader by content.
    public static func read(_ url: URL) throws -> (graph: Graph, format: String) {
        try parse(contents(of: url), url: url)
    }

    /// The bytes of `url`, or a ``ModelFormatError`` naming it.
    public static func contents(of url: URL) throws -> Data {
        do {
            // Mapped: a large ONNX file is read through the page cache, never copied whole.
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ModelFormatError.unreadable(file: url.relativePath, reason: (error as NSError).localizedDescription)
        }
    }

    /// Parses the bytes of a model file; `url` names it and hints at its format.
    public static func parse(_ data: Data, url: URL) throws -> (graph: Graph, format: String) {
        let firstByte = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if firstByte == UInt8(ascii: "{") || url.pathExtension.lowercased() == "json" {
            return (try MXNetSymbolReader.read(data, file: url.relativePath), MXNetSymbolReader.formatName)
        }
        if data.isEmpty {
            throw ModelFormatError.malformed(file: url.relativePath, reason: "the file is empty")
        }
        if url.pathExtension.lowercased() == "onnx" || firstByte == 0x08 {
            // An ONNX ModelProto starts with ir_version (field 1, varint): byte 0x08.
            return (try ONNXReader.read(data, file: url.relativePath), ONNXReader.formatName)
        }
        throw ModelFormatError.malformed(file: url.relativePath, reason: "not a model format opcat reads (MXNet symbol JSON or ONNX)")
    }
}
