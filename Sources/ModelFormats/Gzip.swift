import CZlib
import Foundation

/// gzip-compressed model files (`resnet50-symbol.json.gz`, `vit.onnx.gz`), read transparently:
/// the bundled zoos keep their definitions compressed. Inflating is bounded (the inflated file
/// obeys the same size limit as a plain one) and a truncated or corrupt archive is an error,
/// never a partial file.
public enum Gzip {
    /// Whether `head` starts like a gzip member (RFC 1952: 1f 8b, deflate).
    public static func isGzip(_ head: Data) -> Bool {
        head.count >= 3 && head[head.startIndex] == 0x1F && head[head.startIndex + 1] == 0x8B
            && head[head.startIndex + 2] == 0x08
    }

    /// The file name without a final `.gz`: what the archive holds.
    public static func inner(_ file: String) -> String {
        file.lowercased().hasSuffix(".gz") ? String(file.dropLast(3)) : file
    }

    public struct Failure: Error, Sendable, Equatable { public var reason: String }

    /// The bytes of every gzip member in `data`, at most `limit` of them.
    public static func inflate(_ data: Data, limit: Int) throws(Failure) -> Data {
        var stream = z_stream()
        // 16 + 15: a gzip wrapper around a 32 KiB window.
        guard inflateInit2_(&stream, 16 + 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(reason: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var out = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var failure: Failure?
        data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            guard let base = input.bindMemory(to: Bytef.self).baseAddress else {
                failure = Failure(reason: "the gzip archive is empty")
                return
            }
            var consumed = 0
            while consumed < input.count {
                stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                stream.avail_in = uInt(min(input.count - consumed, Int(UInt32.max)))
                var code: Int32 = Z_OK
                repeat {
                    code = chunk.withUnsafeMutableBufferPointer { buffer in
                        stream.next_out = buffer.baseAddress
                        stream.avail_out = uInt(buffer.count)
                        let code = CZlib.inflate(&stream, Z_NO_FLUSH)
                        let produced = buffer.count - Int(stream.avail_out)
                        out.append(buffer.baseAddress!, count: produced)
                        return code
                    }
                    if out.count > limit {
                        failure = Failure(reason: "it inflates past the limit of \(limit) bytes")
                        return
                    }
                } while code == Z_OK && stream.avail_out == 0
                let used = input.count - consumed - Int(stream.avail_in)
                consumed += used
                switch code {
                case Z_STREAM_END:
                    // Another member may follow (concatenated gzip files inflate to their concatenation).
                    guard consumed < input.count else { return }
                    if inflateReset(&stream) != Z_OK {
                        failure = Failure(reason: "zlib could not read the next gzip member")
                        return
                    }
                case Z_OK, Z_BUF_ERROR:
                    if used == 0 && consumed < input.count {
                        failure = Failure(reason: "the gzip archive is corrupt (zlib made no progress)")
                        return
                    }
                default:
                    let detail = stream.msg.map { String(cString: $0) } ?? "zlib code \(code)"
                    failure = Failure(reason: "the gzip archive is corrupt: \(detail)")
                    return
                }
            }
            // The input ran out before a member ended.
            failure = Failure(reason: "the gzip archive is truncated (it ends inside its compressed data)")
        }
        if let failure { throw failure }
        return out
    }
}
