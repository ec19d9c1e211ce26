import CHermes

/// This process: ids, environment, exit, and the calls that start, wait for and signal
/// others (fork itself is `Spawn`'s alone).
extension Sys {
    /// `_exit`: nothing is buffered and no atexit handler has business running.
    static func exit(_ code: Int32) -> Never { _exit(code) }

    static func pid() -> Int32 { getpid() }
    static func parentPID() -> Int32 { getppid() }
    static func effectiveUID() -> UInt32 { geteuid() }

    /// `getenv(name)` from the environment we were started with.
    @inline(__always)
    static func getenv(_ name: StaticString) -> Bytes? {
        CHermes.getenv(name.cString).map { Bytes(cString: $0) }
    }

    /// The environment we were started with, as execve wants it.
    static var environment: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        CHermes_environ()!
    }

    /// The kernel's AT_SECURE: we were started setuid or setgid (or with file capabilities).
    static func isSecureExecution() -> Bool { getauxval(CHermes_AT_SECURE()) != 0 }

    /// `prctl(PR_SET_NO_NEW_PRIVS, 1)`.
    static func setNoNewPrivileges() throws(Errno) {
        if CHermes_prctl_set_no_new_privs() != 0 { throw Errno.current }
    }

    /// `prctl(PR_SET_CHILD_SUBREAPER, 1)`.
    static func becomeSubreaper() throws(Errno) {
        if CHermes_prctl_set_child_subreaper() != 0 { throw Errno.current }
    }

    /// `execve`: returns only when it failed, with errno set.
    @inline(__always)
    static func execve(_ path: UnsafePointer<CChar>, _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
                              _ envp: UnsafePointer<UnsafeMutablePointer<CChar>?>) {
        _ = CHermes.execve(path, argv, envp)
    }

    /// What `wait(any:)` found.
    enum Reaped {
        case child(Int32, WaitStatus)
        /// Children are left, none has exited (WNOHANG only).
        case noneYet
        /// No child is left (ECHILD).
        case noChildren
    }

    /// `waitpid(-1)`, EINTR retried; with `block: false`, WNOHANG.
    static func wait(any block: Bool) -> Reaped {
        var status: Int32 = 0
        let pid = retrying { waitpid(-1, &status, block ? 0 : WNOHANG) }
        if pid > 0 { return .child(pid, WaitStatus(status)) }
        return pid == 0 ? .noneYet : .noChildren
    }

    /// `waitpid(pid)` until it has exited, EINTR retried.
    static func wait(_ pid: Int32) throws(Errno) -> WaitStatus {
        var status: Int32 = 0
        if retrying({ waitpid(pid, &status, 0) }) < 0 { throw Errno.current }
        return WaitStatus(status)
    }

    /// `kill(pid, sig)`: a negative pid is a process group, -1 every process we may signal.
    static func kill(_ pid: Int32, _ sig: Int32) throws(Errno) {
        if CHermes.kill(pid, sig) != 0 { throw Errno.current }
    }

    /// `setpgid(pid, group)`; errors ignored (the other side of the fork may have done it).
    static func setProcessGroup(_ pid: Int32, _ group: Int32) { _ = setpgid(pid, group) }

    /// True when fd 0 is a terminal.
    static func stdinIsTerminal() -> Bool { isatty(0) == 1 }

    /// Makes `group` the foreground process group of the terminal on fd 0.
    static func takeTerminal(_ group: Int32) { _ = tcsetpgrp(0, group) }

    /// CLOCK_MONOTONIC in nanoseconds.
    static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
