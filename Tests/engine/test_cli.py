"""The real Hermes Agent CLI (the newest supported release, docker/hermes-agent/releases) in the s6-era image
("before": the shell glue) and in ours (the Dockerfile, the hermes-agent patch applied),
under s6-overlay's own /init. Scenarios, each run on both images:

  a. `gateway run` with the API server: the redirect banner; gateway-default supervised
     as hermes with HOME=/opt/data and the glue's environment byte for byte; /health;
     `exec C hermes gateway status|stop|start|restart`; stop + `restart C`: the reconcile
     registers the slot down, then the CMD `gateway run` starts it (in both images);
     start + `restart C` comes up; `kill -9` of the gateway comes back; `stop C` gives the
     gateway SIGTERM and takes as long as the glue's
  b. a fresh volume with `gateway run`: migrated (legacy-container-cmd) and started
  c. a dashboard container on the same volume: the reconcile skips, GET / is 200, no
     gateway in it
  d. `hermes profile create coder --no-alias`, its API server on 8643,
     `hermes -p coder gateway start`: gateway-coder up as hermes and healthy beside
     default; after `restart C`, up again from its desired_state
  e. files written by `exec C hermes config set` belong to hermes
  f. exit codes and messages of real failures
Ours must also render every slot file with privdrop: no with-contenv, no s6-setuidgid,
no `id -u`.

The other releases of CLI_RELEASES (engine.sh; the oldest) run the same scenarios, where
the release has what they use, as a differential (release_checks): every observation of
ours is the glue's, the slots exec privdrop, and the gateway runs as hermes and answers."""
import json
import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from engine import REPO, Container, engine, remove, run
from test_diff import program_stdout

API = ["-e", "API_SERVER_ENABLED=true", "-e", "API_SERVER_KEY=hermes-engine-test-key-0123456789",
       "-e", "MULTI=line one\nline two", "-e", "SPACES=  a  b  "]
# One hostname for both images: it is the only variable the runtime gives per container.
HOST = ["--hostname", "hermes-cli-test"]
HEALTH = ("import json,sys,urllib.request;"
          "sys.exit(json.loads(urllib.request.urlopen('http://127.0.0.1:%d/health',timeout=3).read())['status'] != 'ok')")
SLOT = "/run/service/gateway-%s"


sys.path.insert(0, os.path.join(REPO, "docker", "hermes-agent"))
from apply import read_releases  # noqa: E402

RELEASES = list(read_releases())
NEWEST = os.environ.get("HERMES_AGENT_VERSION") or RELEASES[-1]
CLI_RELEASES = (os.environ.get("CLI_RELEASES") or "%s %s" % (RELEASES[0], NEWEST)).split()


def cli_image(kind, version, release=None):
    suffix = "" if release in (None, NEWEST) else "-" + release
    return "localhost/hermes-test/%s-cli%s:%s" % (kind, suffix, version)


class Volume:
    def __init__(self):
        self.name = "hermes-test-" + uuid.uuid4().hex[:12]
        engine("volume", "create", self.name, check=True)
        self.path = engine("volume", "inspect", "-f", "{{.Mountpoint}}", self.name, check=True).stdout.decode().strip()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        engine("volume", "rm", "-f", self.name)

    def read(self, rel):
        try:
            with open(self.path + "/" + rel, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return None


class CliContainer(Container):
    """A detached container with a name and its own run options, kept across restarts."""

    def __init__(self, img, args, opts):
        self.name = "hermes-test-" + uuid.uuid4().hex[:12]
        engine("run", "-d", "--name", self.name, "--network=none", *opts, img, *args, check=True)

    def wait_boot(self, timeout=60):
        """Waits for s6-svscan and main-hermes (the CMD's services are up)."""
        return self.wait("[ \"$(/command/s6-svstat -o up /run/service/main-hermes 2>/dev/null)\" = true ]", timeout)

    def gateway(self, profile="default", timeout=60, other_than=None):
        return self.service_pid(SLOT % profile, "gateway run", timeout=timeout, other_than=other_than)

    def healthy(self, port=8642, timeout=60):
        return self.poll(timeout, "/opt/hermes/.venv/bin/python", "-c", HEALTH % port) is not None

    def hermes(self, *args, timeout=60):
        """`exec C hermes ARGS`, as a user types it (the exec shim)."""
        p = self.exec("hermes", *args, timeout=timeout)
        return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")

    def restart(self):
        engine("restart", "-t", "10", self.name, check=True, timeout=120)
        return self.wait_boot()

    def logs(self):
        p = engine("logs", self.name)
        return (p.stdout + p.stderr).decode("utf-8", "replace")

    def wait_logs(self, text, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.logs():
                return True
            time.sleep(0.5)
        return False

    def wait_down(self, profile, timeout=30):
        return self.wait("[ \"$(/command/s6-svstat -o up %s)\" = false ]" % (SLOT % profile), timeout)


def slot_files(c, profile):
    """The text of every file of a slot, by path."""
    p = c.sh("cd %s && for f in run finish log/run; do printf '=== %%s\\n' \"$f\"; cat \"$f\"; done" % (SLOT % profile))
    files, cur = {}, None
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("=== "):
            cur = line[4:]
            files[cur] = ""
        elif cur:
            files[cur] += line + "\n"
    return files


def privdrop_only(files):
    bad = [(f, w) for f, t in files.items() for w in ("with-contenv", "s6-setuidgid", "id -u") if w in t]
    return len(files) == 3 and not bad and "/opt/hermes/bin/privdrop" in files.get("run", ""), bad


def scenario(kind, version, release=None):
    """Scenarios a, b, c, d, e on one image: a dict of observations."""
    img = cli_image(kind, version, release)
    o = {}
    with Volume() as vol:
        c = CliContainer(img, ["gateway", "run"], ["-v", vol.name + ":/opt/data"] + API + HOST)
        try:
            o["boot"] = c.wait_boot()
            # b: a fresh volume with `gateway run`
            pid = c.gateway()
            state = json.loads(vol.read("gateway_state.json") or "{}")
            o["b.migrated"] = state.get("migrated_from")
            o["b.started"] = pid is not None
            o["a.banner"] = c.wait_logs("gateway is now running under s6 supervision")
            o["a.reconcile"] = "reconcile: profile=default prior_state=running action=started" in c.logs()
            info = c.process(pid) if pid else None
            o["a.ids"] = (info["uid"], info["gid"], info["groups"], info["cwd"]) if info else None
            o["a.env"] = info["env"] if info else None
            o["a.files"] = slot_files(c, "default")
            o["a.log-uid"] = c.sh("stat -c %u /proc/$(/command/s6-svstat -o pid " + SLOT % "default" + "/log)").stdout.decode().strip()
            o["a.health"] = c.healthy()
            # exec C hermes gateway ...
            rc, out = c.hermes("gateway", "status")
            o["a.status"] = (rc, "running" in out.lower() or "up" in out.lower())
            rc, _ = c.hermes("gateway", "stop")
            o["a.stop"] = (rc, c.wait_down("default"),
                           json.loads(vol.read("gateway_state.json") or "{}").get("desired_state"))
            rc, _ = c.hermes("gateway", "start")
            new = c.gateway(other_than=pid)
            o["a.start"] = (rc, new is not None)
            rc, _ = c.hermes("gateway", "restart")
            newer = c.gateway(other_than=new)
            o["a.restart"] = (rc, newer is not None and newer != new)
            # stop, then restart C: the reconcile registers the slot down; then the CMD,
            # `gateway run`, starts it (the redirect) in the glue and in ours alike
            c.hermes("gateway", "stop")
            c.wait_down("default")
            booted = c.restart()
            o["a.restart-down"] = (booted, c.wait_logs("reconcile: profile=default prior_state=stopped action=registered"),
                                   c.gateway() is not None)
            # d: a profile and its gateway beside default (up again: the CMD started it).
            # Its API server needs its own port: on default's 8642 the gateway exits 78
            # ("Port 8642 already in use") and its finish script keeps the slot down.
            rc, out = c.hermes("profile", "create", "coder", "--no-alias")
            o["d.create"] = rc
            c.hermes("-p", "coder", "config", "set", "platforms.api_server.extra.port", "8643")
            rc, out = c.hermes("-p", "coder", "gateway", "start")
            cpid = c.gateway("coder")
            cinfo = c.process(cpid) if cpid else None
            o["d.start"] = (rc, cinfo["uid"] if cinfo else None, cinfo["env"].get("HOME") if cinfo else None,
                            c.healthy(8643))
            o["d.files"] = slot_files(c, "coder")
            o["d.restart"] = (c.restart(), c.gateway("coder") is not None, c.healthy(8643))
            c.hermes("-p", "coder", "gateway", "stop")
            c.wait_down("coder")
            # start, then restart C: comes up
            rc, _ = c.hermes("gateway", "start")
            c.gateway()
            o["a.restart-up"] = (rc, c.restart(), c.gateway() is not None, c.healthy())
            # kill -9 of the gateway: back, as hermes
            pid = c.gateway()
            c.exec("kill", "-9", str(pid))
            back = c.gateway(other_than=pid)
            o["a.kill9"] = back is not None and (c.process(back) or {}).get("uid") == 10000
            # e: files written through exec C hermes config set
            rc, _ = c.hermes("config", "set", "display.skin", "mono")
            owners = c.sh("find /opt/data -xdev ! -user hermes -printf '%u %p\\n' | grep -v '^root /opt/data/.*lock$' || true")
            o["e.config"] = (rc, vol.read("config.yaml") is not None and "mono" in (vol.read("config.yaml") or ""),
                             owners.stdout.decode().strip())
            # c: a dashboard container on the same volume, beside the gateway container
            d = CliContainer(img, ["dashboard", "--host", "127.0.0.1", "--port", "9119", "--no-open"],
                             ["-v", vol.name + ":/opt/data"] + HOST)
            try:
                d.wait_boot()
                ok = d.wait("/opt/hermes/.venv/bin/python -c \"import urllib.request;"
                            "urllib.request.urlopen('http://127.0.0.1:9119/',timeout=3)\"", 60)
                code = d.exec("/opt/hermes/.venv/bin/python", "-c", "import urllib.request;"
                              "print(urllib.request.urlopen('http://127.0.0.1:9119/',timeout=3).status)").stdout.decode().strip()
                dl = d.logs()
                gw = d.sh("ls -d /run/service/gateway-* 2>/dev/null; pgrep -f '[g]ateway run' || true").stdout.decode().strip()
                o["c.dashboard"] = ("reconcile: skipping (dashboard container" in dl, ok and code == "200", gw)
            finally:
                remove(d.name)
            # stop C: the gateway gets SIGTERM; time as the glue's
            start = time.monotonic()
            engine("stop", "-t", "10", c.name)
            o["a.stop-seconds"] = time.monotonic() - start
            o["a.stop-exit"] = engine("inspect", "-f", "{{.State.ExitCode}}", c.name).stdout.decode().strip()
            text = c.logs() + "".join(vol.read("logs/" + f) or "" for f in ("gateway.log", "agent.log", "errors.log"))
            o["a.sigterm"] = "Received SIGTERM" in text
        finally:
            remove(c.name)
    return o


# (name, ours' command, the glue's): `-p ...` as the command made the glue exec `-p`
# (127, docs/differences.md); its `hermes -p ...` is what hermes itself answers.
FAILURES = [
    ("hermes -z hi, no provider", ["-z", "hi"], ["-z", "hi"]),
    ("hermes nosuchcmd", ["nosuchcmd"], ["nosuchcmd"]),
    ("hermes -p nosuch version", ["-p", "nosuch", "version"], ["hermes", "-p", "nosuch", "version"]),
]


def last_line(err, out=""):
    """The program's last line: on stderr, without s6-overlay's, or else on stdout after
    the cont-init steps' lines (stage2's migration and skills sync, supervise-perms, the
    reconcile all print there before the CMD runs)."""
    lines = program_stdout(out) + [l for l in err.strip().splitlines()
                                   if not l.startswith(("s6-rc:", "cont-init:", "[stage2]", "reconcile:",
                                                        "s6-linux-init", "s6-svscan"))]
    return lines[-1] if lines else ""


def cli_checks(checks, version, table):
    tag = version + " real CLI"
    res = {kind: scenario(kind, version) for kind in ("before", "ours")}
    b, o = res["before"], res["ours"]

    def both(name, key, want, show=None):
        ok = o.get(key) == want and b.get(key) == want
        checks.check(name, tag, ok, "before %r, ours %r" % (b.get(key), o.get(key)))
        table.append((version, name, show(b.get(key)) if show else b.get(key), show(o.get(key)) if show else o.get(key)))

    def race(name, key, want, lost):
        """The release's stop race (issue #30): its gateway's own status write can undo the
        operator's "stopped" (a read before the CLI's write, a write after it). Ours must
        keep it every time; the glue's image may give `lost` instead, and the stress test
        (test_stress.py) counts how often."""
        ok = o.get(key) == want and b.get(key) in (want, lost)
        checks.check(name, tag, ok, "before %r, ours %r" % (b.get(key), o.get(key)))
        shown = b.get(key) if b.get(key) != lost else "%r (the release's race lost the stop)" % (lost,)
        table.append((version, name, shown, o.get(key)))

    both("b. fresh volume + gateway run: migrated from the legacy command", "b.migrated", "legacy-container-cmd")
    both("b. ... and gateway-default started at boot", "b.started", True)
    both("a. the redirect banner", "a.banner", True)
    both("a. reconcile: default prior_state=running action=started", "a.reconcile", True)
    both("a. gateway-default: uid, gid, groups, cwd", "a.ids", (10000, 10000, [10000], "/opt/data"))
    same_env = o.get("a.env") is not None and o.get("a.env") == b.get("a.env")
    diff = sorted(k for k in set(o.get("a.env") or {}) | set(b.get("a.env") or {})
                  if (o.get("a.env") or {}).get(k) != (b.get("a.env") or {}).get(k))
    checks.check("a. gateway-default's /proc/PID/environ: the glue's, byte for byte", tag,
                 same_env and (o["a.env"].get("HOME"), o["a.env"].get("MULTI")) == ("/opt/data", "line one\nline two"),
                 "differs in %s" % diff if diff else "%d variables" % len(o.get("a.env") or {}))
    table.append((version, "a. gateway environ (%d variables)" % len(b.get("a.env") or {}), "glue", "identical" if same_env else "differs: %s" % diff))
    ok, bad = privdrop_only(o.get("a.files") or {})
    checks.check("a. ours: gateway-default's run, finish, log/run exec privdrop; no with-contenv, s6-setuidgid, id -u",
                 tag, ok, "bad: %s" % bad)
    table.append((version, "a. slot files", "with-contenv, s6-setuidgid, id -u" if not privdrop_only(b.get("a.files") or {})[0] else "privdrop",
                   "privdrop only" if ok else "bad: %s" % bad))
    both("a. log/run's s6-log runs as hermes", "a.log-uid", "10000")
    both("a. GET /health from inside", "a.health", True)
    both("a. exec C hermes gateway status", "a.status", (0, True))
    race("a. exec C hermes gateway stop: down, desired_state stopped", "a.stop", (0, True, "stopped"), (0, True, "running"))
    both("a. exec C hermes gateway start: up", "a.start", (0, True))
    both("a. exec C hermes gateway restart: a new gateway", "a.restart", (0, True))
    race("a. stop, then restart C: the reconcile registers it down (prior_state=stopped); the CMD gateway run starts it",
         "a.restart-down", (True, True, True), (True, False, True))
    both("a. start, then restart C: up and healthy", "a.restart-up", (0, True, True, True))
    both("a. kill -9 of the gateway: back, as hermes", "a.kill9", True)
    both("d. hermes profile create coder --no-alias", "d.create", 0)
    both("d. hermes -p coder gateway start (API on 8643): up as hermes, HOME=/opt/data, healthy", "d.start",
         (0, 10000, "/opt/data", True))
    ok, bad = privdrop_only(o.get("d.files") or {})
    checks.check("d. ours: gateway-coder (rendered by hermes profile create) execs privdrop only", tag, ok, "bad: %s" % bad)
    both("d. restart C: gateway-coder up again from its desired_state, healthy", "d.restart", (True, True, True))
    both("e. exec C hermes config set: written, nothing under /opt/data owned by another user", "e.config", (0, True, ""))
    both("c. dashboard container on the same volume: reconcile skipped, GET / 200, no gateway", "c.dashboard", (True, True, ""))
    both("a. stop C: the gateway got SIGTERM", "a.sigterm", True)
    bs, os_ = b.get("a.stop-seconds", 99), o.get("a.stop-seconds", 99)
    checks.check("a. stop C: exits as the glue's, no slower (within 1 s)", tag,
                 o.get("a.stop-exit") == b.get("a.stop-exit") and os_ <= bs + 1.0,
                 "before exit %s in %.2f s, ours exit %s in %.2f s" % (b.get("a.stop-exit"), bs, o.get("a.stop-exit"), os_))
    table.append((version, "a. stop C", "exit %s in %.2f s" % (b.get("a.stop-exit"), bs), "exit %s in %.2f s" % (o.get("a.stop-exit"), os_)))

    failure_checks(checks, tag, version, None, table, version)


def failure_checks(checks, tag, version, release, table, label):
    """f: real failures give the same exit code and last line in both images."""
    for name, ours_args, glue_args in FAILURES:
        r = {kind: run(cli_image(kind, version, release), args, HOST, timeout=90)
             for kind, args in (("before", glue_args), ("ours", ours_args))}
        last = {k: last_line(r[k].stderr, r[k].stdout) for k in r}
        checks.check("f. %s: the same exit code and last line" % name, tag,
                     r["ours"].rc == r["before"].rc and r["ours"].rc not in (0, None) and last["ours"] == last["before"],
                     "before %s %r, ours %s %r" % (r["before"].rc, last["before"][:80], r["ours"].rc, last["ours"][:80]))
        table.append((label, "f. " + name, "exit %s: %s" % (r["before"].rc, last["before"][:60]),
                      "exit %s: %s" % (r["ours"].rc, last["ours"][:60])))


def release_checks(checks, version, release, table):
    """An older release (CLI_RELEASES) with the real CLI: the scenarios on both images as a
    differential. What the release has not (the migration, the dashboard skip, the intent
    in gateway_state.json) it gives neither image; ours must see what the glue's sees,
    with every slot exec'ing privdrop."""
    tag = "%s real CLI hermes-agent %s" % (version, release)
    # The two images at once: what the release lacks is waited for until the timeout, in
    # both (the profile gateway after a restart, the dashboard container's page).
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {kind: pool.submit(scenario, kind, version, release) for kind in ("before", "ours")}
        res = {kind: f.result() for kind, f in futures.items()}
    b, o = res["before"], res["ours"]
    label = "%s, hermes-agent %s" % (version, release)
    same = ("b.migrated", "b.started", "a.banner", "a.reconcile", "a.ids", "a.log-uid", "a.health", "a.status",
            "a.stop", "a.start", "a.restart", "a.restart-up", "a.kill9", "d.create", "d.start",
            "d.restart", "e.config", "c.dashboard", "a.sigterm", "a.stop-exit")
    for key in same:
        checks.check("%s: ours as the glue's" % key, tag, o.get(key) == b.get(key),
                     "before %r, ours %r" % (b.get(key), o.get(key)))
        table.append((label, key, b.get(key), o.get(key)))
    # Releases whose CLI writes no intent (before 0.17.0): the reconcile reads the gateway's
    # own last status write, and a stop sent while the gateway that `gateway restart` just
    # started is still starting leaves that status unwritten (seen once on ours, in CI;
    # isolated, both images log prior_state=stopped). The release's race, in either image:
    # compared are the boot and the CMD's gateway coming up; the reconcile's line is shown.
    key = "a.restart-down"
    # the CLI wrote desired_state on `gateway stop` (0.17.0 on), in either image
    if any((r.get("a.stop") or (None,) * 3)[2] is not None for r in (b, o)):
        checks.check("%s: ours as the glue's" % key, tag, o.get(key) == b.get(key),
                     "before %r, ours %r" % (b.get(key), o.get(key)))
    else:
        pick = lambda r: None if r is None else (r[0], r[2])  # noqa: E731
        checks.check("%s: booted, and the CMD's gateway up, as the glue's" % key, tag,
                     pick(o.get(key)) == pick(b.get(key)) == (True, True),
                     "before %r, ours %r" % (b.get(key), o.get(key)))
    table.append((label, key + " (booted, reconcile saw stopped, gateway up)", b.get(key), o.get(key)))
    checks.check("a. gateway-default runs as hermes in /opt/data and answers /health", tag,
                 o.get("a.ids") == (10000, 10000, [10000], "/opt/data") and o.get("a.health") is True,
                 "ours %r %r" % (o.get("a.ids"), o.get("a.health")))
    same_env = o.get("a.env") is not None and o.get("a.env") == b.get("a.env")
    checks.check("a. gateway-default's /proc/PID/environ: the glue's, byte for byte", tag, same_env,
                 "%d variables" % len(o.get("a.env") or {}))
    table.append((label, "a. gateway environ", "glue", "identical" if same_env else "differs"))
    for key in ("a.files", "d.files"):
        ok, bad = privdrop_only(o.get(key) or {})
        checks.check("%s: ours' slot files exec privdrop only" % key, tag, ok, "bad: %s" % bad)
        table.append((label, key, "with-contenv, s6-setuidgid", "privdrop only" if ok else "bad: %s" % bad))
    failure_checks(checks, tag, version, release, table, label)


def routing_checks(checks, version, table):
    """hermes-init routes by the installed CLI's list (written at image build): a command
    new in 0.19.0 reaches hermes; a plugin's command (not built in, not on PATH) too."""
    tag = version + " real CLI"
    trace = HOST + ["-e", "HERMES_INIT_TRACE=1"]
    r = run(cli_image("ours", version), ["kanban", "--help"], trace, timeout=90)
    ok = (r.rc == 0 and "trace: subcommands: /opt/hermes/share/hermes-init/subcommands" in r.stderr
          and "trace: route: hermes (first argument is a hermes subcommand)" in r.stderr and "usage: hermes kanban" in r.stdout)
    checks.check("routing: kanban (new in 0.19.0) -> hermes kanban, from the image's list of the installed CLI", tag, ok,
                 "rc %s %s" % (r.rc, r.stderr[-300:]))
    table.append((version, "routing: kanban --help", "-", "hermes kanban (image's list)" if ok else "rc %s" % r.rc))
    b = run(cli_image("before", version), ["honcho"], HOST, timeout=90)
    o = run(cli_image("ours", version), ["honcho"], trace, timeout=90)
    ok = (o.rc == b.rc == 2 and "trace: route: hermes (first argument is not a program on PATH)" in o.stderr
          and "invalid choice: 'honcho'" in o.stderr)
    checks.check("routing: honcho (a plugin's command, not installed) -> hermes honcho, as the glue", tag, ok,
                 "before rc %s, ours rc %s %s" % (b.rc, o.rc, o.stderr[-200:]))
    table.append((version, "routing: honcho (plugin command, plugin absent)", "exit %s" % b.rc, "exit %s" % o.rc))
