/// The few file operations the gateway slot and the boot steps need, each failing with
/// the path named.
enum FileTree {
    /// Runs one system call on `path`; its failure reads `unable to <what><path>: <errno>`.
    static func call(_ what: StaticString, _ path: Bytes,
                     _ body: (UnsafePointer<CChar>) throws(Errno) -> Void) throws(Failure) {
        do throws(Errno) { try Sys.withCPath(path, body) } catch { throw fail(what, path, error) }
    }

    static func fail(_ what: StaticString, _ path: Bytes, _ error: Errno) -> Failure {
        var op = Bytes(what)
        op.add(path)
        return Failure.system(op, error)
    }

    static func mkdir(_ path: Bytes, _ mode: UInt32) throws(Failure) {
        try call("create directory ", path) { p throws(Errno) in try Sys.mkdir(p, mode) }
        // mkdir's mode passes through the umask; the modes here are exact.
        try call("chmod ", path) { p throws(Errno) in try Sys.chmod(p, mode) }
    }

    static func mkfifo(_ path: Bytes, _ mode: UInt32) throws(Failure) {
        try call("create fifo ", path) { p throws(Errno) in try Sys.mkfifo(p, mode) }
        try call("chmod ", path) { p throws(Errno) in try Sys.chmod(p, mode) }
    }

    static func chown(_ path: Bytes, _ uid: UInt32, _ gid: UInt32) throws(Failure) {
        try call("chown ", path) { p throws(Errno) in try Sys.chown(p, uid, gid) }
    }

    /// Creates `path` (it must not exist) with `contents` and exactly `mode`.
    static func write(_ path: Bytes, _ contents: Bytes, mode: UInt32) throws(Failure) {
        var fd: Int32 = -1
        try call("create ", path) { p throws(Errno) in fd = try Sys.create(p, mode: mode) }
        defer { Sys.close(fd) }
        var off = 0
        while off < contents.count {
            let n = contents.withUnsafeBytes { Sys.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 { throw fail("write ", path, Errno.current) }
            off += n
        }
        do throws(Errno) { try Sys.chmod(fd, mode) } catch { throw fail("chmod ", path, error) }
    }

    /// Puts `temp` at `target`: a rename when there is no target, else an atomic
    /// exchange followed by removing the old tree (now at `temp`).
    static func replace(_ temp: Bytes, with target: Bytes) throws(Failure) {
        do throws(Errno) {
            try Sys.withCPath(temp) { t throws(Errno) in try Sys.withCPath(target) { p throws(Errno) in try Sys.exchange(t, p) } }
        } catch {
            if error != .noEntry { throw fail("replace ", target, error) }
            try call("rename into ", target) { p throws(Errno) in
                try Sys.withCPath(temp) { t throws(Errno) in try Sys.rename(t, p) }
            }
            return
        }
        try removeIfPresent(temp)
    }

    /// Removes a file or a whole directory tree, without following symlinks.
    static func removeIfPresent(_ path: Bytes) throws(Failure) {
        let st: Sys.FileStatus
        do throws(Errno) { st = try Sys.withCPath(path) { p throws(Errno) in try Sys.linkStatus(p) } } catch {
            if error == .noEntry { return }
            throw fail("inspect ", path, error)
        }
        guard st.isDirectory else {
            try call("remove ", path) { p throws(Errno) in try Sys.unlink(p) }
            return
        }
        var names = [Bytes]()
        try call("open directory ", path) { p throws(Errno) in names = try Sys.directoryEntries(at: p) }
        for n in names {
            var child = path
            child.append(0x2F)
            child.add(n)
            try removeIfPresent(child)
        }
        try call("remove ", path) { p throws(Errno) in try Sys.rmdir(p) }
    }
}
