/// A failure that ends the program before it execs: the exit code and the message
/// that follows `prog: fatal: ` on stderr.
public struct Failure: Error {
    public var exitCode: Int32
    public var message: Bytes
    /// A line that tells the user what to do instead, after the fatal one.
    public var hint: StaticString? = nil

    public init(_ exitCode: Int32, _ message: Bytes, hint: StaticString? = nil) {
        self.exitCode = exitCode
        self.message = message
        self.hint = hint
    }

    /// `unable to <op>: <strerror(errno)>`, exit 111.
    public static func system(_ op: Bytes, _ errno: Errno) -> Failure {
        var m = Bytes("unable to ")
        m.add(op)
        m.add(": ")
        m.add(errno.description)
        return Failure(ExitCode.systemCall, m)
    }

    /// `unable to <op>: <reason>` with the given code.
    public static func unable(_ code: Int32, _ op: Bytes, _ reason: Bytes) -> Failure {
        var m = Bytes("unable to ")
        m.add(op)
        m.add(": ")
        m.add(reason)
        return Failure(code, m)
    }
}
