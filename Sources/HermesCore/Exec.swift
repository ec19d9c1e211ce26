import CHermes

/// Program lookup and execve, with exact diagnostics. Returns only on failure.
public enum Exec {
    /// Used when the environment has no PATH (musl's execvp default).
    public static let defaultPath: StaticString = "/usr/local/bin:/bin:/usr/bin"

    /// Runs `argv[0]`, searching `path` (the PATH of the environment the program will
    /// get) when it has no `/`. Like execvp, a candidate that exists but is denied
    /// (EACCES) does not stop the search; unlike execvp, a file that is not a valid
    /// executable is reported (126), never handed to /bin/sh.
    public static func run(
        argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        envp: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        path: Bytes?
    ) -> Failure {
        guard let prog = argv[0] else {
            return Failure.unable(ExitCode.usage, Bytes("run program"), Bytes("no program given"))
        }
        let name = UnsafeRawPointer(prog).assumingMemoryBound(to: UInt8.self)
        let nameLength = strlen(prog)
        var hasSlash = false
        for i in 0..<nameLength where name[i] == 0x2F { hasSlash = true; break }
        if hasSlash || nameLength == 0 {
            execve(prog, argv, envp)
            return failure(Bytes(cString: prog), Errno.current)
        }
        let search = path ?? Bytes(defaultPath)
        var candidate = Bytes()
        candidate.reserveCapacity(256)
        var denied: Bytes? = nil
        var start = 0
        while start <= search.count {
            var end = start
            while end < search.count && search[end] != 0x3A { end += 1 }
            candidate.removeAll(keepingCapacity: true)
            // An empty PATH entry means the current directory, as in POSIX.
            if end > start {
                candidate.append(contentsOf: search[start..<end])
                if candidate.last != 0x2F { candidate.append(0x2F) }
            }
            for i in 0..<nameLength { candidate.append(name[i]) }
            candidate.append(0)
            let e: Errno = candidate.withUnsafeBufferPointer { buf in
                let p = UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self)
                execve(p, argv, envp)
                return Errno.current
            }
            candidate.removeLast()
            switch e.rawValue {
            case ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP:
                if exists(candidate) { return failure(candidate, e) }
            case EACCES:
                // A directory we may not search hides nothing we could run: only a
                // file we can see but not execute counts as "denied".
                if denied == nil && exists(candidate) { denied = candidate }
            default:
                return failure(candidate, e)
            }
            start = end + 1
        }
        if let denied { return failure(denied, .permissionDenied) }
        var reason = Bytes("not found in PATH (")
        reason.add(search)
        reason.add(")")
        return Failure.unable(ExitCode.notFound, exec(Bytes(cString: prog)), reason)
    }

    static func exec(_ file: Bytes) -> Bytes {
        var op = Bytes("exec ")
        op.add(file)
        return op
    }

    static func exists(_ file: Bytes) -> Bool {
        file.nulTerminated.withUnsafeBufferPointer { buf in
            access(UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self), F_OK) == 0
        }
    }

    /// Turns an execve errno into the exit code and message. ENOENT for a file that
    /// exists means its interpreter is missing: the `#!` one, or the ELF loader.
    public static func failure(_ file: Bytes, _ e: Errno) -> Failure {
        switch e.rawValue {
        case ENOENT where exists(file):
            var reason: Bytes
            if let interpreter = shebangInterpreter(file) {
                reason = Bytes("interpreter ")
                reason.add(interpreter)
                reason.add(" named in its #! line not found")
            } else {
                reason = Bytes("its ELF interpreter (dynamic loader) was not found")
            }
            return Failure.unable(ExitCode.notFound, exec(file), reason)
        case ENOENT, ENOTDIR:
            return Failure.unable(ExitCode.notFound, exec(file), e.description)
        default:
            return Failure.unable(ExitCode.cannotExecute, exec(file), e.description)
        }
    }

    /// The interpreter path of a `#!` line, when the file starts with one.
    static func shebangInterpreter(_ file: Bytes) -> Bytes? {
        let fd: Int32
        do {
            fd = try file.nulTerminated.withUnsafeBufferPointer { buf throws(Errno) in
                try Sys.open(UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self), O_RDONLY)
            }
        } catch { return nil }
        defer { Sys.close(fd) }
        var head = [UInt8](repeating: 0, count: 256)
        let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, 256) }
        return parseShebang(n > 0 ? Array(head[..<n]) : [])
    }

    /// Pure part of the above: `#!` then optional blanks, then the path up to a blank
    /// or the end of the line.
    public static func parseShebang(_ head: Bytes) -> Bytes? {
        guard head.count > 2, head[0] == 0x23, head[1] == 0x21 else { return nil }
        var i = 2
        while i < head.count && (head[i] == 0x20 || head[i] == 0x09) { i += 1 }
        var j = i
        while j < head.count && head[j] != 0x20 && head[j] != 0x09 && head[j] != 0x0A && head[j] != 0 { j += 1 }
        return j > i ? Array(head[i..<j]) : nil
    }
}
