"""Where users harden or remap the container (issue #19), each on the glue's image
("before") and ours, under s6-overlay's own /init:

  - a read-only root with /run and /tmp as tmpfs, the data on a volume, every capability
    dropped but CHOWN, DAC_OVERRIDE, SETUID, SETGID and KILL: it boots and behaves as with
    the defaults (argv, environment, ids, exit codes, `stop` before the SIGKILL fallback),
    and with the real CLI the gateway is up as hermes, healthy, and hermes restarts it;
  - each of the five dropped in turn, to show it is needed, and what each costs;
  - /run mounted noexec or read-only: with the runtime-init target hermes-init names the
    cause and the fix before it execs /init (exit 78, docs/contract.md M3); with the default target
    s6-overlay's first stage fails before any of our code runs (recorded as it is);
  - id remaps HERMES_UID/HERMES_GID and PUID/PGID at 99:100, 1000:1000 and 1026:100: the
    program, the gateway (the real CLI) and files written by `exec C hermes config set`;
  - stale state at boot: a root-owned 0700 /run/service/.gateway-default.tmp with a file
    in it when the reconcile runs, and a root-owned logs/gateways/default/lock on the
    volume: the boot completes and the gateway and its logger are up.
The capability and /run cases and the real-CLI ones run on the first s6-overlay version
only (the s6 side of them is the same in both); the rest on each."""
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

from engine import FAST, KIND, VERSIONS, image, run
from test_cli import API, CliContainer, Volume, cli_image
from test_diff import differences, observe
from test_runtimes import RUNTIME_INIT, comparable, stop_after_start

# The capabilities the image needs (capability_checks shows each one's part).
CAPS = ["CHOWN", "DAC_OVERRIDE", "SETUID", "SETGID", "KILL"]
ENV_OPTS = ["-e", "FOO=bar", "-e", "EMPTY=", "-e", "NL=x\n"]
DATA = ["--tmpfs", "/opt/data"]
REMAPS = [("PUID", "PGID", 99, 100), ("HERMES_UID", "HERMES_GID", 1000, 1000), ("PUID", "PGID", 1026, 100)]


def hardened(caps=CAPS):
    """A read-only root, /run (exec) and /tmp as tmpfs, every capability dropped but CAPS."""
    opts = ["--read-only", "--tmpfs", "/run:exec", "--tmpfs", "/tmp", "--cap-drop", "ALL"]
    for c in caps:
        opts += ["--cap-add", c]
    return opts


def read_only_run():
    """A read-only root with nothing mounted on /run (podman mounts a tmpfs there unless told not to)."""
    return ["--read-only"] + (["--read-only-tmpfs=false"] if KIND == "podman" else []) + ["--tmpfs", "/tmp"] + DATA


def hardened_checks(checks, version, table):
    first = version == VERSIONS[0]
    for kind in ("before", "ours"):
        img = image(kind, version)
        tag = "%s %s" % (kind, version)
        if kind == "before" and version >= "3.2.3.1":
            # The glue's image keeps its user bundle in /etc/s6-overlay/s6-rc.d, where
            # s6-overlay 3.2.3.1+ has rc.init write user/type: on a read-only root that
            # fails and the boot hangs (ours registers where the version reads it).
            r = run(img, ["sh", "-c", "exit 42"], DATA + hardened(), timeout=20)
            cause = "cannot create /etc/s6-overlay/s6-rc.d/user/type: Read-only file system"
            checks.check("read-only root on 3.2.3.1+: the glue's layout hangs the boot (recorded)", tag,
                         r.rc is None and cause in r.stderr, "rc %s %r" % (r.rc, r.stderr[-300:]))
            table.append((KIND, version, "read-only root, /run:exec and /tmp tmpfs, drop ALL + %s" % ", ".join(CAPS),
                          kind, "boot hangs: rc.init: %s" % cause, ""))
            continue
        default = observe(run(img, ["report", "a b", ""], ENV_OPTS + DATA))
        r = run(img, ["report", "a b", ""], ENV_OPTS + DATA + hardened())
        diff = differences(comparable(default), comparable(observe(r)))
        checks.check("read-only root, drop ALL + %s: argv, environment, ids as with the defaults" % ",".join(CAPS),
                     tag, r.rc == 0 and not diff, "rc %s %s %s" % (r.rc, "; ".join(diff)[:400], r.stderr[-300:]))
        bad = []
        for script, want in (("exit 42", 42), ("kill -TERM $$", 143)):
            e = run(img, ["sh", "-c", script], DATA + hardened())
            if e.rc != want:
                bad.append("%s -> %s" % (script, e.rc))
        checks.check("hardened: exit codes 42 and 143 pass through", tag, not bad, ", ".join(bad))
        code0, _, _ = stop_after_start(img, DATA)
        code, seconds, procs = stop_after_start(img, DATA + hardened())
        checks.check("hardened: stop ends it before the SIGKILL fallback, with the default's exit code", tag,
                     seconds < 9 and code == code0, "exit %s (default %s) after %.1f s" % (code, code0, seconds))
        table.append((KIND, version, "read-only root, /run:exec and /tmp tmpfs, drop ALL + %s" % ", ".join(CAPS),
                      kind, "boots; as the default" if r.rc == 0 and not diff and not bad else "FAILS",
                      "stop: exit %s in %.1f s" % (code, seconds)))
    if first:
        capability_checks(checks, version, table)
        run_mount_checks(checks, version, table)
    remap_checks(checks, version, table)
    if first:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for f in [pool.submit(cli_remap_checks, checks, version, table),
                      pool.submit(lambda: (stale_state_checks(checks, version, table),
                                           cli_hardened_checks(checks, version, table)))]:
                f.result()


def capability_checks(checks, version, table):
    """Each of the five dropped in turn (ours): what breaks, so each is shown needed."""
    img = image("ours", version)
    tag = "ours %s" % version
    for cap in CAPS:
        rest = [c for c in CAPS if c != cap]
        if cap == "KILL":
            code, seconds, _ = stop_after_start(img, DATA + hardened(rest))
            ok = seconds >= 9 and code == "137"
            seen = "stop: s6 cannot signal the program (hermes), the runtime's SIGKILL after %.0f s, exit %s" % (seconds, code)
        elif cap == "DAC_OVERRIDE":
            # The real CLI: root must reach what the release's glue gives hermes. Its
            # 015-supervise-perms (kept in ours) makes the static services' supervise/ and
            # event/ hermes's, so s6-rc (root) cannot subscribe to them and the services
            # never start; the data volume is hermes's 0700 home.
            want = "s6-svlisten: fatal: unable to subscribe to events for /run/s6-rc/servicedirs/dashboard: Permission denied"
            with Volume() as vol:
                with CliContainer(cli_image("ours", version), ["gateway", "run"],
                                  ["-v", vol.name + ":/opt/data"] + hardened(rest) + API + FAST) as c:
                    c.wait_logs(want, 60)
                    logs = c.logs()
            ok = want in logs
            seen = ("real CLI: the static services never start (%s: 015-supervise-perms gave hermes their "
                    "supervise/ and event/, which root without DAC_OVERRIDE cannot open)" % want if ok else logs[-300:])
        else:
            r = run(img, ["sh", "-c", "exit 42"], DATA + hardened(rest), timeout=25)
            err = r.stderr
            if cap in ("SETUID", "SETGID"):
                ok = r.rc == 111 and ("lacks the %s capability: add it, as with docker run --cap-add %s" % (cap, cap)) in err
                line = [l for l in err.splitlines() if l.startswith("hermes-init: fatal:")]
                seen = "exit %s: %s" % (r.rc, line[0] if line else err[-200:])
            else:  # CHOWN
                ok = r.rc == 42 and "chown: changing ownership of '/run/service': Operation not permitted" in err \
                    and "reconcile:" not in err + r.stdout
                seen = ("the program runs (exit %s), but 02-reconcile-profiles stops at its chown of /run/service: "
                        "no gateway slot is reconciled" % r.rc)
        checks.check("hardened without %s: fails as recorded" % cap, tag, ok, seen)
        table.append((KIND, version, "as above without %s" % cap, "ours", seen, ""))


def run_mount_checks(checks, version, table):
    """/run noexec or read-only: the runtime-init target names it; the default target is s6-overlay's."""
    cases = [("/run mounted noexec", DATA + ["--tmpfs", "/run:noexec"], "/run is mounted noexec"),
             ("/run on a read-only root", read_only_run(), "/run is on a read-only file system")]
    for label, opts, reason in cases:
        r = run(RUNTIME_INIT % version, ["echo", "should_not_reach"], opts, timeout=30)
        want = "hermes-init: fatal: unable to boot s6-overlay: %s" % reason
        checks.check("runtime-init target, %s: exit 78 (M3), the cause and the fix, nothing run" % label, "ours %s" % version,
                     r.rc == 78 and want in r.stderr and "--tmpfs /run:exec" in r.stderr and "should_not_reach" not in r.stdout,
                     "rc %s %r" % (r.rc, r.stderr[-300:]))
        d = run(image("ours", version), ["echo", "should_not_reach"], opts, timeout=30)
        s6_line = [l for l in d.stderr.splitlines() if "fatal" in l or "Permission denied" in l]
        # Before any of our code: what s6-overlay's stage0 says (docs/image-proof.md).
        checks.check("default target, %s: s6-overlay's first stage fails before our code, nothing run" % label,
                     "ours %s" % version, d.rc not in (0, None) and "should_not_reach" not in d.stdout,
                     "rc %s %r" % (d.rc, d.stderr[-300:]))
        table.append((KIND, version, label, "default target (before and ours)",
                      "exit %s: %s" % (d.rc, s6_line[0] if s6_line else d.stderr[-120:]),
                      "runtime-init target: exit %s: %s" % (r.rc, want)))


def remap_checks(checks, version, table):
    for uvar, gvar, uid, gid in REMAPS:
        for kind in ("before", "ours"):
            r = run(image(kind, version), ["report"], DATA + ["-e", "%s=%d" % (uvar, uid), "-e", "%s=%d" % (gvar, gid)])
            got = (r.report["uid"], r.report["gid"]) if r.report else None
            checks.check("%s=%d %s=%d: the program runs as %d:%d" % (uvar, uid, gvar, gid, uid, gid), "%s %s" % (kind, version),
                         r.rc == 0 and got == (uid, gid), "rc %s got %s %s" % (r.rc, got, r.stderr[-200:]))


def cli_remap_checks(checks, version, table):
    """The real CLI with each remap: the gateway's ids, and files `exec C hermes config set` writes."""
    def one(args):
        (uvar, gvar, uid, gid), kind = args
        with Volume() as vol:
            with CliContainer(cli_image(kind, version), ["gateway", "run"],
                              ["-v", vol.name + ":/opt/data", "-e", "%s=%d" % (uvar, uid), "-e", "%s=%d" % (gvar, gid)] + API + FAST) as c:
                booted = c.wait_boot(90)
                pid = c.gateway(timeout=90)
                info = c.process(pid) if pid else None
                # What the command writes: config.yaml, and anything newer than the mark (not
                # /opt/data itself: its owner is stage2's doing, the release's in both images).
                c.sh("touch /tmp/hermes-test-mark && sleep 0.01")
                rc, out = c.hermes("config", "set", "display.skin", "mono")
                owners = c.sh("stat -c '%%u:%%g %%n' /opt/data/config.yaml | grep -v '^%d:%d '; "
                              "find /opt/data -mindepth 1 -xdev -newer /tmp/hermes-test-mark \\( ! -uid %d -o ! -gid %d \\) -print | head -5"
                              % (uid, gid, uid, gid)).stdout.decode()
                return (uvar, gvar, uid, gid, kind), booted, info, rc, out, owners
    jobs = [(m, k) for m in REMAPS for k in ("before", "ours")]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one, jobs))
    for (uvar, gvar, uid, gid, kind), booted, info, rc, out, owners in results:
        tag = "%s-cli %s" % (kind, version)
        ids = (info["uid"], info["gid"]) if info else None
        checks.check("%s=%d %s=%d: the gateway runs as %d:%d" % (uvar, uid, gvar, gid, uid, gid), tag,
                     booted and ids == (uid, gid), "booted %s ids %s" % (booted, ids))
        checks.check("%s=%d %s=%d: exec C hermes config set; config.yaml and all it wrote are %d:%d" % (uvar, uid, gvar, gid, uid, gid),
                     tag, rc == 0 and owners.strip() == "", "rc %s %s; not %d:%d: %s" % (rc, out[-200:], uid, gid, owners[:300]))
        table.append((KIND, version, "%s=%d %s=%d (real CLI)" % (uvar, uid, gvar, gid), kind,
                      "gateway %s, files %s" % ("%d:%d" % ids if ids else "not up", "all %d:%d" % (uid, gid) if rc == 0 and not owners.strip() else "NOT: " + owners.strip()[:80]), ""))


STALE_STEP = """#!/bin/sh
# Stale state where the reconcile will meet it: a slot staging directory left by root.
mkdir -p /run/service/.gateway-default.tmp
echo leftover > /run/service/.gateway-default.tmp/run
chmod 0700 /run/service/.gateway-default.tmp
"""


def stale_state_checks(checks, version, table):
    """A root-owned 0700 .gateway-default.tmp (with a file) in /run/service when the
    reconcile runs, and a root-owned stale lock of the gateway's logger on the volume."""
    with tempfile.TemporaryDirectory() as d:
        step = os.path.join(d, "01-stale-slot")
        with open(step, "w") as f:
            f.write(STALE_STEP)
        os.chmod(step, 0o755)
        os.chmod(d, 0o755)
        for kind in ("before", "ours"):
            tag = "%s-cli %s" % (kind, version)
            with Volume() as vol:
                lockdir = os.path.join(vol.path, "logs", "gateways", "default")
                os.makedirs(lockdir)
                with open(os.path.join(lockdir, "lock"), "w") as f:
                    f.write("")
                os.chmod(os.path.join(lockdir, "lock"), 0o600)
                with CliContainer(cli_image(kind, version), ["gateway", "run"],
                                  ["-v", vol.name + ":/opt/data", "-v", step + ":/etc/cont-init.d/01-stale-slot:ro"] + API + FAST) as c:
                    booted = c.wait_boot(90)
                    pid = c.gateway(timeout=60)
                    info = c.process(pid) if pid else None
                    logger = c.wait("[ \"$(/command/s6-svstat -o up /run/service/gateway-default/log)\" = true ]", 20)
                    logs = c.logs()
            up = booted and info is not None and info["uid"] == 10000 and logger
            crash = [l for l in logs.splitlines() if "Error" in l or "exited 1" in l][:2]
            if kind == "ours":
                checks.check("stale root-owned .gateway-default.tmp and logger lock: boot completes, gateway and logger up as hermes",
                             tag, up, "booted %s gateway %s logger %s %s" % (booted, info and info["uid"], logger, crash))
            table.append((KIND, version, "stale root 0700 /run/service/.gateway-default.tmp and logs/gateways/default/lock (real CLI)",
                          kind, "gateway and logger up" if up else "gateway %s, logger %s: %s" % (
                              "up" if info else "down", "up" if logger else "down", "; ".join(crash)[:200]), ""))


def cli_hardened_checks(checks, version, table):
    """The real CLI on the hardened runtime: the gateway up as hermes and healthy, and
    `exec C hermes gateway restart` (hermes controlling its slot) brings it back."""
    for kind in ("before", "ours"):
        tag = "%s-cli %s" % (kind, version)
        with Volume() as vol:
            with CliContainer(cli_image(kind, version), ["gateway", "run"],
                              ["-v", vol.name + ":/opt/data"] + hardened() + API + FAST) as c:
                booted = c.wait_boot(90)
                pid = c.gateway(timeout=90)
                info = c.process(pid) if pid else None
                healthy = pid is not None and c.healthy()
                rc, out = c.hermes("gateway", "restart", timeout=90)
                again = c.gateway(timeout=60, other_than=pid) if rc == 0 else None
                owners = c.sh("stat -c '%n %U:%G %a' /run/service /run/service/.s6-svscan/control "
                              "/run/service/s6-linux-init-shutdownd/fifo").stdout.decode().split("\n")
        ok = booted and info is not None and info["uid"] == 10000 and healthy and again is not None
        checks.check("real CLI, read-only root, drop ALL + %s: gateway up as hermes, healthy, restarted by hermes" % ",".join(CAPS),
                     tag, ok, "booted %s ids %s healthy %s restart rc %s %s" % (booted, info and info["uid"], healthy, rc, out[-200:]))
        if kind == "ours":
            # 02-reconcile-profiles gives hermes what it needs for its slots, not s6-overlay's own services.
            want = ["/run/service hermes:root 775", "/run/service/.s6-svscan/control hermes:root 660",
                    "/run/service/s6-linux-init-shutdownd/fifo root:root 600"]
            checks.check("hermes owns /run/service and the scanner's control FIFO (group root rw), not s6-linux-init-shutdownd's FIFO",
                         tag, owners[:3] == want, repr(owners))
        table.append((KIND, version, "real CLI, read-only root, drop ALL + %s" % ", ".join(CAPS), kind,
                      "gateway up as hermes, healthy, `hermes gateway restart` works" if ok else "FAILS", ""))
