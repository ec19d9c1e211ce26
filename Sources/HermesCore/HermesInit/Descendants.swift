/// The descendants of a process, from the parent links in /proc/PID/stat (for the
/// subreaper, which cannot signal -1).
enum Descendants {
    static func of(_ root: Int32) -> [Int32] {
        var pids = [Int32]()
        var parents = [Int32]()
        guard let names = try? Sys.directoryEntries(at: "/proc") else { return [] }
        for name in names {
            guard let pid = parseID(name), pid <= UInt32(Int32.max) else { continue }
            var path = Bytes("/proc/")
            path.add(name)
            path.add("/stat")
            guard let stat = try? Sys.withCPath(path, { p throws(Errno) in try Sys.readFile(p, limit: 4096) }) else { continue }
            if let ppid = parentPID(stat) {
                pids.append(Int32(pid))
                parents.append(ppid)
            }
        }
        return collect(root: root, pids: pids, parents: parents)
    }

    /// The ppid field of /proc/PID/stat: the second field after the last ')'.
    static func parentPID(_ stat: Bytes) -> Int32? {
        guard let close = stat.lastIndex(of: 0x29) else { return nil }
        var i = close + 1
        var field = 0
        while i < stat.count {
            if stat[i] == 0x20 {
                field += 1
                i += 1
                if field == 2 {
                    var j = i
                    while j < stat.count && stat[j] != 0x20 { j += 1 }
                    // A pid fits pid_t; a larger number is no pid (Int32(_:) would trap).
                    guard let v = parseID(stat[i..<j]), v <= UInt32(Int32.max) else { return nil }
                    return Int32(v)
                }
                continue
            }
            i += 1
        }
        return nil
    }

    /// Every pid whose chain of parents reaches `root`.
    static func collect(root: Int32, pids: [Int32], parents: [Int32]) -> [Int32] {
        var found = [root]
        var result = [Int32]()
        var k = 0
        while k < found.count {
            let p = found[k]
            k += 1
            for (i, parent) in parents.enumerated() where parent == p && pids[i] != root && !found.contains(pids[i]) {
                found.append(pids[i])
                result.append(pids[i])
            }
        }
        return result
    }
}
