import CHermes

/// The one way a directory is read: getdents64 on an open descriptor.
extension Sys {
    /// Every record of an open directory (struct linux_dirent64: u64 d_ino, s64 d_off,
    /// u16 d_reclen, u8 d_type, char d_name[]), read into one block that grows while
    /// getdents64 has more; "." and ".." are left out of `offsets`. Not copyable: the
    /// block is freed with it.
    struct DirectoryRecords: ~Copyable {
        let base: UnsafeMutableRawPointer
        /// Where each record starts, in directory order.
        private(set) var offsets: [Int]
        /// Whether `base` is ours to free (not the page it was given).
        private let owned: Bool

        /// The most one record takes: the header, a 255-byte name, its NUL, padding.
        static let largestRecord = 19 + 256 + 8

        /// Reads into a heap block.
        init(_ fd: Int32) throws(Errno) { try self.init(fd, page: nil, pageSize: 2048) }

        /// Reads into `page` (FileReader's) first, and onto the heap only when the
        /// records outgrow it; with no page, onto the heap from the start.
        init(_ fd: Int32, page: UnsafeMutableRawPointer?, pageSize: Int) throws(Errno) {
            var capacity = pageSize
            var block = page ?? UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
            var inPage = page != nil
            var used = 0
            while true {
                if capacity - used < DirectoryRecords.largestRecord {
                    let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 8)
                    bigger.copyMemory(from: block, byteCount: used)
                    if !inPage { block.deallocate() }
                    inPage = false
                    block = bigger
                    capacity *= 2
                }
                let n = retrying { CHermes_getdents64(fd, block + used, capacity - used) }
                if n < 0 {
                    let e = Errno.current
                    if !inPage { block.deallocate() }
                    throw e
                }
                if n == 0 { break }
                used += n
            }
            base = block
            owned = !inPage
            var offsets = [Int]()
            offsets.reserveCapacity(16)
            var off = 0
            while off < used {
                let name = block + off + 19
                let dot = name.load(as: UInt8.self) == 0x2E
                let dotOnly = dot && (name.load(fromByteOffset: 1, as: UInt8.self) == 0
                    || (name.load(fromByteOffset: 1, as: UInt8.self) == 0x2E && name.load(fromByteOffset: 2, as: UInt8.self) == 0))
                if !dotOnly { offsets.append(off) }
                off += Int(block.load(fromByteOffset: off + 16, as: UInt16.self))
            }
            self.offsets = offsets
        }

        deinit { if owned { base.deallocate() } }

        /// The NUL-terminated name of the record at `offset`.
        @inline(__always)
        func name(_ offset: Int) -> UnsafeMutablePointer<CChar> {
            (base + offset + 19).assumingMemoryBound(to: CChar.self)
        }

        /// True when the file system says the record is a regular file (DT_REG); false
        /// when it does not say, or for a symlink.
        @inline(__always)
        func isRegular(_ offset: Int) -> Bool { base.load(fromByteOffset: offset + 18, as: UInt8.self) == 8 }

        /// Where the records are, for the tests that show which page holds them.
        var address: UnsafeMutableRawPointer { base }
    }

    /// The names in the directory at `path`, "." and ".." left out.
    static func directoryEntries(at path: UnsafePointer<CChar>) throws(Errno) -> [Bytes] {
        let fd = try open(path, .directory)
        defer { close(fd) }
        let records = try DirectoryRecords(fd)
        return records.offsets.map { Bytes(cString: records.name($0)) }
    }
}
