import CHermes

/// An errno value. The C variable `errno` is read here and nowhere else: every other
/// file asks `Errno.current`.
public struct Errno: Error, Equatable {
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    @inline(__always)
    public static var current: Errno { Errno(CHermes_errno()) }

    // Computed, not stored: each is a constant where it is used, with no global to
    // initialise or load.

    @inline(__always) public static var noEntry: Errno { Errno(ENOENT) }
    @inline(__always) public static var notPermitted: Errno { Errno(EPERM) }
    @inline(__always) public static var notDirectory: Errno { Errno(ENOTDIR) }
    @inline(__always) public static var isDirectory: Errno { Errno(EISDIR) }
    @inline(__always) public static var noProcess: Errno { Errno(ESRCH) }
    @inline(__always) public static var interrupted: Errno { Errno(EINTR) }
    @inline(__always) public static var invalid: Errno { Errno(EINVAL) }
    @inline(__always) public static var accessDenied: Errno { Errno(EACCES) }
    @inline(__always) public static var nameTooLong: Errno { Errno(ENAMETOOLONG) }
    @inline(__always) public static var symlinkLoop: Errno { Errno(ELOOP) }
    @inline(__always) public static var fileTooBig: Errno { Errno(EFBIG) }

    /// The text of `strerror`, as bytes.
    public var description: Bytes {
        guard let s = strerror(rawValue) else { return Bytes("unknown error") }
        return Bytes(cString: s)
    }
}
