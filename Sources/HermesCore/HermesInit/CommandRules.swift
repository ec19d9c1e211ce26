/// hermes-init's CMD rules (docs/contract.md R2-R9, B4), one named step each, in the
/// wrapper's order; `HermesInit.main` calls them in turn. A step reads files and changes
/// the environment it is given; none changes the system but R6's working directory.
extension HermesInit {
    /// What the rules decided to run (R8, B4): `hermes` in front when routed there, the
    /// container's arguments (argv from the first one not ours), a suffix, the PATH.
    struct Command {
        var prefix: Bytes?
        var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
        var argumentCount: Int
        var suffix: Bytes? = nil
        var path: Bytes?

        func plan(env: Environment, drop: DropPlan) -> LaunchPlan {
            LaunchPlan(argv: CStringArray(prefix: prefix, arguments, count: argumentCount, suffix: suffix),
                       envp: env.render(), path: path, drop: drop)
        }
    }

    /// A decision ready for execve: the arrays, the PATH to search, the account.
    struct LaunchPlan { var argv, envp: CStringArray; var path: Bytes?; var drop: DropPlan }

    /// R2: the container environment: laid over ours after our own boot steps
    /// (`booted`); loaded after PATH alone under /init's scrubbed one; else ours.
    static func loadContainerEnvironment(_ env: inout Environment, booted: [Environment.Change]?,
                                         reader: inout FileReader, trace: inout Trace,
                                         directory: UnsafePointer<CChar> = containerEnvironment.cString) throws(Failure) {
        if let booted {
            env.apply(booted)
            trace.record(.environmentBooted(count: booted.count))
        } else if let reason = rehydrationSkipReason(env) {
            trace.record(.environmentKept(reason: reason))
        } else if let items = try Envdir.read(directory, store: env.store, reader: &reader, missingOK: true) {
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
    }

    /// R2: why the container environment is not loaded, or nil when it must be.
    static func rehydrationSkipReason(_ env: Environment) -> StaticString? {
        if env.isSetNonEmpty("HERMES_HOME") { return "HERMES_HOME is set" }
        if let keep = env.get("S6_KEEP_ENV"), keep.contains(where: { $0 != 0x30 }) { return "S6_KEEP_ENV is set" }
        return nil
    }

    /// R3 and R9: the `--user` guard, and who the program runs as.
    static func account(reader: inout FileReader, trace: Trace) throws(Failure) -> DropPlan {
        let euid = Sys.effectiveUID()
        let passwd = try AccountFiles.load(AccountFiles.passwdPath, reader: &reader)
        if euid == 0 {
            let group = try AccountFiles.load(AccountFiles.groupPath, reader: &reader)
            var c = try Credentials.resolveUser(
                .name(Bytes(userName)),
                readPasswd: { () throws(Failure) in passwd },
                readGroup: { () throws(Failure) in group })
            try RuntimeGroups.add(group: group, to: &c.groups)
            trace.record(.willDrop(c))
            return .drop(c)
        }
        let hermes = UserDatabase.findUser(in: passwd, name: Bytes(userName))
        guard let hermes, hermes.uid == euid else { throw refusal(euid: euid, hermes: hermes) }
        trace.record(.alreadyHermes(uid: euid))
        return .alreadyTarget
    }

    /// R3's refusal: exit 1 with the reason, and the supported way as a hint.
    static func refusal(euid: UInt32, hermes: PasswdEntry?) -> Failure {
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
        var f = Failure.unable(ExitCode.account, op, reason)
        f.hint = userHint
        return f
    }

    /// The supported way, after R3's refusal.
    static let userHint: StaticString = "do not use --user; start the container as root and pass -e HERMES_UID=$(id -u) -e HERMES_GID=$(id -g) (on NAS boxes -e PUID=... -e PGID=...): the image remaps the hermes user to those ids and gives it /opt/data"

    /// R4 and R5: `HOME=/opt/data`; HERMES_HOME stays the container's.
    static func setHome(_ env: inout Environment) {
        env.set("HOME", dataDir)
    }

    /// Where the program starts (R6): HERMES_ORIG_CWD, else where we started.
    struct StartDirectory {
        var path: Bytes
        /// From HERMES_ORIG_CWD: entered by `enter`; otherwise we are already there.
        var fromEnvironment: Bool
    }

    /// R6, the wrapper's `cd /opt/data`: `dataDir` must be a directory we may enter;
    /// checked, never entered (the program starts in the directory this returns).
    static func startDirectory(_ env: Environment, reader: inout FileReader,
                               dataDir: StaticString = enterableDataDir) throws(Failure) -> StartDirectory {
        let start: StartDirectory
        if let o = env.value("HERMES_ORIG_CWD"), !o.isEmpty {
            start = StartDirectory(path: Bytes(copying: o.baseAddress!, count: o.count), fromEnvironment: true)
        } else {
            do throws(Errno) { start = StartDirectory(path: try reader.currentDirectory(), fromEnvironment: false) } catch {
                throw Failure.system(Bytes("read the current directory"), error)
            }
        }
        if !Sys.mayExecute(dataDir.cString) {
            var op = Bytes("enter ")
            op.add(HermesInit.dataDir)
            throw Failure.system(op, Errno.current)
        }
        return start
    }

    /// R7: the venv's activate, applied without a shell, parsed where it was read.
    static func activateVenv(_ env: inout Environment, reader: inout FileReader,
                             script: StaticString = activatePath) throws(Failure) {
        do {
            try reader.withSmallFile(script.cString, limit: 1 << 20) { text in
                Venv.activate(&env, venvDir: venvDir.raw, script: text)
            }
        } catch {
            var op = Bytes("activate the venv: read ")
            op.add(script)
            throw Failure.system(op, error)
        }
    }

    /// R6, the wrapper's `cd "$orig"`: the program starts in `start`; PWD and OLDPWD as
    /// dash's `cd` sets them.
    static func enter(_ start: StartDirectory, _ env: inout Environment) throws(Failure) {
        if start.fromEnvironment {
            do throws(Errno) { try Sys.withCPath(start.path) { p throws(Errno) in try Sys.changeDirectory(p) } } catch {
                var op = Bytes("return to ")
                op.add(start.path)
                throw Failure.system(op, error)
            }
        }
        env.set("PWD", start.path)
        env.set("OLDPWD", dataDir)
    }

    /// R8: the program the container's arguments run, searched on the PATH R7 made.
    static func route(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, first: Int,
                      env: Environment, reader: inout FileReader, trace: Trace) throws(Failure) -> Command {
        let path = env.get("PATH")
        let firstArg: Bytes? = first < Int(argc) ? argv[first].map { Bytes(cString: $0) } : nil
        let route = try Routing.route(first: firstArg, isSubcommand: { name throws(Failure) in
            try isSubcommand(name, env, reader: &reader, trace)
        }, locate: { Exec.locate($0, path: path) })
        trace.record(.route(route, first: firstArg))
        var prefix: Bytes? = nil
        if case .hermes = route { prefix = Bytes(userName) }
        return Command(prefix: prefix, arguments: argv + first, argumentCount: Int(argc) - first, path: path)
    }

    /// R8: `name` is in HERMES_INIT_SUBCOMMANDS, else in the image's list, else in
    /// hermes-agent 0.19.0's; searched where it lies. An unreadable list is 111.
    static func isSubcommand(_ name: Bytes, _ env: Environment, reader: inout FileReader, _ trace: Trace) throws(Failure) -> Bool {
        if let fromEnv = env.value("HERMES_INIT_SUBCOMMANDS") {
            trace.record(.subcommands("HERMES_INIT_SUBCOMMANDS"))
            return Routing.listContains(fromEnv, name)
        }
        var found = false
        do throws(Errno) {
            try reader.withSmallFile(Routing.subcommandsFile.cString, limit: 1 << 16) { found = Routing.listContains($0, name) }
            trace.record(.subcommands(Routing.subcommandsFile))
            return found
        } catch {
            guard error == .noEntry else {
                var op = Bytes("read the subcommand list ")
                op.add(Routing.subcommandsFile)
                throw Failure.system(op, error)
            }
            trace.record(.subcommands("built in (hermes-agent 0.19.0)"))
            let builtIn = Routing.defaultSubcommands
            return Routing.listContains(UnsafeBufferPointer(start: builtIn.utf8Start, count: builtIn.utf8CodeUnitCount), name)
        }
    }

    /// B4: under a runtime's own init, a `gateway run` is told it is supervised by it.
    static func markExternallySupervised(_ command: inout Command, _ env: inout Environment, _ trace: Trace) {
        let args = command.arguments
        guard command.argumentCount >= 2, let a = args[0], let b = args[1],
              cStringEquals(a, "gateway"), cStringEquals(b, "run") else { return }
        env.set("HERMES_GATEWAY_EXTERNAL_SUPERVISOR", Bytes("1"))
        command.suffix = Bytes("--external-supervisor")
        trace.record(.gatewayExternallySupervised)
    }
}
