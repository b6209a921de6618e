import Foundation
import OpCount

/// Opens a model file in any supported format.
public enum ModelFile {
    /// Formats opcat reads, by name.
    public static let formats = [MXNetSymbolReader.formatName]

    /// Reads `url`, choosing the reader by content.
    public static func read(_ url: URL) throws -> (graph: Graph, format: String) {
        try parse(contents(of: url), url: url)
    }

    /// The bytes of `url`, or a ``ModelFormatError`` naming it.
    public static func contents(of url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url)
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
        throw ModelFormatError.malformed(file: url.relativePath, reason: "not a model format opcat reads (supported: MXNet symbol JSON)")
    }
}
