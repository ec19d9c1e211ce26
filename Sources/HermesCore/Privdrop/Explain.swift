/// `--explain`: what would be done, as `key=value` lines on stdout. Changes nothing.
enum Explain {
    static func lines(
        account: Bytes, plan: DropPlan, changes: [Environment.Change], noNewPrivs: Bool,
        program: Bytes, resolved: Bytes?
    ) -> Bytes {
        var out = Bytes()
        func line(_ key: StaticString, _ value: Bytes) {
            out.add(key)
            out.append(0x3D)
            out.add(value)
            out.append(0x0A)
        }
        func ids(_ list: [UInt32]) -> Bytes {
            var b = Bytes()
            for (i, g) in list.enumerated() {
                if i > 0 { b.append(0x2C) }
                b.add(decimal: g)
            }
            return b
        }
        line("account", account)
        switch plan {
        case .drop(let c):
            line("mode", Bytes("drop"))
            line("uid", ids([c.uid]))
            line("gid", ids([c.gid]))
            line("groups", ids(c.groups))
        case .alreadyTarget, .unchanged:
            line("mode", plan == .unchanged ? Bytes("unchanged") : Bytes("already-target"))
            let now = CurrentIDs.read()
            line("uid", ids([now.euid]))
            line("gid", ids([now.egid]))
            line("groups", ids((try? Sys.supplementaryGroups()) ?? []))
        }
        line("no_new_privs", noNewPrivs ? Bytes("1") : Bytes("0"))
        line("program", resolved ?? program)
        if resolved == nil { line("program_error", Bytes("not found")) }
        for c in changes {
            switch c {
            case .set(let n, let v):
                var kv = n
                kv.append(0x3D)
                kv.add(v)
                line("setenv", kv)
            case .unset(let n):
                line("unsetenv", n)
            }
        }
        return out
    }

    static func write(account: Bytes, plan: DropPlan, changes: [Environment.Change], noNewPrivs: Bool,
                      argv: UnsafePointer<UnsafeMutablePointer<CChar>?>) {
        var env = Environment.current(recording: false)
        env.apply(changes)
        let program = Bytes(cString: argv[0]!)
        let resolved = Exec.locate(program, path: env.get("PATH"))
        Sys.writeAll(1, lines(account: account, plan: plan, changes: changes, noNewPrivs: noNewPrivs,
                              program: program, resolved: resolved))
    }
}
