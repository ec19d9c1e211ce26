import CHermes

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
    /// The old wrapper's loop breaker; honoured on input, never passed on.
    public static let readyGuard: StaticString = "HERMES_MAIN_WRAPPER_ENV_READY"

    public static let help: StaticString = """
    usage: hermes-init [ARG...]

    The Hermes container's CMD wrapper (main-wrapper.sh) in one process. All arguments
    belong to the container command; hermes-init reads only arguments that start with
    --hermes-init- and come first:

      --hermes-init-help           print this help
      --hermes-init-version        print the version
      --hermes-init-grace=S        PID-1 mode: grace time before SIGKILL (default 5)
      --hermes-init-pgroup         PID-1 mode: forward signals to the process group
      --hermes-init-map=FROM:TO    PID-1 mode: remap the final exit code (repeatable)
      --hermes-init-subreaper      not PID 1: supervise as a child subreaper

    and, alone, as a tool for the Python service manager:

      --hermes-init-render-gateway PROFILE [--down] [--register] [--scandir DIR]
          write the s6 service directory gateway-PROFILE into DIR (default
          $S6_PROFILE_GATEWAY_SCANDIR or /run/service), built next to it and renamed
          into place; PROFILE must match ^[a-z0-9][a-z0-9_-]*$ (exit 100 otherwise).
          --down: registered but not started; --register: then have s6-svscan scan
          DIR now, as s6-svscanctl -a DIR does (exit 111 if no s6-svscan runs there)

    What it does, in order:
      1. started by s6-overlay's /init with a scrubbed environment (HERMES_HOME empty and
         /run/s6/container_environment present, S6_KEEP_ENV not set): keep PATH, load
         that directory as with-contenv (s6-envdir -Lf) does: a file is one variable,
         its value the file less one trailing newline; an empty file unsets
      2. started as a uid other than root or hermes's: refuse (exit 1), tell the user to
         pass HERMES_UID/HERMES_GID (or PUID/PGID) instead of --user
      3. HOME=/opt/data; HERMES_HOME defaults to HOME; check that /opt/data can be
         entered, activate the venv /opt/hermes/.venv, start the program in
         HERMES_ORIG_CWD or the start directory
      4. route: no arguments -> hermes; a hermes subcommand name or a first argument
         starting with '-' -> hermes ARGS; a first argument with '/' -> run it; an
         executable on PATH -> run it; otherwise -> hermes ARGS
      5. as root, drop to the hermes user from /etc/passwd and /etc/group; exec in place

    Where it runs, decided once at start:
      the CMD of s6-overlay's /init, or started by any process but PID 1: the above
      PID 1, s6-overlay installed: execs /init with itself and the same arguments
      PID 1, no s6-overlay: an init: signals blocked first, the program started as its
         child, every signal but SIGCHLD forwarded, every zombie reaped; when the program
         exits, SIGTERM then SIGKILL after the grace time for what is left, and the
         program's status (or 128+N) as its own
      an entry point under another init (docker run --init, a pod's pause): a warning;
         as root, the container environment written to /run/s6/container_environment
         and /etc/cont-init.d/* run in order (a failing step stops the start with its
         code); then the above (gateway run gets --external-supervisor)

    ENVIRONMENT
      HERMES_INIT_TRACE=1        one line per decision on stderr
      HERMES_INIT_SUBCOMMANDS    replaces the list of hermes subcommand names (else
                                 /opt/hermes/share/hermes-init/subcommands, the installed
                                 CLI's, else hermes-agent 0.19.0's)
      HERMES_ORIG_CWD            the directory the program starts in
      HERMES_INIT_GRACE, HERMES_INIT_PGROUP, HERMES_INIT_MAP, HERMES_INIT_SUBREAPER
                                 as the options of the same names

    EXIT CODES
      1    started as a uid that is not root or hermes, or no hermes account
      100  usage error (an unknown --hermes-init- option)
      111  a system call failed (/opt/data or the start directory cannot be entered, the
           venv or account files cannot be read, the privilege drop failed)
      126  the program could not be executed
      127  the program was not found
    otherwise the program's own exit code.

    """

    public static func main(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Never {
        // As PID 1, signals are blocked before anything else can happen or fail.
        let pid = getpid()
        let pid1 = pid == 1
        var originalMask = sigset_t()
        if pid1 { originalMask = Supervisor.blockAllSignals() }
        let diag = Diagnostics(program: "hermes-init")
        do {
            try run(argc: argc, argv: argv, diag: diag, pid: pid, originalMask: originalMask)
        } catch {
            diag.fatal(error)
        }
    }

    static func run(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, diag: Diagnostics,
                    pid: Int32, originalMask: sigset_t) throws(Failure) -> Never {
        let pid1 = pid == 1
        try Privdrop.refuseSetuid()
        if argc > 1, let first = argv[1], cStringEquals(first, "--hermes-init-render-gateway") {
            try renderGateway(argc: argc, argv: argv)
            _exit(0)
        }
        let options = try parse(argc: argc, argv: argv)
        if options.help {
            Sys.writeAll(1, Bytes(help))
            _exit(0)
        }
        if options.version {
            var v = Bytes("hermes-init ")
            v.add(Version.string)
            v.append(0x0A)
            Sys.writeAll(1, v)
            _exit(0)
        }
        var booted: [Environment.Change]? = nil
        switch Situation.detect(pid: pid) {
        case .pid1WithS6Overlay:
            try bootInit(argc: argc, argv: argv, originalMask: originalMask)
        case .underOtherInit(let name):
            var m = Bytes("not PID 1")
            if !name.isEmpty {
                m.add(" (PID 1 is ")
                m.add(name)
                m.add(")")
            }
            m.add(" and no s6-overlay above: the supervised services are unavailable here; ")
            if geteuid() == 0 {
                m.add("running the boot steps, then the command")
                diag.warn(m)
                booted = try BootSteps.run()
            } else {
                m.add("running the command")
                diag.warn(m)
            }
        case .pid1, .command:
            break
        }
        var mask = originalMask
        var supervisor = options.supervisor
        supervisor.subreaper = !pid1 && supervisor.subreaper
        if supervisor.subreaper {
            mask = Supervisor.blockAllSignals()
            if CHermes_prctl_set_child_subreaper() != 0 {
                throw Failure.system(Bytes("register as a child subreaper"), Errno.current)
            }
            diag.report("info", Bytes("not PID 1: supervising as a child subreaper"))
        }
        Sys.execFollows = !(pid1 || supervisor.subreaper)
        let plan = try prepare(argc: argc, argv: argv, first: options.firstArgument, diag: diag, booted: booted)
        if pid1 || supervisor.subreaper {
            Supervisor.run(plan: plan, options: supervisor, originalMask: mask, diag: diag)
        }
        if case .drop(let credentials) = plan.drop { try credentials.apply() }
        throw Exec.run(argv: plan.argv.pointer, envp: plan.envp.pointer, path: plan.path)
    }

    /// PID 1 in an image with s6-overlay: `/init` boots the whole supervision tree and
    /// then runs us, with the same arguments, as its CMD. Signals are unblocked first:
    /// the mask survives execve.
    static func bootInit(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, originalMask: sigset_t) throws(Failure) -> Never {
        var mask = originalMask
        sigprocmask(SIG_SETMASK, &mask, nil)
        let initArgv = PointerArray(prefix: Bytes(initPath), argv, count: Int(argc))
        throw Exec.run(argv: initArgv.pointer, envp: CHermes_environ()!, path: nil)
    }
}
