import CHermes

/// An errno value. The C variable `errno` is read here and nowhere else: every other
/// file asks `Errno.current`.
struct Errno: Error, Equatable {
    var rawValue: Int32
    init(_ rawValue: Int32) { self.rawValue = rawValue }

    @inline(__always)
    static var current: Errno { Errno(CHermes_errno()) }

    // Computed, not stored: each is a constant where it is used, with no global to
    // initialise or load.

    @inline(__always) static var noEntry: Errno { Errno(ENOENT) }
    @inline(__always) static var notPermitted: Errno { Errno(EPERM) }
    @inline(__always) static var notDirectory: Errno { Errno(ENOTDIR) }
    @inline(__always) static var isDirectory: Errno { Errno(EISDIR) }
    @inline(__always) static var noProcess: Errno { Errno(ESRCH) }
    @inline(__always) static var interrupted: Errno { Errno(EINTR) }
    @inline(__always) static var invalid: Errno { Errno(EINVAL) }
    @inline(__always) static var accessDenied: Errno { Errno(EACCES) }
    @inline(__always) static var nameTooLong: Errno { Errno(ENAMETOOLONG) }
    @inline(__always) static var symlinkLoop: Errno { Errno(ELOOP) }
    @inline(__always) static var fileTooBig: Errno { Errno(EFBIG) }

    /// The text of `strerror`, as bytes.
    var description: Bytes {
        guard let s = strerror(rawValue) else { return Bytes("unknown error") }
        return Bytes(cString: s)
    }
}
