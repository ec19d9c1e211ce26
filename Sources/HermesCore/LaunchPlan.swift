import CHermes

/// The CMD rules (contract R2-R9): everything decided before the program starts.
extension HermesInit {
    /// Everything decided before the program starts.
    public struct LaunchPlan {
        public var argv: PointerArray
        public var envp: CStringArray
        public var path: Bytes?
        public var drop: DropPlan
    }

    /// Applies the wrapper's rules: environment, user guard, HOME, cwd, venv, routing
    /// and the account to drop to. Changes nothing but the working directory.
    /// `booted`: the container environment after the boot steps hermes-init ran itself
    /// (under another init), laid over ours instead of the rehydration rule; with it, a
    /// `gateway run` is told that something other than s6 supervises it, as the
    /// published dispatcher did.
    static func prepare(
        argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, first: Int, diag: Diagnostics,
        booted: [Environment.Change]? = nil
    ) throws(Failure) -> LaunchPlan {
        var tracing = isTruthy(CHermes.getenv("HERMES_INIT_TRACE").map { Bytes(cString: $0) })
        var env = Environment.current(recording: tracing)
        // Trace lines are only built when tracing: the fast path allocates none.
        func trace(_ message: () -> Bytes) { if tracing { diag.report("trace", message()) } }

        // 1. The container environment, when /init scrubbed ours.
        if let booted {
            env.apply(booted)
            trace {
                var m = Bytes("environment: kept, and ")
                m.add(decimal: UInt64(booted.count))
                m.add(" variables laid over it from ")
                m.add(containerEnvironment)
                m.add(" after the boot steps")
                return m
            }
        } else if let reason = rehydrationSkipReason(env) {
            trace { Bytes(reason) }
        } else if let changes = try Envdir.load(Bytes(containerEnvironment).nulTerminated, missingOK: true) {
            env.keepOnly([Bytes("PATH")])
            env.apply(changes)
            // Under /init, `-e HERMES_INIT_TRACE=1` arrives here, with the container
            // environment: tracing starts now (the changes above are not listed).
            if !tracing && isTruthy(env.get("HERMES_INIT_TRACE")) {
                tracing = true
                env.recording = true
            }
            trace {
                var m = Bytes("environment: loaded ")
                m.add(decimal: UInt64(changes.count))
                m.add(" variables from ")
                m.add(containerEnvironment)
                return m
            }
        } else {
            trace {
                var m = Bytes("environment: kept (no ")
                m.add(containerEnvironment)
                m.add(")")
                return m
            }
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
            trace {
                var m = Bytes("user: root, will drop to hermes uid ")
                m.add(decimal: c.uid)
                m.add(" gid ")
                m.add(decimal: c.gid)
                m.add(" groups ")
                for (i, g) in c.groups.enumerated() {
                    if i > 0 { m.append(0x2C) }
                    m.add(decimal: g)
                }
                return m
            }
        } else {
            let hermes = UserDatabase.findUser(in: try loadPasswd(), name: Bytes(userName))
            guard let hermes, hermes.uid == euid else { refuseUser(euid: euid, hermes: hermes, diag: diag) }
            drop = .alreadyTarget
            trace {
                var m = Bytes("user: already hermes (uid ")
                m.add(decimal: euid)
                m.add("), no drop, groups kept")
                return m
            }
        }

        // 3. HOME, HERMES_HOME, cwd and the venv.
        env.set("HOME", Bytes(dataDir))
        if !env.isSetNonEmpty("HERMES_HOME") { env.set("HERMES_HOME", Bytes(dataDir)) }
        // `cd /opt/data`, activate, `cd "$orig"`: the program starts in orig, so /opt/data
        // is only checked (it must be a directory we may enter), never entered, and the
        // working directory changes only for HERMES_ORIG_CWD.
        let origin: Bytes
        let fromEnvironment: Bool
        if let o = env.get("HERMES_ORIG_CWD"), !o.isEmpty {
            origin = o
            fromEnvironment = true
        } else {
            origin = try currentDirectory()
            fromEnvironment = false
        }
        if access(enterableDataDir.cString, X_OK) != 0 {
            var op = Bytes("enter ")
            op.add(dataDir)
            throw Failure.system(op, Errno.current)
        }
        let script: Bytes
        do {
            script = try Sys.readSmallFile(activatePath.cString, limit: 1 << 20)
        } catch {
            var op = Bytes("activate the venv: read ")
            op.add(activatePath)
            throw Failure.system(op, error)
        }
        Venv.activate(&env, venvDir: Bytes(venvDir), activateScript: script)
        if fromEnvironment { try changeDirectory(origin, "return to ") }
        env.set("PWD", origin)
        env.set("OLDPWD", Bytes(dataDir))
        if tracing {
            for c in env.changes {
                var m = Bytes("environment: ")
                switch c {
                case .set(let n, let v): m.add("set "); m.add(n); m.append(0x3D); m.add(v)
                case .unset(let n): m.add("unset "); m.add(n)
                }
                trace { m }
            }
        }

        // 4. Routing.
        let path = env.get("PATH")
        let firstArg: Bytes? = first < Int(argc) ? argv[first].map { Bytes(cString: $0) } : nil
        var listFailure: Failure? = nil
        let route = Routing.route(first: firstArg, isSubcommand: { name in
            let list: Bytes
            if let fromEnv = env.get("HERMES_INIT_SUBCOMMANDS") {
                list = fromEnv
                trace { Bytes("subcommands: HERMES_INIT_SUBCOMMANDS") }
            } else {
                do throws(Errno) {
                    list = try Sys.readSmallFile(Routing.subcommandsFile.cString, limit: 1 << 16)
                    trace { Bytes("subcommands: ") + Bytes(Routing.subcommandsFile) }
                } catch {
                    guard error == .noEntry else {
                        var op = Bytes("read the subcommand list ")
                        op.add(Bytes(Routing.subcommandsFile))
                        listFailure = Failure.system(op, error)
                        return false
                    }
                    list = Bytes(Routing.defaultSubcommands)
                    trace { Bytes("subcommands: built in (hermes-agent 0.19.0)") }
                }
            }
            return Routing.listContains(list, name)
        }, locate: { Exec.locate($0, path: path) })
        if let listFailure { throw listFailure }
        var suffix: Bytes? = nil
        if booted != nil, Int(argc) - first >= 2, let a = argv[first], let b = argv[first + 1],
           cStringEquals(a, "gateway"), cStringEquals(b, "run") {
            env.set("HERMES_GATEWAY_EXTERNAL_SUPERVISOR", Bytes("1"))
            suffix = Bytes("--external-supervisor")
            trace { Bytes("gateway run: supervised by the runtime, not s6: HERMES_GATEWAY_EXTERNAL_SUPERVISOR=1, --external-supervisor") }
        }
        let programArgv: PointerArray
        switch route {
        case .hermes(let why):
            programArgv = PointerArray(prefix: Bytes(userName), argv + first, count: Int(argc) - first, suffix: suffix)
            trace {
                var m = Bytes("route: hermes (")
                m.add(why.text)
                m.add(")")
                return m
            }
        case .program(let why):
            programArgv = PointerArray(prefix: nil, argv + first, count: Int(argc) - first, suffix: suffix)
            trace {
                var m = Bytes("route: program ")
                m.add(firstArg ?? [])
                m.add(" (")
                m.add(why.text)
                m.add(")")
                return m
            }
        }
        return LaunchPlan(argv: programArgv, envp: CStringArray(env.entries), path: path, drop: drop)
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
/// optional owned first and last element. Nothing is copied but the pointers.
public final class PointerArray {
    public let pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let owned: (UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?)

    public init(prefix: Bytes?, _ tail: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, count: Int, suffix: Bytes? = nil) {
        let extra = prefix == nil ? 0 : 1
        let total = count + extra + (suffix == nil ? 0 : 1)
        pointer = .allocate(capacity: total + 1)
        let first = prefix.map(PointerArray.copy)
        let last = suffix.map(PointerArray.copy)
        owned = (first, last)
        if let first { pointer[0] = first }
        for i in 0..<count { pointer[extra + i] = tail[i] }
        if let last { pointer[total - 1] = last }
        pointer[total] = nil
    }

    static func copy(_ b: Bytes) -> UnsafeMutablePointer<CChar> {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: b.count + 1)
        for (i, c) in b.enumerated() { p[i] = CChar(bitPattern: c) }
        p[b.count] = 0
        return p
    }

    deinit {
        owned.0?.deallocate()
        owned.1?.deallocate()
        pointer.deallocate()
    }
}
