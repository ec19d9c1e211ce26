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
            return try Sys.readFile(UnsafeRawPointer(path.utf8Start).assumingMemoryBound(to: CChar.self))
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
                    throw unknown("user ", name, nil)
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
                    throw unknown("group ", name, nil)
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
                throw unknown("user ", name, nil)
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

    static func unknown(_ kind: StaticString, _ name: Bytes, _ extra: Bytes?) -> Failure {
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

    public static func read() -> CurrentIDs {
        var r: uid_t = 0, e: uid_t = 0, s: uid_t = 0
        var rg: gid_t = 0, eg: gid_t = 0, sg: gid_t = 0
        _ = getresuid(&r, &e, &s)
        _ = getresgid(&rg, &eg, &sg)
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
    public static func decide(_ target: Credentials?, current: CurrentIDs) throws(Failure) -> DropPlan {
        guard let target else { return .unchanged }
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
    /// Installs the credentials: supplementary groups, then gid, then uid. The groups
    /// and gid go first because once the uid is not 0 the process may no longer change
    /// them. Then it checks that every id took and that root cannot be regained.
    public func apply() throws(Failure) {
        let max = sysconf(Int32(_SC_NGROUPS_MAX))
        if max >= 0 && groups.count > max {
            var m = Bytes("the account is in ")
            m.add(decimal: UInt64(groups.count))
            m.add(" groups and the kernel allows ")
            m.add(decimal: UInt64(max))
            throw Failure.unable(ExitCode.systemCall, Bytes("set supplementary group list"), m)
        }
        let r = groups.withUnsafeBufferPointer { setgroups($0.count, $0.baseAddress) }
        if r != 0 { throw Failure.system(Bytes("set supplementary group list"), Errno.current) }
        if setresgid(gid, gid, gid) != 0 { throw Failure.system(setOp("setgid ", gid), Errno.current) }
        if setresuid(uid, uid, uid) != 0 { throw Failure.system(setOp("setuid ", uid), Errno.current) }
        try verify()
    }

    func setOp(_ name: StaticString, _ id: UInt32) -> Bytes {
        var op = Bytes(name)
        op.add(decimal: id)
        return op
    }

    /// Checks real, effective and saved ids, the group list, and that `setuid(0)` fails
    /// when the target is not root.
    public func verify() throws(Failure) {
        let now = CurrentIDs.read()
        let verifyOp = Bytes("verify credentials")
        if now.ruid != uid || now.euid != uid || now.suid != uid || now.rgid != gid || now.egid != gid || now.sgid != gid {
            throw Failure.unable(ExitCode.systemCall, verifyOp, Bytes("uid or gid did not change as asked"))
        }
        let installed: [UInt32]
        do { installed = try CurrentIDs.supplementaryGroups() } catch { throw Failure.system(Bytes("read supplementary group list"), error) }
        var want = groups
        want.sort()
        var have = installed
        have.sort()
        if want != have {
            throw Failure.unable(ExitCode.systemCall, verifyOp, Bytes("the supplementary group list did not take"))
        }
        if uid != 0 && setuid(0) == 0 {
            throw Failure.unable(ExitCode.systemCall, verifyOp, Bytes("setuid(0) still succeeds after the drop"))
        }
    }
}
