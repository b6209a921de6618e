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

    /// What a reader parses from `url`: an ONNX file's structure without its tensor payloads
    /// (read in pieces, the weights never loaded), any other file whole. Errors name the file.
    /// Errors name the file as `name` when given (a temporary copy of standard input is `stdin`).
    public static func contents(of url: URL, named name: String? = nil) throws -> Data {
        try load(url, hashing: false, named: name).data
    }

    /// A model file as read: what the readers parse, and (when asked) the SHA-256 of those
    /// bytes, the definition's identity in the catalog.
    public struct Loaded: Sendable {
        public var data: Data
        public var sha256: String?
        /// Whether `data` is an ONNX file's structure without its tensor payloads (already the
        /// form the catalog stores), rather than the file as it is.
        public var stripped: Bool
        /// The file's status when it was opened, the same after it was read.
        public var status: FileStatus
    }

    /// Reads `url` without memory-mapping it: the file is checked to be a regular file before
    /// anything blocks on it (a FIFO or device is refused), read with `pread`, and checked again
    /// afterwards; a file that changes or shrinks while it is read is an error naming it, never
    /// a signal. An ONNX file (by extension or first byte) is walked by the payload filter
    /// through a window of the file, so only its structure is held in memory. A gzip file (by
    /// its first bytes) is inflated, within the size limit, and read as what it holds. With
    /// `hashing`, `sha256` is the digest of the definition as read (`data`): the same graph
    /// stored with other weights, or compressed, has the same digest.
    public static func load(_ url: URL, hashing: Bool, named name: String? = nil) throws -> Loaded {
        let file = name ?? url.relativePath
        func fail(_ reason: String) -> ModelFormatError { .unreadable(file: file, reason: reason) }
        let fd = open(url.path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP { throw fail("a loop of symbolic links") }
            throw fail(String(cString: strerror(code)))
        }
        defer { close(fd) }
        var before = stat()
        guard fstat(fd, &before) == 0 else { throw fail(String(cString: strerror(errno))) }
        switch before.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw fail("a directory, not a model file")
        case S_IFIFO: throw fail("a FIFO (named pipe), not a regular file; opcat reads model files only")
        default: throw fail("not a regular file (a device or socket)")
        }
        let size = Int(before.st_size)
        guard size <= Limits.fileBytes else {
            throw fail("the file has \(size) bytes; the limit is \(Limits.fileBytes)")
        }
        let source = FileBytes(fd: fd, count: size)
        var data: Data
        let onnx: Bool
        do {
            // A compressed file is inflated whole (within the size limit) and read as what it holds.
            var inflated: Data?
            if Gzip.isGzip(try source.prefix(64)) {
                var packed = Data()
                try source.append(0..<size, to: &packed)
                do { inflated = try Gzip.inflate(packed, limit: Limits.fileBytes) } catch {
                    throw ModelFormatError.malformed(file: file, reason: error.reason)
                }
            }
            onnx = isONNX(URL(fileURLWithPath: Gzip.inner(url.path)), try inflated?.prefix(64) ?? source.prefix(64))
            if onnx {
                do { data = try inflated.map(ONNXPayloadFilter.filter) ?? ONNXPayloadFilter.filter(source) } catch let
                    error as ONNXPayloadFilter.Malformed
                {
                    throw ModelFormatError.malformed(file: file, reason: "not a valid ONNX file: \(error.reason)")
                }
            } else if let inflated {
                data = inflated
            } else {
                data = Data()
                try source.append(0..<size, to: &data)
            }
            // The definition is what opcat reads: an ONNX file's structure without its large
            // tensor payloads (weights never change a count), the symbol JSON, the content of a
            // gzip file. Only those bytes are hashed, so weights are never read at all.
            let digest = hashing ? SHA256.hex(data) : nil
            var after = stat()
            guard fstat(fd, &after) == 0, after.st_size == before.st_size, after.st_ino == before.st_ino,
                after.st_mtim.tv_sec == before.st_mtim.tv_sec, after.st_mtim.tv_nsec == before.st_mtim.tv_nsec
            else { throw FileBytes.Changed() }
            return Loaded(data: data, sha256: digest, stripped: onnx, status: FileStatus(before))
        } catch is FileBytes.Changed {
            throw fail("the file changed while it was being read; read it again when it is complete")
        } catch let error as FileBytes.ReadError {
            throw fail(error.reason)
        }
    }

    /// Whether a file is ONNX: by its extension, or a ModelProto's first byte (ir_version, field
    /// 1, varint: 0x08) when it does not start like JSON.
    static func isONNX(_ url: URL, _ head: Data) -> Bool {
        let ext = url.pathExtension.lowercased()
        if ext == "onnx" { return true }
        if ext == "json" { return false }
        let first = head.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        return first == 0x08
    }

    /// Parses the bytes of a model file; `file` names it and its extension (before a `.gz`)
    /// hints at the format.
    public static func parse(_ data: Data, file: String) throws -> (graph: Graph, format: String) {
        let url = URL(fileURLWithPath: Gzip.inner(file))
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

/// A regular file read with `pread` through a 1 MiB window: the payload filter's source for
/// large files. A short read means the file shrank.
final class FileBytes: ByteSource {
    struct Changed: Error {}
    struct ReadError: Error { var reason: String }

    let fd: Int32
    let count: Int
    private var window = [UInt8](repeating: 0, count: FileBytes.windowSize)
    private var windowStart = 0
    private var windowCount = 0
    static let windowSize = 1 << 20

    init(fd: Int32, count: Int) {
        self.fd = fd
        self.count = count
    }

    /// Reads exactly `length` bytes at `offset` into `buffer`.
    private func read(_ buffer: UnsafeMutableRawPointer, _ length: Int, at offset: Int) throws {
        var done = 0
        while done < length {
            let n = pread(fd, buffer + done, length - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ReadError(reason: String(cString: strerror(errno)))
            }
            if n == 0 { throw Changed() }
            done += n
        }
    }

    func byte(at offset: Int) throws -> UInt8 {
        if offset < windowStart || offset >= windowStart + windowCount {
            let length = min(FileBytes.windowSize, count - offset)
            try window.withUnsafeMutableBytes { try read($0.baseAddress!, length, at: offset) }
            windowStart = offset
            windowCount = length
        }
        return window[offset - windowStart]
    }

    func append(_ range: Range<Int>, to out: inout Data) throws {
        guard !range.isEmpty else { return }
        if range.lowerBound >= windowStart, range.upperBound <= windowStart + windowCount {
            out.append(contentsOf: window[(range.lowerBound - windowStart)..<(range.upperBound - windowStart)])
            return
        }
        let start = out.count
        out.count += range.count
        try out.withUnsafeMutableBytes { buffer in
            try read(buffer.baseAddress! + start, range.count, at: range.lowerBound)
        }
    }

    /// The first bytes (fewer when the file is shorter).
    func prefix(_ length: Int) throws -> Data {
        var out = Data()
        try append(0..<min(length, count), to: &out)
        return out
    }
}

/// What the file system says of a file (device, inode, size, modification and status-change
/// times in nanoseconds), to tell that a file is unchanged without reading it, as git's index
/// does. A write changes the modification time, and any change to the file, even one that sets
/// the modification time back, changes the status-change time.
public struct FileStatus: Sendable, Hashable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modified: Int64
    public var changed: Int64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    /// The status of the regular file at `path` (following links), nil when there is none.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        self.init(info)
    }

    /// `device:inode:size:modified:changed`, as the catalog stores it.
    public var description: String { "\(device):\(inode):\(size):\(modified):\(changed)" }

    /// Whether the file was last changed at least `margin` seconds before `date`. A status taken
    /// sooner may not show a write made in the same tick of a coarse file-system clock (git's
    /// "racily clean" entries), so only a settled status may stand for the file's content.
    public func isSettled(before date: Date, margin: TimeInterval = 2) -> Bool {
        let limit = Int64((date.timeIntervalSince1970 - margin) * 1e9)
        return modified < limit && changed < limit
    }
}
