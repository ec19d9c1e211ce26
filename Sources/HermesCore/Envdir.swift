import CHermes

/// Reads an environment directory with the rules of s6-overlay's `with-contenv`, which
/// runs `s6-envdir -Lfn`:
/// - every regular entry whose name does not start with `.` and has no `=` is a
///   variable; other names are skipped;
/// - an empty file unsets the variable;
/// - otherwise the whole file is the value, byte for byte, trailing newline included
///   (-f verbatim, -n no chomp, -L no clamp), with NUL bytes turned into newlines;
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
        for i in value.indices where value[i] == 0 { value[i] = 0x0A }
        return .set(name, value)
    }

    /// Loads the directory at `path` (NUL-terminated) into a list of changes, sorted by
    /// name so that the result does not depend on directory order.
    public static func load(_ path: Bytes) throws(Failure) -> [Environment.Change] {
        var op = Bytes("read environment directory ")
        op.add(Bytes(path.dropLast()))
        let dirfd: Int32
        do {
            dirfd = try path.withUnsafeBufferPointer { buf throws(Errno) in
                try Sys.open(UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self), O_RDONLY | O_DIRECTORY)
            }
        } catch { throw Failure.system(op, error) }
        // fdopendir takes over dirfd; closedir closes it.
        guard let dir = fdopendir(dirfd) else {
            let e = Errno.current
            Sys.close(dirfd)
            throw Failure.system(op, e)
        }
        defer { closedir(dir) }
        var names = [Bytes]()
        while true {
            CHermes_set_errno(0)
            guard let ent = readdir(dir) else {
                let e = CHermes_errno()
                if e != 0 { throw Failure.system(op, Errno(e)) }
                break
            }
            let name = withUnsafePointer(to: &ent.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { Bytes(cString: $0) }
            }
            if isVariableName(name) { names.append(name) }
        }
        names.sort { a, b in a.lexicographicallyPrecedes(b) }
        var changes = [Environment.Change]()
        changes.reserveCapacity(names.count)
        for name in names {
            var fileOp = op
            fileOp.add(": file ")
            fileOp.add(name)
            let contents: Bytes
            do {
                let fd = try name.nulTerminated.withUnsafeBufferPointer { buf throws(Errno) in
                    try Sys.openat(dirfd, UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self), O_RDONLY)
                }
                defer { Sys.close(fd) }
                contents = try Sys.readAll(fd, limit: maxValue)
            } catch {
                throw Failure.system(fileOp, error)
            }
            if contents.count > maxValue {
                throw Failure.unable(ExitCode.systemCall, fileOp, Bytes("value larger than 131071 bytes"))
            }
            changes.append(change(name: name, contents: contents))
        }
        return changes
    }
}
