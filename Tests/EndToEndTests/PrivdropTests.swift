import Foundation
import Testing

extension EndToEnd {
@Suite("privdrop end to end", .serialized)
struct PrivdropEndToEndTests {
    @Test("drops by name to the passwd uid and gid with /etc/group groups, in place", .enabled(if: isRoot, "requires root"))
    func dropByName() throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"echo "outer: $$"; exec "$PRIVDROP" hermes /bin/sh -c "$1""#, [probe])
        #expect(r.status == 0, "\(r.err)")
        let f = statusFields(r.out)
        #expect(f["Uid"] == "10000 10000 10000 10000")
        #expect(f["Gid"] == "10000 10000 10000 10000")
        #expect(f["Groups"] == "998 1001 10000")
        #expect(f["NoNewPrivs"] == "0")
        #expect(f["CapEff"] == "0000000000000000")
        #expect(f["CapPrm"] == "0000000000000000")
        #expect(f["outer"] != nil && f["outer"] == f["pid"], "exec in place keeps the pid")
        #expect(r.err.isEmpty)
    }

    @Test("every ACCOUNT form resolves as documented", .enabled(if: isRoot, "requires root"),
          arguments: [
            ("hermes", "10000", "10000", "998 1001 10000"),
            ("10000", "10000", "10000", "998 1001 10000"),
            ("alice", "1500", "1500", "1001 1500 1601"),
            ("hermes:1001", "10000", "1001", "1001"),
            ("hermes:docker", "10000", "998", "998"),
            ("10000:extra", "10000", "1001", "1001"),
            ("4242:4343", "4242", "4343", "4343"),
            ("0010000:000998", "10000", "998", "998"),
            ("root", "0", "0", "0"),
          ])
    func accountForms(spec: String, uid: String, gid: String, groups: String) throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"exec "$PRIVDROP" "$1" /bin/sh -c "$2""#, [spec, probe])
        #expect(r.status == 0, "\(spec): \(r.err)")
        let f = statusFields(r.out)
        #expect(f["Uid"] == Array(repeating: uid, count: 4).joined(separator: " "), "\(spec)")
        #expect(f["Gid"] == Array(repeating: gid, count: 4).joined(separator: " "), "\(spec)")
        #expect(f["Groups"] == groups, "\(spec)")
    }

    @Test("--keep-runtime-groups keeps the groups the runtime gave, never 0 or root's own from /etc/group; without it the list is the account's",
          .enabled(if: isRoot, "requires root"), arguments: [
            (["--keep-runtime-groups", "hermes"], ["998", "1001", "5000", "10000"]),
            (["hermes"], ["998", "1001", "10000"]),
            (["--keep-runtime-groups", "4242:4343"], ["4343", "5000"]),
            (["4242:4343"], ["4343"]),
          ])
    func keepRuntimeGroups(args: [String], groups: [String]) throws {
        let root = try FixtureRoot(group: fixtureGroup + "adm:x:4:root\n")
        let r = try root.sh(#"exec setpriv --groups 0,4,5000 "$PRIVDROP" "$@" /bin/sh -c 'grep "^Groups:" /proc/self/status'"#, args)
        #expect(r.status == 0, "\(args): \(r.err)")
        #expect(r.out.split(whereSeparator: { $0 == "\t" || $0 == " " || $0 == "\n" }).map(String.init) == ["Groups:"] + groups, "\(args)")
    }

    @Test("the empty ACCOUNT execs the program unchanged, as s6-setuidgid does", .enabled(if: isRoot, "requires root"))
    func emptyAccount() throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"exec setpriv --groups 4,27 "$PRIVDROP" "" /bin/sh -c "$1""#, [probe])
        #expect(r.status == 0, "\(r.err)")
        let f = statusFields(r.out)
        #expect(f["Uid"] == "0 0 0 0")
        #expect(f["Groups"] == "4 27")
    }

    @Test("unknown accounts exit 1 with a message and run nothing", .enabled(if: isRoot, "requires root"),
          arguments: [
            ("nosuch", "unknown user nosuch"),
            ("1234", "uid 1234 has no entry in /etc/passwd; give the group too, as 1234:GID"),
            ("hermes:nosuchgroup", "unknown group nosuchgroup"),
            ("nosuch:10000", "unknown user nosuch"),
            ("broken", "unknown user broken"),
            ("nis", "unknown user nis"),
          ])
    func unknownAccounts(spec: String, reason: String) throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"exec "$PRIVDROP" "$1" /bin/echo should_not_run"#, [spec])
        #expect(r.status == 1, "\(spec)")
        #expect(r.out.isEmpty)
        #expect(r.err == "privdrop: fatal: unable to resolve account: \(reason)\n")
    }

    @Test("malformed ACCOUNTs and options are usage errors (100)",
          arguments: [
            ["a:b:c", "/bin/true"], [":grp", "/bin/true"], ["user:", "/bin/true"], [":", "/bin/true"],
            ["4294967295", "/bin/true"], ["1:4294967295", "/bin/true"], ["99999999999", "/bin/true"],
            ["--bogus", "hermes", "/bin/true"], ["hermes"], [], ["--envdir"], ["--envdir=", "x", "y"],
            ["--home", "", "/bin/true"],
          ])
    func usageErrors(args: [String]) throws {
        let r = try run([privdrop] + args)
        #expect(r.status == 100, "\(args)")
        #expect(r.out.isEmpty)
        #expect(r.err.hasPrefix("privdrop: fatal: unable to parse arguments: "), "\(r.err)")
        #expect(r.err.hasSuffix("privdrop: usage: privdrop [--envdir DIR] [--home] [--no-new-privs] [--keep-runtime-groups] [--explain] ACCOUNT PROG [ARG...]\n"))
    }

    @Test("argv bytes reach the program exactly, non-UTF-8 included", .enabled(if: isRoot, "requires root"))
    func argvBytes() throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"""
        exec "$PRIVDROP" hermes /bin/sh -c 'for a; do printf "%s|" "$a" | od -An -tx1; done' prog \
          "$(printf '\377\376')" "" "a b" "$(printf 'caf\303\251')" -- --help
        """#)
        #expect(r.status == 0, "\(r.err)")
        let rows = r.lines.map { $0.split(separator: " ").joined(separator: " ") }
        #expect(rows == ["ff fe 7c", "7c", "61 20 62 7c", "63 61 66 c3 a9 7c", "2d 2d 7c", "2d 2d 68 65 6c 70 7c"])
    }

    @Test("exit codes 0-255 and death by signal pass through", .enabled(if: isRoot, "requires root"))
    func exitCodes() throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"""
        i=0
        while [ $i -le 255 ]; do
          "$PRIVDROP" hermes /bin/sh -c "exit $i"; printf '%s ' $?
          i=$((i + 1))
        done
        "$PRIVDROP" hermes /bin/sh -c 'kill -TERM $$'; printf '%s ' $?
        "$PRIVDROP" hermes /bin/sh -c 'kill -KILL $$'; printf '%s ' $?
        """#)
        let codes = r.out.split(separator: " ").map(String.init)
        #expect(codes == (0...255).map(String.init) + ["143", "137"])
        let direct = try root.sh(#"exec "$PRIVDROP" hermes /bin/sh -c 'kill -USR1 $$'"#)
        #expect(direct.signaled && direct.status == SIGUSR1, "the signal itself reaches our parent")
    }

    @Test("exec failures: 127 not found, 126 cannot execute, with exact messages", .enabled(if: isRoot, "requires root"))
    func execFailures() throws {
        let root = try FixtureRoot()
        try root.dir.write("bin/noexec", "#!/bin/sh\necho hi\n", mode: 0o644)
        try root.dir.write("bin/badinterp", "#!/nonexistent/interp -x\necho hi\n", mode: 0o755)
        try root.dir.write("bin/garbage", Data([0x00, 0x01, 0x02, 0x03]), mode: 0o755)
        let d = root.dir.path + "/bin"
        let cases: [([String], Int32, String)] = [
            (["hermes", "nosuchprog"], 127, "privdrop: fatal: unable to exec nosuchprog: not found in PATH (/usr/bin:/bin)\n"),
            (["hermes", "/nonexistent/prog"], 127, "privdrop: fatal: unable to exec /nonexistent/prog: No such file or directory\n"),
            (["hermes", d + "/noexec"], 126, "privdrop: fatal: unable to exec \(d)/noexec: Permission denied\n"),
            (["hermes", d], 126, "privdrop: fatal: unable to exec \(d): Permission denied\n"),
            (["hermes", d + "/garbage"], 126, "privdrop: fatal: unable to exec \(d)/garbage: Exec format error\n"),
            (["hermes", d + "/badinterp"], 127, "privdrop: fatal: unable to exec \(d)/badinterp: interpreter /nonexistent/interp named in its #! line not found\n"),
        ]
        for (args, code, message) in cases {
            let r = try root.sh(#"PATH=/usr/bin:/bin exec "$PRIVDROP" "$@""#, args)
            #expect(r.status == code, "\(args)")
            #expect(r.err == message, "\(args)")
            #expect(r.out.isEmpty)
        }
        // A denied file earlier in PATH does not hide a runnable one later (as execvp).
        let r = try root.sh(#"PATH="$1:/usr/bin:/bin" exec "$PRIVDROP" hermes noexec"#, [d])
        #expect(r.status == 126)
        try root.dir.write("bin2/noexec", "#!/bin/sh\necho found-later\n", mode: 0o755)
        let later = try root.sh(#"PATH="$1:$2" exec "$PRIVDROP" hermes noexec"#, [d, root.dir.path + "/bin2"])
        #expect(later.status == 0 && later.out == "found-later\n", "\(later.err)")
    }

    @Test("an unreadable /etc/passwd is a failed system call (111)", .enabled(if: isRoot, "requires root"))
    func unreadablePasswd() throws {
        let root = try FixtureRoot()
        let broken = "mount -t tmpfs none /etc && mkdir /etc/passwd && "
        let r = try root.sh(broken + #"exec "$PRIVDROP" hermes /bin/echo should_not_run"#)
        #expect(r.status == 111)
        #expect(r.out.isEmpty)
        #expect(r.err == "privdrop: fatal: unable to read /etc/passwd: Is a directory\n")
        // uid:gid needs no file at all.
        let numeric = try root.sh(broken + #"exec "$PRIVDROP" 4242:4343 /bin/echo ran"#)
        #expect(numeric.status == 0 && numeric.out == "ran\n")
    }

    @Test("already the target uid: exec unchanged, extra groups kept", .enabled(if: isRoot, "requires root"))
    func sameUidKeepsGroups() throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"exec setpriv --reuid 10000 --regid 10000 --groups 10000,4321,1001 "$PRIVDROP" hermes /bin/sh -c "$1""#, [probe])
        #expect(r.status == 0, "\(r.err)")
        let f = statusFields(r.out)
        #expect(f["Uid"] == "10000 10000 10000 10000")
        #expect(f["Groups"] == "1001 4321 10000")
    }

    @Test("non-root asking for another uid: 111 and a reason", .enabled(if: isRoot, "requires root"))
    func nonRootOtherTarget() throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"exec setpriv --reuid 1500 --regid 1500 --clear-groups "$PRIVDROP" hermes /bin/echo should_not_run"#)
        #expect(r.status == 111)
        #expect(r.out.isEmpty)
        #expect(r.err == "privdrop: fatal: unable to switch to uid 10000: running as uid 1500 without root privileges\n")
    }

    @Test("environment, cwd, umask and fds are untouched unless asked", .enabled(if: isRoot, "requires root"))
    func untouched() throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"""
        cd /tmp && umask 027 && exec 7</dev/null
        for f in /proc/$$/fd/*; do printf "%s " "${f##*/}"; done; echo
        exec env -i A=1 'B=x y' PATH=/usr/bin:/bin HOME=/root "$PRIVDROP" hermes /bin/sh -c '
          pwd; umask; readlink /proc/$$/fd/7; for f in /proc/$$/fd/*; do printf "%s " "${f##*/}"; done; echo; env | sort'
        """#)
        #expect(r.status == 0, "\(r.err)")
        let lines = r.lines
        #expect(lines.count == 10)
        #expect(lines[0].contains(" 7 "), "fd 7 is open before")
        // Listed by the shell itself (a glob: its own directory fd shows, the same in both),
        // not by `ls | tr`, where the shell may still hold the pipe's fd while ls reads its
        // fd directory (a 3 that came and went, seen in CI).
        #expect(lines[4] == lines[0], "the program has exactly the fds privdrop was given")
        #expect(Array(lines[1...3]) + Array(lines[5...]) == ["/tmp", "0027", "/dev/null", "A=1", "B=x y", "HOME=/root", "PATH=/usr/bin:/bin", "PWD=/tmp"])
    }

    @Test("--home sets HOME, USER and LOGNAME from the passwd entry", .enabled(if: isRoot, "requires root"))
    func home() throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"exec env -i HOME=/root USER=root PATH=/usr/bin:/bin "$PRIVDROP" --home hermes /usr/bin/env"#)
        #expect(r.status == 0, "\(r.err)")
        // HOME and USER are replaced where they were, LOGNAME comes last. "Where they
        // were" is the order privdrop was given (qemu-user hands a program its
        // environment reversed), read from privdrop "" with the same environment.
        let given = try root.sh(#"exec env -i HOME=/root USER=root PATH=/usr/bin:/bin "$PRIVDROP" "" /usr/bin/env"#).lines
        #expect(Set(given) == ["HOME=/root", "USER=root", "PATH=/usr/bin:/bin"])
        let expected = given.map { ["HOME=/root": "HOME=/opt/data", "USER=root": "USER=hermes"][$0] ?? $0 } + ["LOGNAME=hermes"]
        #expect(r.lines == expected)
        let missing = try root.sh(#"exec "$PRIVDROP" --home 4242:4343 /usr/bin/env"#)
        #expect(missing.status == 1)
        #expect(missing.err == "privdrop: fatal: unable to resolve account: uid 4242 has no passwd entry to take HOME from\n")
    }

    @Test("--no-new-privs sets NoNewPrivs", .enabled(if: isRoot, "requires root"))
    func noNewPrivs() throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"exec "$PRIVDROP" --no-new-privs hermes /bin/sh -c "$1""#, [probe])
        #expect(r.status == 0)
        #expect(statusFields(r.out)["NoNewPrivs"] == "1")
    }

    @Test("--envdir loads variables with with-contenv's rules", .enabled(if: isRoot, "requires root"))
    func envdir() throws {
        let root = try FixtureRoot()
        let d = try TempDir()
        // As s6-overlay 3.2.2.0+ writes them: each value followed by one newline.
        try d.write("env/PLAIN", "value\n")
        try d.write("env/NEWLINE", "line1\nline2\n\n")
        try d.write("env/NULS", Data([0x61, 0x00, 0x62, 0x0A]))
        try d.write("env/EMPTY", "")
        try d.write("env/SETEMPTY", "\n")
        try d.write("env/.hidden", "no\n")
        try d.write("env/SPACES", "  x  \n")
        try d.write("env/BYTES", Data([0xFF, 0xFE, 0x0A]))
        let r = try root.sh(#"""
        exec env -i EMPTY=was-set SETEMPTY=old KEEP=1 PLAIN=old PATH=/usr/bin:/bin "$PRIVDROP" --envdir "$1" hermes /bin/sh -c '
          for v in PLAIN NEWLINE NULS SPACES BYTES KEEP; do printf "%s=%s|" "$v" "$(eval printf %s \"\$$v\" | od -An -c | tr -s " ")"; done
          printf "EMPTY=%s|SETEMPTY=[%s]" "${EMPTY-unset}" "${SETEMPTY-unset}"'
        """#, [d.path + "/env"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == #"PLAIN= v a l u e|NEWLINE= l i n e 1 \n l i n e 2 \n|NULS= a \n b|SPACES= x |BYTES= 377 376|KEEP= 1|EMPTY=unset|SETEMPTY=[]"#)
        let missing = try root.sh(#"exec "$PRIVDROP" --envdir /nonexistent hermes /bin/echo should_not_run"#)
        #expect(missing.status == 111)
        #expect(missing.err == "privdrop: fatal: unable to read environment directory /nonexistent: No such file or directory\n")
    }

    @Test("--envdir gives exactly what the real s6-overlay's with-contenv (s6-envdir -Lf) gives", arguments: s6OverlayVersions)
    func envdirAsWithContenv(version: String) throws {
        let s6 = try s6OverlayRoot(version)
        // The flags come from the release's own with-contenv, not from a description of it.
        let withContenv = try String(contentsOfFile: s6 + "/package/admin/s6-overlay/command/with-contenv", encoding: .utf8)
        #expect(withContenv.contains("s6-envdir -Lf -- /run/s6/container_environment"))
        let d = try TempDir()
        let files: [(String, [UInt8])] = [
            ("PLAIN", Array("bar\n".utf8)), ("NOLF", Array("bar".utf8)), ("ONLYLF", [0x0A]), ("EMPTY", []),
            ("TWOLF", Array("x\n\n".utf8)), ("CRLF", Array("x\r\n".utf8)), ("MULTI", Array("a\nb\n".utf8)),
            ("NULLF", [0x61, 0x00, 0x0A]), ("LFNUL", [0x61, 0x0A, 0x00]), ("TRAIL", Array("x \t\n".utf8)),
            ("BYTES", [0xC3, 0xA9, 0xFF, 0x01, 0x0A]), ("LEAD", Array("\n\nx\n".utf8)), (".hidden", Array("no\n".utf8)),
            ("LONG", Array(repeating: 0x61, count: 1023) + [0x0A]), ("LONGER", Array(repeating: 0x62, count: 5000) + [0x0A]),
            ("EXACT", Array(repeating: 0x63, count: 1024)),
            ("A=B", Array("no\n".utf8)),
        ]
        for (name, bytes) in files { try d.write("env/" + name, Data(bytes)) }
        func environment(_ argv: [String]) throws -> [Data] {
            let r = try run(["/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "EMPTY=was-set", "ONLYLF=old"] + argv + ["/usr/bin/env", "-0"])
            #expect(r.status == 0, "\(argv[0]): \(r.err)")
            return r.stdout.split(separator: 0, omittingEmptySubsequences: true).map { Data($0) }.sorted { $0.lexicographicallyPrecedes($1) }
        }
        let reference = try environment([s6 + "/command/s6-envdir", "-Lf", "--", d.path + "/env"])
        let ours = try environment([privdrop, "--envdir", d.path + "/env", ""])
        #expect(reference.contains(Data("PLAIN=bar".utf8)) && reference.contains(Data("ONLYLF=".utf8)), "the reference loaded the directory")
        #expect(ours == reference, "\(ours.map { String(decoding: $0, as: UTF8.self) }) vs \(reference.map { String(decoding: $0, as: UTF8.self) })")
    }

    @Test("--explain prints the plan and runs nothing", .enabled(if: isRoot, "requires root"))
    func explain() throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"exec env -i PATH=/usr/bin:/bin "$PRIVDROP" --explain --home --no-new-privs hermes id -u"#)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.lines == ["account=hermes", "mode=drop", "uid=10000", "gid=10000", "groups=10000,998,1001",
                            "no_new_privs=1", "program=/usr/bin/id", "setenv=HOME=/opt/data", "setenv=USER=hermes",
                            "setenv=LOGNAME=hermes"])
    }

    @Test("--help and --version go to stdout and exit 0")
    func helpAndVersion() throws {
        let h = try run([privdrop, "--help"])
        #expect(h.status == 0 && h.out.hasPrefix("usage: privdrop [OPTIONS] ACCOUNT PROG [ARG...]") && h.err.isEmpty)
        let v = try run([privdrop, "--version"])
        #expect(v.status == 0 && v.out == "privdrop 0.1.0\n")
        // After ACCOUNT, everything belongs to the program.
        let p = try run([privdrop, "", "/usr/bin/printf", "%s\\n", "--help"])
        #expect(p.status == 0 && p.out == "--help\n")
    }
}
}
