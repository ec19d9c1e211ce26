import CHermes

/// The one way a directory is read: getdents64 on an open descriptor.
extension Sys {
    /// Every record of an open directory (struct linux_dirent64: u64 d_ino, s64 d_off,
    /// u16 d_reclen, u8 d_type, char d_name[]), read into one block that grows while
    /// getdents64 has more; "." and ".." are left out of `offsets`.
    public final class DirectoryRecords {
        public let base: UnsafeMutableRawPointer
        /// Where each record starts, in directory order.
        public private(set) var offsets: [Int]

        /// The most one record takes: the header, a 255-byte name, its NUL, padding.
        static let largestRecord = 19 + 256 + 8

        /// Whether `base` is ours to free (not the scratch page).
        private let owned: Bool

        /// With `scratch`, the records start in the scratch page (`CHermes_scratchPage`)
        /// and move to the heap only when they outgrow it: for a reader that reads no
        /// small file while it holds them (Envdir.read).
        init(_ fd: Int32, scratch: Bool = false) throws(Errno) {
            var capacity = scratch ? Sys.scratchSize : 2048
            var block = scratch ? CHermes_scratchPage()! : UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
            var inScratch = scratch
            var used = 0
            while true {
                if capacity - used < DirectoryRecords.largestRecord {
                    let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 8)
                    bigger.copyMemory(from: block, byteCount: used)
                    if !inScratch { block.deallocate() }
                    inScratch = false
                    block = bigger
                    capacity *= 2
                }
                let n = retrying { CHermes_getdents64(fd, block + used, capacity - used) }
                if n < 0 {
                    let e = Errno.current
                    if !inScratch { block.deallocate() }
                    throw e
                }
                if n == 0 { break }
                used += n
            }
            base = block
            owned = !inScratch
            offsets = []
            offsets.reserveCapacity(16)
            var off = 0
            while off < used {
                let name = base + off + 19
                let dot = name.load(as: UInt8.self) == 0x2E
                let dotOnly = dot && (name.load(fromByteOffset: 1, as: UInt8.self) == 0
                    || (name.load(fromByteOffset: 1, as: UInt8.self) == 0x2E && name.load(fromByteOffset: 2, as: UInt8.self) == 0))
                if !dotOnly { offsets.append(off) }
                off += Int(base.load(fromByteOffset: off + 16, as: UInt16.self))
            }
        }

        deinit { if owned { base.deallocate() } }

        /// The NUL-terminated name of the record at `offset`.
        @inline(__always)
        public func name(_ offset: Int) -> UnsafeMutablePointer<CChar> {
            (base + offset + 19).assumingMemoryBound(to: CChar.self)
        }

        /// True when the file system says the record is a regular file (DT_REG); false
        /// when it does not say, or for a symlink.
        @inline(__always)
        public func isRegular(_ offset: Int) -> Bool { base.load(fromByteOffset: offset + 18, as: UInt8.self) == 8 }
    }

    /// The records of an open directory.
    public static func directoryRecords(_ fd: Int32, scratch: Bool = false) throws(Errno) -> DirectoryRecords {
        try DirectoryRecords(fd, scratch: scratch)
    }

    /// The entries of an open directory, "." and ".." left out, each with whether the
    /// file system says it is a regular file.
    public static func directoryListing(_ fd: Int32) throws(Errno) -> [(name: Bytes, regular: Bool)] {
        let records = try DirectoryRecords(fd)
        return records.offsets.map { (Bytes(cString: records.name($0)), records.isRegular($0)) }
    }

    /// The names in an open directory, "." and ".." left out.
    public static func directoryEntries(_ fd: Int32) throws(Errno) -> [Bytes] {
        try directoryListing(fd).map { $0.name }
    }

    /// The names in the directory at `path`.
    public static func directoryEntries(at path: UnsafePointer<CChar>) throws(Errno) -> [Bytes] {
        let fd = try open(path, .directory)
        defer { close(fd) }
        return try directoryEntries(fd)
    }
}
