"""Runtimes that own PID 1, and hermes-init deciding where it runs:
  --init (the runtime's init is PID 1: podman-init, a catatonit, or docker-init, a tini)
  and, in podman, a pod sharing one PID namespace (its pause process is PID 1), with the runtime-init target: exit codes, argv and
  environment as on the s6 path, the cont-init steps (the HERMES_UID remap), `stop`,
  orphans reaped by the runtime's init, -t, gateway run told it has an external supervisor;
  --entrypoint hermes-init without --init: PID 1, so /init boots and the CMD runs as with
  the default image; an image without s6-overlay: a tini-grade init."""
import json
import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from engine import FAST, KIND, RUNTIME_INIT_COMM, VERSIONS, Container, engine, image, remove, run
from test_behaviour import TTY_SCRIPT, pty_run
from test_diff import differences, observe

RUNTIME_INIT = "localhost/hermes-test/ours-runtime-init:%s"
PLAIN = "localhost/hermes-test/plain:latest"
EXIT_SCRIPTS = [("exit %d" % n, n) for n in (0, 1, 42, 126, 127, 255)] + [("kill -TERM $$", 143)]
ORPHANS = "( sleep 0.2 & ); ( sleep 0.2 & ); sleep 1.5; ps -eo stat= | grep -c '^Z' || true"
ENV_OPTS = ["-e", "FOO=bar", "-e", "EMPTY=", "-e", "NL=x\n"]


class Pod:
    """A pod whose containers share one PID namespace: the pause process is PID 1."""

    def __init__(self):
        self.name = "hermes-test-pod-" + uuid.uuid4().hex[:8]
        engine("pod", "create", "--name", self.name, "--share", "pid", "--network", "none", check=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        engine("pod", "rm", "-f", "-t", "0", self.name)

    @property
    def opts(self):
        return ["--pod", self.name]


def comparable(o):
    """An observation without what differs by design between runtimes: the container id."""
    o = json.loads(json.dumps(o))
    if "report" in o:
        o["report"]["env"].pop("HOSTNAME", None)
    return o


def stop_after_start(img, opts):
    """Starts `report --sleep`, lists the container's processes, stops it: exit code,
    seconds, the process names while it ran."""
    name = "hermes-test-" + uuid.uuid4().hex[:12]
    engine("run", "-d", "--name", name, "--network=none", *opts, img, "report", "--sleep", check=True)
    try:
        end = time.monotonic() + 30
        while b"REPORT " not in engine("logs", name).stdout and time.monotonic() < end:
            time.sleep(0.1)
        procs = engine("exec", name, "ps", "-eo", "comm=").stdout.decode().split()
        start = time.monotonic()
        engine("stop", "-t", "10", name)
        seconds = time.monotonic() - start
        code = engine("inspect", "-f", "{{.State.ExitCode}}", name).stdout.decode().strip()
        return code, seconds, procs
    finally:
        remove(name)


def runtime_checks(checks, version, table):
    img = RUNTIME_INIT % version
    s6_reference = observe(run(image("ours", version), ["report", "a b", ""], ENV_OPTS))

    def situation(label, opts, reaper, every_code=False):
        tag = "%s %s" % (label, version)
        scripts = [("exit %d" % n, n) for n in range(256)] + EXIT_SCRIPTS[-1:] if every_code else EXIT_SCRIPTS
        with ThreadPoolExecutor(max_workers=4) as pool:
            exits = list(pool.map(lambda e: (e, run(img, ["sh", "-c", e[0]], opts)), scripts))
        bad = ["%s -> %s" % (s, r.rc) for (s, want), r in exits if r.rc != want]
        checks.check("exit codes %s and 143 pass through" % ("0-255" if every_code else "0, 1, 42, 126, 127, 255"),
                     tag, not bad, ", ".join(bad[:10]))
        r = run(img, ["report", "a b", ""], ENV_OPTS + opts)
        diff = differences(comparable(s6_reference), comparable(observe(r)))
        checks.check("argv and environment as on the s6 path", tag, not diff, "; ".join(diff)[:600])
        checks.check("one warning line on stderr, naming PID 1", tag,
                     sum("hermes-init: warning: not PID 1 (PID 1 is %s)" % reaper in l for l in r.stderr.splitlines()) == 1,
                     r.stderr[-400:])
        r = run(img, ["report"], ["-e", "HERMES_UID=2000", "-e", "HERMES_GID=2001"] + opts)
        remapped = r.report and (r.report["uid"], r.report["gid"]) == (2000, 2001)
        checks.check("cont-init ran as root: the HERMES_UID remap applies", tag, remapped, "rc %s %s" % (r.rc, r.stderr[-300:]))
        with tempfile.TemporaryDirectory() as d:
            step = os.path.join(d, "99-fails")
            with open(step, "w") as f:
                f.write("#!/bin/sh\necho step-99-ran >&2\nexit 7\n")
            os.chmod(step, 0o755)
            os.chmod(d, 0o755)
            r = run(img, ["echo", "should_not_reach"], opts + ["-v", "%s:/etc/cont-init.d/99-fails:ro" % step])
        checks.check("a failing boot step stops the start with its code", tag,
                     r.rc == 7 and "step-99-ran" in r.stderr and "should_not_reach" not in r.stdout
                     and "hermes-init: fatal: unable to run boot step /etc/cont-init.d/99-fails: it exited with 7" in r.stderr,
                     "rc %s %r" % (r.rc, r.stderr[-300:]))
        r = run(img, ["sh", "-c", ORPHANS], opts)
        checks.check("orphans reaped by the runtime's init (no zombie after 1.5 s)", tag,
                     r.rc == 0 and r.stdout.strip().splitlines()[-1:] == ["0"], "rc %s out %r" % (r.rc, r.stdout[-100:]))
        code, seconds, procs = stop_after_start(img, opts)
        left = sorted(set(procs) - {reaper, "ps", "python3"})
        checks.check("stop: ends before the SIGKILL fallback; only the runtime's init and the program ran", tag,
                     seconds < 9 and not left, "exit %s after %.1f s, processes %s" % (code, seconds, procs))
        with Container(img, ["gateway", "run"], opts) as c:
            end = time.monotonic() + 30
            while b"REPORT " not in engine("logs", c.name).stdout and time.monotonic() < end:
                time.sleep(0.1)
            logs = engine("logs", c.name).stdout.decode()
            rep = [json.loads(l[7:]) for l in logs.splitlines() if l.startswith("REPORT ")]
        ext = rep and rep[0]["argv"][1:] == ["gateway", "run", "--external-supervisor"] and \
            rep[0]["env"].get("HERMES_GATEWAY_EXTERNAL_SUPERVISOR") == "1"
        checks.check("gateway run: --external-supervisor and HERMES_GATEWAY_EXTERNAL_SUPERVISOR=1", tag, ext,
                     repr(rep[0]["argv"] if rep else logs[-300:]))
        rc, seen = pty_run_opts(img, opts)
        text = seen.decode("utf-8", "replace")
        checks.check("-t: terminals, ^C reaches the program", tag, rc == 7 and "TTY=yes" in text and "GOT-INT" in text,
                     "rc %s %r" % (rc, text[-200:]))
        table.append((version, label, "boot steps, then the command as hermes (uid from cont-init's remap)",
                      "exit code passed through (%s, 143); stop %s in %.1f s" % (
                          "0-255" if every_code else "0, 1, 42, 126, 127, 255", code, seconds), "none (no s6)"))

    # The seven of EXIT_SCRIPTS: under another init hermes-init runs the release's boot
    # steps (stage2 with its config migration and skills sync, the reconcile: Python, a
    # second a start) and then execs the command in place, so the status the runtime's init
    # reaps is the command's own. Every code 0-255 goes through hermes-init's own hands as
    # PID 1, in the image without s6-overlay (plain_checks), and in the PID-1 tests.
    situation("--init, runtime-init target", ["--init"], RUNTIME_INIT_COMM)
    if KIND == "podman":  # Docker has no pods; Kubernetes' shared PID namespace is test_kube's
        with Pod() as pod:
            situation("pod, shared PID namespace", pod.opts, "catatonit")

    # --entrypoint hermes-init without --init: PID 1, s6-overlay installed -> /init.
    tag = "--entrypoint hermes-init %s" % version
    ep = ["--entrypoint", "/opt/hermes/bin/hermes-init"]
    r = run(image("ours", version), ["report", "a b", ""], ENV_OPTS + ep)
    diff = differences(comparable(s6_reference), comparable(observe(r)))
    checks.check("PID 1: /init boots, the CMD runs as with the default image", tag, not diff and "s6-rc: info" in r.stderr,
                 "; ".join(diff)[:600])
    with Container(image("ours", version), ["report", "--sleep"], ep) as c:
        up = c.wait("[ \"$(/command/s6-svstat -o up /run/service/main-hermes)\" = true ]")
        pid1 = c.exec("cat", "/proc/1/comm").stdout.decode().strip()
        checks.check("PID 1: s6-svscan is PID 1 and main-hermes is up", tag, up and pid1 == "s6-svscan", "PID 1 %s" % pid1)
    table.append((version, "--entrypoint hermes-init (PID 1)", "execs /init: the whole supervision tree, then the CMD",
                  "CMD's", "main-hermes up"))


def pty_run_opts(img, opts):
    """pty_run with engine options (the pod or --init), passed explicitly: the jobs run in
    threads, so nothing module-wide may change under them."""
    return pty_run(img, TTY_SCRIPT, send=b"\x03", opts=opts)


def plain_checks(checks, table):
    tag = "no s6-overlay"
    every = KIND == "podman"  # as for --init above
    scripts = [("exit %d" % n, n) for n in range(256)] + EXIT_SCRIPTS[-1:] if every else EXIT_SCRIPTS
    with ThreadPoolExecutor(max_workers=4) as pool:
        exits = list(pool.map(lambda e: (e, run(PLAIN, ["sh", "-c", e[0]])), scripts))
    bad = ["%s -> %s" % (s, r.rc) for (s, want), r in exits if r.rc != want]
    checks.check("PID 1, tini-grade: exit codes %s and 143" % ("0-255" if every else "0, 1, 42, 126, 127, 255"), tag,
                 not bad, ", ".join(bad[:10]))
    r = run(PLAIN, ["report"])
    checks.check("PID 1, tini-grade: the program runs as hermes, no warning", tag,
                 r.report and r.report["uid"] == 10000 and "warning" not in r.stderr, "rc %s %s" % (r.rc, r.stderr[-300:]))
    r = run(PLAIN, ["sh", "-c", ORPHANS])
    checks.check("PID 1, tini-grade: orphans reaped", tag, r.rc == 0 and r.stdout.strip().splitlines()[-1:] == ["0"],
                 "rc %s %r" % (r.rc, r.stdout[-100:]))
    code, seconds, procs = stop_after_start(PLAIN, [])
    checks.check("PID 1, tini-grade: stop forwards SIGTERM, exit 143 at once", tag, code == "143" and seconds < 5,
                 "exit %s after %.1f s" % (code, seconds))
    rc, seen = pty_run(PLAIN, TTY_SCRIPT, send=b"\x03")
    checks.check("PID 1, tini-grade: -t, ^C reaches the program", tag, rc == 7 and b"GOT-INT" in seen, "rc %s" % rc)
    table.append(("-", "PID 1, image without s6-overlay", "tini-grade init: the program as its child, as hermes",
                  "exit codes passed through; stop %s in %.1f s" % (code, seconds), "none"))
