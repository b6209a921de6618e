import Foundation
import OpCount

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opens a model file in any supported format.
public enum ModelFile {
    /// Formats opcat reads, by name.
    public static let formats = [MXNetSymbolReader.formatName, ONNXReader.formatName]

    /// Reads `url`, choosing the reader by content.
    public static func read(_ url: URL) throws -> (graph: Graph, format: String) {
        try parse(contents(of: url), file: url.relativePath)
    }

    /// The bytes of `url`, memory-mapped: a large file is read through the page cache and the
    /// parts a reader skips (weights) are never loaded. Errors name the file.
    public static func contents(of url: URL) throws -> Data {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else {
            throw ModelFormatError.unreadable(file: url.relativePath, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw ModelFormatError.unreadable(file: url.relativePath, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ModelFormatError.unreadable(file: url.relativePath, reason: "not a regular file")
        }
        let size = Int(info.st_size)
        guard size <= Limits.fileBytes else {
            throw ModelFormatError.unreadable(
                file: url.relativePath, reason: "the file has \(size) bytes; the limit is \(Limits.fileBytes)")
        }
        guard size > 0 else { return Data() }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw ModelFormatError.unreadable(file: url.relativePath, reason: String(cString: strerror(errno)))
        }
        return Data(
            bytesNoCopy: address, count: size, deallocator: .custom { pointer, count in munmap(pointer, count) })
    }

    /// The form of a model file the catalog keeps: an ONNX file without the tensor payloads its
    /// reader skips (the same bytes the reader decodes, so it counts the same), an MXNet symbol
    /// file as it is.
    public static func storedForm(_ data: Data, format: String, file: String) throws -> (data: Data, stripped: Bool) {
        guard format == ONNXReader.formatName else { return (data, false) }
        do {
            return (try ONNXPayloadFilter.filter(data), true)
        } catch let error as ONNXPayloadFilter.Malformed {
            throw ModelFormatError.malformed(file: file, reason: "not a valid ONNX file: \(error.reason)")
        }
    }

    /// Parses the bytes of a model file; `file` names it and its extension hints at the format.
    public static func parse(_ data: Data, file: String) throws -> (graph: Graph, format: String) {
        let url = URL(fileURLWithPath: file)
        let firstByte = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if firstByte == UInt8(ascii: "{") || url.pathExtension.lowercased() == "json" {
            return (try MXNetSymbolReader.read(data, file: file), MXNetSymbolReader.formatName)
        }
        if data.isEmpty {
            throw ModelFormatError.malformed(file: file, reason: "the file is empty")
        }
        if url.pathExtension.lowercased() == "onnx" || firstByte == 0x08 {
            // An ONNX ModelProto starts with ir_version (field 1, varint): byte 0x08.
            return (try ONNXReader.read(data, file: file), ONNXReader.formatName)
        }
        throw ModelFormatError.malformed(
            file: file, reason: "not a model format opcat reads (MXNet symbol JSON or ONNX)")
    }
}
