#!/usr/bin/env python3
"""hermes-init and its C reference (cref/hermes-init-ref.c) give the same observable
result: in the image fixture of section 5 (Tests/fixture), each case runs both, with a
probe as hermes and as a program on PATH; the exit code, argv, environment (as a set),
ids, groups and working directory must be equal. As root (privilege drops, namespaces).

    compare-ref.py HERMES_INIT HERMES_INIT_REF

Prints one line per case and `N passed, N failed`; exits 1 on any difference."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURE = os.path.join(REPO, "Tests", "fixture")

PROBE = """#!/usr/bin/python3
import json, os, sys
print(json.dumps({"argv": sys.argv[1:], "env": sorted(k + "=" + v for k, v in os.environ.items()),
                  "ids": [os.getuid(), os.geteuid(), os.getgid(), os.getegid()], "groups": sorted(os.getgroups()),
                  "cwd": os.getcwd()}))
"""

BASE = {"PATH": "/command:/usr/bin:/bin"}
# (name, arguments, environment at start, uid to start as (None: root; a string: root
# holding those supplementary groups, as a runtime's --group-add gives them))
CASES = [
    ("no arguments", [], BASE, None),
    ("a subcommand", ["chat", "hi there"], BASE, None),
    ("a subcommand also on PATH", ["mcp", "serve"], BASE, None),
    ("a leading dash", ["-p", "coder", "chat"], BASE, None),
    ("a program on PATH", ["probe", "a  b", ""], BASE, None),
    ("a slash path", ["/opt/hermes/.venv/bin/probe", "x"], BASE, None),
    ("not a program", ["nosuchthing", "y"], BASE, None),
    ("an empty first argument", [""], BASE, None),
    ("HERMES_ORIG_CWD", ["probe"], dict(BASE, HERMES_ORIG_CWD="/tmp"), None),
    ("HERMES_HOME set: environment kept, PS1", ["probe"], dict(BASE, HERMES_HOME="/x", PS1="$ ", PYTHONHOME="/p"), None),
    ("S6_KEEP_ENV=1", ["probe"], dict(BASE, S6_KEEP_ENV="1", FOO="mine"), None),
    ("S6_KEEP_ENV=0", ["probe"], dict(BASE, S6_KEEP_ENV="0", FOO="mine"), None),
    ("the old wrapper's guard variable, an ordinary one now", ["probe"], dict(BASE, HERMES_MAIN_WRAPPER_ENV_READY="1"), None),
    ("VIRTUAL_ENV_DISABLE_PROMPT", ["probe"], dict(BASE, HERMES_HOME="/x", PS1="$ ", VIRTUAL_ENV_DISABLE_PROMPT="1"), None),
    ("already hermes", ["probe"], BASE, 10000),
    ("another uid", ["probe"], BASE, 1000),
    ("a missing slash path", ["/nonexistent/prog"], BASE, None),
    ("a directory as the program", ["/tmp"], BASE, None),
    ("runtime groups: 4242 kept, 0 and root's 4000 not", ["probe"], BASE, "0,998,4000,4242"),
]
# What the runtime-groups case must show, beyond the two agreeing: hermes's own groups
# (10000, 998, 1001), and the runtime's 4242.
RUNTIME_GROUPS = [998, 1001, 4242, 10000]


def run(fix, binary, args, env, uid):
    if isinstance(uid, str):
        pre = ["setpriv", "--groups", uid]
    elif uid is not None:
        pre = ["setpriv", "--reuid", str(uid), "--regid", str(uid), "--clear-groups"]
    else:
        pre = []
    argv = ["unshare", "--mount", "--propagation", "private", "--", "sh", os.path.join(FIXTURE, "enter.sh"), fix] + pre + [binary] + args
    p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
    out = p.stdout.strip()
    try:
        seen = json.loads(out.splitlines()[-1]) if out else None
    except json.JSONDecodeError:
        seen = out
    return p.returncode, seen


def main():
    hermes_init, ref = sys.argv[1], sys.argv[2]
    fix = tempfile.mkdtemp(prefix="hermes-ref-")
    passed = failed = 0
    try:
        subprocess.run(["sh", os.path.join(FIXTURE, "make-image-root.sh"), fix, hermes_init], check=True, capture_output=True)
        for name in ("hermes", "probe"):
            path = os.path.join(fix, "opt/hermes/.venv/bin", name)
            with open(path, "w") as f:
                f.write(PROBE)
            os.chmod(path, 0o755)
        with open(os.path.join(fix, "etc/group"), "a") as f:
            f.write("wheel:x:4000:root\n")
        for name, args, env, uid in CASES:
            a, b = run(fix, hermes_init, args, env, uid), run(fix, ref, args, env, uid)
            same = a == b
            if isinstance(uid, str):
                same = same and isinstance(a[1], dict) and a[1]["groups"] == RUNTIME_GROUPS
            passed += same
            failed += not same
            print("%s %s: exit %s%s" % ("ok  " if same else "FAIL", name, a[0],
                                        "" if same else "\n  hermes-init %r\n  reference   %r" % (a, b)))
        # The subcommand list of the image: mcp no longer listed, so the program on PATH runs.
        share = os.path.join(fix, "opt/hermes/share/hermes-init")
        os.makedirs(share, exist_ok=True)
        with open(os.path.join(share, "subcommands"), "w") as f:
            f.write("chat\ngateway\n")
        a, b = run(fix, hermes_init, ["mcp"], BASE, None), run(fix, ref, ["mcp"], BASE, None)
        same = a == b and a[1] and a[1] != "" and "the-mcp-program" in str(a[1])
        passed += bool(same)
        failed += not same
        print("%s the image's subcommand list: exit %s%s" % ("ok  " if same else "FAIL", a[0], "" if same else " %r %r" % (a, b)))
    finally:
        subprocess.run(["rm", "-rf", fix])
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
