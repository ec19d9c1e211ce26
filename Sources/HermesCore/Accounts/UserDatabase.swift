/// A passwd record, as far as we use it.
struct PasswdEntry: Equatable {
    var name: Bytes
    var uid: UInt32
    var gid: UInt32
    var home: Bytes

}

/// Our own reader of /etc/passwd and /etc/group text, no NSS, so the static binaries
/// behave the same in every image; the rules are docs/contract.md A1 (the first
/// well-formed match wins, as with glibc's files backend).
enum UserDatabase {
    static let passwdFieldCount = 7
    static let groupFieldCount = 4

    /// Calls `body` with the field bounds of each well-formed line with `fieldCount`
    /// fields; `bounds[i]` is the start of field i and `bounds[i + 1] - 1` its end.
    /// Stops early when `body` returns false. A line `candidate` turns down (given the
    /// line without its newline) is skipped unparsed: a name lookup looks only at lines
    /// that start with the name. Lines are found with memchr.
    static func forEachRecord(
        _ buf: UnsafeBufferPointer<UInt8>, fieldCount: Int,
        candidate: (Range<Int>) -> Bool = { _ in true },
        _ body: (UnsafeMutableBufferPointer<Int>) -> Bool
    ) {
        guard let base = buf.baseAddress else { return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: fieldCount + 1) { bounds in
            var lineStart = 0
            let n = buf.count
            while lineStart < n {
                let lineEnd = Memory.find(0x0A, in: base, from: lineStart, count: n) ?? n
                let next = lineEnd + 1
                var e = lineEnd
                if e > lineStart && buf[e - 1] == 0x0D { e -= 1 }
                defer { lineStart = next }
                if e == lineStart { continue }
                let first = buf[lineStart]
                if first == 0x23 || first == 0x2B || first == 0x2D { continue }  // # + -
                if !candidate(lineStart..<e) { continue }
                var count = 1
                bounds[0] = lineStart
                var bad = false
                var i = lineStart
                while i < e {
                    let c = buf[i]
                    if c == 0x3A {
                        if count == fieldCount { bad = true; break }
                        bounds[count] = i + 1
                        count += 1
                    } else if c == 0 {
                        bad = true; break
                    }
                    i += 1
                }
                if bad || count != fieldCount { continue }
                bounds[fieldCount] = e + 1
                if bounds[1] - 1 == bounds[0] { continue }  // empty name
                if !body(bounds) { return }
            }
        }
    }

    static func field(_ buf: UnsafeBufferPointer<UInt8>, _ bounds: UnsafeMutableBufferPointer<Int>, _ i: Int) -> Slice<UnsafeBufferPointer<UInt8>> {
        buf[bounds[i]..<(bounds[i + 1] - 1)]
    }

    static func equal(_ a: Slice<UnsafeBufferPointer<UInt8>>, _ b: Bytes) -> Bool {
        guard a.count == b.count else { return false }
        var j = 0
        for c in a {
            if c != b[j] { return false }
            j += 1
        }
        return true
    }

    /// True when the line at `line` starts with `name` and a colon.
    static func startsWithName(_ buf: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, _ name: Bytes) -> Bool {
        guard line.count > name.count, buf[line.lowerBound + name.count] == 0x3A else { return false }
        return name.withUnsafeBytes { Memory.equal(buf.baseAddress! + line.lowerBound, $0.baseAddress!, count: name.count) }
    }

    /// True when `name` stands somewhere in the line (a cheap test before the parse).
    static func mentions(_ buf: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, _ name: Bytes) -> Bool {
        let base = buf.baseAddress!
        let first = name[0]
        var i = line.lowerBound
        while i + name.count <= line.upperBound, let at = Memory.find(first, in: base, from: i, count: line.upperBound) {
            if at + name.count > line.upperBound { return false }
            if name.withUnsafeBytes({ Memory.equal(base + at, $0.baseAddress!, count: name.count) }) { return true }
            i = at + 1
        }
        return false
    }

    /// Finds the first well-formed passwd record with this name, or with this uid.
    static func findUser(in passwd: Bytes, name: Bytes? = nil, uid: UInt32? = nil) -> PasswdEntry? {
        passwd.withUnsafeBufferPointer { buf in
            var found: PasswdEntry? = nil
            forEachRecord(buf, fieldCount: passwdFieldCount, candidate: { line in
                guard let name else { return true }
                return startsWithName(buf, line, name)
            }) { b in
                if let name, !equal(field(buf, b, 0), name) { return true }
                guard let u = parseID(field(buf, b, 2)), let g = parseID(field(buf, b, 3)) else { return true }
                if let uid, u != uid { return true }
                found = PasswdEntry(name: Bytes(field(buf, b, 0)), uid: u, gid: g, home: Bytes(field(buf, b, 5)))
                return false
            }
            return found
        }
    }

    /// The gid of the first well-formed group record with this name.
    static func findGroup(in group: Bytes, name: Bytes) -> UInt32? {
        group.withUnsafeBufferPointer { buf in
            var found: UInt32? = nil
            forEachRecord(buf, fieldCount: groupFieldCount, candidate: { startsWithName(buf, $0, name) }) { b in
                guard equal(field(buf, b, 0), name), let g = parseID(field(buf, b, 2)) else { return true }
                found = g
                return false
            }
            return found
        }
    }

    /// The gids of every well-formed group record that lists `user` among its members
    /// (the comma-separated fourth field), in file order, possibly with repeats.
    static func memberships(in group: Bytes, user: Bytes) -> [UInt32] {
        if user.isEmpty { return [] }  // empty member items never name anyone
        return group.withUnsafeBufferPointer { buf in
            var gids = [UInt32]()
            forEachRecord(buf, fieldCount: groupFieldCount, candidate: { mentions(buf, $0, user) }) { b in
                let members = field(buf, b, 3)
                var start = members.startIndex
                var i = start
                var member = false
                while true {
                    if i == members.endIndex || buf[i] == 0x2C {
                        if equal(buf[start..<i], user) { member = true; break }
                        if i == members.endIndex { break }
                        start = i + 1
                    }
                    i += 1
                }
                if member, let g = parseID(field(buf, b, 2)) { gids.append(g) }
                return true
            }
            return gids
        }
    }

    /// The supplementary group list for a user: the primary gid first, then every
    /// group that lists the user, ascending, each gid once.
    static func groupList(primary: UInt32, in group: Bytes, user: Bytes) -> [UInt32] {
        var others = memberships(in: group, user: user)
        others.sort()
        var list = [primary]
        list.reserveCapacity(others.count + 1)
        var last: UInt32? = nil
        for g in others where g != primary && g != last {
            list.append(g)
            last = g
        }
        return list
    }
}
