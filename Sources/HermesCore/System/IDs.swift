import CHermes

/// The credential calls. The set*id calls are plain system calls (CHermes.h says why);
/// each returns the errno it failed with, or nil, and makes no allocation, so they are
/// safe between fork and exec.
extension Sys {
    @inline(__always)
    static func result(_ r: Int32) -> Errno? { r == 0 ? nil : Errno.current }

    @inline(__always) static func setGroups(_ list: UnsafeBufferPointer<UInt32>) -> Errno? {
        result(CHermes_setgroups(list.count, list.baseAddress))
    }
    @inline(__always) static func setGID(_ gid: UInt32) -> Errno? { result(CHermes_setresgid(gid, gid, gid)) }
    @inline(__always) static func setUID(_ uid: UInt32) -> Errno? { result(CHermes_setresuid(uid, uid, uid)) }
    /// `setuid(0)` succeeds: root can be regained.
    @inline(__always) static func canRegainRoot() -> Bool { CHermes_setuid(0) == 0 }

    /// Real, effective and saved uid.
    @inline(__always) static func userIDs() -> (real: UInt32, effective: UInt32, saved: UInt32)? {
        var r: uid_t = 0, e: uid_t = 0, s: uid_t = 0
        return getresuid(&r, &e, &s) == 0 ? (r, e, s) : nil
    }

    /// Real, effective and saved gid.
    @inline(__always) static func groupIDs() -> (real: UInt32, effective: UInt32, saved: UInt32)? {
        var r: gid_t = 0, e: gid_t = 0, s: gid_t = 0
        return getresgid(&r, &e, &s) == 0 ? (r, e, s) : nil
    }

    /// `getgroups` into `buffer`: the count, or -1.
    @inline(__always) static func getGroups(into buffer: UnsafeMutableBufferPointer<UInt32>) -> Int {
        Int(getgroups(Int32(buffer.count), buffer.baseAddress))
    }

    /// The supplementary group list.
    static func supplementaryGroups() throws(Errno) -> [UInt32] {
        // One call for the usual few groups; a longer list is counted, then read.
        var few = [UInt32]()
        var tooMany = false
        var failure: Errno? = nil
        withUnsafeTemporaryAllocation(of: gid_t.self, capacity: 32) { buf in
            let m = getgroups(Int32(buf.count), buf.baseAddress)
            if m >= 0 {
                few = Array(buf.prefix(Int(m)))
            } else {
                let e = Errno.current
                if e == .invalid { tooMany = true } else { failure = e }
            }
        }
        if let failure { throw failure }
        if !tooMany { return few }
        let n = getgroups(0, nil)
        if n < 0 { throw Errno.current }
        var list = [gid_t](repeating: 0, count: Int(n))
        let m = list.withUnsafeMutableBufferPointer { getgroups(n, $0.baseAddress) }
        if m < 0 { throw Errno.current }
        return Array(list.prefix(Int(m)))
    }

    /// The effective capability set (`CapEff` of /proc/self/status), nil when /proc
    /// cannot tell. Read only to explain a failure.
    static func effectiveCapabilities() -> UInt64? {
        guard let status = try? readFile("/proc/self/status", limit: 1 << 16) else { return nil }
        return effectiveCapabilities(status: status)
    }

    /// Pure: the `CapEff:\t` line of a /proc/PID/status text, as the kernel writes it
    /// (1 to 16 lower-case hex digits, then a newline or the end); nil when there is no
    /// such line or it is not in that form.
    static func effectiveCapabilities(status: Bytes) -> UInt64? {
        let key = Bytes("CapEff:\t")
        var i = 0
        while i < status.count {
            if status.hasPrefix(key, at: i) {
                var value: UInt64 = 0, digits = 0
                i += key.count
                while i < status.count, let d = hexDigit(status[i]) {
                    if digits == 16 { return nil }
                    value = value << 4 | UInt64(d)
                    digits += 1
                    i += 1
                }
                return digits > 0 && (i == status.count || status[i] == 0x0A) ? value : nil
            }
            while i < status.count && status[i] != 0x0A { i += 1 }
            i += 1
        }
        return nil
    }

    static func hexDigit(_ c: UInt8) -> UInt8? {
        if c >= 0x30 && c <= 0x39 { return c - 0x30 }
        if c >= 0x61 && c <= 0x66 { return c - 0x57 }
        return nil
    }
}
