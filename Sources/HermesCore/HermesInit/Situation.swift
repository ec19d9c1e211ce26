/// Where hermes-init runs, read once at start, before anything else reads the system:
/// the CMD of s6-overlay's `/init` or any process's child (`.command`), PID 1 with or
/// without s6-overlay, or an entry point under another init. What it then does is
/// `Mode`'s; docs/hermes-init.md ("Where it runs") tells users.
///
/// An entry point is a process whose parent is PID 1 (`docker run --init`: the runtime's
/// init started it) or outside its PID namespace (getppid 0: a pod that shares one PID
/// namespace, where the pause process is PID 1). Only then is PID 1 looked at: it is
/// s6-overlay's when `/proc/1/comm` is `s6-svscan` and `/run/s6/basedir` is a directory,
/// the test the Python service manager uses; a leftover `/run/s6` alone never counts.
/// Without `/proc`, `/run/s6/basedir` alone decides (nothing better can be read).
/// Under s6-overlay's `/init` the CMD's parent is rc.init, so the path every container
/// start takes costs one getppid.
public enum Situation: Equatable {
    case command
    case pid1WithS6Overlay
    case pid1
    /// `pid1Name`: PID 1's command name (`catatonit`, `docker-init`, `pause`), for the
    /// warning; empty when `/proc` cannot tell.
    case underOtherInit(pid1Name: Bytes)

    public static func decide<P: SituationProbe>(_ p: P) -> Situation {
        let pid = p.pid
        if pid == 1 { return p.s6OverlayInstalled() ? .pid1WithS6Overlay : .pid1 }
        let parent = p.parentPID
        guard parent == 1 || parent == 0 else { return .command }
        let name = p.pid1Name()
        if let name, !name.equals("s6-svscan") { return .underOtherInit(pid1Name: name) }
        return p.s6Basedir() ? .command : .underOtherInit(pid1Name: name ?? [])
    }

    /// The real system's answer; `pid` is getpid's, which the caller has.
    public static func detect(pid: Int32) -> Situation { decide(SystemProbe(pid: pid)) }

    struct SystemProbe: SituationProbe {
        var pid: Int32
        var parentPID: Int32 { Sys.parentPID() }
        func pid1Name() -> Bytes? {
            guard var name = try? Sys.readFile("/proc/1/comm", limit: 64) else { return nil }
            if name.last == 0x0A { name.removeLast() }
            return name
        }
        func s6Basedir() -> Bool { Sys.isDirectory("/run/s6/basedir") }
        func s6OverlayInstalled() -> Bool { Sys.mayExecute("/init") && Sys.isDirectory("/package/admin/s6-overlay") }
    }
}

/// What `Situation.decide` reads; tests decide from fakes.
public protocol SituationProbe {
    var pid: Int32 { get }
    var parentPID: Int32 { get }
    /// `/proc/1/comm` without its newline, nil when it cannot be read.
    func pid1Name() -> Bytes?
    /// `/run/s6/basedir` is a directory.
    func s6Basedir() -> Bool
    /// s6-overlay is installed: `/init` is executable and `/package/admin/s6-overlay` exists.
    func s6OverlayInstalled() -> Bool
}
