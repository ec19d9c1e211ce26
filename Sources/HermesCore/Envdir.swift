import CHermes

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
    public static func change(name: Bytes, contents: Bytes) -> Environment.Change {
        if contents.isEmpty { return .unset(name) }
        var value = contents
        if value.last == 0x0A { value.removeLast() }
        for i in value.indices where value[i] == 0 { value[i] = 0x0A }
        return .set(name, value)
    }

    /// Loads the directory at `path` (NUL-terminated) into a list of changes, sorted by
    /// name so that the result does not depend on directory order. With `missingOK`, a
    /// path that does not exist or is not a directory gives nil instead of an error.
    public static func load(_ path: Bytes, missingOK: Bool = false) throws(Failure) -> [Environment.Change]? {
        var op = Bytes("read environment directory ")
        op.add(Bytes(path.dropLast()))
        let dirfd: Int32
        do {
            dirfd = try path.withUnsafeBufferPointer { buf throws(Errno) in
                try Sys.open(UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self), O_RDONLY | O_DIRECTORY)
            }
        } catch {
            if missingOK && (error == .noEntry || error == .notDirectory) { return nil }
            throw Failure.system(op, error)
        }
        defer { Sys.close(dirfd) }
        var names: [Bytes]
        do { names = try Sys.directoryEntries(dirfd) } catch { throw Failure.system(op, error) }
        names.removeAll { !isVariableName($0) }
        names.sort { a, b in a.lexicographicallyPrecedes(b) }
        var changes = [Environment.Change]()
        changes.reserveCapacity(names.count)
        for name in names {
            var fileOp = op
            fileOp.add(": file ")
            fileOp.add(name)
            let contents: Bytes?
            do { contents = try readRegularFile(dirfd, name) } catch { throw Failure.system(fileOp, error) }
            guard let contents else { throw Failure.unable(ExitCode.systemCall, fileOp, Bytes("not a regular file")) }
            changes.append(change(name: name, contents: contents))
        }
        return changes
    }

    /// The contents of a regular file in the directory, nil for a FIFO, socket or device.
    /// O_NONBLOCK, so that a FIFO cannot hang us before fstat says what it is.
    static func readRegularFile(_ dirfd: Int32, _ name: Bytes) throws(Errno) -> Bytes? {
        let fd = try name.nulTerminated.withUnsafeBufferPointer { buf throws(Errno) in
            try Sys.openat(dirfd, UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self), O_RDONLY | O_NONBLOCK)
        }
        defer { Sys.close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw Errno.current }
        let type = UInt32(st.st_mode) & UInt32(S_IFMT)
        if type == UInt32(S_IFDIR) { throw Errno(EISDIR) }
        if type != UInt32(S_IFREG) { return nil }
        return try Sys.readAll(fd, limit: maxValue, regularFileSize: Int(st.st_size))
    }
}
