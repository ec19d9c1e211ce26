/// privdrop's command line: its help, options and ACCOUNT, parsed from argv alone.
extension Privdrop {
    static let usageLine: StaticString = "privdrop [--envdir DIR] [--home] [--no-new-privs] [--keep-runtime-groups] [--explain] ACCOUNT PROG [ARG...]"

    static let help: StaticString = """
    usage: privdrop [OPTIONS] ACCOUNT PROG [ARG...]

    Become ACCOUNT, then exec PROG in place (same pid, fds, cwd, umask, session, TTY).

    ACCOUNT
      name | uid        passwd entry's uid and primary gid, plus its /etc/group groups
      user:group        that uid and exactly that one group (names or numbers)
      uid:gid           numbers; no passwd or group entry needed
      ""                change nothing, just exec PROG
    As root the groups, gid and uid are set in that order and verified. Already running
    as the target uid (not root), PROG runs unchanged and keeps its groups. Any other
    non-root caller is refused.

    OPTIONS
      --envdir DIR      first load DIR as s6-overlay's with-contenv does
                        (s6-envdir -Lf: one variable a file, less one newline)
      --home            set HOME, USER and LOGNAME from the passwd entry
      --no-new-privs    set no_new_privs before the exec
      --keep-runtime-groups
                        as root, also keep the groups the container runtime gave
                        (--group-add, supplementalGroups): every current group
                        but 0 and those /etc/group gives root
      --explain         print what would be done as key=value lines on stdout, exit 0
      --help            print this help
      --version         print the version
      --                end of options

    The rules (D1-D9) and the exit codes: docs/contract.md; the options in full:
    docs/privdrop.md.

    """

    struct Options: Equatable {
        var envdir: Bytes? = nil
        var home = false
        var noNewPrivs = false
        /// Keep the groups the container runtime gave (RuntimeGroups) across the drop.
        var keepRuntimeGroups = false
        var explain = false
        var account = Bytes()
        /// Index in argv of PROG.
        var programIndex = 0
    }

    enum Command: Equatable {
        case help
        case version
        case run(Options)
    }

    static func usage(_ reason: StaticString) -> Failure {
        usage(Bytes(reason))
    }

    static func usage(_ reason: Bytes) -> Failure {
        Failure.unable(ExitCode.usage, Bytes("parse arguments"), reason)
    }

    /// Parses options and ACCOUNT. Pure: looks at argv only.
    static func parse(argc: Int32, argv: UnsafePointer<UnsafeMutablePointer<CChar>?>) throws(Failure) -> Command {
        var o = Options()
        var i = 1
        let n = Int(argc)
        while i < n, let a = argv[i] {
            if a[0] != 0x2D || a[1] == 0 { break }  // not an option (or a lone "-")
            if cStringEquals(a, "--") { i += 1; break }
            if cStringEquals(a, "--help") { return .help }
            if cStringEquals(a, "--version") { return .version }
            if cStringEquals(a, "--home") {
                o.home = true
            } else if cStringEquals(a, "--no-new-privs") {
                o.noNewPrivs = true
            } else if cStringEquals(a, "--keep-runtime-groups") {
                o.keepRuntimeGroups = true
            } else if cStringEquals(a, "--explain") {
                o.explain = true
            } else if cStringEquals(a, "--envdir") {
                i += 1
                guard i < n, let d = argv[i], d[0] != 0 else { throw usage("--envdir needs a directory") }
                o.envdir = Bytes(cString: d)
            } else if cStringHasPrefix(a, "--envdir=") {
                let d = Bytes(cString: a + 9)
                if d.isEmpty { throw usage("--envdir needs a directory") }
                o.envdir = d
            } else {
                var m = Bytes("unknown option ")
                m.add(cString: a)
                throw usage(m)
            }
            i += 1
        }
        guard i < n, let account = argv[i] else { throw usage("missing ACCOUNT") }
        o.account = Bytes(cString: account)
        i += 1
        guard i < n, argv[i] != nil else { throw usage("missing PROG") }
        o.programIndex = i
        return .run(o)
    }
}
