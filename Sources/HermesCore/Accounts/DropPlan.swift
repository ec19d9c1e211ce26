/// What a privilege change amounts to, decided before anything is touched.
enum DropPlan: Equatable {
    /// Root: install groups, gid, uid, then verify.
    case drop(Credentials)
    /// Already exactly the target uid and not root: exec unchanged, keep the groups
    /// we were given (this is what keeps Docker `--group-add` groups).
    case alreadyTarget
    /// No account was asked for.
    case unchanged

    /// Decides the plan; a non-root caller asking for another uid is refused (111).
    /// `current` is read only when an account was asked for.
    static func decide(_ target: Credentials?, current: @autoclosure () -> CurrentIDs) throws(Failure) -> DropPlan {
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
