/// The CMD rules (contract R2-R9): everything decided before the program starts.
extension HermesInit {
    /// What `prepare` decided: the program's environment and arguments, where to look
    /// for it and the account to become. Rendered into C arrays once, by `render`.
    struct Decision {
        var env: Environment
        /// `hermes`, when the route puts it in front of the container's arguments.
        var prefix: Bytes?
        /// The container's arguments (argv from the first one hermes-init does not take).
        var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
        var argumentCount: Int
        var suffix: Bytes?
        var path: Bytes?
        var drop: DropPlan

        /// Under a runtime's own init a `gateway run` is supervised by the runtime, not
        /// by s6: it is told so, as the published dispatcher did.
        mutating func markExternallySupervised(_ trace: Trace) {
            guard argumentCount >= 2, let a = arguments[0], let b = arguments[1],
                  cStringEquals(a, "gateway"), cStringEquals(b, "run") else { return }
            env.set("HERMES_GATEWAY_EXTERNAL_SUPERVISOR", Bytes("1"))
            suffix = Bytes("--external-supervisor")
            trace.record(.gatewayExternallySupervised)
        }

        func render() -> LaunchPlan {
            LaunchPlan(argv: PointerArray(prefix: prefix, arguments, count: argumentCount, suffix: suffix),
                       envp: env.render(), path: path, drop: drop)
        }
    }

    /// A decision ready for execve.
    public struct LaunchPlan {
        public var argv: PointerArray
        public var envp: Environment.Block
        public var path: Bytes?
        public var drop: DropPlan
    }

    /// Applies the wrapper's rules, in the wrapper's order: environment, user guard,
    /// HOME, cwd, venv, routing and the account to drop to. Changes nothing but the
    /// working directory. `booted`: the container environment after the boot steps
    /// hermes-init ran itself (under another init), laid over ours instead of the
    /// rehydration rule.
    static func prepare(
        argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, first: Int, trace: inout Trace,
        booted: [Environment.Change]? = nil
    ) throws(Failure) -> Decision {
        var env = Environment.current(recording: trace.enabled)

        // 1. The container environment, when /init scrubbed ours.
        if let booted {
            env.apply(booted)
            trace.record(.environmentBooted(count: booted.count))
        } else if let reason = rehydrationSkipReason(env) {
            trace.record(.environmentKept(reason: reason))
        } else if let items = try Envdir.read(containerEnvironment.cString, store: env.store, missingOK: true) {
            env.keepOnly("PATH")
            env.apply(items)
            // Under /init, `-e HERMES_INIT_TRACE=1` arrives here, with the container
            // environment: tracing starts now (the changes above are not listed).
            if !trace.enabled && isTruthy(env.get("HERMES_INIT_TRACE")) {
                trace.enabled = true
                env.recording = true
            }
            trace.record(.environmentLoaded(count: items.count))
        } else {
            trace.record(.environmentNoDirectory)
        }

        // 2. The --user guard, and who we will run as.
        let drop = try account(trace)

        // 3. HOME, cwd and the venv. HERMES_HOME is the container's, as the release's
        // wrapper leaves it (the image sets it; an empty one stays empty).
        env.set("HOME", dataDir)
        // `cd /opt/data`, activate, `cd "$orig"`: the program starts in orig, so /opt/data
        // is only checked (it must be a directory we may enter), never entered, and the
        // working directory changes only for HERMES_ORIG_CWD.
        let origin: Bytes
        let fromEnvironment: Bool
        if let o = env.value("HERMES_ORIG_CWD"), !o.isEmpty {
            origin = Bytes(copying: o.baseAddress!, count: o.count)
            fromEnvironment = true
        } else {
            do throws(Errno) { origin = try Sys.currentDirectory() } catch {
                throw Failure.system(Bytes("read the current directory"), error)
            }
            fromEnvironment = false
        }
        if !Sys.mayExecute(enterableDataDir.cString) {
            var op = Bytes("enter ")
            op.add(dataDir)
            throw Failure.system(op, Errno.current)
        }
        do {
            // Parsed where it was read: activate is never copied.
            try Sys.withSmallFile(activatePath.cString, limit: 1 << 20) { script in
                Venv.activate(&env, venvDir: venvDir.raw, script: script)
            }
        } catch {
            var op = Bytes("activate the venv: read ")
            op.add(activatePath)
            throw Failure.system(op, error)
        }
        if fromEnvironment {
            do throws(Errno) { try Sys.withCPath(origin) { p throws(Errno) in try Sys.changeDirectory(p) } } catch {
                var op = Bytes("return to ")
                op.add(origin)
                throw Failure.system(op, error)
            }
        }
        env.set("PWD", origin)
        env.set("OLDPWD", dataDir)
        if trace.enabled { for c in env.changes { trace.record(.changed(c)) } }

        // 4. Routing.
        let path = env.get("PATH")
        let firstArg: Bytes? = first < Int(argc) ? argv[first].map { Bytes(cString: $0) } : nil
        var listFailure: Failure? = nil
        let route = Routing.route(first: firstArg, isSubcommand: { name in
            isSubcommand(name, env, trace, failure: &listFailure)
        }, locate: { Exec.locate($0, path: path) })
        if let listFailure { throw listFailure }
        trace.record(.route(route, first: firstArg))
        var prefix: Bytes? = nil
        if case .hermes = route { prefix = Bytes(userName) }
        return Decision(env: env, prefix: prefix, arguments: argv + first, argumentCount: Int(argc) - first,
                        suffix: nil, path: path, drop: drop)
    }

    /// Why the container environment is not loaded, or nil when it must be.
    static func rehydrationSkipReason(_ env: Environment) -> StaticString? {
        if env.isSetNonEmpty("HERMES_HOME") { return "HERMES_HOME is set" }
        if let keep = env.get("S6_KEEP_ENV"), keep.contains(where: { $0 != 0x30 }) { return "S6_KEEP_ENV is set" }
        return nil
    }

    /// The `--user` guard: root drops to hermes; hermes's own uid runs as it is; any
    /// other uid is refused.
    static func account(_ trace: Trace) throws(Failure) -> DropPlan {
        let euid = Sys.effectiveUID()
        let passwd = try AccountFiles.load(AccountFiles.passwdPath)
        if euid == 0 {
            let group = try AccountFiles.load(AccountFiles.groupPath)
            // hermes's groups from /etc/group, and those the runtime gave us (--group-add).
            var c = try Credentials.resolveUser(
                .name(Bytes(userName)),
                readPasswd: { () throws(Failure) in passwd },
                readGroup: { () throws(Failure) in group })
            try RuntimeGroups.add(group: group, to: &c.groups)
            trace.record(.willDrop(c))
            return .drop(c)
        }
        let hermes = UserDatabase.findUser(in: passwd, name: Bytes(userName))
        guard let hermes, hermes.uid == euid else { refuseUser(euid: euid, hermes: hermes, diag: trace.diag) }
        trace.record(.alreadyHermes(uid: euid))
        return .alreadyTarget
    }

    /// True when `name` is a hermes subcommand: one of HERMES_INIT_SUBCOMMANDS, else of
    /// the image's list, else of hermes-agent 0.19.0's. The list is searched where it
    /// lies, never copied. False, with `failure` set, when the file is there but cannot
    /// be read.
    static func isSubcommand(_ name: Bytes, _ env: Environment, _ trace: Trace, failure: inout Failure?) -> Bool {
        if let fromEnv = env.value("HERMES_INIT_SUBCOMMANDS") {
            trace.record(.subcommands("HERMES_INIT_SUBCOMMANDS"))
            return Routing.listContains(fromEnv, name)
        }
        do throws(Errno) {
            let list = try Sys.readSmallFile(Routing.subcommandsFile.cString, limit: 1 << 16)
            trace.record(.subcommands(Routing.subcommandsFile))
            return Routing.listContains(list, name)
        } catch {
            guard error == .noEntry else {
                var op = Bytes("read the subcommand list ")
                op.add(Routing.subcommandsFile)
                failure = Failure.system(op, error)
                return false
            }
            trace.record(.subcommands("built in (hermes-agent 0.19.0)"))
            let builtIn = Routing.defaultSubcommands
            return Routing.listContains(UnsafeBufferPointer(start: builtIn.utf8Start, count: builtIn.utf8CodeUnitCount), name)
        }
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
        diag.report("fatal", Failure.unable(ExitCode.account, op, reason).message)
        diag.report("hint", Bytes("do not use --user; start the container as root and pass -e HERMES_UID=$(id -u) -e HERMES_GID=$(id -g) (on NAS boxes -e PUID=... -e PGID=...): the image remaps the hermes user to those ids and gives it /opt/data"))
        Sys.exit(ExitCode.account)
    }
}
