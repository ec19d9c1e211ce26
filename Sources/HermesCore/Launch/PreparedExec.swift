/// An exec whose candidate paths are computed up front, so that `attempt()` makes
/// system calls only (safe between fork and exec).
///
/// Like execvp, a candidate that exists but is denied (EACCES) does not stop the search;
/// unlike execvp, a file that is not a valid executable is reported (126), never handed
/// to /bin/sh. An empty PATH entry means the current directory, as in POSIX.
final class PreparedExec {
    let argv: UnsafePointer<UnsafeMutablePointer<CChar>?>
    let envp: UnsafePointer<UnsafeMutablePointer<CChar>?>
    /// Every candidate path, each NUL-terminated, back to back.
    let storage: [CChar]
    let starts: [Int]
    let program: Bytes
    let searched: Bytes?

    /// How an attempt ended: the candidate that decides the error (nil: none found)
    /// and its errno.
    struct Outcome: Equatable {
        var candidate: Int?
        var errno: Int32
    }

    init(argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
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
            for dir in Exec.Directories(search) { add(dir) }
            searched = search
        }
        self.storage = storage
        self.starts = starts
    }

    func candidate(_ i: Int) -> Bytes {
        var b = Bytes()
        var j = starts[i]
        while storage[j] != 0 { b.append(UInt8(bitPattern: storage[j])); j += 1 }
        return b
    }

    /// Tries each candidate with execve. Returns only when none could be run.
    func attempt() -> Outcome {
        if argv[0] == nil { return Outcome(candidate: nil, errno: Errno.invalid.rawValue) }
        var denied: Int? = nil
        return storage.withUnsafeBufferPointer { buf in
            for (i, start) in starts.enumerated() {
                let p = buf.baseAddress! + start
                Sys.execve(p, argv, envp)
                let e = Errno.current
                switch e {
                case .noEntry, .notDirectory, .nameTooLong, .symlinkLoop:
                    if searched == nil || Sys.exists(p) { return Outcome(candidate: i, errno: e.rawValue) }
                case .accessDenied:
                    // A directory we may not search hides nothing we could run: only a
                    // file we can see but not execute counts as denied.
                    if searched == nil { return Outcome(candidate: i, errno: e.rawValue) }
                    if denied == nil && Sys.exists(p) { denied = i }
                default:
                    return Outcome(candidate: i, errno: e.rawValue)
                }
            }
            if let denied { return Outcome(candidate: denied, errno: Errno.accessDenied.rawValue) }
            return Outcome(candidate: nil, errno: Errno.noEntry.rawValue)
        }
    }

    /// The exit code and message for an outcome.
    func failure(_ o: Outcome) -> Failure {
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
