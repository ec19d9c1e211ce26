/// A failure that ends the program before it execs: the exit code and the message
/// that follows `prog: fatal: ` on stderr.
struct Failure: Error {
    var exitCode: Int32
    var message: Bytes
    /// A line that tells the user what to do instead, after the fatal one.
    var hint: StaticString? = nil

    init(_ exitCode: Int32, _ message: Bytes, hint: StaticString? = nil) {
        self.exitCode = exitCode
        self.message = message
        self.hint = hint
    }

    /// `unable to <op>: <strerror(errno)>`, exit 111.
    static func system(_ op: Bytes, _ errno: Errno) -> Failure {
        var m = Bytes("unable to ")
        m.add(op)
        m.add(": ")
        m.add(errno.description)
        return Failure(ExitCode.systemCall, m)
    }

    /// `unable to <op>: <reason>` with the given code.
    static func unable(_ code: Int32, _ op: Bytes, _ reason: Bytes) -> Failure {
        var m = Bytes("unable to ")
        m.add(op)
        m.add(": ")
        m.add(reason)
        return Failure(code, m)
    }
}
