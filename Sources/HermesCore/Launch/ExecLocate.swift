/// The PATH search, forecast without exec: for `--explain` and hermes-init's routing.
extension Exec {
    /// Calls `body` with each directory of a PATH value, in order (an empty entry is the
    /// current directory, as in POSIX), until it returns true.
    @inline(__always)
    static func forEachDirectory(in search: Bytes, _ body: (ArraySlice<UInt8>) -> Bool) {
        var start = 0
        while start <= search.count {
            var end = start
            while end < search.count && search[end] != 0x3A { end += 1 }
            if body(search[start..<end]) { return }
            start = end + 1
        }
    }

    /// Where a PATH search would find `name`: the first candidate that is a regular file
    /// with an execute bit. Checked as the current user, so only a forecast of execve.
    public static func locate(_ name: Bytes, path: Bytes?) -> Bytes? {
        if name.contains(0x2F) { return isExecutableFile(name) ? name : nil }
        var found: Bytes? = nil
        forEachDirectory(in: path ?? Bytes(defaultPath)) { dir in
            var candidate = Bytes(dir)
            if !candidate.isEmpty && candidate.last != 0x2F { candidate.append(0x2F) }
            candidate.add(name)
            if isExecutableFile(candidate) { found = candidate; return true }
            return false
        }
        return found
    }

    static func isExecutableFile(_ file: Bytes) -> Bool { Sys.withCPath(file) { Sys.isExecutableFile($0) } }
}
