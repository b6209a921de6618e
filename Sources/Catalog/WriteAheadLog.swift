import Foundation
import GRDB

/// What opcat needs of an SQLite write-ahead log (`FILE-wal`), read from the file itself: its
/// committed frames of page 1, so that a log written on another copy of the catalog can be told
/// from the catalog's own before SQLite replays it. The format is SQLite's "Write-Ahead Log File
/// Format" (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header, then frames of
/// a 24-byte header and one page, each frame's checksum chained from the one before; frames
/// after the last valid commit frame are not part of the database.
struct WriteAheadLog {
    /// Images of page 1 in committed frames, in log order.
    var firstPages: [Data] = []
    /// Committed frames in all.
    var committedFrames = 0

    /// Reads the log at `path`; nil when there is none, or no header (an empty or reset log).
    init?(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try handle.read(upToCount: 32), header.count == 32 else { return nil }
        let magic = Self.word(header, 0, bigEndian: true)
        guard magic & 0xFFFF_FFFE == 0x377F_0682 else { return nil }
        let bigEndian = magic & 1 == 1
        let sizeField = Self.word(header, 8, bigEndian: true)
        let pageSize = sizeField == 1 ? 65536 : Int(sizeField)
        guard pageSize >= 512, pageSize <= 65536, pageSize & (pageSize - 1) == 0 else { return nil }
        var sums = Self.checksum(header.prefix(24), (0, 0), bigEndian: bigEndian)
        guard sums.0 == Self.word(header, 24, bigEndian: true), sums.1 == Self.word(header, 28, bigEndian: true)
        else { return nil }
        let salts = header[16..<24]
        var pending: [Data] = []
        var pendingFrames = 0
        while let frame = try handle.read(upToCount: 24 + pageSize), frame.count == 24 + pageSize {
            let start = frame.startIndex
            guard frame[(start + 8)..<(start + 16)] == salts else { break }
            sums = Self.checksum(frame.prefix(8), sums, bigEndian: bigEndian)
            sums = Self.checksum(frame.suffix(pageSize), sums, bigEndian: bigEndian)
            guard sums.0 == Self.word(frame, 16, bigEndian: true), sums.1 == Self.word(frame, 20, bigEndian: true)
            else { break }
            pendingFrames += 1
            if Self.word(frame, 0, bigEndian: true) == 1 { pending.append(Data(frame.suffix(pageSize))) }
            if Self.word(frame, 4, bigEndian: true) != 0 {
                firstPages += pending
                committedFrames += pendingFrames
                pending = []
                pendingFrames = 0
            }
        }
    }

    private static func word(_ data: Data, _ offset: Int, bigEndian: Bool) -> UInt32 {
        let start = data.startIndex + offset
        let bytes = data[start..<(start + 4)]
        return bigEndian
            ? bytes.reduce(0) { $0 << 8 | UInt32($1) }
            : bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from `sums`.
    private static func checksum(_ data: Data, _ sums: (UInt32, UInt32), bigEndian: Bool) -> (UInt32, UInt32) {
        var (s0, s1) = sums
        data.withUnsafeBytes { raw in
            let words = raw.bindMemory(to: UInt32.self)
            var index = 0
            while index + 1 < words.count {
                let x0 = bigEndian ? UInt32(bigEndian: words[index]) : UInt32(littleEndian: words[index])
                let x1 = bigEndian ? UInt32(bigEndian: words[index + 1]) : UInt32(littleEndian: words[index + 1])
                s0 = s0 &+ x0 &+ s1
                s1 = s1 &+ x1 &+ s0
                index += 2
            }
        }
        return (s0, s1)
    }

    /// Whether another process has the database open in WAL mode: every such connection holds a
    /// shared lock on the "dead man switch" byte of the `-shm` file (byte 128 in SQLite's unix
    /// VFS). Locks held by this process are not seen (POSIX record locks), which is what is wanted.
    static func inUse(shm path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 128
        lock.l_len = 1
        guard fcntl(fd, F_GETLK, &lock) == 0 else { return false }
        return lock.l_type != Int16(F_UNLCK)
    }
}

extension Catalog {
    /// Every opcat write transaction ends by setting `PRAGMA user_version` (a header field on
    /// page 1, which SQLite then writes in that transaction's frames) to a mark: its low 16 bits
    /// are new and random, its high 16 bits are the low 16 of the mark it replaces. So the first
    /// page-1 frame of a log names the state the log was written on.
    static func markTransaction(_ db: Database) throws {
        let previous = UInt32(truncatingIfNeeded: try Int64.fetchOne(db, sql: "PRAGMA user_version") ?? 0)
        let mark = (previous & 0xFFFF) << 16 | UInt32.random(in: 1...0xFFFF)
        try db.execute(sql: "PRAGMA user_version = \(Int32(bitPattern: mark))")
    }

    /// Refuses a write-ahead log left beside the catalog (no process has it open) that was not
    /// written on this database file: SQLite would replay it over pages it does not match. The
    /// log belongs to the file when one of its committed page-1 images is the file's page 1 (a
    /// checkpoint copied it there), or when its first page-1 image's mark continues the file's.
    /// A log of transactions that never wrote page 1 (an edit in `sqlite3` that did not grow the
    /// file) cannot be checked and is accepted.
    static func checkLog(_ path: String) throws {
        let logPath = path + "-wal"
        guard !WriteAheadLog.inUse(shm: path + "-shm") else { return }
        guard let log = try WriteAheadLog(path: logPath), let first = log.firstPages.first else { return }
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let page = try handle.read(upToCount: first.count) ?? Data()
        guard page.count >= 100 else { throw CatalogError.foreignLog(path: path) }
        if log.firstPages.contains(page) { return }
        func mark(_ data: Data) -> UInt32 {
            data[(data.startIndex + 60)..<(data.startIndex + 64)].reduce(0) { $0 << 8 | UInt32($1) }
        }
        // A transaction that is not opcat's (an edit in `sqlite3`) leaves the mark as it was.
        let continues = mark(first) >> 16 == mark(page) & 0xFFFF || mark(first) == mark(page)
        guard continues else { throw CatalogError.foreignLog(path: path) }
    }
}
