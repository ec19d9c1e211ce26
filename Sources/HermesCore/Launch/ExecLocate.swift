/// The PATH search, forecast without exec: for `--explain` and hermes-init's routing.
extension Exec {
    /// The directories of a PATH value, in order; an empty entry is the current
    /// directory, as in POSIX. The one place PATH is split.
    struct Directories: Sequence, IteratorProtocol {
        let search: Bytes
        var start = 0
        init(_ search: Bytes) { self.search = search }

        mutating func next() -> ArraySlice<UInt8>? {
            guard start <= search.count else { return nil }
            var end = start
            while end < search.count && search[end] != 0x3A { end += 1 }
            defer { start = end + 1 }
            return search[start..<end]
        }
    }

    /// Where a PATH search would find `name`: the first candidate that is a regular file
    /// with an execute bit. Checked as the current user, so only a forecast of execve.
    static func locate(_ name: Bytes, path: Bytes?) -> Bytes? {
        if name.contains(0x2F) { return isExecutableFile(name) ? name : nil }
        for dir in Directories(path ?? Bytes(defaultPath)) {
            var candidate = Bytes(dir)
            if !candidate.isEmpty && candidate.last != 0x2F { candidate.append(0x2F) }
            candidate.add(name)
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    static func isExecutableFile(_ file: Bytes) -> Bool { Sys.withCPath(file) { Sys.isExecutableFile($0) } }
}
