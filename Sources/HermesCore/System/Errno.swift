import CHermes

/// An errno value. The C variable `errno` is read here and nowhere else: every other
/// file asks `Errno.current`.
public struct Errno: Error, Equatable {
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    @inline(__always)
    public static var current: Errno { Errno(CHermes_errno()) }

    public static let noEntry = Errno(ENOENT)
    public static let notDirectory = Errno(ENOTDIR)
    public static let isDirectory = Errno(EISDIR)
    public static let noProcess = Errno(ESRCH)
    public static let interrupted = Errno(EINTR)
    public static let invalid = Errno(EINVAL)
    public static let accessDenied = Errno(EACCES)
    public static let nameTooLong = Errno(ENAMETOOLONG)
    public static let symlinkLoop = Errno(ELOOP)
    public static let fileTooBig = Errno(EFBIG)
    /// ENXIO: opening a FIFO for writing without blocking when no one reads it.
    public static let noReader = Errno(ENXIO)

    /// The text of `strerror`, as bytes.
    public var description: Bytes {
        guard let s = strerror(rawValue) else { return Bytes("unknown error") }
        return Bytes(cString: s)
    }
}
