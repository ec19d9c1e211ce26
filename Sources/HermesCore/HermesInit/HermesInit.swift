/// `hermes-init [ARG...]`: the image's `main-wrapper.sh` in one process. Under
/// s6-overlay's `/init` it restores the container environment, applies the wrapper's
/// rules, drops to `hermes` and execs in place. As PID 1 with no init above it, it is
/// an init instead (see `Supervisor`).
public enum HermesInit {
    public static let venvDir: StaticString = "/opt/hermes/.venv"
    public static let activatePath: StaticString = "/opt/hermes/.venv/bin/activate"
    public static let dataDir: StaticString = "/opt/data"
    public static let containerEnvironment: StaticString = "/run/s6/container_environment"
    public static let initPath: StaticString = "/init"
    /// `/opt/data/.`: checked with access(X_OK), it must be a directory we may enter.
    static let enterableDataDir: StaticString = "/opt/data/."
    public static let userName: StaticString = "hermes"

    public static let help: StaticString = """
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

    /// The whole program: never returns. The algorithm, top to bottom: as PID 1 block
    /// every signal; refuse a setuid start; read our own options; decide the mode once;
    /// do it.
    public static func main(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Never {
        let pid = Sys.pid()
        // As PID 1, signals are blocked before anything else can happen or fail.
        let originalMask = pid == 1 ? SignalSet.blockAll() : SignalSet()
        let diag = Diagnostics(program: "hermes-init")
        do throws(Failure) {
            try SetuidGuard.refuse()
            let options = try parse(argc: argc, argv: argv)
            let situation = options.help || options.version ? .command : Situation.detect(pid: pid)
            let mode = Mode.decide(options: options, situation: situation, root: Sys.effectiveUID() == 0)
            if case .underOtherInit(let name) = situation { diag.warn(otherInitWarning(name, bootSteps: mode.runsBootSteps)) }
            var trace = Trace(enabled: isTruthy(Sys.getenv("HERMES_INIT_TRACE")), diag: diag)
            let first = options.firstArgument

            switch mode {
            case .printHelp:
                Version.printHelp(help)
            case .printVersion:
                Version.write("hermes-init")
            case .execInit:
                try RunDirectory.check()
                originalMask.install()  // the mask survives execve
                let initArgv = PointerArray(prefix: Bytes(initPath), argv, count: Int(argc))
                throw Exec.run(argv: initArgv.pointer, envp: Sys.environment, path: nil)
            case .supervise(let asPID1, let bootSteps):
                let booted = bootSteps ? try BootSteps.run() : nil
                let mask = asPID1 ? originalMask : try becomeSubreaper(diag)
                var decision = try prepare(argc: argc, argv: argv, first: first, trace: &trace, booted: booted)
                if booted != nil { decision.markExternallySupervised(trace) }
                var supervisor = options.supervisor
                supervisor.subreaper = !asPID1
                Supervisor.run(plan: decision.render(), options: supervisor, originalMask: mask, diag: diag)
            case .bootStepsThenExec:
                let booted = try BootSteps.run()
                Sys.execFollows = true
                var decision = try prepare(argc: argc, argv: argv, first: first, trace: &trace, booted: booted)
                decision.markExternallySupervised(trace)
                try execute(decision.render())
            case .exec:
                Sys.execFollows = true
                try execute(try prepare(argc: argc, argv: argv, first: first, trace: &trace).render())
            }
        } catch {
            diag.fatal(error)
        }
    }

    /// Drops privileges as planned and execs the program in place.
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
