"""The image under s6-overlay's own /init, in the container engine, for each s6-overlay
version: the container environment reaches the CMD, a gateway slot, the dashboard and
the cont-init step exactly as /command/with-contenv gives it in the same container;
HERMES_ORIG_CWD works; main-hermes and the dashboard are up; --user of another uid is
refused with the guidance and does not hang."""
from engine import Container, image, run

# Values as `-e` passes them; what every program must see is what with-contenv gives,
# and with-contenv must give these (checked too, so a broken reference cannot pass).
VALUES = {
    "PLAIN": "bar",
    "EMPTY": "",
    "SPACES": "  two  spaces  ",
    "NL": "ends in a newline\n",
    "MULTI": "line 1\nline 2\n\nline 4",
    "UTF": "caf\u00e9 \u20ac \u2603",
}
ENV_OPTS = [o for k, v in VALUES.items() for o in ("-e", "%s=%s" % (k, v))]
EXPECTED = {k: v.encode().decode("latin-1") for k, v in VALUES.items()}
SHARED = list(VALUES) + ["HERMES_HOME", "AGENT_BROWSER_EXECUTABLE_PATH"]


def same_as_contenv(env, contenv, names=SHARED):
    """The names whose value differs from with-contenv's, or with-contenv's from -e's."""
    bad = [n for n in names if env.get(n) != contenv.get(n)]
    bad += ["contenv:" + n for n in VALUES if contenv.get(n) != EXPECTED[n]]
    return bad


def boot_checks(checks, version, kind="ours"):
    img = image(kind, version)
    tag = "%s %s" % (kind, version)

    r = run(img, ["report", "--contenv"], ENV_OPTS)
    rep = r.report
    if checks.check("CMD: container environment as with-contenv gives it", tag, rep is not None and r.rc == 0,
                    "rc %s, %s" % (r.rc, r.stderr[-400:])):
        bad = same_as_contenv(rep["env"], rep["contenv"])
        checks.check("CMD: values plain, empty, spaces, trailing newline, multi-line, non-ASCII", tag, not bad,
                     "differ: %s; CMD %r; with-contenv %r" % (bad, {n: rep["env"].get(n) for n in bad if ":" not in n},
                                                              {n: rep["contenv"].get(n) for n in bad if ":" not in n}))
        checks.check("CMD: HOME and HERMES_HOME", tag,
                     rep["env"].get("HOME") == "/opt/data" and rep["env"].get("HERMES_HOME") == "/opt/data",
                     repr((rep["env"].get("HOME"), rep["env"].get("HERMES_HOME"))))

    r = run(img, ["report"], ["-e", "HERMES_ORIG_CWD=/opt"])
    checks.check("CMD: -e HERMES_ORIG_CWD=/opt is the start directory", tag,
                 r.rc == 0 and r.report and r.report["cwd"] == "/opt", "rc %s %s" % (r.rc, r.stderr[-300:]))

    if kind == "before" and version >= "3.2.3.1":
        # The shell-glue image keeps the s6-rc.d/user layout, so under --user rc.init
        # cannot write s6-rc.d/user/type and boot hangs: recorded, as the reference.
        r = run(img, ["echo", "should_not_reach"], ["--user", "1000:1000"], timeout=20)
        checks.check("--user 1000:1000: hangs at boot (s6-rc.d/user layout on 3.2.3.1+)", tag,
                     r.rc is None and "s6-rc.d/user/type: Permission denied" in r.stderr, "rc %s %r" % (r.rc, r.stderr[-300:]))
    else:
        r = run(img, ["echo", "should_not_reach"], ["--user", "1000:1000"], timeout=60)
        checks.check("--user 1000:1000: exit 1, guidance on stderr, nothing run, no hang", tag,
                     r.rc == 1 and "should_not_reach" not in r.stdout and "HERMES_UID" in r.stderr and "PUID" in r.stderr,
                     "rc %s after %.1f s; stderr %r" % (r.rc, r.seconds, r.stderr[-300:]))

    with Container(img, ["report", "--sleep"], ENV_OPTS + ["-e", "HERMES_DASHBOARD=1"]) as c:
        up = c.wait("[ \"$(/command/s6-svstat -o up /run/service/main-hermes)\" = true ]")
        checks.check("main-hermes is up", tag, up, c.sh("ls /run/service; /command/s6-svstat /run/service/main-hermes").stdout)
        contenv = c.contenv()

        pid = c.service_pid("/run/service/dashboard", "dashboard")
        info = pid and c.process(pid)
        if checks.check("dashboard (HERMES_DASHBOARD=1) is up", tag, bool(info), "no dashboard process"):
            bad = same_as_contenv(info["env"], contenv)
            # The release's run script activates the venv: its bin goes first.
            if info["env"].get("PATH") != "/opt/hermes/.venv/bin:" + contenv.get("PATH", ""):
                bad.append("PATH")
            checks.check("dashboard: as hermes, HOME=/opt/data, environment as with-contenv, venv activated", tag,
                         info["uid"] == 10000 and info["gid"] == 10000 and info["env"].get("HOME") == "/opt/data" and not bad,
                         "uid %s, HOME %r, differ %s" % (info["uid"], info["env"].get("HOME"), bad))
            # The release's defaults: every interface (so that -p 9119:9119 reaches it; the
            # CLI's auth gate then wants a provider), port 9119. 127.0.0.1 here was our bug.
            checks.check("dashboard: hermes dashboard --host 0.0.0.0 --port 9119 --no-open, as the release runs it", tag,
                         info["argv"][-6:] == ["dashboard", "--host", "0.0.0.0", "--port", "9119", "--no-open"],
                         repr(info["argv"]))

        # The release's hermes_cli.container_boot logs each profile it reconciled; the log
        # is hermes's when the step ran as hermes.
        boot = c.sh("stat -c %u /opt/data/logs/container-boot.log && cat /opt/data/logs/container-boot.log")
        out = boot.stdout.decode(errors="replace")
        checks.check("cont-init 02-reconcile-profiles: hermes_cli.container_boot ran as hermes", tag,
                     boot.returncode == 0 and out.split("\n", 1)[0] == "10000" and "profile=default" in out,
                     "rc %s %r %s" % (boot.returncode, out[-300:], boot.stderr.decode()))

        if kind == "ours":
            # The slot as the image makes one: the patched package renders and registers it.
            rendered = c.exec("/opt/hermes/.venv/bin/python3", "-c", "from hermes_cli.service_manager import "
                              "S6ServiceManager as M; M().register_profile_gateway('coder')")
            pid = rendered.returncode == 0 and c.service_pid("/run/service/gateway-coder", "gateway")
            info = pid and c.process(pid)
            if checks.check("gateway slot: rendered by hermes_cli, registered, running", tag, bool(info),
                            "render rc %s %s" % (rendered.returncode, rendered.stderr.decode())):
                bad = same_as_contenv(info["env"], contenv, SHARED)
                # The slot activates the venv, as the glue's slot did: its bin goes first.
                if info["env"].get("PATH") != "/opt/hermes/.venv/bin:" + contenv.get("PATH", ""):
                    bad.append("PATH")
                checks.check("gateway slot: as hermes in /opt/data, environment as with-contenv, venv activated", tag,
                             info["uid"] == 10000 and info["cwd"] == "/opt/data" and not bad,
                             "uid %s cwd %s differ %s" % (info["uid"], info["cwd"], bad))
                logs = c.sh("for _ in $(seq 50); do [ -s /opt/data/logs/gateways/coder/current ] && break; sleep 0.1; done;"
                            " stat -c %u /opt/data/logs/gateways/coder /opt/data/logs/gateways/coder/current")
                checks.check("gateway slot: logs as hermes under $HERMES_HOME/logs/gateways/coder", tag,
                             logs.stdout.decode().split()[:2] == ["10000", "10000"], logs.stdout.decode() + logs.stderr.decode())
                c.exec("kill", "-9", str(pid))
                new = c.service_pid("/run/service/gateway-coder", "gateway", other_than=pid)
                again = new and c.process(new)
                checks.check("gateway slot: kill -9 gives a new gateway, as hermes", tag, bool(again) and again["uid"] == 10000,
                             "old %s new %s" % (pid, new))
