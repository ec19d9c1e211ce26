/// A resolved account: what the process will become.
struct Credentials: Equatable {
    var uid: UInt32
    var gid: UInt32
    /// The supplementary group list to install, primary gid first.
    var groups: [UInt32]
    /// The passwd entry behind the uid, when there is one.
    var entry: PasswdEntry?
}

extension Credentials {
    /// Resolves a parsed spec against the account files, which are read through
    /// `readPasswd`/`readGroup` only when the spec needs them. Returns nil for
    /// `UserSpec.unchanged`.
    static func resolve(
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
    static func resolveUser(
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
                throw Failure.unable(ExitCode.account, Bytes("resolve account"), m)
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
        return Failure.unable(ExitCode.account, Bytes("resolve account"), m)
    }
}
