/// `hermes-init [ARG...]`: the image's `main-wrapper.sh` in one process. Under
/// s6-overlay's `/init` it restores the container environment, applies the wrapper's
/// rules, drops to `hermes` and execs in place. As PID 1 with no init above it, it is
/// an init instead (see `Supervisor`).
public enum HermesInit {
    static let venvDir: StaticString = "/opt/hermes/.venv"
    static let activatePath: StaticString = "/opt/hermes/.venv/bin/activate"
    static let dataDir: StaticString = "/opt/data"
    static let containerEnvironment: StaticString = "/run/s6/container_environment"
    static let initPath: StaticString = "/init"
    /// `/opt/data/.`: checked with access(X_OK), it must be a directory we may enter.
    static let enterableDataDir: StaticString = "/opt/data/."
    static let userName: StaticString = "hermes"

    static let help: StaticString = """
    usage: hermes-init [ARG...]

    The Hermes container's CMD wrapper (main-wrapper.sh) in one process: the container
    environment, the --user guard, HOME and the venv, routing (no arguments or a hermes
    subcommand -> hermes ARGS; a program on PATH -> that program), then the drop to
    hermes and one exec. As PID 1 it execs s6-overlay's /init, or is a tini-grade init
    when there is none; under another init it runs the boot steps first. All arguments
    belong to the container command but these, which must come first:

      --hermes-init-help           print this help
      --hermes-init-version        print the version
      --hermes-init-grace=S        PID-1 mode: grace time before SIGKILL (default 5)
      --hermes-init-pgroup         PID-1 mode: forward signals to the process group
      --hermes-init-map=FROM:TO    PID-1 mode: remap the final exit code (repeatable)
      --hermes-init-subreaper      not PID 1: supervise as a child subreaper

    ENVIRONMENT
      HERMES_INIT_TRACE=1        one line per decision on stderr
      HERMES_INIT_SUBCOMMANDS    replaces the list of hermes subcommand names
      HERMES_ORIG_CWD            the directory the program starts in
      HERMES_INIT_GRACE, HERMES_INIT_PGROUP, HERMES_INIT_MAP, HERMES_INIT_SUBREAPER
                                 as the options of the same names

    The rules (R1-R12, where it runs, the boot steps, the init) and the exit codes:
    docs/contract.md; explained with examples: docs/hermes-init.md.

    """

    /// The whole program, as docs/contract.md orders it; never returns.
    public static func main(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Never {
        let pid = Sys.pid()
        // I1: as PID 1, signals are blocked before anything else can happen or fail.
        let startMask = pid == 1 ? SignalSet.blockAll() : SignalSet()
        let diag = Diagnostics(program: "hermes-init")
        do throws(Failure) {
            try SetuidGuard.refuse()                                                      // D9
            let options = try parse(argc: argc, argv: argv)                               // O1
            switch Mode.decide(options: options, situation: Situation.detect(pid: pid),
                               root: Sys.effectiveUID() == 0) {
            case .printHelp:
                Version.printHelp(help)
            case .printVersion:
                Version.write("hermes-init")
            case .execInit:
                try RunDirectory.check()                                                  // M3
                startMask.install()                                                       // M2
                let initArgv = CStringArray(prefix: Bytes(initPath), argv, count: Int(argc))
                throw Exec.run(argv: initArgv.pointer, envp: Sys.environment, path: nil)
            case .launch(let launch):
                var reader = FileReader(execFollows: launch.supervisor == nil)
                if let name = launch.otherInit {                                          // M5
                    diag.warn(otherInitWarning(name, bootSteps: launch.bootSteps))
                }
                let booted = launch.bootSteps ? try BootSteps.run(reader: &reader) : nil // B1-B3
                let mask = launch.supervisor == .subreaper ? try becomeSubreaper(diag) : startMask
                var trace = Trace(enabled: isTruthy(Sys.getenv("HERMES_INIT_TRACE")), diag: diag)
                var env = Environment.current(recording: trace.enabled)
                try loadContainerEnvironment(&env, booted: booted, reader: &reader, trace: &trace) // R2
                let drop = try account(reader: &reader, trace: trace)                     // R3, R9
                setHome(&env)                                                             // R4, R5
                let start = try startDirectory(env, reader: &reader)                      // R6
                try activateVenv(&env, reader: &reader)                                   // R7
                try enter(start, &env)                                                    // R6
                trace.recordChanges(env)
                var command = try route(argc: argc, argv: argv, first: options.firstArgument,
                                        env: env, reader: &reader, trace: trace)          // R8
                if booted != nil { markExternallySupervised(&command, &env, trace) }      // B4
                let plan = command.plan(env: env, drop: drop)
                if launch.supervisor != nil {                                             // I1-I5
                    var supervisor = options.supervisor
                    supervisor.subreaper = launch.supervisor == .subreaper
                    Supervisor.run(plan: plan, options: supervisor, originalMask: mask, diag: diag)
                }
                try execute(plan)                                                         // R9-R12
            }
        } catch {
            diag.fatal(error)
        }
    }

    /// R9-R12: drops privileges as planned and execs the program in place.
    static func execute(_ plan: LaunchPlan) throws(Failure) -> Never {
        if case .drop(let credentials) = plan.drop { try credentials.apply() }
        throw Exec.run(argv: plan.argv.pointer, envp: plan.envp.pointer, path: plan.path)
    }

    /// Not PID 1 and asked to supervise: block signals, register as a child subreaper.
    static func becomeSubreaper(_ diag: Diagnostics) throws(Failure) -> SignalSet {
        let mask = SignalSet.blockAll()
        do throws(Errno) { try Sys.becomeSubreaper() } catch {
            throw Failure.system(Bytes("register as a child subreaper"), error)
        }
        diag.report("info", Bytes("not PID 1: supervising as a child subreaper"))
        return mask
    }

    /// The warning under a runtime's own init.
    static func otherInitWarning(_ pid1Name: Bytes, bootSteps: Bool) -> Bytes {
        var m = Bytes("not PID 1")
        if !pid1Name.isEmpty {
            m.add(" (PID 1 is ")
            m.add(pid1Name)
            m.add(")")
        }
        m.add(" and no s6-overlay above: the supervised services are unavailable here; ")
        m.add(bootSteps ? "running the boot steps, then the command" : "running the command")
        return m
    }
}
