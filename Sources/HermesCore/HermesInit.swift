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
      3. HOME=/opt/data; HERMES_HOME defaults to HOME; enter /opt/data, activate the venv
         /opt/hermes/.venv, return to HERMES_ORIG_CWD or the start directory
      4. route: no arguments -> hermes; a hermes subcommand name or a first argument
         starting with '-' -> hermes ARGS; a first argument with '/' -> run it; an
         executable on PATH -> run it; otherwise -> hermes ARGS
      5. as root, drop to the hermes user from /etc/passwd and /etc/group; exec in place

    As PID 1 (no init above it) it is an init instead: signals blocked first, the program
    started as its child, every signal but SIGCHLD forwarded, every zombie reaped; when
    the program exits, SIGTERM then SIGKILL after the grace time for what is left, and
    the program's status (or 128+N) as its own.

    ENVIRONMENT
      HERMES_INIT_TRACE=1        one line per decision on stderr
      HERMES_INIT_SUBCOMMANDS    replaces the list of hermes subcommand names
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
        let pid1 = getpid() == 1
        var originalMask = sigset_t()
        if pid1 { originalMask = Supervisor.blockAllSignals() }
        let diag = Diagnostics(program: "hermes-init")
        do {
            try run(argc: argc, argv: argv, diag: diag, pid1: pid1, originalMask: originalMask)
        } catch {
            diag.fatal(error)
        }
    }

    /// Options hermes-init takes for itself: only leading `--hermes-init-*` arguments.
    public struct Options: Equatable {
        public var help = false
        public var version = false
        /// PID-1 mode settings; each also has an environment variable, which the option
        /// overrides.
        public var supervisor = Supervisor.Options()
        /// Index in argv of the first container argument.
        public var firstArgument = 1
        public init() {}
    }

    public static func parse(
        argc: Int32, argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
        getenv: (StaticString) -> Bytes? = { name in
            CHermes.getenv(UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)).map { Bytes(cString: $0) }
        }
    ) throws(Failure) -> Options {
        var o = Options()
        if let g = getenv("HERMES_INIT_GRACE") { o.supervisor.graceMilliseconds = try parseGrace(g) }
        o.supervisor.processGroup = isTruthy(getenv("HERMES_INIT_PGROUP"))
        o.supervisor.subreaper = isTruthy(getenv("HERMES_INIT_SUBREAPER"))
        if let m = getenv("HERMES_INIT_MAP") { o.supervisor.exitMap = try parseMap(m) }
        var i = 1
        while i < Int(argc), let a = argv[i], cStringHasPrefix(a, "--hermes-init-") {
            if cStringEquals(a, "--hermes-init-help") {
                o.help = true
            } else if cStringEquals(a, "--hermes-init-version") {
                o.version = true
            } else if cStringHasPrefix(a, "--hermes-init-grace=") {
                o.supervisor.graceMilliseconds = try parseGrace(Bytes(cString: a + 20))
            } else if cStringEquals(a, "--hermes-init-pgroup") {
                o.supervisor.processGroup = true
            } else if cStringEquals(a, "--hermes-init-subreaper") {
                o.supervisor.subreaper = true
            } else if cStringHasPrefix(a, "--hermes-init-map=") {
                o.supervisor.exitMap += try parseMap(Bytes(cString: a + 18))
            } else {
                var m = Bytes("unknown option ")
                m.add(cString: a)
                throw Failure.unable(ExitCode.usage, Bytes("parse arguments"), m)
            }
            i += 1
        }
        o.firstArgument = i
        return o
    }

    static func usage(_ reason: Bytes) -> Failure {
        Failure.unable(ExitCode.usage, Bytes("parse arguments"), reason)
    }

    /// Seconds, with up to three decimals: "5", "0", "2.5".
    public static func parseGrace(_ text: Bytes) throws(Failure) -> Int {
        var whole = text[...]
        var fraction = ArraySlice<UInt8>()
        let dot = text.firstIndex(of: 0x2E)
        if let dot {
            whole = text[..<dot]
            fraction = text[(dot + 1)...]
        }
        guard let seconds = parseID(whole), seconds <= 86_400, fraction.count <= 3,
              dot == nil || parseID(fraction) != nil else {
            var m = Bytes("invalid grace time ")
            m.add(text)
            m.add(" (seconds, e.g. 5 or 0.5)")
            throw usage(m)
        }
        var ms = Int(seconds) * 1000
        var scale = 100
        for c in fraction {
            ms += Int(c - 0x30) * scale
            scale /= 10
        }
        return ms
    }

    /// Exit-code remaps: FROM:TO pairs separated by commas or blanks.
    public static func parseMap(_ text: Bytes) throws(Failure) -> [(from: Int32, to: Int32)] {
        var result = [(from: Int32, to: Int32)]()
        for item in Routing.parseList(text.map { $0 == 0x3A ? 0x3D : $0 }) {
            guard let eq = item.firstIndex(of: 0x3D), let from = parseID(item[..<eq]), let to = parseID(item[(eq + 1)...]),
                  from <= 255, to <= 255 else {
                var m = Bytes("invalid exit-code map ")
                m.add(text)
                m.add(" (FROM:TO pairs of codes 0-255, e.g. 143:0)")
                throw usage(m)
            }
            result.append((Int32(from), Int32(to)))
        }
        return result
    }

    static func run(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, diag: Diagnostics,
                    pid1: Bool, originalMask: sigset_t) throws(Failure) -> Never {
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
        let plan = try prepare(argc: argc, argv: argv, first: options.firstArgument, diag: diag)
        if pid1 || supervisor.subreaper {
            Supervisor.run(plan: plan, options: supervisor, originalMask: mask, diag: diag)
        }
        if case .drop(let credentials) = plan.drop { try credentials.apply() }
        throw Exec.run(argv: plan.argv.pointer, envp: plan.envp.pointer, path: plan.path)
    }

    /// Everything decided before the program starts.
    public struct LaunchPlan {
        public var argv: PointerArray
        public var envp: CStringArray
        public var path: Bytes?
        public var drop: DropPlan
    }

    /// Applies the wrapper's rules: environment, user guard, HOME, cwd, venv, routing
    /// and the account to drop to. Changes nothing but the working directory.
    static func prepare(
        argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, first: Int, diag: Diagnostics
    ) throws(Failure) -> LaunchPlan {
        let tracing = isTruthy(CHermes.getenv("HERMES_INIT_TRACE").map { Bytes(cString: $0) })
        var env = Environment.current(recording: tracing)
        func trace(_ message: Bytes) { if tracing { diag.report("trace", message) } }

        // 1. The container environment, when /init scrubbed ours.
        if let reason = rehydrationSkipReason(env) {
            trace(reason)
        } else if let changes = try Envdir.load(Bytes(containerEnvironment).nulTerminated, missingOK: true) {
            env.keepOnly([Bytes("PATH")])
            env.apply(changes)
            var m = Bytes("environment: loaded ")
            m.add(decimal: UInt64(changes.count))
            m.add(" variables from ")
            m.add(containerEnvironment)
            trace(m)
        } else {
            var m = Bytes("environment: kept (no ")
            m.add(containerEnvironment)
            m.add(")")
            trace(m)
        }
        env.unset(readyGuard)

        // 2. The --user guard, and who we will run as.
        let euid = geteuid()
        var passwd: Bytes? = nil
        func loadPasswd() throws(Failure) -> Bytes {
            if let passwd { return passwd }
            let p = try AccountFiles.load(AccountFiles.passwdPath)
            passwd = p
            return p
        }
        let drop: DropPlan
        if euid == 0 {
            let c = try Credentials.resolveUser(
                .name(Bytes(userName)),
                readPasswd: loadPasswd,
                readGroup: { () throws(Failure) in try AccountFiles.load(AccountFiles.groupPath) })
            drop = .drop(c)
            var m = Bytes("user: root, will drop to hermes uid ")
            m.add(decimal: c.uid)
            m.add(" gid ")
            m.add(decimal: c.gid)
            m.add(" groups ")
            for (i, g) in c.groups.enumerated() {
                if i > 0 { m.append(0x2C) }
                m.add(decimal: g)
            }
            trace(m)
        } else {
            let hermes = UserDatabase.findUser(in: try loadPasswd(), name: Bytes(userName))
            guard let hermes, hermes.uid == euid else { refuseUser(euid: euid, hermes: hermes, diag: diag) }
            drop = .alreadyTarget
            var m = Bytes("user: already hermes (uid ")
            m.add(decimal: euid)
            m.add("), no drop, groups kept")
            trace(m)
        }

        // 3. HOME, HERMES_HOME, cwd and the venv.
        env.set("HOME", Bytes(dataDir))
        if !env.isSetNonEmpty("HERMES_HOME") { env.set("HERMES_HOME", Bytes(dataDir)) }
        let origin: Bytes
        if let o = env.get("HERMES_ORIG_CWD"), !o.isEmpty { origin = o } else { origin = try currentDirectory() }
        try changeDirectory(Bytes(dataDir), "enter ")
        let script: Bytes
        do {
            script = try Sys.readFile(UnsafeRawPointer(activatePath.utf8Start).assumingMemoryBound(to: CChar.self), limit: 1 << 20)
        } catch {
            var op = Bytes("activate the venv: read ")
            op.add(activatePath)
            throw Failure.system(op, error)
        }
        Venv.activate(&env, venvDir: Bytes(venvDir), activateScript: script)
        try changeDirectory(origin, "return to ")
        env.set("PWD", origin)
        env.set("OLDPWD", Bytes(dataDir))
        if tracing {
            for c in env.changes {
                var m = Bytes("environment: ")
                switch c {
                case .set(let n, let v): m.add("set "); m.add(n); m.append(0x3D); m.add(v)
                case .unset(let n): m.add("unset "); m.add(n)
                }
                trace(m)
            }
        }

        // 4. Routing.
        let path = env.get("PATH")
        let subcommands = env.get("HERMES_INIT_SUBCOMMANDS") ?? Bytes(Routing.defaultSubcommands)
        let firstArg: Bytes? = first < Int(argc) ? argv[first].map { Bytes(cString: $0) } : nil
        let route = Routing.route(first: firstArg, isSubcommand: { Routing.listContains(subcommands, $0) },
                                  locate: { Exec.locate($0, path: path) })
        let programArgv: PointerArray
        switch route {
        case .hermes(let why):
            programArgv = PointerArray(prefix: Bytes(userName), argv + first, count: Int(argc) - first)
            var m = Bytes("route: hermes (")
            m.add(why.text)
            m.add(")")
            trace(m)
        case .program(let why):
            programArgv = PointerArray(prefix: nil, argv + first, count: Int(argc) - first)
            var m = Bytes("route: program ")
            m.add(firstArg ?? [])
            m.add(" (")
            m.add(why.text)
            m.add(")")
            trace(m)
        }
        return LaunchPlan(argv: programArgv, envp: CStringArray(env.entries), path: path, drop: drop)
    }

    /// `hermes-init --hermes-init-render-gateway PROFILE [--down] [--scandir DIR]`:
    /// writes the gateway slot for PROFILE into DIR (default: S6_PROFILE_GATEWAY_SCANDIR,
    /// else /run/service). Nothing on stdout.
    static func renderGateway(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) throws(Failure) {
        var profile: Bytes? = nil
        var down = false
        var register = false
        var scandir: Bytes? = nil
        var i = 2
        while i < Int(argc), let a = argv[i] {
            if cStringEquals(a, "--down") {
                down = true
            } else if cStringEquals(a, "--register") {
                register = true
            } else if cStringEquals(a, "--scandir") {
                i += 1
                guard i < Int(argc), let d = argv[i], d[0] != 0 else { throw usage(Bytes("--scandir needs a directory")) }
                scandir = Bytes(cString: d)
            } else if profile == nil && a[0] != 0x2D {
                profile = Bytes(cString: a)
            } else {
                var m = Bytes("unexpected argument ")
                m.add(cString: a)
                m.add(" (usage: --hermes-init-render-gateway PROFILE [--down] [--register] [--scandir DIR])")
                throw usage(m)
            }
            i += 1
        }
        guard let profile else { throw usage(Bytes("--hermes-init-render-gateway needs a PROFILE")) }
        guard GatewaySlot.isValidProfile(profile) else {
            var m = Bytes("invalid profile name ")
            m.add(profile)
            m.add(" (^[a-z0-9][a-z0-9_-]*$, at most 251 bytes)")
            throw usage(m)
        }
        let dir = scandir ?? CHermes.getenv("S6_PROFILE_GATEWAY_SCANDIR").map { Bytes(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
            ?? Bytes("/run/service")
        var owner: (uid: UInt32, gid: UInt32)? = nil
        if geteuid() == 0 {
            let passwd = try AccountFiles.load(AccountFiles.passwdPath)
            guard let hermes = UserDatabase.findUser(in: passwd, name: Bytes(userName)) else {
                throw Failure.unable(ExitCode.unknownAccount, Bytes("resolve account"), Bytes("unknown user hermes"))
            }
            owner = (hermes.uid, hermes.gid)
        }
        try GatewaySlot.install(profile: profile, down: down, scandir: dir, owner: owner)
        if register { try GatewaySlot.register(scandir: dir) }
    }

    /// Why the container environment is not loaded, or nil when it must be.
    static func rehydrationSkipReason(_ env: Environment) -> Bytes? {
        if env.isSetNonEmpty(readyGuard) { return Bytes("environment: kept (HERMES_MAIN_WRAPPER_ENV_READY is set)") }
        if env.isSetNonEmpty("HERMES_HOME") { return Bytes("environment: kept (HERMES_HOME is set)") }
        if let keep = env.get("S6_KEEP_ENV"), keep.contains(where: { $0 != 0x30 }) {
            return Bytes("environment: kept (S6_KEEP_ENV is set)")
        }
        return nil
    }

    /// The `--user` guard's refusal: the fatal line, then a hint with the supported way.
    static func refuseUser(euid: UInt32, hermes: PasswdEntry?, diag: Diagnostics) -> Never {
        var op = Bytes("run as uid ")
        op.add(decimal: euid)
        var reason = Bytes("the container was started with --user ")
        reason.add(decimal: euid)
        if let hermes {
            reason.add(" (not hermes's uid ")
            reason.add(decimal: hermes.uid)
            reason.add("), which is not supported")
        } else {
            reason.add(" and there is no hermes user in /etc/passwd; this is not supported")
        }
        diag.report("fatal", Failure.unable(ExitCode.unknownAccount, op, reason).message)
        diag.report("hint", Bytes("do not use --user; start the container as root and pass -e HERMES_UID=$(id -u) -e HERMES_GID=$(id -g) (on NAS boxes -e PUID=... -e PGID=...): the image remaps the hermes user to those ids and gives it /opt/data"))
        _exit(ExitCode.unknownAccount)
    }

    static func isTruthy(_ value: Bytes?) -> Bool {
        guard let value, !value.isEmpty else { return false }
        return !value.equals("0")
    }

    static func currentDirectory() throws(Failure) -> Bytes {
        var failed = false
        let dir = Bytes(unsafeUninitializedCapacity: Int(PATH_MAX) + 1) { buf, count in
            let p = UnsafeMutableRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self)
            if getcwd(p, buf.count) == nil { failed = true; count = 0 } else { count = cStringLength(p) }
        }
        if failed { throw Failure.system(Bytes("read the current directory"), Errno.current) }
        return dir
    }

    static func changeDirectory(_ dir: Bytes, _ what: StaticString) throws(Failure) {
        let r = dir.nulTerminated.withUnsafeBufferPointer { chdir(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) }
        if r != 0 {
            var op = Bytes(what)
            op.add(dir)
            throw Failure.system(op, Errno.current)
        }
    }
}

/// A NUL-terminated `char *[]` that points at existing strings (argv tails), with an
/// optional owned first element. Nothing is copied but the pointers.
public final class PointerArray {
    public let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let owned: UnsafeMutablePointer<CChar>?

    public init(prefix: Bytes?, _ tail: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, count: Int) {
        let extra = prefix == nil ? 0 : 1
        pointer = .allocate(capacity: count + extra + 1)
        if let prefix {
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: prefix.count + 1)
            for (i, c) in prefix.enumerated() { p[i] = CChar(bitPattern: c) }
            p[prefix.count] = 0
            pointer[0] = p
            owned = p
        } else {
            owned = nil
        }
        for i in 0..<count { pointer[extra + i] = tail[i] }
        pointer[count + extra] = nil
    }

    deinit {
        owned?.deallocate()
        pointer.deallocate()
    }
}
