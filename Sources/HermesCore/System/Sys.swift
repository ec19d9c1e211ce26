import CHermes

/// The system seam: every system call HermesCore makes is a `Sys` function, in the
/// files of this folder (System/), and only they import the C module. One EINTR
/// policy: calls that may block (open, read, write, wait, getdents64) are retried,
/// `close` never is. Failures are thrown as `Errno` or returned as the C call's result,
/// as each caller needs; errno is read through `Errno.current` only.
enum Sys {
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
    static func withCPath<R, E: Error>(_ path: Bytes, _ body: (UnsafePointer<CChar>) throws(E) -> R) throws(E) -> R {
        var z = path
        z.append(0)
        return try z.withUnsafeBufferPointer { buf throws(E) in
            try body(UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
    }

    // MARK: Descriptors

    /// Flags for `open`; `O_CLOEXEC` is always added.
    struct OpenFlags: Sendable {
        let rawValue: Int32
        @inline(__always) static var readOnly: OpenFlags { OpenFlags(rawValue: O_RDONLY) }
        @inline(__always) static var writeOnly: OpenFlags { OpenFlags(rawValue: O_WRONLY) }
        @inline(__always) static var directory: OpenFlags { OpenFlags(rawValue: O_RDONLY | O_DIRECTORY) }
        @inline(__always) static var nonBlocking: OpenFlags { OpenFlags(rawValue: O_NONBLOCK) }
        static func | (a: OpenFlags, b: OpenFlags) -> OpenFlags { OpenFlags(rawValue: a.rawValue | b.rawValue) }
    }

    /// `open(path, flags | O_CLOEXEC)` (as openat(AT_FDCWD): musl's open adds an fcntl).
    static func open(_ path: UnsafePointer<CChar>, _ flags: OpenFlags) throws(Errno) -> Int32 {
        let fd = retrying { CHermes_open(path, flags.rawValue | O_CLOEXEC) }
        if fd < 0 { throw Errno.current }
        return fd
    }

    /// `openat(dirfd, path, flags | O_CLOEXEC)`.
    static func openat(_ dirfd: Int32, _ path: UnsafePointer<CChar>, _ flags: OpenFlags) throws(Errno) -> Int32 {
        let fd = retrying { CHermes_openat(dirfd, path, flags.rawValue | O_CLOEXEC) }
        if fd < 0 { throw Errno.current }
        return fd
    }

    /// `close(fd)`. EINTR is not retried: on Linux the descriptor is gone either way.
    static func close(_ fd: Int32) {
        _ = CHermes.close(fd)
    }

    /// `pipe2(O_CLOEXEC)`: (read end, write end).
    static func pipe() throws(Errno) -> (read: Int32, write: Int32) {
        var fds: (Int32, Int32) = (-1, -1)
        let r = withUnsafeMutableBytes(of: &fds) { pipe2($0.baseAddress!.assumingMemoryBound(to: Int32.self), O_CLOEXEC) }
        if r != 0 { throw Errno.current }
        return (fds.0, fds.1)
    }

    // MARK: Reading and writing

    /// `read(fd, buffer, count)`, EINTR retried: the count read, or -1 with errno set.
    @inline(__always)
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        retrying { CHermes.read(fd, buffer, count) }
    }

    /// `write(fd, buffer, count)`, EINTR retried: the count written, or -1.
    @inline(__always)
    static func write(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        retrying { CHermes.write(fd, buffer, count) }
    }

    /// One read into fresh storage of `capacity` bytes.
    static func readOnce(_ fd: Int32, capacity: Int) throws(Errno) -> Bytes {
        var failure: Errno? = nil
        let bytes = Bytes(unsafeUninitializedCapacity: capacity) { buf, count in
            let n = read(fd, buf.baseAddress, buf.count)
            if n < 0 { failure = Errno.current }
            count = Swift.max(n, 0)
        }
        if let failure { throw failure }
        return bytes
    }

    /// Reads everything from `fd` until end of file; `EFBIG` past `limit` bytes. A regular
    /// file of size N is read into one buffer of N+1 bytes (its short read is its end);
    /// anything else (a pipe, procfs files, whose size says 0) in growing chunks until
    /// read returns 0.
    static func readAll(_ fd: Int32, limit: Int) throws(Errno) -> Bytes {
        let size = status(fd).flatMap { $0.isRegular && $0.size > 0 ? $0.size : nil }
        var chunk = size.map { Swift.min($0, limit) + 1 } ?? 4096
        var result = Bytes()
        while true {
            let piece = try readOnce(fd, capacity: chunk)
            if piece.isEmpty { return result }
            result.append(contentsOf: piece)
            if result.count > limit { throw Errno.fileTooBig }
            if size != nil && piece.count < chunk { return result }
            if chunk < 1 << 20 { chunk *= 2 }
        }
    }

    /// Reads a whole file (procfs included). `limit` bounds what a hostile file can make
    /// us allocate.
    static func readFile(_ path: UnsafePointer<CChar>, limit: Int = 64 << 20) throws(Errno) -> Bytes {
        let fd = try open(path, .readOnly)
        defer { close(fd) }
        return try readAll(fd, limit: limit)
    }

    /// Up to `count` bytes from the start of the file at `path`; nil if it cannot be read.
    static func readHead(_ path: UnsafePointer<CChar>, count: Int) -> Bytes? {
        guard let fd = try? open(path, .readOnly) else { return nil }
        defer { close(fd) }
        return try? readOnce(fd, capacity: count)
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR. Errors are dropped:
    /// this is for diagnostics and help texts, where nothing better can be done.
    static func writeAll(_ fd: Int32, _ bytes: Bytes) {
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
