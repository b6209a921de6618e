import Foundation
import Testing

@testable import ModelFormats

/// Known-answer tests for ``SHA256``. "abc", the 448-bit message and the million 'a's are the
/// FIPS 180-2 appendix examples (NIST); every digest here was also computed with Python's
/// `hashlib.sha256(data).hexdigest()` (Python 3, OpenSSL).
struct SHA256Tests {
    struct Vector: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let digest: String
        var testDescription: String { "\(name) (\(bytes.count) bytes)" }

        init(_ name: String, _ text: String, _ digest: String) {
            self.name = name
            self.bytes = Array(text.utf8)
            self.digest = digest
        }
    }

    static let vectors: [Vector] = [
        Vector("empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Vector("abc (NIST)", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        // 55 bytes: the marker and the 8-byte length still fit in the one block.
        Vector(
            "55 × 'a'", String(repeating: "a", count: 55),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        // 56 bytes: the length no longer fits, so padding spills into a second block.
        Vector(
            "56 × 'a'", String(repeating: "a", count: 56),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        Vector(
            "448-bit message (NIST)", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        // 64 bytes: one full block, then a block of padding alone.
        Vector(
            "64 × 'a'", String(repeating: "a", count: 64),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        Vector(
            "112-byte message, two blocks before padding",
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        Vector(
            "1,000,000 × 'a' (NIST)", String(repeating: "a", count: 1_000_000),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    @Test("known answers", arguments: vectors)
    func knownAnswer(_ v: Vector) {
        #expect(SHA256.hex(v.bytes) == v.digest)
    }

    @Test("Data and [UInt8] of the same bytes hash alike")
    func dataAndArrayAgree() {
        let bytes = Array("abc".utf8)
        #expect(SHA256.hex(Data(bytes)) == SHA256.hex(bytes))
    }

    @Test("the streaming hasher agrees with the one-shot digest whatever the pieces", arguments: vectors)
    func streaming(_ v: Vector) {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            var hasher = SHA256.Hasher()
            var offset = 0
            while offset < v.bytes.count {
                let length = min(Int.random(in: 0...130, using: &generator), v.bytes.count - offset)
                v.bytes[offset..<(offset + length)].withUnsafeBytes { hasher.update($0) }
                offset += length
            }
            #expect(hasher.finish() == v.digest)
        }
    }
}
