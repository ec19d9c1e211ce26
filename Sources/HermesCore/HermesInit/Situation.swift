/// Where hermes-init runs (docs/contract.md M1-M5), read once at start; what it then
/// does is `Mode`'s. Only an entry point (parent PID 1, or 0 outside its PID namespace)
/// looks at PID 1, so the CMD path under `/init` (parent rc.init) costs one getppid.
/// Without `/proc`, `/run/s6/basedir` alone decides.
enum Situation: Equatable {
    case command
    case pid1WithS6Overlay
    case pid1
    /// `pid1Name`: PID 1's command name (`catatonit`, `docker-init`, `pause`), for the
    /// warning; empty when `/proc` cannot tell.
    case underOtherInit(pid1Name: Bytes)

    static func decide<P: SituationProbe>(_ p: P) -> Situation {
        let pid = p.pid
        if pid == 1 { return p.s6OverlayInstalled() ? .pid1WithS6Overlay : .pid1 }
        let parent = p.parentPID
        guard parent == 1 || parent == 0 else { return .command }
        let name = p.pid1Name()
        if let name, !name.equals("s6-svscan") { return .underOtherInit(pid1Name: name) }
        return p.s6Basedir() ? .command : .underOtherInit(pid1Name: name ?? [])
    }

    /// The real system's answer; `pid` is getpid's, which the caller has.
    static func detect(pid: Int32) -> Situation { decide(SystemProbe(pid: pid)) }

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
protocol SituationProbe {
    var pid: Int32 { get }
    var parentPID: Int32 { get }
    /// `/proc/1/comm` without its newline, nil when it cannot be read.
    func pid1Name() -> Bytes?
    /// `/run/s6/basedir` is a directory.
    func s6Basedir() -> Bool
    /// s6-overlay is installed: `/init` is executable and `/package/admin/s6-overlay` exists.
    func s6OverlayInstalled() -> Bool
}
