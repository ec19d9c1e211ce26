/// The process's current credentials, read with getresuid/getresgid.
struct CurrentIDs: Equatable {
    var ruid: UInt32, euid: UInt32, suid: UInt32
    var rgid: UInt32, egid: UInt32, sgid: UInt32

    /// With `gids: false` only the uids are read (the gids stay 0): all a drop decision
    /// looks at, one system call less.
    static func read(gids: Bool = true) -> CurrentIDs {
        let none: (real: UInt32, effective: UInt32, saved: UInt32) = (0, 0, 0)
        let u = Sys.userIDs() ?? none
        let g = gids ? Sys.groupIDs() ?? none : none
        return CurrentIDs(ruid: u.real, euid: u.effective, suid: u.saved, rgid: g.real, egid: g.effective, sgid: g.saved)
    }
}
