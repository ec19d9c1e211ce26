"""A stop that sticks (issue #30): `exec C hermes gateway stop` / `start`, N times, on the
real CLI's image (before: the release's glue and hermes_cli as released; ours: the
Dockerfile, the hermes-agent patch applied), then one last stop and `restart C`.

hermes-agent 0.19.0's stop sends `s6-svc -d` and only then read-modify-writes
`desired_state` in gateway_state.json; the gateway, on that SIGTERM, read-modify-writes
the same file. A read before the CLI's write and a write after it loses "stopped", and
the next boot starts the gateway the operator stopped. The patch writes the intent before
signalling, and both writers take one lock (docs/hermes-agent.md).

Each cycle: stop, wait until the slot is really down (s6-svwait -D: the finish script
has run, nothing writes the file any more), read desired_state; start, wait for a new
gateway and its /health (the gateway is in its loop when the next SIGTERM comes). A cycle
whose stop left anything but "stopped" is a lost stop. Ours must lose none, and its last
`restart C` must register the slot down (prior_state=stopped); the glue's image is
counted, not judged: the race is the release's. N is STRESS_N (CI: 20; docs/image-proof.md
gives a run of 100)."""
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

from engine import remove
from test_cli import API, HOST, SLOT, CliContainer, Volume, cli_image

N = int(os.environ.get("STRESS_N", "20"))


def desired(vol):
    try:
        return json.loads(vol.read("gateway_state.json") or "{}").get("desired_state")
    except ValueError:
        return "not JSON"


def really_down(c):
    """Waits until the default slot is down and its finish script has run (s6-svwait -D):
    nothing writes gateway_state.json after that."""
    return c.sh("/command/s6-svwait -D -t 30000 " + SLOT % "default").returncode == 0


def cycles(kind, version, n):
    o = {"lost": 0, "failed": 0, "seconds": 0.0}
    start = time.monotonic()
    with Volume() as vol:
        c = CliContainer(cli_image(kind, version), ["gateway", "run"], ["-v", vol.name + ":/opt/data"] + API + HOST)
        try:
            if not c.wait_boot() or c.gateway() is None or not c.healthy():
                o["failed"] = n
                return o
            pid = c.gateway()
            for _ in range(n):
                rc, _ = c.hermes("gateway", "stop")
                down = really_down(c)
                if desired(vol) != "stopped":
                    o["lost"] += 1
                rc2, _ = c.hermes("gateway", "start")
                new = c.gateway(other_than=pid)
                if rc != 0 or not down or rc2 != 0 or new is None or not c.healthy():
                    o["failed"] += 1
                pid = new or pid
            # the last stop, then restart C: what the next boot does with it
            c.hermes("gateway", "stop")
            really_down(c)
            o["final"] = desired(vol)
            o["booted"] = c.restart()
            o["registered"] = c.wait_logs("reconcile: profile=default prior_state=stopped action=registered")
        finally:
            remove(c.name)
    o["seconds"] = time.monotonic() - start
    return o


def stress_checks(checks, version, table):
    tag = version + " stress"
    with ThreadPoolExecutor(max_workers=2) as pool:
        b, o = pool.map(lambda kind: cycles(kind, version, N), ("before", "ours"))
    checks.check("%d x exec C hermes gateway stop/start: ours never loses the stop" % N, tag,
                 o["lost"] == 0 and o["failed"] == 0,
                 "ours lost %d, %d cycles failed; before lost %d of %d" % (o["lost"], o["failed"], b["lost"], N))
    checks.check("... then stop, restart C: ours registers the slot down (prior_state=stopped)", tag,
                 o.get("final") == "stopped" and o.get("booted") and o.get("registered"),
                 "ours %r/%r/%r, before %r/%r/%r" % (o.get("final"), o.get("booted"), o.get("registered"),
                                                     b.get("final"), b.get("booted"), b.get("registered")))
    checks.check("... the glue's image ran the same cycles (counted, the race is the release's)", tag,
                 b["failed"] == 0, "before: %d cycles failed" % b["failed"])
    for what, key in (("stops lost (desired_state not stopped after the stop)", "lost"),
                      ("cycles that failed (stop, down, start, healthy)", "failed")):
        table.append((version, "%s, of %d" % (what, N), b[key], o[key]))
    table.append((version, "the last stop, then restart C: desired_state, prior_state=stopped registered",
                  "%s, %s" % (b.get("final"), b.get("registered")), "%s, %s" % (o.get("final"), o.get("registered"))))
    table.append((version, "seconds", "%.0f" % b["seconds"], "%.0f" % o["seconds"]))
