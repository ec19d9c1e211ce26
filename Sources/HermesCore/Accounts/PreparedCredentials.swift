extension Credentials {
    /// Installs the credentials and verifies them; see `PreparedCredentials`.
    func apply() throws(Failure) {
        let prepared = PreparedCredentials(self)
        if let (step, e) = prepared.install() { throw prepared.failure(step, e) }
    }
}

/// Credentials ready to install with system calls alone: every buffer is allocated up
/// front, so `install()` is safe between fork and exec.
final class PreparedCredentials {
    let uid: UInt32
    let gid: UInt32
    /// The group list, ascending: the order the kernel keeps and getgroups returns.
    let groups: UnsafeMutableBufferPointer<UInt32>
    /// Room for getgroups when verifying: one more than we installed, so a longer
    /// list than expected is seen, not truncated.
    let scratch: UnsafeMutableBufferPointer<UInt32>

    enum Step: Int32 {
        case tooManyGroups = 1, setgroups, setgid, setuid, verifyIDs, verifyGroups, verifyRoot
    }

    init(_ c: Credentials) {
        uid = c.uid
        gid = c.gid
        var sorted = c.groups
        sorted.sort()
        groups = .allocate(capacity: sorted.count)
        _ = groups.initialize(from: sorted)
        scratch = .allocate(capacity: sorted.count + 1)
        scratch.initialize(repeating: 0)
    }

    deinit {
        groups.deallocate()
        scratch.deallocate()
    }

    /// Supplementary groups, then gid, then uid: once the uid is not 0 the process may
    /// no longer change the others. Then checks that real, effective and saved ids and
    /// the group list took, and that root cannot be regained. Returns the failed step
    /// and errno (0 when the check itself found the difference), or nil.
    func install() -> (Step, Int32)? {
        // Too many groups: the kernel says EINVAL (musl's sysconf reports 32, not the
        // kernel's limit, so there is no check before).
        if let e = Sys.setGroups(UnsafeBufferPointer(groups)) {
            return (e == .invalid && groups.count > 1 ? .tooManyGroups : .setgroups, e.rawValue)
        }
        if let e = Sys.setGID(gid) { return (.setgid, e.rawValue) }
        if let e = Sys.setUID(uid) { return (.setuid, e.rawValue) }
        guard let u = Sys.userIDs(), let g = Sys.groupIDs() else { return (.verifyIDs, Errno.current.rawValue) }
        if u.real != uid || u.effective != uid || u.saved != uid || g.real != gid || g.effective != gid || g.saved != gid {
            return (.verifyIDs, 0)
        }
        let n = Sys.getGroups(into: scratch)
        if n < 0 { return (.verifyGroups, Errno.current.rawValue) }
        if n != groups.count { return (.verifyGroups, 0) }
        for i in 0..<groups.count where scratch[i] != groups[i] { return (.verifyGroups, 0) }
        if uid != 0 && Sys.canRegainRoot() { return (.verifyRoot, 0) }
        return nil
    }

    /// The message for a failed step.
    func failure(_ step: Step, _ e: Int32) -> Failure {
        var op: Bytes
        var reason: Bytes
        switch step {
        case .tooManyGroups:
            op = Bytes("set supplementary group list")
            reason = Bytes("the account is in ")
            reason.add(decimal: UInt64(groups.count))
            reason.add(" groups and the kernel allows ")
            let limit = (try? Sys.readFile("/proc/sys/kernel/ngroups_max", limit: 64)).flatMap { parseID($0.filter { $0 != 0x0A }) }
            if let limit { reason.add(decimal: limit) } else { reason.add("fewer") }
            return Failure.unable(ExitCode.systemCall, op, reason)
        case .setgroups: op = Bytes("set supplementary group list")
        case .setgid: op = Bytes("setgid "); op.add(decimal: gid)
        case .setuid: op = Bytes("setuid "); op.add(decimal: uid)
        case .verifyIDs, .verifyGroups, .verifyRoot: op = Bytes("verify credentials")
        }
        if e != 0 {
            var failure = Failure.system(op, Errno(e))
            // Root without the capability: a hardened runtime dropped it. Say which, and
            // how to give it back, instead of a bare EPERM.
            if Errno(e) == .notPermitted, let hint = missingCapabilityHint(step) { failure.message.add(hint) }
            return failure
        }
        switch step {
        case .verifyIDs: reason = Bytes("uid or gid did not change as asked")
        case .verifyGroups: reason = Bytes("the supplementary group list did not take")
        default: reason = Bytes("setuid(0) still succeeds after the drop")
        }
        return Failure.unable(ExitCode.systemCall, op, reason)
    }

    /// The hint for a step whose capability this process's effective set lacks: SETGID
    /// for the group list and the gid, SETUID for the uid.
    func missingCapabilityHint(_ step: Step) -> StaticString? {
        let setuid = step == .setuid
        guard step == .setgroups || step == .setgid || setuid, let caps = Sys.effectiveCapabilities(),
              caps & (setuid ? 1 << 7 : 1 << 6) == 0 else { return nil }
        return setuid
            ? " (this process lacks the SETUID capability: add it, as with docker run --cap-add SETUID or securityContext.capabilities.add: [SETUID] in Kubernetes)"
            : " (this process lacks the SETGID capability: add it, as with docker run --cap-add SETGID or securityContext.capabilities.add: [SETGID] in Kubernetes)"
    }
}
