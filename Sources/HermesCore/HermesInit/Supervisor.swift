/// PID-1 mode (docs/contract.md I1-I5): a tini-grade init that waits for signals
/// synchronously (no handlers, no timer), forwards, reaps, and exits with the
/// program's status.
enum Supervisor {
    struct Options: Equatable {
        /// Grace time between SIGTERM and SIGKILL for what is left, in milliseconds.
        var graceMilliseconds: Int = 5000
        /// Forward signals to the program's process group instead of the program.
        var processGroup = false
        /// Exit-code remaps applied to the program's final status (`143:0`).
        var exitMap: [(from: Int32, to: Int32)] = []
        /// Not PID 1: registered as a child subreaper instead.
        var subreaper = false

        /// By hand: tuples are not Equatable. (The options fuzzer checks that parsing
        /// twice gives equal options.)
        static func == (a: Options, b: Options) -> Bool {
            a.graceMilliseconds == b.graceMilliseconds && a.processGroup == b.processGroup
                && a.subreaper == b.subreaper && a.exitMap.count == b.exitMap.count
                && zip(a.exitMap, b.exitMap).allSatisfy { $0.from == $1.from && $0.to == $1.to }
        }

        func remap(_ code: Int32) -> Int32 {
            for m in exitMap where m.from == code { return m.to }
            return code
        }
    }

    /// Phases a child reports a failure in.
    static let credentialsPhase: Int32 = 1
    static let execPhase: Int32 = 2

    /// Starts the program as a child and supervises it; never returns.
    static func run(plan: HermesInit.LaunchPlan, options: Options, originalMask: SignalSet, diag: Diagnostics) -> Never {
        var credentials: PreparedCredentials? = nil
        if case .drop(let c) = plan.drop { credentials = PreparedCredentials(c) }
        let exec = PreparedExec(argv: plan.argv.pointer, envp: plan.envp.pointer, path: plan.path)
        let terminal = Sys.stdinIsTerminal()

        let started: Spawn.Started
        do throws(Errno) {
            started = try Spawn.start(failureExit: ExitCode.systemCall, parent: { child in
                // Both sides set the group, so it is set before either goes on (as shells do).
                Sys.setProcessGroup(child, child)
            }) {
                // The child: system calls only from here to execve.
                Sys.setProcessGroup(0, 0)
                // In the foreground of the terminal, so job control works; SIGTTOU is
                // still blocked here, so this cannot stop us. ENOTTY/ENXIO mean no terminal.
                if terminal { Sys.takeTerminal(Sys.pid()) }
                if let credentials, let (step, e) = credentials.install() {
                    return ChildReport(phase: credentialsPhase, code: step.rawValue, errno: e)
                }
                originalMask.install()
                let outcome = exec.attempt()
                return ChildReport(phase: execPhase, code: Int32(outcome.candidate ?? -1), errno: outcome.errno)
            }
        } catch {
            diag.fatal(Failure.system(Bytes("start the program"), error))
        }
        if let report = started.failure {
            if report.phase == credentialsPhase, let step = PreparedCredentials.Step(rawValue: report.code), let credentials {
                diag.fatal(credentials.failure(step, report.errno))
            }
            diag.fatal(exec.failure(PreparedExec.Outcome(candidate: report.code >= 0 ? Int(report.code) : nil, errno: report.errno)))
        }
        withExtendedLifetime(plan) {}

        var loop = Loop(child: started.pid, options: options, diag: diag)
        let status = loop.superviseUntilChildExits()
        loop.stopDescendants()
        Sys.exit(options.remap(status.exitCode))
    }

    struct Loop {
        let child: Int32
        let options: Options
        let diag: Diagnostics
        let all = SignalSet.all

        /// Sleeps in sigwaitinfo until a signal comes; reaps on SIGCHLD, forwards the
        /// rest. Returns the program's status once it has been reaped.
        mutating func superviseUntilChildExits() -> WaitStatus {
            while true {
                guard let sig = all.wait() else { continue }  // EINTR
                if sig == Signal.child {
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
                switch Sys.wait(any: false) {
                case .child(let pid, let status):
                    if pid == child { main = status }
                case .noneYet:
                    return (main, true)
                case .noChildren:
                    return (main, false)
                }
            }
        }

        func forward(_ sig: Int32) {
            do throws(Errno) {
                try Sys.kill(options.processGroup ? -child : child, sig)
            } catch {
                if error != .noProcess {
                    var op = Bytes("forward signal ")
                    op.add(decimal: sig)
                    diag.warn(Failure.system(op, error).message)
                }
            }
        }

        /// After the program exits: SIGTERM to every descendant left, up to the grace
        /// time for them to go, SIGKILL for the rest, and every one reaped.
        mutating func stopDescendants() {
            if !reap().childrenLeft { return }
            signalDescendants(Signal.terminate)
            let deadline = Sys.monotonicNanoseconds() + Int64(options.graceMilliseconds) * 1_000_000
            while true {
                if !reap().childrenLeft { return }
                let left = deadline - Sys.monotonicNanoseconds()
                if left <= 0 { break }
                if let sig = all.wait(nanoseconds: left), sig != Signal.child { signalDescendants(sig) }
            }
            signalDescendants(Signal.kill)
            while true {
                if case .noChildren = Sys.wait(any: true) { return }
            }
        }

        /// As PID 1, kill(-1) reaches every other process of the namespace, which are
        /// all our descendants. As a subreaper, the descendants are found in /proc.
        func signalDescendants(_ sig: Int32) {
            if !options.subreaper {
                try? Sys.kill(-1, sig)
                return
            }
            for pid in Descendants.of(Sys.pid()) { try? Sys.kill(pid, sig) }
        }
    }
}
