/// Groups the container runtime gave the process (`docker run --group-add`, Compose's
/// `group_add`, Kubernetes' `supplementalGroups` and `fsGroup`): the supplementary groups
/// held at start, less gid 0 and the groups /etc/group makes root a member of (which
/// the runtime adds for root on its own). A drop to hermes keeps them, so hermes can
/// still reach what they open (the Docker socket, a volume): the shell glue, gosu and
/// su-exec rebuild the list from /etc/group and lose them.
enum RuntimeGroups {
    /// Pure: appends to `groups` each of `current` (getgroups' list) that is not 0, not
    /// root's own in `group` (the text of /etc/group) and not there already.
    static func add(_ current: [UInt32], group: Bytes, to groups: inout [UInt32]) {
        var rootMemberOf: [UInt32]? = nil  // /etc/group is scanned only when a group is held
        for g in current where g != 0 && !groups.contains(g) {
            if rootMemberOf == nil { rootMemberOf = UserDatabase.memberships(in: group, user: Bytes("root")) }
            if !rootMemberOf!.contains(g) { groups.append(g) }
        }
    }

    /// The same with the process's own list, read now.
    static func add(group: Bytes, to groups: inout [UInt32]) throws(Failure) {
        do throws(Errno) {
            add(try Sys.supplementaryGroups(), group: group, to: &groups)
        } catch {
            throw Failure.system(Bytes("read the supplementary group list"), error)
        }
    }
}
