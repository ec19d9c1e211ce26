/// Reads an environment directory with the rules of s6-overlay's `with-contenv`
/// (3.2.2.0 on: `s6-envdir -Lf` on values written with one trailing newline), as
/// docs/contract.md D5 states them: `bar\n` is `bar`, `\n` is set and empty, `x\n\n` is
/// `x\n`, `x` is `x`, an empty file unsets, NULs become newlines; anything that cannot
/// be read is an error, so a half-loaded environment never reaches the program.
enum Envdir {
    /// The kernel refuses one environment string over 32 pages (MAX_ARG_STRLEN).
    static let maxValue = 128 * 1024 - 1

    /// True when `name` would be loaded as a variable.
    static func isVariableName(_ name: Bytes) -> Bool {
        guard let first = name.first, first != 0x2E else { return false }
        return !name.contains(0x3D)
    }

    /// The same for a directory entry's C string name.
    static func isVariableName(_ name: UnsafePointer<CChar>) -> Bool {
        let p = UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self)
        if p[0] == 0x2E || p[0] == 0 { return false }
        var i = 0
        while p[i] != 0 {
            if p[i] == 0x3D { return false }
            i += 1
        }
        return true
    }

    /// The change one file's contents make.
    static func change(name: Bytes, contents: consuming Bytes) -> Environment.Change {
        if contents.isEmpty { return .unset(name) }
        var value = contents  // the last use of contents: moved, not copied
        let n = value.withUnsafeMutableBytes { finish($0.baseAddress!, count: $0.count) }
        value.removeLast(value.count - n)
        return .set(name, value)
    }

    /// A value as read, made what the variable holds, in place: one trailing newline
    /// dropped, NULs turned into newlines. Returns the new length.
    static func finish(_ v: UnsafeMutableRawPointer, count: Int) -> Int {
        var n = count
        if n > 0 && v.load(fromByteOffset: n - 1, as: UInt8.self) == 0x0A { n -= 1 }
        let base = v.assumingMemoryBound(to: UInt8.self)
        var at = 0
        while at < n, let i = Memory.find(0, in: base, from: at, count: n) {
            base[i] = 0x0A
            at = i + 1
        }
        return n
    }

    /// One variable as read: `entry` is `NAME=VALUE`, NUL-terminated, in the store the
    /// read was given; when `isSet` is false the variable is unset and only the name counts.
    struct Item {
        var entry: UnsafeMutablePointer<CChar>
        var nameLength: Int
        var isSet: Bool
    }

    /// Reads the directory at `path` into `store`, sorted by name so that the result
    /// does not depend on directory order. With `missingOK`, a path that does not exist
    /// or is not a directory gives nil instead of an error. Every value is read
    /// straight into the store, behind its name: one openat and one read for a small
    /// file, and no copy. The records sit in `reader`'s page while the files are read.
    static func read(_ path: UnsafePointer<CChar>, store: StringStore, reader: inout FileReader,
                            missingOK: Bool = false) throws(Failure) -> [Item]? {
        // What failed, named only when something did: the fast path builds no message.
        func failure(_ file: UnsafePointer<CChar>?, _ error: Errno?, _ reason: StaticString = "") -> Failure {
            var op = Bytes("read environment directory ")
            op.add(cString: path)
            if let file {
                op.add(": file ")
                op.add(cString: file)
            }
            if let error { return Failure.system(op, error) }
            return Failure.unable(ExitCode.systemCall, op, Bytes(reason))
        }
        let dirfd: Int32
        do { dirfd = try Sys.open(path, .directory) } catch {
            if missingOK && (error == .noEntry || error == .notDirectory) { return nil }
            throw failure(nil, error)
        }
        defer { reader.descriptors.done(dirfd) }
        return try reader.withDirectoryRecords(dirfd, { records, descriptors throws(Failure) in
            var order = records.offsets
            order.removeAll { !isVariableName(records.name($0)) }
            order.sort { a, b in Memory.precedes(records.name(a), records.name(b)) }
            var items = [Item]()
            items.reserveCapacity(order.count)
            for off in order {
                let name = records.name(off)
                let item: Item?
                do throws(Errno) {
                    item = try readVariable(dirfd, name, listedRegular: records.isRegular(off), store: store,
                                            descriptors: &descriptors)
                } catch {
                    throw failure(name, error)
                }
                guard let item else { throw failure(name, nil, "not a regular file") }
                items.append(item)
            }
            return items
        }, failure: { failure(nil, $0) })
    }

    /// Reads the directory at `path` into a list of changes, in name order; nil as
    /// `read` gives it.
    static func load(_ path: Bytes, reader: inout FileReader, missingOK: Bool = false) throws(Failure) -> [Environment.Change]? {
        let store = StringStore()
        let read = try Sys.withCPath(path) { p throws(Failure) in
            try Envdir.read(p, store: store, reader: &reader, missingOK: missingOK)
        }
        guard let items = read else { return nil }
        return items.map { item in
            let name = Bytes(copying: item.entry, count: item.nameLength)
            guard item.isSet else { return .unset(name) }
            let v = item.entry + item.nameLength + 1
            return .set(name, Bytes(copying: v, count: cStringLength(v)))
        }
    }

    /// One file of the directory, read as `NAME=VALUE` into the store; nil for a FIFO,
    /// socket or device. O_NONBLOCK, so that a FIFO cannot hang us before fstat says
    /// what it is. A file the directory listed as regular is read without fstat, and a
    /// short read is its end (a symlink, or a file system that does not say, is looked
    /// at; a regular file of size 0 there, as procfs gives, is read to end of file).
    static func readVariable(_ dirfd: Int32, _ name: UnsafeMutablePointer<CChar>, listedRegular: Bool,
                             store: StringStore, descriptors: inout FileReader.Descriptors) throws(Errno) -> Item? {
        let fd = try Sys.openat(dirfd, name, .readOnly | .nonBlocking)
        defer { descriptors.done(fd) }
        var untilEnd = false
        if !listedRegular {
            guard let st = Sys.status(fd) else { throw Errno.current }
            if st.isDirectory { throw Errno.isDirectory }
            if !st.isRegular { return nil }
            untilEnd = st.size == 0
        }
        let nameLength = cStringLength(name)
        let valueAt = nameLength + 1
        var draft = store.draft(atLeast: valueAt + 256)
        Memory.copy(draft.bytes.baseAddress!, UnsafeRawBufferPointer(start: name, count: nameLength))
        draft.bytes[nameLength] = 0x3D
        var n = 0
        while true {
            // One byte is kept for the NUL.
            let free = draft.bytes.count - valueAt - n - 1
            if free == 0 {
                // Longer than the room (rare for one variable).
                store.grow(&draft, keeping: valueAt + n)
                continue
            }
            let r = Sys.read(fd, draft.bytes.baseAddress! + valueAt + n, free)
            if r < 0 { throw Errno.current }
            if r == 0 { break }
            n += r
            if n > maxValue { throw Errno.fileTooBig }
            if r < free && !untilEnd { break }
        }
        // An empty file unsets; otherwise the value as s6-envdir -Lf makes it.
        let isSet = n > 0
        if isSet { n = finish(draft.bytes.baseAddress! + valueAt, count: n) }
        draft.bytes[valueAt + n] = 0
        let entry = store.keep(draft, count: valueAt + n + 1)
        return Item(entry: entry, nameLength: nameLength, isSet: isSet)
    }
}
