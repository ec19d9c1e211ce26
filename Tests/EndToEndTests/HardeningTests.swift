import Foundation
import Testing

/// Starts the rest of the command line with no fd above 2, so that any fd the program
/// sees beyond its own was opened by the binary under test.
let cleanFDs = #"/usr/bin/python3 -c 'import os, sys; os.closerange(3, 1 << 20); os.execvp(sys.argv[1], sys.argv[1:])' "#

/// Hostile input and privilege proofs, end to end with the real binaries.
extension EndToEnd {
@Suite("hardening: hostile input and privilege proofs", .serialized, .enabled(if: isRoot, "requires root"))
struct HardeningTests {
    // MARK: hostile account files

    @Test("very long lines, NUL bytes, ids of 2^32-1 and beyond: malformed lines never match")
    func hostileAccountFiles() throws {
        let long = String(repeating: "g", count: 200_000)
        let passwd = """
        hermes:x:10000:10000:\(long):/opt/data:/bin/sh
        maxuid:x:4294967295:1::/:/bin/sh
        bigger:x:4294967296:1::/:/bin/sh
        nul:x:1\u{0}2:1::/:/bin/sh
        nul:x:3:3::/ok:/bin/sh

        """
        let group = """
        hermes:x:10000:
        maxgid:x:4294967295:hermes
        \(long):x:77:hermes
        withnul:x:78:her\u{0}mes
        late:x:79:hermes

        """
        let root = try FixtureRoot(passwd: passwd, group: group)
        let r = try root.sh(#"exec "$PRIVDROP" hermes /bin/sh -c "$1""#, [probe])
        #expect(r.status == 0, "\(r.err)")
        #expect(statusFields(r.out)["Groups"] == "77 79 10000", "the 4294967295 and NUL lines are skipped")
        for spec in ["maxuid", "bigger"] {
            let bad = try root.sh(#"exec "$PRIVDROP" "$1" /bin/true"#, [spec])
            #expect(bad.status == 1 && bad.err.contains("unknown user \(spec)"))
        }
        let nul = try root.sh(#"exec "$PRIVDROP" nul /usr/bin/id -u"#)
        #expect(nul.out == "3\n", "the line with a NUL is skipped, the next one matches")
        let explicit = try root.sh(#"exec "$PRIVDROP" hermes:maxgid /bin/true"#)
        #expect(explicit.status == 1 && explicit.err.contains("unknown group maxgid"))
    }

    @Test("10 000 groups are installed whole")
    func manyGroups() throws {
        var group = "hermes:x:10000:\n"
        for i in 0..<10_000 { group += "g\(i):x:\(20_000 + i):other,hermes\n" }
        let root = try FixtureRoot(group: group)
        let r = try root.sh(#"exec "$PRIVDROP" hermes /bin/sh -c 'grep "^Groups:" /proc/$$/status | wc -w'"#)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out == "10002\n", "the word Groups: plus 10001 gids")
    }

    @Test("more groups than the kernel allows is a clear error, never a truncated list")
    func tooManyGroups() throws {
        var group = ""
        group.reserveCapacity(2_000_000)
        for i in 0..<65_536 { group += "g\(i):x:\(100_000 + i):hermes\n" }
        let root = try FixtureRoot(group: group)
        let r = try root.sh(#"exec "$PRIVDROP" hermes /bin/echo should_not_run"#)
        #expect(r.status == 111)
        #expect(r.out.isEmpty)
        #expect(r.err == "privdrop: fatal: unable to set supplementary group list: the account is in 65537 groups and the kernel allows 65536\n")
    }

    @Test("a home that does not exist is passed on as it is; nothing enters it")
    func missingHome() throws {
        let root = try FixtureRoot(passwd: "ghost:x:4000:4000::/no/such/home:/bin/sh\n", group: "")
        let r = try root.sh(#"cd /tmp && exec "$PRIVDROP" --home ghost /bin/sh -c 'echo "$HOME $(pwd)"'"#)
        #expect(r.out == "/no/such/home /tmp\n", "\(r.err)")
    }

    // MARK: hostile envdirs

    @Test("envdir: symlinks followed, '=' names skipped, non-ASCII names loaded")
    func envdirNames() throws {
        let root = try FixtureRoot()
        let d = try TempDir()
        try d.write("target", "via-link")
        try d.write("env/A=B", "skipped")
        try d.write("env/CAFÉ", "accent")
        try d.mkdir("env")
        symlink(d.path + "/target", d.path + "/env/LINKED")
        let r = try root.sh(#"exec env -i PATH=/usr/bin:/bin "$PRIVDROP" --envdir "$1" hermes /usr/bin/env"#, [d.path + "/env"])
        #expect(r.status == 0, "\(r.err)")
        #expect(Set(r.lines) == ["PATH=/usr/bin:/bin", "CAFÉ=accent", "LINKED=via-link"])
    }

    @Test("envdir: subdirectories, FIFOs, unreadable and huge files are errors (111) and nothing runs",
          arguments: ["subdir", "fifo", "unreadable", "huge", "dangling"])
    func envdirErrors(kind: String) throws {
        let root = try FixtureRoot()
        let d = try TempDir()
        try d.mkdir("env", mode: 0o755)
        try d.write("env/OK", "fine")
        var prefix = ""
        var reason = ""
        switch kind {
        case "subdir":
            try d.mkdir("env/BAD")
            reason = "Is a directory"
        case "fifo":
            mkfifo(d.path + "/env/BAD", 0o644)
            reason = "not a regular file"
        case "unreadable":
            try d.write("env/BAD", "secret", mode: 0o000)
            chown(d.path + "/env/BAD", 0, 0)
            // As hermes (the same-uid path), which cannot read a mode-000 file of root's.
            prefix = "setpriv --reuid 10000 --regid 10000 --clear-groups "
            reason = "Permission denied"
        case "huge":
            try d.write("env/BAD", Data(repeating: 0x61, count: 200_000))
            reason = "File too large"
        default:
            symlink("/nonexistent/target", d.path + "/env/BAD")
            reason = "No such file or directory"
        }
        let r = try root.sh(#"exec \#(prefix)"$PRIVDROP" --envdir "$1" hermes /bin/echo should_not_run"#, [d.path + "/env"])
        #expect(r.status == 111, "\(kind): \(r.err)")
        #expect(r.out.isEmpty)
        #expect(r.err == "privdrop: fatal: unable to read environment directory \(d.path)/env: file BAD: \(reason)\n", "\(kind)")
    }

    // MARK: hostile argv and PATH

    @Test("100 000 arguments pass through")
    func manyArguments() throws {
        let root = try FixtureRoot()
        let r = try root.sh(#"set -- $(seq 100000); exec "$PRIVDROP" hermes /bin/sh -c 'echo "$# $1 ${100000}"' sh "$@""#)
        #expect(r.out == "100000 1 100000\n", "\(r.err)")
    }

    @Test("PATH with a very long entry, an empty entry, and a denied directory")
    func hostilePath() throws {
        let root = try FixtureRoot()
        let d = try TempDir()
        try d.write("bin/prog", "#!/bin/sh\necho found-in-cwd\n", mode: 0o755)
        let long = "/" + String(repeating: "x", count: 5000)
        let r = try root.sh(#"cd "$2/bin" && PATH="$1:/usr/bin:/bin" exec "$PRIVDROP" hermes id -u"#, [long, d.path])
        #expect(r.out == "10000\n", "a too-long entry is skipped: \(r.err)")
        let empty = try root.sh(#"cd "$1/bin" && PATH="/nonexistent::/usr/bin" exec "$PRIVDROP" hermes prog"#, [d.path])
        #expect(empty.out == "found-in-cwd\n", "an empty entry is the current directory: \(empty.err)")
        let denied = try root.sh(#"mkdir -p /tmp/denied-$$ && chmod 700 /tmp/denied-$$ && PATH="/tmp/denied-$$:/usr/bin" exec "$PRIVDROP" hermes id -u; "#)
        #expect(denied.out == "10000\n", "a directory hermes cannot search hides nothing: \(denied.err)")
    }

    // MARK: privilege proofs

    @Test("after every drop: root cannot be regained, no capabilities, none of root's groups, no fd of ours",
          arguments: [
            // (ACCOUNT, the exact group list after the drop: the fixture's /etc/group)
            ("hermes", "[998, 1001, 10000]"), ("10000", "[998, 1001, 10000]"), ("hermes:1001", "[1001]"),
            ("4242:4343", "[4343]"), ("alice", "[1001, 1500, 1601]"),
          ])
    func privilegeProof(spec: String, expectedGroups: String) throws {
        let root = try FixtureRoot()
        let check = #"""
        import os
        try:
            os.setuid(0); print("REGAINED-UID")
        except PermissionError:
            pass
        try:
            os.setgid(0); print("REGAINED-GID")
        except PermissionError:
            pass
        try:
            os.setgroups([0]); print("REGAINED-GROUPS")
        except PermissionError:
            pass
        st = dict(l.split(":\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\t" in l)
        print("CapEff", st["CapEff"].strip(), "CapPrm", st["CapPrm"].strip(), "CapAmb", st["CapAmb"].strip())
        print("groups", sorted(os.getgroups()))
        print("fds", sorted(int(f) for f in os.listdir("/proc/self/fd")))
        """#
        let d = try TempDir()
        try d.write("env/X", "1")
        let r = try root.sh(#"exec setpriv --groups 0,4,27 "# + cleanFDs + #""$PRIVDROP" --envdir "$1" "$2" /usr/bin/python3 -c "$3""#,
                            [d.path + "/env", spec, check])
        #expect(r.status == 0, "\(spec): \(r.err)")
        #expect(!r.out.contains("REGAINED"), "\(spec)")
        #expect(r.lines.contains("CapEff 0000000000000000 CapPrm 0000000000000000 CapAmb 0000000000000000"), "\(spec)")
        // Exactly the account's groups: none of root's 0, 4, 27 left, none added.
        #expect(r.lines.contains("groups " + expectedGroups), "\(spec): \(r.out)")
        // Python itself opens one fd to list the directory: 0, 1, 2 and that one.
        #expect(r.lines.contains("fds [0, 1, 2, 3]"), "\(spec): \(r.out)")
    }

    @Test("hermes-init's program, in exec and in PID-1 mode, gets no fd of ours and cannot regain root")
    func hermesInitProof() throws {
        let fx = HermesFixture.shared
        let check = #"import os; print(sorted(int(f) for f in os.listdir('/proc/self/fd'))); print(os.getuid(), os.geteuid())"#
        let exec = try fx.sh(#"exec "# + cleanFDs + #""$HI" /usr/bin/python3 -c "$1""#, [check])
        #expect(exec.lines == ["[0, 1, 2, 3]", "10000 10000"], "\(exec.err)")
        let pid1 = try fx.sh(#"exec "# + cleanFDs + #"unshare --pid --fork --mount-proc "$HI" /usr/bin/python3 -c "$1""#, [check],
                             env: ["PATH": "/usr/bin:/bin", "HERMES_HOME": "/opt/data"])
        #expect(pid1.lines == ["[0, 1, 2, 3]", "10000 10000"], "\(pid1.err)")
    }

    @Test("root without SETGID or SETUID (a hardened runtime dropped it): the message names the capability and how to add it",
          arguments: [("setgid", "SETGID", "set supplementary group list"), ("setuid", "SETUID", "setuid 10000")])
    func missingCapability(bounding: String, capability: String, op: String) throws {
        let root = try FixtureRoot()
        // Root's capabilities come from the bounding set at exec: without the one, the
        // call that needs it fails with EPERM.
        let r = try root.sh(#"exec setpriv --bounding-set=-"$1" "$PRIVDROP" hermes /bin/echo ran"#, [bounding])
        #expect(r.status == 111 && r.out.isEmpty, "\(r.err)")
        #expect(r.err == "privdrop: fatal: unable to \(op): Operation not permitted (this process lacks the \(capability) capability: add it, as with docker run --cap-add \(capability) or securityContext.capabilities.add: [\(capability)] in Kubernetes)\n")
        let fx = HermesFixture.shared
        let h = try fx.sh(#"exec setpriv --bounding-set=-"$1" "$HI" /bin/echo ran"#, [bounding])
        #expect(h.status == 111 && h.out.isEmpty, "\(h.err)")
        #expect(h.err.hasPrefix("hermes-init: fatal: unable to \(op): Operation not permitted (this process lacks the \(capability) capability"), "\(h.err)")
        // With the capability there, the same drop works: the message is not a guess.
        let ok = try root.sh(#"exec setpriv --bounding-set=-sys_admin "$PRIVDROP" hermes /bin/echo ran"#)
        #expect(ok.status == 0 && ok.out == "ran\n", "\(ok.err)")
    }

    @Test("privdrop and hermes-init refuse to run when installed setuid or setgid",
          .disabled(if: binariesEmulated, "through qemu-user's binfmt entry (no C flag) setuid bits are not applied"),
          arguments: ["4755", "2755"])
    func refuseSetuid(mode: String) throws {
        let root = try FixtureRoot()
        let d = try TempDir()
        let r = try root.sh(#"""
        mount -t tmpfs -o mode=0755 none "$1"
        cp "$PRIVDROP" "$1/privdrop" && cp "$HERMES_INIT" "$1/hermes-init" && chmod "$2" "$1/privdrop" "$1/hermes-init"
        setpriv --reuid 1500 --regid 1500 --clear-groups "$1/privdrop" alice /bin/echo should_not_run; echo "privdrop=$?"
        setpriv --reuid 1500 --regid 1500 --clear-groups "$1/hermes-init" /bin/echo should_not_run; echo "hermes-init=$?"
        """#, [d.path, mode])
        #expect(r.lines == ["privdrop=78", "hermes-init=78"], "\(r.err)")
        #expect(r.err == "privdrop: fatal: unable to start: refusing to run as a setuid or setgid program\nhermes-init: fatal: unable to start: refusing to run as a setuid or setgid program\n")
    }
}
}
