"""Differential tests: one table of cases, each run on the s6-era image (shell glue, the
"before") and on ours, in the same engine, for each s6-overlay version. Every
observation must be identical, except the intended differences listed in INTENDED
(docs/differences.md gives the reasons), where ours must show the intended result."""
from concurrent.futures import ThreadPoolExecutor

from engine import image, run
from test_boot import ENV_OPTS, EXPECTED

# name, container arguments, engine options, stdin
CASES = [
    ("no arguments: hermes", [], [], b""),
    ("--version: hermes --version", ["--version"], [], b""),
    ("--help: hermes --help", ["--help"], [], b""),
    ("a subcommand: chat --help", ["chat", "--help"], [], b""),
    ("an unknown word: hermes nosuchsubcmd", ["nosuchsubcmd", "x"], [], b""),
    ("a subcommand also on PATH: mcp", ["mcp", "--help"], [], b""),
    ("a subcommand also on PATH: login", ["login", "--help"], [], b""),
    ("leading dash that is a command option: -p", ["-p", "default", "--version"], [], b""),
    ("a program on PATH: report", ["report", "a b", "", "c"], [], b""),
    ("a slash path that exists", ["/usr/local/bin/report", "x"], [], b""),
    ("a slash path that does not exist", ["/nonexistent/prog"], [], b""),
    ("a slash path that is a directory: 126", ["/usr/bin"], [], b""),
    ("a builtin with a binary: echo", ["echo", "hi", "there"], [], b""),
    ("an execline program in /command: cd", ["cd", "/"], [], b""),
    ("a shell builtin with no program: set", ["set", "x"], [], b""),
    ("environment values from -e", ["report"], ENV_OPTS, b""),
    ("-w /tmp", ["report"], ["-w", "/tmp"], b""),
    ("-e HERMES_HOME=/opt/data/profiles/work", ["report"], ["-e", "HERMES_HOME=/opt/data/profiles/work"], b""),
    ("-e HERMES_HOME= (empty: the release has no fallback)", ["report"], ["-e", "HERMES_HOME="], b""),
    ("-e HERMES_ORIG_CWD=/opt", ["report"], ["-e", "HERMES_ORIG_CWD=/opt"], b""),
    ("-e HERMES_ORIG_CWD=/nonexistent", ["report"], ["-e", "HERMES_ORIG_CWD=/nonexistent"], b""),
    ("-e S6_KEEP_ENV=1", ["report"], ["-e", "S6_KEEP_ENV=1", "-e", "FOO=bar"], b""),
    ("--user 10000:10000", ["report"], ["--user", "10000:10000"], b""),
    ("--user 10000:10000 --group-add 1001", ["report"], ["--user", "10000:10000", "--group-add", "1001"], b""),
    ("--user 1000:1000", ["echo", "should_not_reach"], ["--user", "1000:1000"], b""),
    ("--group-add 1001 (as root)", ["report"], ["--group-add", "1001"], b""),
    ("-e HERMES_UID=2000 -e HERMES_GID=2001", ["report"], ["-e", "HERMES_UID=2000", "-e", "HERMES_GID=2001"], b""),
    ("-e PUID=1000 -e PGID=1000", ["report"], ["-e", "PUID=1000", "-e", "PGID=1000"], b""),
    ("HERMES_UID wins over PUID", ["report"], ["-e", "PUID=1000", "-e", "PGID=1000", "-e", "HERMES_UID=2000", "-e", "HERMES_GID=2001"], b""),
    ("exit 0 from hermes", [], ["-e", "STANDIN_EXIT=0"], b""),
    ("exit 1 from hermes", [], ["-e", "STANDIN_EXIT=1"], b""),
    ("exit 42 from hermes", ["status"], ["-e", "STANDIN_EXIT=42"], b""),
    ("exit 255 from hermes", [], ["-e", "STANDIN_EXIT=255"], b""),
    ("exit 126 from a program", ["sh", "-c", "exit 126"], [], b""),
    ("exit 127 from a program", ["sh", "-c", "exit 127"], [], b""),
    ("kill -TERM $$: 143", ["sh", "-c", "kill -TERM $$"], [], b""),
    ("stdin reaches the program", ["report", "--stdin"], [], b"line one\nline two\x00\xff\n"),
    ("PS1 set in the container", ["report"], ["-e", "PS1=my> "], b""),
    ("PS1 not set: the venv prompt", ["report"], [], b""),
]

# Intended differences: case -> (reason, what ours must show). docs/differences.md.
INTENDED = {
    "a subcommand also on PATH: mcp": ("hermes subcommands beat programs of the same name on PATH",
                                      lambda o: o["argv"] == ["hermes", "mcp", "--help"]),
    "a subcommand also on PATH: login": ("hermes subcommands beat programs of the same name on PATH",
                                        lambda o: o["argv"] == ["hermes", "login", "--help"]),
    "leading dash that is a command option: -p": ("anything starting with '-' goes to hermes; the wrapper exec'd '-p' (127)",
                                                 lambda o: o["argv"] == ["hermes", "-p", "default", "--version"]),
    "a slash path that does not exist": ("a path that is not there is exit 127 naming it, not 'hermes /nonexistent/prog'",
                                         lambda o: o["rc"] == 127 and "report" not in o),
    "a shell builtin with no program: set": ("a name with no program goes to hermes; the wrapper's exec failed (127)",
                                            lambda o: o["argv"] == ["hermes", "set", "x"]),
    "-e HERMES_ORIG_CWD=/nonexistent": ("a directory that cannot be entered is exit 111 with its name (dash's cd gave 2)",
                                        lambda o: o["rc"] == 111 and "report" not in o),
    "--group-add 1001 (as root)": ("the groups the runtime gives (--group-add, supplementalGroups: the Docker socket's) "
                                   "survive the drop to hermes; the glue rebuilt the list from /etc/group and lost them",
                                   lambda o: o["rc"] == 0 and o["report"]["uid"] == 10000 and 1001 in o["report"]["groups"]),
    "PS1 not set: the venv prompt": ("no PS1 is invented: dash gives every script PS1='# ' (root), which activate "
                                     "prefixed and exported, so every program got PS1='(.venv) # ', even as hermes",
                                     lambda o: "PS1" not in o["report"]["env"]),
}
# The PS1 difference shows in every case that reports an environment; it is checked once,
# in its own case, and set aside in the others.
DASH_PS1 = {"(.venv) # ", "(.venv) $ "}
# On s6-overlay 3.2.3.1+ the shell-glue image (s6-rc.d/user layout) hangs at boot under
# any --user; ours registers in user-bundles.d and boots: what ours must show there.
HANGS_BEFORE = {
    "--user 1000:1000": lambda o: o["rc"] == 1 and o.get("argv") is None,
    "--user 10000:10000": lambda o: o["rc"] == 0 and o["report"]["uid"] == 10000,
    "--user 10000:10000 --group-add 1001": lambda o: o["rc"] == 0 and 1001 in o["report"]["groups"],
}


def observe(r):
    """What a case shows: exit code, and the program's argv (hermes's named `hermes`),
    environment, ids, groups, cwd and terminals, or its plain stdout."""
    o = {"rc": r.rc}
    rep = r.report
    if rep:
        argv = list(rep["argv"])
        if argv[0].endswith("/hermes"):
            argv[0] = "hermes"
        o["argv"] = argv
        env = dict(rep["env"])
        env.pop("HOSTNAME", None)  # the container id
        o["report"] = {"env": env, "uid": rep["uid"], "gid": rep["gid"], "groups": rep["groups"],
                       "cwd": rep["cwd"], "tty": [rep["tty0"], rep["tty1"]], "stdin": rep.get("stdin")}
    else:
        o["argv"] = None
        o["stdout"] = program_stdout(r.stdout)
    return o


# What the release's cont-init steps print on stdout before the CMD runs: stage2's setup
# (with the config migration and the skills sync, whose lines carry timestamps), the
# supervise-perms step, and the reconciler, which always ends it.
BOOT_LINES = ("[stage2]", "[supervise-perms]", "reconcile:")


def program_stdout(out):
    """The CMD's stdout: what follows the last line of the cont-init steps."""
    lines = out.splitlines()
    last = max([i for i, l in enumerate(lines) if l.startswith(BOOT_LINES)], default=-1)
    return lines[last + 1:]


def differences(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += differences(a.get(k), b.get(k), path + "." + str(k))
        return out
    return [] if a == b else ["%s: before %r, ours %r" % (path or "value", a, b)]


def diff_checks(checks, version, results_table):
    def one(case):
        name, args, opts, stdin = case
        hang = name in HANGS_BEFORE and version >= "3.2.3.1"
        before = run(image("before", version), args, opts, stdin=stdin, timeout=20 if hang else 90)
        ours = run(image("ours", version), args, opts, stdin=stdin)
        return case, before, ours

    with ThreadPoolExecutor(max_workers=3) as pool:
        for case, before, ours in pool.map(one, CASES):
            name = case[0]
            ob, oo = observe(before), observe(ours)
            if name != "PS1 not set: the venv prompt":
                for o in (ob, oo):
                    env = o.get("report", {}).get("env", {})
                    if env.get("PS1") in DASH_PS1:
                        env.pop("PS1")
            diff = differences(ob, oo)
            if name in HANGS_BEFORE and version >= "3.2.3.1":
                ok = before.rc is None and HANGS_BEFORE[name](oo)
                result = "before hangs at boot (s6-rc.d/user under --user); ours runs" if ok else "unexpected"
            elif name in INTENDED:
                reason, want = INTENDED[name]
                ok = bool(diff) and want(oo)
                result = "intended difference" if ok else "unexpected"
            else:
                ok = not diff and ob["rc"] is not None
                result = "identical" if ok else "differs"
            results_table.append((version, name, summary(ob), summary(oo), result))
            checks.check("diff: " + name, version, ok, "; ".join(diff)[:900] or "rc %s" % ob["rc"])


def summary(o):
    if o["rc"] is None:
        return "no exit (killed after the time limit)"
    if o.get("argv"):
        rep = o["report"]
        return "rc %s, %s, uid %s gid %s" % (o["rc"], " ".join(o["argv"][:4])[:40], rep["uid"], rep["gid"])
    return "rc %s, %s" % (o["rc"], " | ".join(o.get("stdout") or [])[:40])
