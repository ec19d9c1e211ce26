import CHermes

/// The one way a directory is read: getdents64 on an open descriptor.
extension Sys {
    /// The entries of an open directory, "." and ".." left out, each with whether the
    /// file system says it is a regular file (`d_type` DT_REG; false when it does not
    /// say, or for a symlink).
    public static func directoryListing(_ fd: Int32) throws(Errno) -> [(name: Bytes, regular: Bool)] {
        var names = [(name: Bytes, regular: Bool)]()
        // Not zero-filled: getdents64 writes what is read.
        var buffer = Bytes(unsafeUninitializedCapacity: 8192) { _, n in n = 8192 }
        while true {
            let n = retrying { buffer.withUnsafeMutableBytes { CHermes_getdents64(fd, $0.baseAddress, $0.count) } }
            if n < 0 { throw Errno.current }
            if n == 0 { return names }
            // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[].
            var off = 0
            while off < n {
                let reclen = Int(buffer[off + 16]) | Int(buffer[off + 17]) << 8
                var end = off + 19
                while buffer[end] != 0 { end += 1 }
                let name = buffer.withUnsafeBufferPointer { Bytes(copying: $0.baseAddress! + off + 19, count: end - off - 19) }
                if !(name == [0x2E] || name == [0x2E, 0x2E]) { names.append((name, buffer[off + 18] == 8)) }
                off += reclen
            }
        }
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
