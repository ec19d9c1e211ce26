import CHermes

/// Syscall wrappers. Each returns the result or throws the errno; `EINTR` is retried for
/// calls that may block (open, read, waitpid) and never for `close`.
public enum Sys {
    @inline(__always)
    static func retrying(_ body: () -> Int32) -> Int32 {
        while true {
            let r = body()
            if r != -1 || CHermes_errno() != EINTR { return r }
        }
    }

    /// `open(path, flags | O_CLOEXEC)`.
    public static func open(_ path: UnsafePointer<CChar>, _ flags: Int32) throws(Errno) -> Int32 {
        let fd = retrying { CHermes_open(path, flags | O_CLOEXEC) }
        if fd < 0 { throw Errno.current }
        return fd
    }

    /// `openat(dirfd, path, flags | O_CLOEXEC)`.
    public static func openat(_ dirfd: Int32, _ path: UnsafePointer<CChar>, _ flags: Int32) throws(Errno) -> Int32 {
        let fd = retrying { CHermes_openat(dirfd, path, flags | O_CLOEXEC) }
        if fd < 0 { throw Errno.current }
        return fd
    }

    /// `close(fd)`. EINTR is not retried: on Linux the descriptor is gone either way.
    public static func close(_ fd: Int32) {
        _ = CHermes.close(fd)
    }

    /// Set by the paths that go straight on to execve (privdrop, hermes-init's CMD
    /// mode): descriptors opened close-on-exec to read a file are then left to the exec
    /// to close, which saves one system call each. Only the first 64 are left, so a
    /// directory of thousands of files cannot run us out of descriptors. The PID-1
    /// supervisor, which lives on, closes as it goes.
    nonisolated(unsafe) public static var execFollows = false
    nonisolated(unsafe) static var leftOpen = 0

    /// Done reading `fd` (opened by `open` or `openat` here, so close-on-exec).
    public static func done(_ fd: Int32) {
        if execFollows && leftOpen < 64 {
            leftOpen += 1
        } else {
            close(fd)
        }
    }

    /// Reads everything from `fd` until end of file. Fails with `EFBIG` past `limit` bytes.
    /// A regular file is read straight into one buffer one byte larger than its size: a
    /// short read of a regular file means its end, so one read does. Anything else is
    /// read in growing chunks until read returns 0.
    /// `regularFileSize`: the caller already knows (from its own fstat) that `fd` is a
    /// regular file of this size. A size of 0 proves nothing (procfs files say 0 and
    /// return EOF to any read past the first), so those are read like a pipe, in one
    /// generous chunk.
    public static func readAll(_ fd: Int32, limit: Int, regularFileSize: Int? = nil) throws(Errno) -> Bytes {
        var size = regularFileSize
        if size == nil {
            var st = stat()
            if fstat(fd, &st) == 0 && UInt32(st.st_mode) & UInt32(S_IFMT) == UInt32(S_IFREG) { size = Int(st.st_size) }
        }
        var chunk = 4096
        var regular = false
        if let size, size > 0 {
            regular = true
            chunk = Swift.min(size, limit) + 1
        }
        var result = Bytes()
        while true {
            var failure: Int32 = 0
            let piece = Bytes(unsafeUninitializedCapacity: chunk) { buf, count in
                while true {
                    let n = read(fd, buf.baseAddress, buf.count)
                    if n >= 0 { count = n; return }
                    let e = CHermes_errno()
                    if e != EINTR { failure = e; count = 0; return }
                }
            }
            if failure != 0 { throw Errno(failure) }
            if piece.isEmpty { return result }
            if result.isEmpty { result = piece } else { result.append(contentsOf: piece) }
            if result.count > limit { throw Errno(EFBIG) }
            if regular && piece.count < chunk { return result }
            if chunk < 1 << 20 { chunk *= 2 }
        }
    }

    /// The names in an open directory, "." and ".." left out, read with getdents64.
    public static func directoryEntries(_ fd: Int32) throws(Errno) -> [Bytes] {
        try directoryListing(fd).map { $0.name }
    }

    /// `d_type` of a regular file (DT_REG).
    public static let regularFileType: UInt8 = 8

    /// The entries of an open directory with their `d_type` (DT_UNKNOWN, 0, when the
    /// file system does not say), "." and ".." left out.
    public static func directoryListing(_ fd: Int32) throws(Errno) -> [(name: Bytes, type: UInt8)] {
        var names = [(name: Bytes, type: UInt8)]()
        // Not zero-filled: getdents64 writes what is read.
        var buffer = Bytes(unsafeUninitializedCapacity: 8192) { _, n in n = 8192 }
        while true {
            let n = buffer.withUnsafeMutableBytes { CHermes_getdents64(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if CHermes_errno() == EINTR { continue }
                throw Errno.current
            }
            if n == 0 { return names }
            // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[].
            var off = 0
            while off < n {
                let reclen = Int(buffer[off + 16]) | Int(buffer[off + 17]) << 8
                var end = off + 19
                while buffer[end] != 0 { end += 1 }
                let name = buffer.withUnsafeBufferPointer { Bytes(copying: $0.baseAddress! + off + 19, count: end - off - 19) }
                if !(name == [0x2E] || name == [0x2E, 0x2E]) { names.append((name, buffer[off + 18])) }
                off += reclen
            }
        }
    }

    /// Reads a file the caller knows is regular (its directory entry said so) without
    /// asking fstat for its size: a short read of a regular file is its end, so a small
    /// file takes one read. Fails with `EFBIG` past `limit` bytes.
    public static func readRegular(_ fd: Int32, limit: Int) throws(Errno) -> Bytes {
        // The first read goes into a buffer on the stack, so a small file costs one
        // allocation of its own size and touches no fresh heap page.
        var failure: Int32 = 0
        var full = false
        var result = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { buf -> Bytes in
            while true {
                let n = read(fd, buf.baseAddress, buf.count)
                if n >= 0 {
                    full = n == buf.count
                    return Bytes(copying: buf.baseAddress!, count: n)
                }
                let e = CHermes_errno()
                if e != EINTR { failure = e; return [] }
            }
        }
        if failure != 0 { throw Errno(failure) }
        if !full { return result }
        // Longer than the stack buffer (rare for one variable): the rest as any file.
        result.append(contentsOf: try readAll(fd, limit: limit - result.count))
        return result
    }

    /// Reads one of the image's own small files (/etc/passwd, /etc/group, the venv's
    /// activate, the subcommand list), regular files in any image: one read straight
    /// into a 4 KiB array, no fstat (a short read of a regular file is its end); a
    /// larger file is read on to its end. Not for procfs or pipes: `readFile` is.
    public static func readSmallFile(_ path: UnsafePointer<CChar>, limit: Int = 64 << 20) throws(Errno) -> Bytes {
        let fd = try open(path, O_RDONLY)
        defer { done(fd) }
        var failure: Int32 = 0
        var full = false
        // Straight into the array's storage: no copy.
        var result = Bytes(unsafeUninitializedCapacity: 4096) { buf, count in
            while true {
                let n = read(fd, buf.baseAddress, buf.count)
                if n >= 0 { count = n; full = n == buf.count; return }
                let e = CHermes_errno()
                if e != EINTR { failure = e; count = 0; return }
            }
        }
        if failure != 0 { throw Errno(failure) }
        if full { result.append(contentsOf: try readAll(fd, limit: limit - result.count)) }
        return result
    }

    /// Reads a whole file. `limit` bounds what a hostile file can make us allocate.
    public static func readFile(_ path: UnsafePointer<CChar>, limit: Int = 64 << 20) throws(Errno) -> Bytes {
        let fd = try open(path, O_RDONLY)
        defer { done(fd) }
        return try readAll(fd, limit: limit)
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR. Errors are dropped:
    /// this is for diagnostics, where nothing better can be done.
    public static func writeAll(_ fd: Int32, _ bytes: Bytes) {
        bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n > 0 { off += n; continue }
                if n < 0 && CHermes_errno() == EINTR { continue }
                return
            }
        }
    }
}
