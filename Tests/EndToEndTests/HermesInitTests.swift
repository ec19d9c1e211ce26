import Foundation
import Testing

/// The environment hermes-init gives the program when /init started it with a scrubbed
/// environment (PATH only) and the fixture's container environment.
let expectedEnvironment = [
    "AGENT_BROWSER_EXECUTABLE_PATH=/usr/bin/chromium",
    "EMPTY=",
    "FOO=bar",
    "HERMES_HOME=/opt/data",
    "HOME=/opt/data",
    "HOSTNAME=c0ffee",
    "OLDPWD=/opt/data",
    "PATH=/opt/hermes/.venv/bin:/opt/hermes/bin:/opt/hermes/.venv/bin:/opt/data/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "PWD=/opt/hermes",
    "VIRTUAL_ENV=/opt/hermes/.venv",
    "VIRTUAL_ENV_PROMPT=(.venv) ",
]

extension EndToEnd {
@Suite("hermes-init end to end", .serialized, .enabled(if: isRoot, "requires root"))
struct HermesInitEndToEndTests {
    let fx = HermesFixture.shared

    // MARK: R2 environment

    @Test("R2/R4/R7: scrubbed start loads the container environment; the full result is exact")
    func scrubbedEnvironment() throws {
        let r = try fx.sh(#"exec "$HI" /usr/bin/env"#)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.lines.sorted() == expectedEnvironment)
        #expect(r.err.isEmpty)
    }

    @Test("R2: no load when HERMES_HOME is set, when S6_KEEP_ENV=1, or with no envdir")
    func noRehydration() throws {
        let kept = try fx.sh(#"exec env -i PATH=/usr/bin:/bin HERMES_HOME=/opt/data/profiles/work KEEP=1 "$HI" /usr/bin/env"#)
        #expect(kept.status == 0, "\(kept.err)")
        #expect(kept.lines.sorted() == [
            "HERMES_HOME=/opt/data/profiles/work", "HOME=/opt/data", "KEEP=1", "OLDPWD=/opt/data",
            "PATH=/opt/hermes/.venv/bin:/usr/bin:/bin", "PWD=/opt/hermes", "VIRTUAL_ENV=/opt/hermes/.venv",
            "VIRTUAL_ENV_PROMPT=(.venv) ",
        ])
        let keepEnv = try fx.sh(#"exec env -i PATH=/usr/bin:/bin S6_KEEP_ENV=1 "$HI" /bin/sh -c 'echo "${FOO-unset} $HOME $HERMES_HOME"'"#)
        #expect(keepEnv.out == "unset /opt/data \n", "S6_KEEP_ENV=1: nothing loaded; HERMES_HOME not invented (the release's wrapper has no fallback)")
        let noDir = try fx.sh(#"umount /run; exec env -i PATH=/usr/bin:/bin "$HI" /bin/sh -c 'echo "${FOO-unset} ${HERMES_HOME-unset}"'"#)
        #expect(noDir.out == "unset unset\n")
        // The development wrapper's loop breaker is an ordinary variable now, as in the
        // release's wrapper: it neither stops the load nor survives it (with-contenv keeps PATH only).
        let guarded = try fx.sh(#"exec env -i PATH=/usr/bin:/bin HERMES_MAIN_WRAPPER_ENV_READY=1 "$HI" /bin/sh -c 'echo "${FOO-unset} ${HERMES_MAIN_WRAPPER_ENV_READY-gone}"'"#)
        #expect(guarded.out == "bar gone\n")
        let loaded = try fx.sh(#"exec "$HI" /bin/sh -c 'echo "[${EMPTY-unset}] ${GONE-unset}"'"#)
        #expect(loaded.out == "[] unset\n", "a file holding one newline is set and empty; an empty file unsets")
    }

    @Test("R2: values written into the envdir just before the start are seen")
    func lateEnvdirWrite() throws {
        let r = try fx.sh(#"printf '/late/chrome\n' > /run/s6/container_environment/LATE; exec "$HI" /bin/sh -c 'echo "$LATE"'; "#)
        #expect(r.out == "/late/chrome\n")
    }

    // MARK: R3 --user guard

    @Test("R3: a non-hermes uid is refused with guidance on stderr, exit 1, nothing run")
    func userGuard() throws {
        let r = try fx.sh(#"exec setpriv --reuid 1000 --regid 1000 --clear-groups "$HI" /bin/echo should_not_reach"#)
        #expect(r.status == 1)
        #expect(r.out.isEmpty)
        #expect(r.err.contains("not supported"))
        #expect(r.err.contains("HERMES_UID") && r.err.contains("PUID"))
        #expect(r.err.hasPrefix("hermes-init: fatal: unable to run as uid 1000: the container was started with --user 1000 (not hermes's uid 10000), which is not supported\nhermes-init: hint: "))
    }

    @Test("R3/R9: started as hermes's uid: no drop, Docker-granted groups kept")
    func startedAsHermes() throws {
        let r = try fx.sh(#"exec setpriv --reuid 10000 --regid 10000 --groups 10000,1001,4321 "$HI" /bin/sh -c "$1""#, [probe])
        #expect(r.status == 0, "\(r.err)")
        let f = statusFields(r.out)
        #expect(f["Uid"] == "10000 10000 10000 10000")
        #expect(f["Groups"] == "1001 4321 10000")
    }

    // MARK: R9 drop

    @Test("R9: as root it drops to hermes with /etc/group groups; root's gid 0 is gone; exec in place")
    func drop() throws {
        let r = try fx.sh(#"echo "outer: $$"; exec setpriv --groups 0 "$HI" /bin/sh -c "$1""#, [probe])
        #expect(r.status == 0, "\(r.err)")
        let f = statusFields(r.out)
        #expect(f["Uid"] == "10000 10000 10000 10000")
        #expect(f["Gid"] == "10000 10000 10000 10000")
        #expect(f["Groups"] == "998 1001 10000")
        #expect(f["CapEff"] == "0000000000000000")
        #expect(f["outer"] == f["pid"], "exec in place: no process left behind")
    }

    @Test("R9: groups the runtime gave (--group-add, supplementalGroups) survive the drop; gid 0 does not")
    func runtimeGroups() throws {
        let groups = #"exec setpriv --groups "$1" "$HI" /bin/sh -c 'grep "^Groups:" /proc/self/status'"#
        let given = try fx.sh(groups, ["0,5000,998"])
        #expect(given.status == 0, "\(given.err)")
        #expect(given.out.split(whereSeparator: { $0 == "\t" || $0 == " " || $0 == "\n" }) == ["Groups:", "998", "1001", "5000", "10000"])
        let none = try fx.sh(groups, ["0"])
        #expect(none.out.split(whereSeparator: { $0 == "\t" || $0 == " " || $0 == "\n" }) == ["Groups:", "998", "1001", "10000"])
    }

    @Test("R9: the hermes account is read at run time (a remapped uid is honoured)")
    func remapped() throws {
        let r = try fx.sh(#"""
        sed 's/^hermes:x:10000:10000:/hermes:x:2000:2001:/' "$FIX/etc/passwd" > /tmp/passwd.remap
        mount --bind /tmp/passwd.remap /etc/passwd
        exec "$HI" sh -c 'id -u; id -g'

        """#)
        #expect(r.lines == ["2000", "2001"], "\(r.err)")
    }

    // MARK: R6 cwd

    @Test("R6: the program starts in the start directory, or HERMES_ORIG_CWD")
    func cwd() throws {
        #expect(try fx.sh(#"exec "$HI" /bin/pwd"#).out == "/opt/hermes\n")
        #expect(try fx.sh(#"cd /tmp && exec "$HI" /bin/pwd"#).out == "/tmp\n")
        // Under /init, HERMES_ORIG_CWD comes from the container environment.
        #expect(try fx.sh(#"printf '/opt\n' > /run/s6/container_environment/HERMES_ORIG_CWD; cd /tmp && exec "$HI" /bin/pwd"#).out == "/opt\n")
        #expect(try fx.sh(#"printf '\n' > /run/s6/container_environment/HERMES_ORIG_CWD; cd /tmp && exec "$HI" /bin/pwd"#).out == "/tmp\n")
        #expect(try fx.sh(#": > /run/s6/container_environment/HERMES_ORIG_CWD; cd /tmp && exec "$HI" /bin/pwd"#).out == "/tmp\n")
        // Without /init the environment is whole: HERMES_ORIG_CWD (even empty) as given.
        #expect(try fx.sh(#"cd /tmp && exec env HERMES_HOME=/opt/data HERMES_ORIG_CWD=/opt "$HI" /bin/pwd"#).out == "/opt\n")
        #expect(try fx.sh(#"cd /tmp && exec env HERMES_HOME=/opt/data HERMES_ORIG_CWD= "$HI" /bin/pwd"#).out == "/tmp\n")
    }

    @Test("R6: a start directory that is gone, or an /opt/data that cannot be entered, is a clear error (111)")
    func cwdErrors() throws {
        let gone = try fx.sh(#"exec env HERMES_HOME=/opt/data HERMES_ORIG_CWD=/nonexistent "$HI" /bin/echo should_not_run"#)
        #expect(gone.status == 111)
        #expect(gone.out.isEmpty)
        #expect(gone.err == "hermes-init: fatal: unable to return to /nonexistent: No such file or directory\n")
        let unenterable = try fx.sh(#"mount -t tmpfs -o mode=000 none /opt/data && exec setpriv --reuid 10000 --regid 10000 --clear-groups "$HI" /bin/echo should_not_run"#)
        #expect(unenterable.status == 111)
        #expect(unenterable.err == "hermes-init: fatal: unable to enter /opt/data: Permission denied\n")
    }

    // MARK: R7 venv

    @Test("R7: PYTHONHOME removed, PS1 prefixed only when set, no private activate variables")
    func venv() throws {
        let r = try fx.sh(#"exec env -i PATH=/usr/bin:/bin HERMES_HOME=/x PYTHONHOME=/p PS1='$ ' "$HI" /usr/bin/env"#)
        let lines = r.lines
        #expect(lines.contains("PS1=(.venv) $ "))
        #expect(!lines.contains(where: { $0.hasPrefix("PYTHONHOME=") || $0.hasPrefix("_OLD_VIRTUAL") }))
        let disabled = try fx.sh(#"exec env -i PATH=/usr/bin:/bin HERMES_HOME=/x VIRTUAL_ENV_DISABLE_PROMPT=1 PS1='$ ' "$HI" /usr/bin/env"#)
        #expect(disabled.lines.contains("PS1=$ "))
        let noVenv = try fx.sh(#"mount -t tmpfs none /opt/hermes/.venv && exec "$HI" /bin/echo should_not_run"#)
        #expect(noVenv.status == 111)
        #expect(noVenv.err == "hermes-init: fatal: unable to activate the venv: read /opt/hermes/.venv/bin/activate: No such file or directory\n")
    }

    // MARK: R8 routing

    @Test("R8: routing of the container arguments", arguments: [
        ([], "hermes\n"),
        (["--version"], "hermes [--version]\n"),
        (["--help"], "hermes [--help]\n"),
        (["-p", "default", "--version"], "hermes [-p] [default] [--version]\n"),
        (["chat", "--help"], "hermes [chat] [--help]\n"),
        (["mcp", "--help"], "hermes [mcp] [--help]\n"),
        (["login", "--help"], "hermes [login] [--help]\n"),
        (["nosuchsubcmd"], "hermes [nosuchsubcmd]\n"),
        (["cd", "/"], "hermes [cd] [/]\n"),
        (["echo", "hi"], "hi\n"),
        (["/usr/bin/id", "-u"], "10000\n"),
        (["sh", "-c", "echo ok"], "ok\n"),
        (["hermes", "gateway", "run"], "hermes [gateway] [run]\n"),
        ([""], "hermes []\n"),
    ])
    func routing(args: [String], output: String) throws {
        let r = try fx.sh(#"exec "$HI" "$@""#, args)
        #expect(r.status == 0, "\(args): \(r.err)")
        #expect(r.out == output, "\(args)")
    }

    @Test("R8: HERMES_INIT_SUBCOMMANDS replaces the subcommand list")
    func subcommandOverride() throws {
        let r = try fx.sh(#"printf 'chat,gateway' > /run/s6/container_environment/HERMES_INIT_SUBCOMMANDS; exec "$HI" mcp"#)
        #expect(r.out == "the-mcp-program\n")
    }

    @Test("R8: the image's subcommand list (the installed CLI's) replaces the built-in one")
    func subcommandFile() throws {
        // The list is bound over the fixture's empty share/hermes-init in this test's own
        // mount namespace: the tests running beside it keep the built-in list.
        let list = try TempDir()
        try list.write("subcommands", "chat\ngateway\nkanban\n")
        let bind = #"mount --bind "$1" /opt/hermes/share/hermes-init || exit 90; "#
        // Without mcp in the list, the mcp program on PATH runs; kanban is a subcommand.
        let r = try fx.sh(bind + #"HERMES_INIT_TRACE=1 "$HI" mcp; "$HI" kanban"#, [list.path])
        #expect(r.out == "the-mcp-program\nhermes [kanban]\n", "\(r.err)")
        #expect(r.err.contains("hermes-init: trace: subcommands: /opt/hermes/share/hermes-init/subcommands\n"), "\(r.err)")
        // No list read when routing does not need one.
        let none = try fx.sh(bind + #"HERMES_INIT_TRACE=1 exec "$HI" --help"#, [list.path])
        #expect(!none.err.contains("subcommands:"), "\(none.err)")
        // A list that cannot be read is an error, not a silent fallback.
        try FileManager.default.removeItem(atPath: list.path + "/subcommands")
        try FileManager.default.createDirectory(atPath: list.path + "/subcommands", withIntermediateDirectories: false)
        let bad = try fx.sh(bind + #"exec "$HI" mcp"#, [list.path])
        #expect(bad.status == 111)
        #expect(bad.err == "hermes-init: fatal: unable to read the subcommand list /opt/hermes/share/hermes-init/subcommands: Is a directory\n")
    }

    @Test("HERMES_INIT_TRACE from the container environment (docker run -e under /init) turns tracing on")
    func traceFromContainerEnvironment() throws {
        let r = try fx.sh(#"printf '1\n' > /run/s6/container_environment/HERMES_INIT_TRACE; exec env -u HERMES_HOME "$HI" echo hi"#)
        #expect(r.out == "hi\n")
        #expect(r.err.contains("hermes-init: trace: route: program echo"), "\(r.err)")
    }

    @Test("R8: a path that does not exist, or cannot run, gives 127 or 126")
    func execErrors() throws {
        let missing = try fx.sh(#"exec "$HI" /nonexistent/prog"#)
        #expect(missing.status == 127)
        #expect(missing.err == "hermes-init: fatal: unable to exec /nonexistent/prog: No such file or directory\n")
        let dir = try fx.sh(#"exec "$HI" /tmp"#)
        #expect(dir.status == 126)
    }

    // MARK: R10 exit codes, R11 stdio and TTY, R12 identity

    @Test("R10: exit codes and death by signal pass straight through")
    func exitCodes() throws {
        let r = try fx.sh(#"""
        for i in 0 1 2 42 100 111 126 127 128 200 255; do "$HI" sh -c "exit $i"; printf '%s ' $?; done
        "$HI" sh -c 'kill -TERM $$'; printf '%s ' $?
        env HERMES_HOME=/opt/data FAKE_HERMES_EXIT=3 "$HI" >/dev/null; printf '%s' $?
        """#)
        #expect(r.out == "0 1 2 42 100 111 126 127 128 200 255 143 3")
    }

    @Test("R11: stdin, stdout and stderr are inherited; EOF propagates")
    func stdio() throws {
        let r = try fx.sh(#"exec "$HI" cat"#, stdin: Data("hi\nthere\n".utf8))
        #expect(r.out == "hi\nthere\n")
        let e = try fx.sh(#"exec "$HI" sh -c 'echo to-stderr >&2'"#)
        #expect(e.err == "to-stderr\n" && e.out.isEmpty)
    }

    @Test("R11: the TTY passes through (script gives a pty)")
    func tty() throws {
        let r = try fx.sh(#"exec script -qec "\"$HI\" sh -c '[ -t 0 ] && [ -t 1 ] && echo M=TTY || echo M=NO_TTY; tty'" /dev/null"#)
        #expect(r.out.contains("M=TTY"), "\(r.out) \(r.err)")
        #expect(r.out.contains("/dev/pts/"))
    }

    @Test("R12: works through a symlink named main-wrapper.sh")
    func symlinkName() throws {
        let r = try fx.sh(#"exec /opt/hermes/docker/main-wrapper.sh /usr/bin/id -u"#)
        #expect(r.out == "10000\n", "\(r.err)")
    }

    @Test("hermes-init's own options cannot collide with the container's")
    func ownOptions() throws {
        let help = try fx.sh(#"exec "$HI" --hermes-init-help"#)
        #expect(help.status == 0 && help.out.hasPrefix("usage: hermes-init [ARG...]"))
        let version = try fx.sh(#"exec "$HI" --hermes-init-version"#)
        #expect(version.out == "hermes-init 0.1.0\n")
        let bad = try fx.sh(#"exec "$HI" --hermes-init-bogus"#)
        #expect(bad.status == 100 && bad.out.isEmpty)
        #expect(bad.err == "hermes-init: fatal: unable to parse arguments: unknown option --hermes-init-bogus\n")
        let later = try fx.sh(#"exec "$HI" chat --hermes-init-help"#)
        #expect(later.out == "hermes [chat] [--hermes-init-help]\n")
    }

    @Test("HERMES_INIT_TRACE=1 explains each decision on stderr, nothing on stdout")
    func traceLines() throws {
        let r = try fx.sh(#"exec env -i PATH=/usr/bin:/bin HERMES_INIT_TRACE=1 HERMES_HOME=/opt/data "$HI" mcp"#)
        #expect(r.out == "hermes [mcp]\n")
        let lines = r.err.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.hasPrefix("hermes-init: trace: ") })
        #expect(lines.contains("hermes-init: trace: environment: kept (HERMES_HOME is set)"))
        #expect(lines.contains("hermes-init: trace: user: root, will drop to hermes uid 10000 gid 10000 groups 10000,998,1001"))
        #expect(lines.contains("hermes-init: trace: route: hermes (first argument is a hermes subcommand)"))
        #expect(lines.contains("hermes-init: trace: environment: set HOME=/opt/data"))
    }
}
}
