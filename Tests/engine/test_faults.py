"""Named faults (issue #30), each on the real CLI's image before (the release's glue) and
ours, under s6-overlay's own /init. What each must give: a clear error naming the cause,
nothing lost, and the next boot heals.

  run-full      /run (a tmpfs of its own) full while `hermes profile create coder` writes
                the slot: the error says no space is left; no slot or staging directory is
                left in /run/service; the profile is on the volume; once there is room,
                `restart C` registers its slot
  kill-9        the container's PID 1 killed (SIGKILL from the host) in the middle of the
                boot reconcile of eight profiles; `start C` again: every slot is back, the
                gateway up and healthy, every gateway_state.json readable
  state-*       gateway_state.json truncated, not JSON, JSON that is not an object, or
                root's with mode 0600, before a boot: the boot completes and the gateway
                the CMD asks for is up and healthy
  data-ro       /opt/data mounted read-only with `gateway run`: the reconcile names the
                cause (ours: docker/cont-init.d/02-reconcile-profiles checks first; the
                release's reconcile stopped at its first unlink with a traceback), and the
                CMD ends instead of waiting on a gateway that cannot run
  no-hermes     /etc/passwd without a hermes line: the CMD is not run as root; the error
                names the account
  uid-0         HERMES_UID=0: nothing runs as root (the release's stage2 hook ignores a
                uid outside 1-65534)
"""
import json
import os
import re
import signal
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from engine import engine, remove, run
from test_cli import API, HOST, SLOT, CliContainer, Volume, cli_image

PROFILES = ["p%d" % i for i in range(1, 9)]


def host_pid(name):
    return int(engine("inspect", "-f", "{{.State.Pid}}", name, check=True).stdout.decode().strip())


def state_ok(vol, rel="gateway_state.json"):
    text = vol.read(rel)
    if text is None:
        return "absent"
    try:
        return "object" if isinstance(json.loads(text), dict) else "not an object"
    except ValueError:
        return "not JSON"


def in_use(img, vol):
    """Makes VOL a volume that was in use: one boot with `gateway run`, up to its gateway."""
    first = CliContainer(img, ["gateway", "run"], ["-v", vol.name + ":/opt/data"] + API + HOST)
    try:
        first.wait_boot()
        first.gateway()
    finally:
        remove(first.name)


def run_full(img):
    o = {}
    with Volume() as vol:
        c = CliContainer(img, ["gateway", "run"], ["-v", vol.name + ":/opt/data", "--tmpfs", "/run:exec,size=16m"] + API + HOST)
        try:
            c.wait_boot()
            c.gateway()
            c.sh("dd if=/dev/zero of=/run/fill bs=64k >/dev/null 2>&1; sync; true")
            rc, out = c.hermes("profile", "create", "coder", "--no-alias", timeout=120)
            o["rc"] = rc
            o["enospc"] = "No space left on device" in out
            o["said"] = [l for l in out.splitlines() if l.strip()][-3:]
            o["left"] = c.sh("ls -a /run/service | grep -e gateway-coder || true").stdout.decode().split()
            o["profile"] = os.path.isdir(vol.path + "/profiles/coder")
            c.sh("rm -f /run/fill")
            o["booted"] = c.restart()
            o["healed"] = c.wait("[ -d %s ] && [ -e %s/supervise/status ]" % (SLOT % "coder", SLOT % "coder"), 60)
            o["gateway"] = c.gateway() is not None and c.healthy()
        finally:
            remove(c.name)
    return o


def kill9(img):
    o = {}
    with Volume() as vol:
        c = CliContainer(img, ["gateway", "run"], ["-v", vol.name + ":/opt/data"] + API + HOST)
        try:
            c.wait_boot()
            c.gateway()
            for p in PROFILES:
                c.hermes("profile", "create", p, "--no-alias", timeout=120)
            c.hermes("-p", PROFILES[0], "gateway", "start")  # one with desired_state running
            engine("stop", "-t", "10", c.name, check=True, timeout=60)
            engine("start", c.name, check=True)
            pid = host_pid(c.name)
            # the middle of the reconcile: some slots of this boot there, not all
            mid = SLOT % PROFILES[len(PROFILES) // 2]
            end = time.monotonic() + 60
            while time.monotonic() < end and not os.path.exists("/proc/%d/root%s" % (pid, mid)):
                time.sleep(0.001)
            seen = sorted(p for p in PROFILES if os.path.exists("/proc/%d/root%s" % (pid, SLOT % p)))
            os.kill(pid, signal.SIGKILL)
            o["killed-with"] = "%d of %d slots" % (len(seen), len(PROFILES))
            engine("wait", c.name, timeout=60)
            engine("start", c.name, check=True)
            o["booted"] = c.wait_boot()
            o["slots"] = all(c.wait("[ -e %s/supervise/status ]" % (SLOT % p), 30) for p in PROFILES)
            o["p1-up"] = c.gateway(PROFILES[0]) is not None
            o["gateway"] = c.gateway() is not None and c.healthy()
            o["states"] = sorted(set([state_ok(vol)] + [state_ok(vol, "profiles/%s/gateway_state.json" % p) for p in PROFILES]))
        finally:
            remove(c.name)
    return o


STATES = {
    "state-truncated": b'{"gateway_state": "running", "desired_sta',
    "state-not-json": b"\x00\xffgarbage\n",
    "state-list": b'["running"]\n',
    "state-root-0600": b'{"gateway_state": "running", "desired_state": "running"}\n',
}


def bad_state(img, which):
    o = {}
    with Volume() as vol:
        in_use(img, vol)
        path = vol.path + "/gateway_state.json"
        with open(path, "wb") as f:
            f.write(STATES[which])
        if which == "state-root-0600":
            os.chown(path, 0, 0)
            os.chmod(path, 0o600)
        c = CliContainer(img, ["gateway", "run"], ["-v", vol.name + ":/opt/data"] + API + HOST)
        try:
            o["booted"] = c.wait_boot()
            o["gateway"] = c.gateway() is not None and c.healthy()
            logs = c.logs()
            o["said"] = [l for l in logs.splitlines() if "gateway_state" in l or "Traceback" in l or "Error" in l][:3]
            o["after"] = state_ok(vol)
        finally:
            remove(c.name)
    return o


def data_ro(img):
    """A volume that was in use, mounted read-only, with `gateway run`."""
    o = {}
    with Volume() as vol:
        in_use(img, vol)
        r = run(img, ["gateway", "run"], ["-v", vol.name + ":/opt/data:ro"] + API + HOST, timeout=60)
        o["rc"] = r.rc
        text = r.stderr + r.stdout
        o["named"] = "reconcile: fatal: /opt/data (HERMES_HOME) is not writable" in text
        o["traceback"] = "Traceback" in text
        o["said"] = [l for l in text.splitlines() if "fatal" in l or "Error" in l][:3]
    return o


def passwd_without_hermes(img):
    o = {}
    text = run(img, ["cat", "/etc/passwd"], timeout=60).stdout
    lines = [l for l in text.splitlines() if l.count(":") == 6 and not l.startswith("hermes:")]
    with tempfile.NamedTemporaryFile("w", delete=False, suffix=".passwd") as f:
        f.write("\n".join(lines) + "\n")
    os.chmod(f.name, 0o644)
    try:
        r = run(img, ["id", "-u"], ["-v", f.name + ":/etc/passwd:ro"] + HOST, timeout=90)
        o["rc"] = r.rc
        o["uid"] = [l for l in r.stdout.splitlines() if l.strip().isdigit()]
        o["said"] = [l for l in r.stderr.splitlines() if "fatal" in l or "no such user" in l][-3:]
    finally:
        os.unlink(f.name)
    return o


def uid0(img):
    r = run(img, ["id", "-u"], ["-e", "HERMES_UID=0"] + HOST, timeout=90)
    return {"rc": r.rc, "uid": [l for l in r.stdout.splitlines() if l.strip().isdigit()],
            "said": [l for l in r.stderr.splitlines() if "UID" in l or "uid" in l][-2:]}


FAULTS = [("run-full", run_full), ("kill-9", kill9)] + [
    (w, lambda img, w=w: bad_state(img, w)) for w in STATES] + [
    ("data-ro", data_ro), ("no-hermes", passwd_without_hermes), ("uid-0", uid0)]


# What ours must give, fault by fault (the glue's image is recorded beside it).
WANT = {
    "run-full": ("the error says no space is left; nothing left in /run/service; the profile kept; "
                 "restart C registers its slot; the gateway healthy",
                 lambda o: o["enospc"] and not o["left"] and o["profile"] and o["booted"] and o["healed"] and o["gateway"]),
    "kill-9": ("start C again: all 8 slots back, p1's gateway up, the default one healthy, every state file an object",
               lambda o: o["booted"] and o["slots"] and o["p1-up"] and o["gateway"] and set(o["states"]) <= {"absent", "object"}),
    "data-ro": ("the reconcile names the read-only HERMES_HOME, no traceback; the CMD ends (not restarted for ever)",
                lambda o: o["named"] and not o["traceback"] and o["rc"] is not None),
    "no-hermes": ("exit 1 naming the account; the CMD never runs", lambda o: o["rc"] == 1 and not o["uid"]
                  and any(re.search(r"unknown user:? hermes", l) for l in o["said"])),
    "uid-0": ("the CMD runs as hermes (10000), not root", lambda o: o["uid"] == ["10000"]),
}
for w in STATES:
    WANT[w] = ("the boot completes; the CMD's gateway up and healthy", lambda o: o["booted"] and o["gateway"])


def fault_checks(checks, version, table):
    tag = version + " faults"
    for name, fn in FAULTS:
        with ThreadPoolExecutor(max_workers=2) as pool:
            b, o = pool.map(lambda kind: fn(cli_image(kind, version)), ("before", "ours"))
        what, ok = WANT[name]
        good = bool(ok(o))
        checks.check("%s: %s" % (name, what), tag, good, "before %r, ours %r" % (b, o))
        table.append((version, name, what, "as required" if ok(b) else "no: %s" % short(b), "as required" if good else "no: %s" % short(o)))


def short(o):
    return "; ".join("%s=%s" % (k, v) for k, v in o.items())[:300]


if __name__ == "__main__":
    import sys
    version = os.environ.get("V", "3.2.3.0")
    names = sys.argv[1:] or [n for n, _ in FAULTS]
    for n, fn in FAULTS:
        if n in names:
            for kind in ("before", "ours"):
                print(n, kind, fn(cli_image(kind, version)), flush=True)
