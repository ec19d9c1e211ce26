/// Messages on fd 2, skarnet style: `prog: fatal: unable to <op>: <reason>`.
/// Nothing here writes to stdout; stdout belongs to the program we exec.
struct Diagnostics {
    var program: StaticString

    init(program: StaticString) { self.program = program }

    /// Writes `prog: <kind>: <message>` and a newline to stderr in one write.
    func report(_ kind: StaticString, _ message: Bytes) {
        var line = Bytes(program)
        line.add(": ")
        line.add(kind)
        line.add(": ")
        line.add(message)
        line.append(0x0A)
        Sys.writeAll(2, line)
    }

    func warn(_ message: Bytes) { report("warning", message) }

    /// Reports the failure and exits with its code. `_exit`, not `exit`: nothing is
    /// buffered and no atexit handler has business running.
    func fatal(_ failure: Failure) -> Never {
        report("fatal", failure.message)
        if let hint = failure.hint { report("hint", Bytes(hint)) }
        Sys.exit(failure.exitCode)
    }
}
