/// Reads an environment directory with the rules of s6-overlay's `with-contenv`, which
/// (3.2.2.0 and later) runs `s6-envdir -Lf` on a directory where `/init` wrote every
/// value followed by one newline:
/// - every regular entry whose name does not start with `.` and has no `=` is a
///   variable; other names are skipped;
/// - an empty file unsets the variable;
/// - otherwise the whole file is the value (-f: not just the first line; -L: no
///   length clamp) less exactly one trailing newline if it ends in one (no -n), with
///   NUL bytes then turned into newlines: `bar\n` is `bar`, `\n` is set and empty,
///   `x\n\n` is `x\n`, `x` (no newline) is `x`;
/// - symlinks are followed; anything that cannot be read (a subdirectory, an
///   unreadable file, a value over `maxValue` bytes) is an error, so a half-loaded
///   environment never reaches the program.
public enum Envdir {
    /// The kernel refuses one environment string over 32 pages (MAX_ARG_STRLEN).
    public static let maxValue = 128 * 1024 - 1

    /// True when `name` would be loaded as a variable.
    public static func isVariableName(_ name: Bytes) -> Bool {
        guard let first = name.first, first != 0x2E else { return false }
        return !name.contains(0x3D)
    }

    /// The change one file's contents make.
    public static func change(name: Bytes, contents: consuming Bytes) -> Environment.Change {
        if contents.isEmpty { return .unset(name) }
        var value = contents  // the last use of contents: moved, not copied
        if value.last == 0x0A { value.removeLast() }
        value.withUnsafeMutableBufferPointer { v in
            guard let base = v.baseAddress else { return }
            var at = 0
            while at < v.count, let i = Memory.find(0, in: base, from: at, count: v.count) {
                v[i] = 0x0A
                at = i + 1
            }
        }
        return .set(name, value)
    }

    /// Loads the directory at `path` (NUL-terminated) into a list of changes, sorted by
    /// name so that the result does not depend on directory order. With `missingOK`, a
    /// path that does not exist or is not a directory gives nil instead of an error.
    public static func load(_ path: Bytes, missingOK: Bool = false) throws(Failure) -> [Environment.Change]? {
        // What failed, named only when something did: the fast path builds no message.
        func failure(_ file: Bytes?, _ error: Errno?, _ reason: StaticString = "") -> Failure {
            var op = Bytes("read environment directory ")
            op.add(Bytes(path.dropLast()))
            if let file {
                op.add(": file ")
                op.add(file)
            }
            if let error { return Failure.system(op, error) }
            return Failure.unable(ExitCode.systemCall, op, Bytes(reason))
        }
        let dirfd: Int32
        do {
            dirfd = try path.withUnsafeBufferPointer { buf throws(Errno) in
                try Sys.open(UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self), .directory)
            }
        } catch {
            if missingOK && (error == .noEntry || error == .notDirectory) { return nil }
            throw failure(nil, error)
        }
        defer { Sys.done(dirfd) }
        var entries: [(name: Bytes, regular: Bool)]
        do { entries = try Sys.directoryListing(dirfd) } catch { throw failure(nil, error) }
        entries.removeAll { !isVariableName($0.name) }
        entries.sort { a, b in a.name.lexicographicallyPrecedes(b.name) }
        var changes = [Environment.Change]()
        changes.reserveCapacity(entries.count)
        for entry in entries {
            let contents: Bytes?
            do {
                contents = try readRegularFile(dirfd, entry.name, listedRegular: entry.regular)
            } catch {
                throw failure(entry.name, error)
            }
            guard let contents else { throw failure(entry.name, nil, "not a regular file") }
            changes.append(change(name: entry.name, contents: contents))
        }
        return changes
    }

    /// The contents of a regular file in the directory, nil for a FIFO, socket or device.
    /// O_NONBLOCK, so that a FIFO cannot hang us before fstat says what it is. A file the
    /// directory listed as regular is read without fstat (a symlink, or a file system
    /// that does not say, is looked at).
    static func readRegularFile(_ dirfd: Int32, _ name: Bytes, listedRegular: Bool) throws(Errno) -> Bytes? {
        let fd = try Sys.withCPath(name) { p throws(Errno) in try Sys.openat(dirfd, p, .readOnly | .nonBlocking) }
        defer { Sys.done(fd) }
        if listedRegular { return try Sys.readRegular(fd, limit: maxValue) }
        guard let st = Sys.status(fd) else { throw Errno.current }
        if st.isDirectory { throw Errno.isDirectory }
        if !st.isRegular { return nil }
        return try Sys.readAll(fd, limit: maxValue, regularFileSize: st.size)
    }
}
