import CHermes

/// PID-1 mode: hermes-init as a tini-grade init. It keeps every signal blocked and
/// waits for them synchronously (no handlers, no timer: idle means asleep), forwards
/// all but SIGCHLD to the program, reaps every zombie, and when the program exits it
/// stops what is left (SIGTERM, a grace time, SIGKILL) and exits with the program's
/// status. Once the program runs, problems are reported and the loop goes on: only
/// the program's status leaves PID 1.
public enum Supervisor {
    public struct Options: Equatable {
        /// Grace time between SIGTERM and SIGKILL for what is left, in milliseconds.
        public var graceMilliseconds: Int = 5000
        /// Forward signals to the program's process group instead of the program.
        public var processGroup = false
        /// Exit-code remaps applied to the program's final status (`143:0`).
        public var exitMap: [(from: Int32, to: Int32)] = []
        /// Not PID 1: registered as a child subreaper instead.
        public var subreaper = false

        public init() {}

        public static func == (a: Options, b: Options) -> Bool {
            a.graceMilliseconds == b.graceMilliseconds && a.processGroup == b.processGroup
                && a.subreaper == b.subreaper && a.exitMap.count == b.exitMap.count
                && zip(a.exitMap, b.exitMap).allSatisfy { $0.from == $1.from && $0.to == $1.to }
        }

        public func remap(_ code: Int32) -> Int32 {
            for m in exitMap where m.from == code { return m.to }
            return code
        }
    }

    /// Blocks every signal and returns the mask there was. First thing in PID-1 mode:
    /// from here on signals wait in the queue for `sigwaitinfo`, and none can kill us
    /// (synchronous faults in our own code are still fatal: the kernel forces them).
    public static func blockAllSignals() -> sigset_t {
        var all = fullSignalSet()
        var old = sigset_t()
        sigprocmask(SIG_SETMASK, &all, &old)
        return old
    }

    /// Every signal. Not `sigfillset`: musl's leaves out 32-34, and 34 is glibc's
    /// SIGRTMIN, which programs use. (glibc's sigprocmask still keeps 32 and 33, its
    /// own, unblockable; no program can use them.)
    static func fullSignalSet() -> sigset_t {
        var set = sigset_t()
        _ = withUnsafeMutableBytes(of: &set) { $0.initializeMemory(as: UInt8.self, repeating: 0xFF) }
        return set
    }

    /// What the child reports through the status pipe when it cannot exec.
    struct ChildReport {
        var phase: Int32  // 1: credentials, 2: exec
        var code: Int32   // the step, or the candidate index (-1: none)
        var errno: Int32
    }

    /// Starts the program as a child and supervises it; never returns.
    public static func run(plan: HermesInit.LaunchPlan, options: Options, originalMask: sigset_t, diag: Diagnostics) -> Never {
        var credentials: PreparedCredentials? = nil
        if case .drop(let c) = plan.drop { credentials = PreparedCredentials(c) }
        let exec = PreparedExec(argv: plan.argv.pointer, envp: plan.envp.pointer, path: plan.path)
        let terminal = isatty(0) == 1
        var mask = originalMask

        var fds: (Int32, Int32) = (-1, -1)
        let piped = withUnsafeMutableBytes(of: &fds) { pipe2($0.baseAddress!.assumingMemoryBound(to: Int32.self), O_CLOEXEC) }
        if piped != 0 { diag.fatal(Failure.system(Bytes("create the exec status pipe"), Errno.current)) }

        let child = fork()
        if child < 0 { diag.fatal(Failure.system(Bytes("fork"), Errno.current)) }
        if child == 0 {
            // The child: system calls only from here to execve.
            close(fds.0)
            setpgid(0, 0)
            // In the foreground of the terminal, so job control works; SIGTTOU is still
            // blocked here, so this cannot stop us. ENOTTY/ENXIO mean no terminal.
            if terminal { tcsetpgrp(0, getpid()) }
            if let credentials, let (step, e) = credentials.install() {
                report(fds.1, ChildReport(phase: 1, code: step.rawValue, errno: e))
                _exit(ExitCode.systemCall)
            }
            sigprocmask(SIG_SETMASK, &mask, nil)
            let outcome = exec.attempt()
            report(fds.1, ChildReport(phase: 2, code: Int32(outcome.candidate ?? -1), errno: outcome.errno))
            _exit(ExitCode.notFound)
        }

        // Both sides set the group, so it is set before either goes on (as shells do).
        setpgid(child, child)
        close(fds.1)
        if let report = readReport(fds.0) {
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0 && CHermes_errno() == EINTR {}
            let failure: Failure
            if report.phase == 1, let step = PreparedCredentials.Step(rawValue: report.code), let credentials {
                failure = credentials.failure(step, report.errno)
            } else {
                failure = exec.failure(PreparedExec.Outcome(candidate: report.code >= 0 ? Int(report.code) : nil, errno: report.errno))
            }
            diag.fatal(failure)
        }
        close(fds.0)

        var loop = Loop(child: child, options: options, diag: diag)
        let status = loop.superviseUntilChildExits()
        loop.stopDescendants()
        _exit(options.remap(status.exitCode))
    }

    static func report(_ fd: Int32, _ r: ChildReport) {
        var copy = r
        _ = withUnsafeBytes(of: &copy) { write(fd, $0.baseAddress, $0.count) }
    }

    static func readReport(_ fd: Int32) -> ChildReport? {
        var r = ChildReport(phase: 0, code: 0, errno: 0)
        let size = MemoryLayout<ChildReport>.size
        var got = 0
        withUnsafeMutableBytes(of: &r) { buf in
            while got < size {
                let n = read(fd, buf.baseAddress! + got, size - got)
                if n > 0 { got += n; continue }
                if n < 0 && CHermes_errno() == EINTR { continue }
                break
            }
        }
        return got == size ? r : nil
    }

    struct Loop {
        let child: pid_t
        let options: Options
        let diag: Diagnostics
        var all = sigset_t()

        init(child: pid_t, options: Options, diag: Diagnostics) {
            self.child = child
            self.options = options
            self.diag = diag
            all = Supervisor.fullSignalSet()
        }

        /// Sleeps in sigwaitinfo until a signal comes; reaps on SIGCHLD, forwards the
        /// rest. Returns the program's status once it has been reaped.
        mutating func superviseUntilChildExits() -> WaitStatus {
            while true {
                let sig = sigwaitinfo(&all, nil)
                if sig < 0 { continue }  // EINTR
                if sig == SIGCHLD {
                    if let status = reap().main { return status }
                } else {
                    forward(sig)
                }
            }
        }

        /// Reaps every child that has exited; says whether the program was among them
        /// and whether any child is left.
        func reap() -> (main: WaitStatus?, childrenLeft: Bool) {
            var main: WaitStatus? = nil
            while true {
                var status: Int32 = 0
                let pid = waitpid(-1, &status, WNOHANG)
                if pid > 0 {
                    if pid == child { main = WaitStatus(status) }
                    continue
                }
                if pid == 0 { return (main, true) }
                let e = CHermes_errno()
                if e == EINTR { continue }
                return (main, false)  // ECHILD
            }
        }

        func forward(_ sig: Int32) {
            let target = options.processGroup ? -child : child
            if kill(target, sig) != 0 {
                let e = Errno.current
                if e != .noProcess {
                    var op = Bytes("forward signal ")
                    op.add(decimal: sig)
                    diag.warn(Failure.system(op, e).message)
                }
            }
        }

        /// After the program exits: SIGTERM to every descendant left, up to the grace
        /// time for them to go, SIGKILL for the rest, and every one reaped.
        mutating func stopDescendants() {
            if !reap().childrenLeft { return }
            signalDescendants(SIGTERM)
            let deadline = now() + Int64(options.graceMilliseconds) * 1_000_000
            while true {
                if !reap().childrenLeft { return }
                let left = deadline - now()
                if left <= 0 { break }
                var ts = timespec(tv_sec: Int(left / 1_000_000_000), tv_nsec: Int(left % 1_000_000_000))
                let sig = sigtimedwait(&all, nil, &ts)
                if sig > 0 && sig != SIGCHLD { signalDescendants(sig) }
            }
            signalDescendants(SIGKILL)
            while true {
                var status: Int32 = 0
                if waitpid(-1, &status, 0) < 0 && CHermes_errno() != EINTR { return }
            }
        }

        /// As PID 1, kill(-1) reaches every other process of the namespace, which are
        /// all our descendants. As a subreaper, the descendants are found in /proc.
        func signalDescendants(_ sig: Int32) {
            if !options.subreaper {
                _ = kill(-1, sig)
                return
            }
            for pid in Descendants.of(getpid()) { _ = kill(pid, sig) }
        }

        func now() -> Int64 {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
        }
    }
}

/// The descendants of a process, from the parent links in /proc/PID/stat.
public enum Descendants {
    public static func of(_ root: pid_t) -> [pid_t] {
        var pids = [pid_t]()
        var parents = [pid_t]()
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: &ent.pointee.d_name) { p in
                p.withMemoryRebound(to: CChar.self, capacity: 256) { Bytes(cString: $0) }
            }
            guard let pid = parseID(name), pid <= UInt32(Int32.max) else { continue }
            var path = Bytes("/proc/")
            path.add(name)
            path.add("/stat")
            let stat: Bytes
            do {
                stat = try path.nulTerminated.withUnsafeBufferPointer { buf throws(Errno) in
                    try Sys.readFile(UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self), limit: 4096)
                }
            } catch { continue }
            if let ppid = parentPID(stat) {
                pids.append(pid_t(pid))
                parents.append(ppid)
            }
        }
        return collect(root: root, pids: pids, parents: parents)
    }

    /// The ppid field of /proc/PID/stat: the second field after the last ')'.
    public static func parentPID(_ stat: Bytes) -> pid_t? {
        guard let close = stat.lastIndex(of: 0x29) else { return nil }
        var i = close + 1
        var field = 0
        while i < stat.count {
            if stat[i] == 0x20 {
                field += 1
                i += 1
                if field == 2 {
                    var j = i
                    while j < stat.count && stat[j] != 0x20 { j += 1 }
                    // A pid fits pid_t; a larger number is no pid (pid_t(_:) would trap).
                    guard let v = parseID(stat[i..<j]), v <= UInt32(Int32.max) else { return nil }
                    return pid_t(v)
                }
                continue
            }
            i += 1
        }
        return nil
    }

    /// Every pid whose chain of parents reaches `root`.
    public static func collect(root: pid_t, pids: [pid_t], parents: [pid_t]) -> [pid_t] {
        var found = [root]
        var result = [pid_t]()
        var k = 0
        while k < found.count {
            let p = found[k]
            k += 1
            for (i, parent) in parents.enumerated() where parent == p && pids[i] != root && !found.contains(pids[i]) {
                found.append(pids[i])
                result.append(pids[i])
            }
        }
        return result
    }
}
