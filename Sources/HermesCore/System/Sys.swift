import CHermes

/// The system seam: every system call HermesCore makes is a `Sys` function, in the
/// files of this folder (System/), and only they import the C module. One EINTR
/// policy: calls that may block (open, read, write, wait, getdents64) are retried,
/// `close` never is. Failures are thrown as `Errno` or returned as the C call's result,
/// as each caller needs; errno is read through `Errno.current` only.
public enum Sys {
    /// Runs `body` again while it fails with EINTR.
    @inline(__always)
    static func retrying(_ body: () -> Int32) -> Int32 {
        while true {
            let r = body()
            if r != -1 || Errno.current != .interrupted { return r }
        }
    }

    @inline(__always)
    static func retrying(_ body: () -> Int) -> Int {
        while true {
            let r = body()
            if r != -1 || Errno.current != .interrupted { return r }
        }
    }

    /// A NUL-terminated copy of `path`, for the duration of `body`.
    @inline(__always)
    public static func withCPath<R, E: Error>(_ path: Bytes, _ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
        let z = path.nulTerminated
        return try z.withUnsafeBufferPointer { buf throws(E) in
            try body(UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
    }

    // MARK: Descriptors

    /// Flags for `open`; `O_CLOEXEC` is always added.
    public struct OpenFlags: Sendable {
        public let rawValue: Int32
        @inline(__always) public static var readOnly: OpenFlags { OpenFlags(rawValue: O_RDONLY) }
        @inline(__always) public static var writeOnly: OpenFlags { OpenFlags(rawValue: O_WRONLY) }
        @inline(__always) public static var directory: OpenFlags { OpenFlags(rawValue: O_RDONLY | O_DIRECTORY) }
        @inline(__always) public static var nonBlocking: OpenFlags { OpenFlags(rawValue: O_NONBLOCK) }
        public static func | (a: OpenFlags, b: OpenFlags) -> OpenFlags { OpenFlags(rawValue: a.rawValue | b.rawValue) }
    }

    /// `open(path, flags | O_CLOEXEC)` (as openat(AT_FDCWD): musl's open adds an fcntl).
    public static func open(_ path: UnsafePointer<CChar>, _ flags: OpenFlags) throws(Errno) -> Int32 {
        let fd = retrying { CHermes_open(path, flags.rawValue | O_CLOEXEC) }
        if fd < 0 { throw Errno.current }
        return fd
    }

    /// `openat(dirfd, path, flags | O_CLOEXEC)`.
    public static func openat(_ dirfd: Int32, _ path: UnsafePointer<CChar>, _ flags: OpenFlags) throws(Errno) -> Int32 {
        let fd = retrying { CHermes_openat(dirfd, path, flags.rawValue | O_CLOEXEC) }
        if fd < 0 { throw Errno.current }
        return fd
    }

    /// `close(fd)`. EINTR is not retried: on Linux the descriptor is gone either way.
    public static func close(_ fd: Int32) {
        _ = CHermes.close(fd)
    }

    /// `pipe2(O_CLOEXEC)`: (read end, write end).
    public static func pipe() throws(Errno) -> (read: Int32, write: Int32) {
        var fds: (Int32, Int32) = (-1, -1)
        let r = withUnsafeMutableBytes(of: &fds) { pipe2($0.baseAddress!.assumingMemoryBound(to: Int32.self), O_CLOEXEC) }
        if r != 0 { throw Errno.current }
        return (fds.0, fds.1)
    }

    // MARK: Reading and writing

    /// `read(fd, buffer, count)`, EINTR retried: the count read, or -1 with errno set.
    @inline(__always)
    public static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        retrying { CHermes.read(fd, buffer, count) }
    }

    /// `write(fd, buffer, count)`, EINTR retried: the count written, or -1.
    @inline(__always)
    public static func write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        retrying { CHermes.write(fd, buffer, count) }
    }

    /// Reads into fresh storage of `capacity` bytes; `full` says the read filled it.
    @inline(__always)
    static func readOnce(_ fd: Int32, capacity: Int) throws(Errno) -> (bytes: Bytes, full: Bool) {
        var failure: Errno? = nil
        var full = false
        let bytes = Bytes(unsafeUninitializedCapacity: capacity) { buf, count in
            let n = read(fd, buf.baseAddress, buf.count)
            if n < 0 { failure = Errno.current; count = 0 } else { count = n; full = n == buf.count }
        }
        if let failure { throw failure }
        return (bytes, full)
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
        if size == nil, let st = status(fd), st.isRegular { size = st.size }
        var chunk = 4096
        var regular = false
        if let size, size > 0 {
            regular = true
            chunk = Swift.min(size, limit) + 1
        }
        var result = Bytes()
        while true {
            let piece = try readOnce(fd, capacity: chunk).bytes
            if piece.isEmpty { return result }
            if result.isEmpty { result = piece } else { result.append(contentsOf: piece) }
            if result.count > limit { throw Errno.fileTooBig }
            if regular && piece.count < chunk { return result }
            if chunk < 1 << 20 { chunk *= 2 }
        }
    }

    /// Reads a whole file (procfs included). `limit` bounds what a hostile file can make
    /// us allocate.
    public static func readFile(_ path: UnsafePointer<CChar>, limit: Int = 64 << 20) throws(Errno) -> Bytes {
        let fd = try open(path, .readOnly)
        defer { close(fd) }
        return try readAll(fd, limit: limit)
    }

    /// Up to `count` bytes from the start of the file at `path`; nil if it cannot be read.
    public static func readHead(_ path: UnsafePointer<CChar>, count: Int) -> Bytes? {
        guard let fd = try? open(path, .readOnly) else { return nil }
        defer { close(fd) }
        return try? readOnce(fd, capacity: count).bytes
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR. Errors are dropped:
    /// this is for diagnostics and help texts, where nothing better can be done.
    public static func writeAll(_ fd: Int32, _ bytes: Bytes) {
        bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { return }
                off += n
            }
        }
    }
}
