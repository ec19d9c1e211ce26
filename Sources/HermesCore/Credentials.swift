import CHermes

/// A resolved account: what the process will become.
public struct Credentials: Equatable {
    public var uid: UInt32
    public var gid: UInt32
    /// The supplementary group list to install, primary gid first.
    public var groups: [UInt32]
    /// The passwd entry behind the uid, when there is one.
    public var entry: PasswdEntry?

    public init(uid: UInt32, gid: UInt32, groups: [UInt32], entry: PasswdEntry?) {
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.entry = entry
    }
}

/// Where the account files live. The product always reads the real ones; tests give
/// the binaries their own files through a mount namespace instead of a switch here.
public struct AccountFiles {
    public var passwd: Bytes
    public var group: Bytes
    public init(passwd: Bytes, group: Bytes) {
        self.passwd = passwd
        self.group = group
    }

    public static let passwdPath: StaticString = "/etc/passwd"
    public static let groupPath: StaticString = "/etc/group"

    /// Reads a file lazily: only the forms that need a file read it.
    static func load(_ path: StaticString) throws(Failure) -> Bytes {
        do {
            return try Sys.readSmallFile(path.cString)
        } catch {
            var op = Bytes("read ")
            op.add(path)
            throw Failure.system(op, error)
        }
    }
}

extension Credentials {
    /// Resolves a parsed spec against the account files, which are read through
    /// `readPasswd`/`readGroup` only when the spec needs them. Returns nil for
    /// `UserSpec.unchanged`.
    public static func resolve(
        _ spec: UserSpec,
        needEntry: Bool = false,
        readPasswd: () throws(Failure) -> Bytes,
        readGroup: () throws(Failure) -> Bytes
    ) throws(Failure) -> Credentials? {
        switch spec {
        case .unchanged:
            return nil
        case .user(let ref):
            return try resolveUser(ref, readPasswd: readPasswd, readGroup: readGroup)
        case .userGroup(let userRef, let groupRef):
            var entry: PasswdEntry? = nil
            let uid: UInt32
            switch userRef {
            case .name(let name):
                guard let e = UserDatabase.findUser(in: try readPasswd(), name: name) else {
                    throw unknown("user ", name)
                }
                entry = e
                uid = e.uid
            case .id(let n):
                uid = n
                if needEntry { entry = UserDatabase.findUser(in: try readPasswd(), uid: n) }
            }
            let gid: UInt32
            switch groupRef {
            case .name(let name):
                guard let g = UserDatabase.findGroup(in: try readGroup(), name: name) else {
                    throw unknown("group ", name)
                }
                gid = g
            case .id(let n):
                gid = n
            }
            return Credentials(uid: uid, gid: gid, groups: [gid], entry: entry)
        }
    }

    /// A user by name or uid: its passwd uid and primary gid, and its /etc/group groups.
    public static func resolveUser(
        _ ref: IDRef,
        readPasswd: () throws(Failure) -> Bytes,
        readGroup: () throws(Failure) -> Bytes
    ) throws(Failure) -> Credentials {
        let passwd = try readPasswd()
        let entry: PasswdEntry
        switch ref {
        case .name(let name):
            guard let e = UserDatabase.findUser(in: passwd, name: name) else {
                throw unknown("user ", name)
            }
            entry = e
        case .id(let uid):
            guard let e = UserDatabase.findUser(in: passwd, uid: uid) else {
                var m = Bytes("uid ")
                m.add(decimal: uid)
                m.add(" has no entry in /etc/passwd; give the group too, as ")
                m.add(decimal: uid)
                m.add(":GID")
                throw Failure.unable(ExitCode.unknownAccount, Bytes("resolve account"), m)
            }
            entry = e
        }
        let group = try readGroup()
        let groups = UserDatabase.groupList(primary: entry.gid, in: group, user: entry.name)
        return Credentials(uid: entry.uid, gid: entry.gid, groups: groups, entry: entry)
    }

    static func unknown(_ kind: StaticString, _ name: Bytes) -> Failure {
        var m = Bytes("unknown ")
        m.add(kind)
        m.add(name)
        return Failure.unable(ExitCode.unknownAccount, Bytes("resolve account"), m)
    }
}

/// The process's current credentials, read with getresuid/getresgid/getgroups.
public struct CurrentIDs: Equatable {
    public var ruid: UInt32, euid: UInt32, suid: UInt32
    public var rgid: UInt32, egid: UInt32, sgid: UInt32

    /// With `gids: false` only the uids are read (the gids stay 0): all a drop decision
    /// looks at, one system call less.
    public static func read(gids: Bool = true) -> CurrentIDs {
        var r: uid_t = 0, e: uid_t = 0, s: uid_t = 0
        var rg: gid_t = 0, eg: gid_t = 0, sg: gid_t = 0
        _ = getresuid(&r, &e, &s)
        if gids { _ = getresgid(&rg, &eg, &sg) }
        return CurrentIDs(ruid: r, euid: e, suid: s, rgid: rg, egid: eg, sgid: sg)
    }

    public static func supplementaryGroups() throws(Errno) -> [UInt32] {
        let n = getgroups(0, nil)
        if n < 0 { throw Errno.current }
        var list = [gid_t](repeating: 0, count: Int(n))
        let m = list.withUnsafeMutableBufferPointer { getgroups(n, $0.baseAddress) }
        if m < 0 { throw Errno.current }
        return Array(list.prefix(Int(m)))
    }
}

/// What a privilege change amounts to, decided before anything is touched.
public enum DropPlan: Equatable {
    /// Root: install groups, gid, uid, then verify.
    case drop(Credentials)
    /// Already exactly the target uid and not root: exec unchanged, keep the groups
    /// we were given (this is what keeps Docker `--group-add` groups).
    case alreadyTarget
    /// No account was asked for.
    case unchanged

    /// Decides the plan; a non-root caller asking for another uid is refused (111).
    /// `current` is read only when an account was asked for.
    public static func decide(_ target: Credentials?, current: @autoclosure () -> CurrentIDs) throws(Failure) -> DropPlan {
        guard let target else { return .unchanged }
        let current = current()
        if current.euid == 0 { return .drop(target) }
        if current.ruid == target.uid && current.euid == target.uid && current.suid == target.uid {
            return .alreadyTarget
        }
        var op = Bytes("switch to uid ")
        op.add(decimal: target.uid)
        var reason = Bytes("running as uid ")
        reason.add(decimal: current.euid)
        reason.add(" without root privileges")
        throw Failure.unable(ExitCode.systemCall, op, reason)
    }
}

extension Credentials {
    /// Installs the credentials and verifies them; see `PreparedCredentials`.
    public func apply() throws(Failure) {
        let prepared = PreparedCredentials(self)
        if let (step, e) = prepared.install() { throw prepared.failure(step, e) }
    }
}

/// Credentials ready to install with system calls alone: every buffer is allocated up
/// front, so `install()` is safe between fork and exec.
public final class PreparedCredentials {
    public let uid: UInt32
    public let gid: UInt32
    /// The group list, ascending: the order the kernel keeps and getgroups returns.
    let groups: UnsafeMutableBufferPointer<gid_t>
    /// Room for getgroups when verifying: one more than we installed, so a longer
    /// list than expected is seen, not truncated.
    let scratch: UnsafeMutableBufferPointer<gid_t>

    public enum Step: Int32 {
        case tooManyGroups = 1, setgroups, setgid, setuid, verifyIDs, verifyGroups, verifyRoot
    }

    public init(_ c: Credentials) {
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
    public func install() -> (Step, Int32)? {
        // Too many groups: the kernel says EINVAL (musl's sysconf reports 32, not the
        // kernel's limit, so there is no check before).
        if CHermes_setgroups(groups.count, groups.baseAddress) != 0 {
            let e = CHermes_errno()
            return (e == EINVAL && groups.count > 1 ? .tooManyGroups : .setgroups, e)
        }
        if CHermes_setresgid(gid, gid, gid) != 0 { return (.setgid, CHermes_errno()) }
        if CHermes_setresuid(uid, uid, uid) != 0 { return (.setuid, CHermes_errno()) }
        var r: uid_t = 0, e: uid_t = 0, s: uid_t = 0
        var rg: gid_t = 0, eg: gid_t = 0, sg: gid_t = 0
        if getresuid(&r, &e, &s) != 0 || getresgid(&rg, &eg, &sg) != 0 { return (.verifyIDs, CHermes_errno()) }
        if r != uid || e != uid || s != uid || rg != gid || eg != gid || sg != gid { return (.verifyIDs, 0) }
        let n = getgroups(Int32(scratch.count), scratch.baseAddress)
        if n < 0 { return (.verifyGroups, CHermes_errno()) }
        if Int(n) != groups.count { return (.verifyGroups, 0) }
        for i in 0..<groups.count where scratch[i] != groups[i] { return (.verifyGroups, 0) }
        if uid != 0 && CHermes_setuid(0) == 0 { return (.verifyRoot, 0) }
        return nil
    }

    /// The message for a failed step.
    public func failure(_ step: Step, _ e: Int32) -> Failure {
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
        if e != 0 { return Failure.system(op, Errno(e)) }
        switch step {
        case .verifyIDs: reason = Bytes("uid or gid did not change as asked")
        case .verifyGroups: reason = Bytes("the supplementary group list did not take")
        default: reason = Bytes("setuid(0) still succeeds after the drop")
        }
        return Failure.unable(ExitCode.systemCall, op, reason)
    }
}
