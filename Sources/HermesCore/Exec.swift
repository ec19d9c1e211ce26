import CHermes

/// Program lookup and execve, with exact diagnostics. Returns only on failure.
public enum Exec {
    /// Used when the environment has no PATH (musl's execvp default).
    public static let defaultPath: StaticString = "/usr/local/bin:/bin:/usr/bin"

    /// Runs `argv[0]`, searching `path` (the PATH of the environment the program will
    /// get) when it has no `/`. Returns only on failure.
    public static func run(
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

/// An exec whose candidate paths are computed up front, so that `attempt()` makes
/// system calls only (safe between fork and exec).
///
/// Like execvp, a candidate that exists but is denied (EACCES) does not stop the search;
/// unlike execvp, a file that is not a valid executable is reported (126), never handed
/// to /bin/sh. An empty PATH entry means the current directory, as in POSIX.
public final class PreparedExec {
    let argv: UnsafePointer<UnsafeMutablePointer<CChar>?>
    let envp: UnsafePointer<UnsafeMutablePointer<CChar>?>
    /// Every candidate path, each NUL-terminated, back to back.
    let storage: [CChar]
    let starts: [Int]
    let program: Bytes
    let searched: Bytes?

    /// How an attempt ended: the candidate that decides the error (nil: none found)
    /// and its errno.
    public struct Outcome: Equatable {
        public var candidate: Int?
        public var errno: Int32
    }

    public init(argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
                envp: UnsafePointer<UnsafeMutablePointer<CChar>?>, path: Bytes?) {
        self.argv = argv
        self.envp = envp
        let name = argv[0].map { Bytes(cString: $0) } ?? []
        program = name
        var storage = [CChar]()
        var starts = [Int]()
        storage.reserveCapacity((path?.count ?? 64) + 16 * (name.count + 2))
        func add(_ dir: ArraySlice<UInt8>?) {
            starts.append(storage.count)
            if let dir, !dir.isEmpty {
                for c in dir { storage.append(CChar(bitPattern: c)) }
                if dir.last != 0x2F { storage.append(0x2F) }
            }
            for c in name { storage.append(CChar(bitPattern: c)) }
            storage.append(0)
        }
        if name.isEmpty || name.contains(0x2F) {
            add(nil)
            searched = nil
        } else {
            let search = path ?? Bytes(Exec.defaultPath)
            var start = 0
            while start <= search.count {
                var end = start
                while end < search.count && search[end] != 0x3A { end += 1 }
                add(search[start..<end])
                start = end + 1
            }
            searched = search
        }
        self.storage = storage
        self.starts = starts
    }

    public func candidate(_ i: Int) -> Bytes {
        var b = Bytes()
        var j = starts[i]
        while storage[j] != 0 { b.append(UInt8(bitPattern: storage[j])); j += 1 }
        return b
    }

    /// Tries each candidate with execve. Returns only when none could be run.
    public func attempt() -> Outcome {
        if argv[0] == nil { return Outcome(candidate: nil, errno: EINVAL) }
        var denied: Int? = nil
        return storage.withUnsafeBufferPointer { buf in
            for (i, start) in starts.enumerated() {
                let p = buf.baseAddress! + start
                execve(p, argv, envp)
                let e = CHermes_errno()
                switch e {
                case ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP:
                    if searched == nil || access(p, F_OK) == 0 { return Outcome(candidate: i, errno: e) }
                case EACCES:
                    // A directory we may not search hides nothing we could run: only a
                    // file we can see but not execute counts as denied.
                    if searched == nil { return Outcome(candidate: i, errno: e) }
                    if denied == nil && access(p, F_OK) == 0 { denied = i }
                default:
                    return Outcome(candidate: i, errno: e)
                }
            }
            if let denied { return Outcome(candidate: denied, errno: EACCES) }
            return Outcome(candidate: nil, errno: ENOENT)
        }
    }

    /// The exit code and message for an outcome.
    public func failure(_ o: Outcome) -> Failure {
        if argv[0] == nil {
            return Failure.unable(ExitCode.usage, Bytes("run program"), Bytes("no program given"))
        }
        guard let i = o.candidate else {
            var reason = Bytes("not found in PATH (")
            reason.add(searched ?? [])
            reason.add(")")
            return Failure.unable(ExitCode.notFound, Exec.exec(program), reason)
        }
        return Exec.failure(candidate(i), Errno(o.errno))
    }
}
