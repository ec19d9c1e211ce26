"""Docker Compose (docker-compose, against the tests' own dockerd; Docker only): the files of
deploy/compose/ as a user runs them, the image ours with the real CLI.

  compose.yaml                    s6-overlay's /init as PID 1: up, healthy (the gateway's
                                  /health), the gateway as HERMES_UID:HERMES_GID with the
                                  group_add group, `exec hermes hermes config set` writes as
                                  hermes, `restart` comes back healthy, `down -v` leaves
                                  no container, volume or network of the project
  + compose.init.yaml (init: true) docker-init is PID 1 and hermes-init the entry point:
                                  healthy, the gateway as hermes with the group, down -v
The only addition for the tests is an override with `network_mode: none` (the tests'
dockerd has no bridge)."""
import os
import subprocess
import tempfile
import time
import uuid

from engine import REPO, engine
from test_cli import cli_image

FILES = os.path.join(REPO, "deploy", "compose")
COMPOSE = os.environ.get("HERMES_COMPOSE", "docker-compose")
UID, GID, EXTRA = 1000, 1000, 5000
OVERRIDE = "services:\n  hermes:\n    network_mode: none\n"


def compose_checks(checks, version, table):
    img = cli_image("ours", version)
    with tempfile.TemporaryDirectory() as d:
        override = os.path.join(d, "network-none.yaml")
        with open(override, "w") as f:
            f.write(OVERRIDE)
        for variant, extra in (("compose.yaml", []), ("compose.yaml + compose.init.yaml (init: true)",
                                                      [os.path.join(FILES, "compose.init.yaml")])):
            one(checks, version, table, img, variant, [os.path.join(FILES, "compose.yaml")] + extra + [override])


def one(checks, version, table, img, variant, files):
    project = "hermes-test-" + uuid.uuid4().hex[:8]
    env = dict(os.environ, HERMES_IMAGE=img, API_SERVER_KEY="hermes-engine-test-key-0123456789",
               HERMES_UID=str(UID), HERMES_GID=str(GID), HERMES_EXTRA_GID=str(EXTRA))
    argv = [COMPOSE, "-p", project] + sum((["-f", f] for f in files), [])
    tag = "compose %s" % version
    init = "init" in variant

    def dc(*args, timeout=180):
        return subprocess.run(argv + list(args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)

    def container():
        out = dc("ps", "-q").stdout.decode().split()
        return out[0] if out else None

    def health(name):
        return engine("inspect", "-f", "{{.State.Health.Status}}", name).stdout.decode().strip()

    def wait_healthy(name, timeout=180):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if health(name) == "healthy":
                return True
            time.sleep(2)
        return False

    def gateway_ids(name):
        # The gateway: the s6 slot's process, or (init: true) the command itself.
        script = ('for s in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$s" | grep -q "gateway ru[n]" || continue; '
                  'd=${s%/cmdline}; grep -E "^(Uid|Gid|Groups):" "$d/status" | tr "\\t\\n" "  "; '
                  'tr "\\0" " " < "$s"; echo; done')
        p = engine("exec", name, "/bin/sh", "-c", script)
        return [l for l in p.stdout.decode("utf-8", "replace").splitlines() if "/.venv/bin/python" in l]

    up = dc("up", "-d", timeout=300)
    try:
        name = container()
        healthy = up.returncode == 0 and name is not None and wait_healthy(name)
        pid1 = engine("exec", name, "cat", "/proc/1/comm").stdout.decode().strip() if name else ""
        gw = gateway_ids(name) if name else []
        want = "Uid: %d %d %d %d Gid: %d %d %d %d Groups: " % ((UID,) * 4 + (GID,) * 4)
        gw_ok = bool(gw) and all(l.startswith(want) and str(EXTRA) in l.split("Groups:")[1].split("/")[0].split()
                                 for l in gw)
        checks.check("%s: up and healthy; PID 1 %s" % (variant, "docker-init" if init else "s6-svscan"), tag,
                     healthy and pid1 == ("docker-init" if init else "s6-svscan"),
                     "rc %s healthy %s pid1 %s %s" % (up.returncode, healthy, pid1, up.stderr.decode(errors="replace")[-300:]))
        checks.check("%s: the gateway as %d:%d, with group_add's %d" % (variant, UID, GID, EXTRA), tag, gw_ok, repr(gw)[:400])
        x = dc("exec", "-T", "hermes", "hermes", "config", "set", "display.skin", "mono")
        owner = dc("exec", "-T", "hermes", "stat", "-c", "%u:%g", "/opt/data/config.yaml").stdout.decode().strip()
        checks.check("%s: exec hermes hermes config set writes as %d:%d" % (variant, UID, GID), tag,
                     x.returncode == 0 and owner == "%d:%d" % (UID, GID), "rc %s owner %s %s" % (
                         x.returncode, owner, x.stderr.decode(errors="replace")[-200:]))
        r = dc("restart", timeout=180)
        again = r.returncode == 0 and wait_healthy(name)
        checks.check("%s: restart, healthy again" % variant, tag, again, r.stderr.decode(errors="replace")[-300:])
    finally:
        down = dc("down", "-v", "--timeout", "20", timeout=180)
    left = []
    for kind, fmt in (("ps", "{{.Names}}"), ("volume", "{{.Name}}"), ("network", "{{.Name}}")):
        args = [kind, "ls", "-q"] if kind != "ps" else ["ps", "-a", "-q"]
        out = engine(*args, "--filter", "label=com.docker.compose.project=%s" % project).stdout.decode().split()
        left += ["%s %s" % (kind, o) for o in out]
    checks.check("%s: down -v leaves no container, volume or network of the project" % variant, tag,
                 down.returncode == 0 and not left, "rc %s left %s %s" % (down.returncode, left, down.stderr.decode(errors="replace")[-200:]))
    table.append(("docker-compose", version, variant, "ours (real CLI)",
                  "healthy; gateway %d:%d + group %d; exec writes as hermes; restart healthy" % (UID, GID, EXTRA)
                  if healthy and gw_ok and again else "FAILS (see the checks)",
                  "PID 1 %s; down -v leaves %s" % (pid1, "nothing" if not left else left)))
