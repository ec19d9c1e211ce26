/// Program lookup and execve, with exact diagnostics. Returns only on failure.
enum Exec {
    /// Used when the environment has no PATH (musl's execvp default).
    static let defaultPath: StaticString = "/usr/local/bin:/bin:/usr/bin"

    /// Runs `argv[0]`, searching `path` (the PATH of the environment the program will
    /// get) when it has no `/`. Returns only on failure.
    static func run(
        argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        envp: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        path: Bytes?
    ) -> Failure {
        let prepared = PreparedExec(argv: argv, envp: envp, path: path)
        return prepared.failure(prepared.attempt())
    }

    static func exec(_ file: Bytes) -> Bytes {
        var op = Bytes("exec ")
        op.add(file)
        return op
    }

    static func exists(_ file: Bytes) -> Bool { Sys.withCPath(file) { Sys.exists($0) } }

    /// Turns an execve errno into the exit code and message.
    static func failure(_ file: Bytes, _ e: Errno) -> Failure {
        let (code, reason) = diagnose(file, e)
        return Failure.unable(code, exec(file), reason)
    }

    /// The exit code and reason for an execve errno. ENOENT for a file that exists
    /// means its interpreter is missing: the `#!` one, or the ELF loader.
    @inline(__always)
    static func diagnose(_ file: Bytes, _ e: Errno) -> (code: Int32, reason: Bytes) {
        switch e {
        case .noEntry where exists(file):
            var reason: Bytes
            if let interpreter = shebangInterpreter(file) {
                reason = Bytes("interpreter ")
                reason.add(interpreter)
                reason.add(" named in its #! line not found")
            } else {
                reason = Bytes("its ELF interpreter (dynamic loader) was not found")
            }
            return (ExitCode.notFound, reason)
        case .noEntry, .notDirectory:
            return (ExitCode.notFound, e.description)
        default:
            return (ExitCode.cannotExecute, e.description)
        }
    }

    /// The interpreter path of a `#!` line, when the file starts with one.
    static func shebangInterpreter(_ file: Bytes) -> Bytes? {
        guard let head = Sys.withCPath(file, { Sys.readHead($0, count: 256) }) else { return nil }
        return parseShebang(head)
    }

    /// Pure part of the above: `#!` then optional blanks, then the path up to a blank
    /// or the end of the line.
    static func parseShebang(_ head: Bytes) -> Bytes? {
        guard head.count > 2, head[0] == 0x23, head[1] == 0x21 else { return nil }
        var i = 2
        while i < head.count && (head[i] == 0x20 || head[i] == 0x09) { i += 1 }
        var j = i
        while j < head.count && head[j] != 0x20 && head[j] != 0x09 && head[j] != 0x0A && head[j] != 0 { j += 1 }
        return j > i ? Array(head[i..<j]) : nil
    }
}
