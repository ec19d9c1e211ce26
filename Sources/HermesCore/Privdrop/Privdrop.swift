/// `privdrop [OPTIONS] ACCOUNT PROG [ARG...]`: a drop-in for `s6-setuidgid`.
public enum Privdrop {
    /// The whole program: never returns.
    public static func main(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Never {
        let diag = Diagnostics(program: "privdrop")
        do {
            try run(argc: argc, argv: argv)
        } catch {
            if error.exitCode == ExitCode.usage {
                diag.report("fatal", error.message)
                diag.report("usage", Bytes(usageLine))
                Sys.exit(ExitCode.usage)
            }
            diag.fatal(error)
        }
    }

    static func run(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) throws(Failure) -> Never {
        try SetuidGuard.refuse()
        let options: Options
        switch try parse(argc: argc, argv: argv) {
        case .help:
            Version.printHelp(help)
        case .version:
            Version.write("privdrop")
        case .run(let o):
            options = o
        }
        let spec: UserSpec
        do { spec = try UserSpec.parse(options.account) } catch {
            var m = Bytes("invalid ACCOUNT ")
            m.add(options.account)
            m.add(": ")
            m.add(error.reason)
            throw usage(m)
        }
        if options.home && spec == .unchanged { throw usage("--home needs an ACCOUNT") }

        // Resolve everything before changing anything. The exec follows: what is read
        // is left for it to close.
        var reader = FileReader(execFollows: true)
        var envChanges = [Environment.Change]()
        if let dir = options.envdir { envChanges = try Envdir.load(dir, reader: &reader) ?? [] }
        let target = try Credentials.resolve(
            spec, needEntry: options.home,
            readPasswd: { () throws(Failure) in try AccountFiles.load(AccountFiles.passwdPath, reader: &reader) },
            readGroup: { () throws(Failure) in try AccountFiles.load(AccountFiles.groupPath, reader: &reader) })
        if options.home, let target {
            guard let entry = target.entry else {
                var m = Bytes("uid ")
                m.add(decimal: target.uid)
                m.add(" has no passwd entry to take HOME from")
                throw Failure.unable(ExitCode.account, Bytes("resolve account"), m)
            }
            envChanges.append(.set(Bytes("HOME"), entry.home))
            envChanges.append(.set(Bytes("USER"), entry.name))
            envChanges.append(.set(Bytes("LOGNAME"), entry.name))
        }
        var plan = try DropPlan.decide(target, current: CurrentIDs.read(gids: false))
        if options.keepRuntimeGroups, case .drop(var c) = plan {
            try RuntimeGroups.add(group: try AccountFiles.load(AccountFiles.groupPath, reader: &reader), to: &c.groups)
            plan = .drop(c)
        }
        let prog = UnsafePointer(argv + options.programIndex)

        if options.explain {
            Explain.write(account: options.account, plan: plan, changes: envChanges, noNewPrivs: options.noNewPrivs, argv: prog)
            Sys.exit(0)
        }
        if case .drop(let credentials) = plan { try credentials.apply() }
        if options.noNewPrivs {
            do throws(Errno) { try Sys.setNoNewPrivileges() } catch { throw Failure.system(Bytes("set no_new_privs"), error) }
        }
        if envChanges.isEmpty {
            throw Exec.run(argv: prog, envp: Sys.environment, path: Sys.getenv("PATH"))
        }
        var env = Environment.current(recording: false)
        env.apply(envChanges)
        let envp = env.render()
        throw Exec.run(argv: prog, envp: envp.pointer, path: env.get("PATH"))
    }
}
