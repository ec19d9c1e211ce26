import CHermes

/// An errno value. The corresponding C variable is `errno`; `Errno.current` is the only
/// place that reads it.
public struct Errno: Error, Equatable {
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    public static var current: Errno { Errno(CHermes_errno()) }

    public static let noEntry = Errno(ENOENT)
    public static let notDirectory = Errno(ENOTDIR)
    public static let noProcess = Errno(ESRCH)

    /// The text of `strerror`, as bytes.
    public var description: Bytes {
        guard let s = strerror(rawValue) else { return Bytes("unknown error") }
        return Bytes(cString: s)
    }
}
