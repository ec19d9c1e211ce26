"""Behaviour in the engine, on the shell-glue image and on ours: -t under a pty (terminals,
^C reaching the program), `stop` of a running container (exit code and time), the
`docker exec` shim, a gateway slot restarting after a kill, and `--init` as it is today."""
import json
import os
import pty
import select
import subprocess
import time
import uuid

from engine import ENGINE, FAST, Container, engine, image, remove, run


def pty_run(img, script, send=None, wait_for=b"READY", timeout=60, opts=()):
    """`run -t -i` with a pty as the engine's terminal, and engine options OPTS; sends SEND
    once WAIT_FOR shows. Returns (exit code, everything the terminal showed)."""
    master, slave = pty.openpty()
    name = "hermes-test-" + uuid.uuid4().hex[:12]
    p = subprocess.Popen([ENGINE, "run", "--rm", "-t", "-i", "--name", name, "--network=none"] + FAST + list(opts)
                         + [img, "sh", "-c", script], stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    seen = b""
    sent = send is None
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if not sent and wait_for in seen:
            os.write(master, send)
            sent = True
        if p.poll() is not None and not r:
            break
    try:
        rc = p.wait(timeout=max(1, end - time.monotonic()))
    except subprocess.TimeoutExpired:
        remove(name)
        rc = None
    os.close(master)
    return rc, seen


TTY_SCRIPT = ("if [ -t 0 ] && [ -t 1 ]; then echo TTY=yes; else echo TTY=no; fi; echo UID=$(id -u);"
              " trap 'echo GOT-INT; exit 7' INT; echo READY; while :; do sleep 0.1; done")


def stop_timing(img):
    """Runs the CMD, then `stop`s the container as a user would (s6's default grace
    times): exit code and seconds."""
    name = "hermes-test-" + uuid.uuid4().hex[:12]
    engine("run", "-d", "--name", name, "--network=none", img, "report", "--sleep", check=True)
    try:
        end = time.monotonic() + 30
        while b"REPORT " not in engine("logs", name).stdout and time.monotonic() < end:
            time.sleep(0.1)
        start = time.monotonic()
        engine("stop", "-t", "10", name)
        seconds = time.monotonic() - start
        code = engine("inspect", "-f", "{{.State.ExitCode}}", name).stdout.decode().strip()
        return code, seconds
    finally:
        remove(name)


def behaviour_checks(checks, version, table):
    tag = version
    results = {}
    for kind in ("before", "ours"):
        img = image(kind, version)
        rc, seen = pty_run(img, TTY_SCRIPT, send=b"\x03")
        text = seen.decode("utf-8", "replace")
        results[kind, "tty"] = (rc, "TTY=yes" in text, "GOT-INT" in text, "UID=10000" in text)
        results[kind, "stop"] = stop_timing(img)
        with Container(img, ["report", "--sleep"]) as c:
            c.wait("[ \"$(/command/s6-svstat -o up /run/service/main-hermes)\" = true ]")
            shim = c.exec("hermes", "status")
            rep = [l for l in shim.stdout.decode().splitlines() if l.startswith("REPORT ")]
            rep = json.loads(rep[-1][7:]) if rep else {}
            results[kind, "exec"] = (shim.returncode, rep.get("uid"), rep.get("env", {}).get("HOME"))
            root = c.exec("env", "HERMES_DOCKER_EXEC_AS_ROOT=1", "hermes", "status")
            rep = [l for l in root.stdout.decode().splitlines() if l.startswith("REPORT ")]
            results[kind, "exec-root"] = json.loads(rep[-1][7:])["uid"] if rep else None
        r = run(img, ["report"], ["--init"], timeout=60)
        results[kind, "init"] = (r.rc, "can only run as pid 1" in r.stderr)

    b, o = results["before", "tty"], results["ours", "tty"]
    checks.check("-t: stdin and stdout are a tty, ^C reaches the program (exit 7 from its trap), as hermes", tag,
                 o == (7, True, True, True) and b == o, "before %s, ours %s" % (b, o))
    (bc, bs), (oc, os_) = results["before", "stop"], results["ours", "stop"]
    checks.check("stop: the same exit code, and the same time within 1 s", tag, bc == oc and abs(bs - os_) < 1.0,
                 "before %s in %.2f s, ours %s in %.2f s" % (bc, bs, oc, os_))
    b, o = results["before", "exec"], results["ours", "exec"]
    checks.check("exec C hermes status: drops to hermes with HOME=/opt/data", tag, o == (0, 10000, "/opt/data") and b == o,
                 "before %s, ours %s" % (b, o))
    b, o = results["before", "exec-root"], results["ours", "exec-root"]
    checks.check("exec C hermes with HERMES_DOCKER_EXEC_AS_ROOT=1: stays root", tag, o == 0 and b == o, "before %s, ours %s" % (b, o))
    b, o = results["before", "init"], results["ours", "init"]
    checks.check("--init today: /init refuses (s6-overlay-suexec: can only run as pid 1, exit 100)", tag,
                 o == (100, True) and b == o, "before %s, ours %s" % (b, o))
    table += [
        (version, "-t, ^C", "rc %s tty %s int %s" % results["before", "tty"][:3], "rc %s tty %s int %s" % results["ours", "tty"][:3]),
        (version, "stop -t 10", "exit %s after %.2f s" % (bc, bs), "exit %s after %.2f s" % (oc, os_)),
        (version, "exec C hermes status", "rc %s uid %s HOME %s" % results["before", "exec"], "rc %s uid %s HOME %s" % results["ours", "exec"]),
        (version, "--init, default target", "rc %s, can only run as pid 1: %s" % results["before", "init"],
         "rc %s, can only run as pid 1: %s" % results["ours", "init"]),
    ]
