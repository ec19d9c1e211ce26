#!/usr/bin/env python3
"""Benchmarks in the container engine (the images of Tests/engine/images.sh), each
comparison measured in one run, before (the published image of hermes-agent 0.19.0 as its
own files build it: its shell glue) and ours in turn:

  1. container start to CMD start, and a whole `run --rm IMG true`;
  2. the CMD path under the real /init: hyperfine inside one running container
     (main-wrapper.sh, hermes-init, s6-overlay's s6-setuidgid, privdrop, a direct exec);
  3. gateway restart latency: kill -9 -> the new gateway running as hermes;
  4. boot with the real CLI (hermes-agent, the -cli images): container start to the
     CMD's hermes and to the gateway's first /health answer; the reconcile step's time.

    engine_bench.py --out FILE [--quick] [--version 3.2.3.0]

Writes a markdown section to FILE."""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "engine"))
from engine import ENGINE, FAST, REPO, Container, engine, image  # noqa: E402


def median_ms(xs):
    return "%.1f" % (statistics.median(xs) * 1000)


def low_ms(xs):
    return "%.1f" % (sorted(xs)[max(0, len(xs) // 10 - 1)] * 1000) if len(xs) >= 10 else "%.1f" % (min(xs) * 1000)


def start_times(version, rounds):
    """CMD start (the host's clock at the CMD's first instruction, read by `date`) and the
    whole `run --rm`, before and ours in turn."""
    data = {k: {"cmd": [], "whole": []} for k in ("before", "ours")}
    for _ in range(rounds):
        for kind in ("before", "ours"):
            img = image(kind, version)
            t0 = time.time()
            p = subprocess.run([ENGINE, "run", "--rm", "--network=none"] + FAST + [img, "date", "+%s.%N"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            whole = time.time() - t0
            cmd_at = float(p.stdout.decode().split()[-1])
            data[kind]["cmd"].append(cmd_at - t0)
            t0 = time.time()
            subprocess.run([ENGINE, "run", "--rm", "--network=none"] + FAST + [img, "true"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            data[kind]["whole"].append(time.time() - t0)
    return data


def cmd_path(version, runs):
    """hyperfine inside one container of the shell-glue image, with hermes-init and
    privdrop copied in, every command started as /init starts the CMD (PATH only)."""
    hf = shutil.which("hyperfine")
    with Container(image("before", version), ["report", "--sleep"]) as c:
        c.wait("[ \"$(/command/s6-svstat -o up /run/service/main-hermes)\" = true ]")
        for src, dst in ((hf, "/usr/local/bin/hyperfine"), (os.path.join(REPO, "dist", "hermes-init"), "/tmp/hermes-init"),
                         (os.path.join(REPO, "dist", "privdrop"), "/tmp/privdrop")):
            engine("cp", src, "%s:%s" % (c.name, dst), check=True)
        commands = [
            ("direct exec of the target", "/usr/bin/true"),
            ("s6-overlay's s6-setuidgid hermes TARGET", "/command/s6-setuidgid hermes /usr/bin/true"),
            ("privdrop hermes TARGET", "/tmp/privdrop hermes /usr/bin/true"),
            ("main-wrapper.sh TARGET (with-contenv, sh, activate, s6-setuidgid)", "/opt/hermes/docker/main-wrapper.sh /usr/bin/true"),
            ("hermes-init TARGET", "/tmp/hermes-init /usr/bin/true"),
        ]
        # hyperfine itself gets the environment /init gives the CMD, and passes it on.
        args = ["env", "-i", "PATH=/command:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "hyperfine", "-N", "--warmup", "10", "--runs", str(runs), "--export-json", "/tmp/hf.json", "--style", "none"]
        for _, cmd in commands:
            args.append(cmd)
        p = c.exec(*args, timeout=600)
        if p.returncode != 0:
            raise RuntimeError(p.stderr.decode())
        res = json.loads(c.exec("cat", "/tmp/hf.json").stdout)["results"]
    return [(name, r["mean"], r["median"], r["min"], r["stddev"] or 0.0) for (name, _), r in zip(commands, res)]


PROBE = r"""
import os, sys, time, subprocess
def gateways():
    out = []
    for d in os.listdir('/proc'):
        if not d.isdigit(): continue
        try:
            argv = open('/proc/%s/cmdline' % d, 'rb').read().split(b'\0')
            if b'/opt/hermes/.venv/bin/hermes' in argv and b'gateway' in argv:
                uid = [l for l in open('/proc/%s/status' % d) if l.startswith('Uid:')][0].split()[1]
                out.append((int(d), uid))
        except OSError: pass
    return out
times = []
for i in range(int(sys.argv[1])):
    while True:
        g = gateways()
        if g and g[0][1] == '10000': break
        time.sleep(0.01)
    time.sleep(float(sys.argv[2]))   # s6-supervise waits a second between starts of a service that just started
    old = g[0][0]
    t0 = time.monotonic()
    os.kill(old, 9)
    while True:
        g = [x for x in gateways() if x[0] != old and x[1] == '10000']
        if g: break
        time.sleep(0.0005)
    times.append(time.monotonic() - t0)
print(' '.join('%.6f' % t for t in times))
"""


REGISTER = ("import sys; sys.path.insert(0, '/opt/hermes'); from hermes_cli.service_manager import S6ServiceManager; "
            "S6ServiceManager().register_profile_gateway('coder')")


def gateway_restarts(version, rounds):
    data = {}
    for kind in ("before", "ours"):
        with Container(image(kind, version), ["report", "--sleep"]) as c:
            c.wait("[ \"$(/command/s6-svstat -o up /run/service/main-hermes)\" = true ]")
            # The slot as the image makes it: the release's S6ServiceManager (patched in
            # ours to render privdrop slots) registers it and has s6-svscan rescan, as hermes.
            c.exec("/opt/hermes/.venv/bin/python", "-c", REGISTER, user="hermes")
            p = c.exec("/usr/bin/python3", "-c", PROBE, str(rounds), os.environ.get("GW_SETTLE", "1.2"), timeout=600)
            if p.returncode != 0:
                raise RuntimeError(p.stderr.decode())
            data[kind] = [float(x) for x in p.stdout.split()]
    return data


BOOT_PROBE = r"""
import json, os, sys, time, urllib.request
t_cmd = None
end = time.time() + 120
while time.time() < end:
    if t_cmd is None:
        for d in os.listdir('/proc'):
            if not d.isdigit(): continue
            try:
                argv = open('/proc/%s/cmdline' % d, 'rb').read().split(b'\0')
            except OSError:
                continue
            # The CMD's hermes (the slot's has --replace): the glue or hermes-init is done.
            if argv[1:2] == [b'/opt/hermes/.venv/bin/hermes'] and b'run' in argv and b'--replace' not in argv:
                t_cmd = time.time()
                break
    try:
        urllib.request.urlopen('http://127.0.0.1:8642/health', timeout=0.5).read()
        print(json.dumps({'cmd': t_cmd, 'health': time.time()}))
        sys.exit(0)
    except Exception:
        time.sleep(0.005)
sys.exit(1)
"""

RECONCILE = ("import subprocess,sys,tempfile,time,os;ts=[]\n"
             "for i in range(int(sys.argv[1])):\n"
             " h=tempfile.mkdtemp();s=tempfile.mkdtemp();t=time.monotonic()\n"
             " subprocess.run(['/opt/hermes/.venv/bin/python','-m','hermes_cli.container_boot'],"
             "env=dict(os.environ,HERMES_HOME=h,S6_PROFILE_GATEWAY_SCANDIR=s),stdout=subprocess.DEVNULL,check=True)\n"
             " ts.append(time.monotonic()-t)\n"
             "print(' '.join('%.6f'%x for x in ts))")


def cli_boot(version, rounds):
    """Real CLI: `run -d -v FRESH gateway run` with the API server; from `run -d` to the
    CMD's hermes process and to the first /health answer, polled inside the container."""
    sys.path.insert(0, os.path.join(REPO, "Tests", "engine"))
    from test_cli import API, Volume, cli_image  # noqa: PLC0415
    data = {k: {"cmd": [], "health": []} for k in ("before", "ours")}
    for _ in range(rounds):
        for kind in ("before", "ours"):
            with Volume() as vol:
                name = "hermes-bench-%s" % os.urandom(6).hex()
                t0 = time.time()
                engine("run", "-d", "--name", name, "--network=none", "-v", vol.name + ":/opt/data", *API,
                       cli_image(kind, version), "gateway", "run", check=True)
                try:
                    p = engine("exec", name, "/opt/hermes/.venv/bin/python", "-c", BOOT_PROBE, timeout=150)
                    if p.returncode != 0:
                        raise RuntimeError("no /health from %s: %s" % (kind, p.stderr.decode()))
                    r = json.loads(p.stdout)
                    if r["cmd"] is not None:
                        data[kind]["cmd"].append(r["cmd"] - t0)
                    data[kind]["health"].append(r["health"] - t0)
                finally:
                    engine("rm", "-f", "-t", "0", name)
    return data


def reconcile_times(version, rounds):
    """`python -m hermes_cli.container_boot` (the 02-reconcile-profiles step's work), as
    root with a fresh HERMES_HOME and scan directory, in the unpatched and patched CLI."""
    sys.path.insert(0, os.path.join(REPO, "Tests", "engine"))
    from test_cli import cli_image  # noqa: PLC0415
    out = {}
    for kind in ("before", "ours"):
        with Container(cli_image(kind, version), ["sleep", "infinity"]) as c:
            c.wait("[ \"$(/command/s6-svstat -o up /run/service/main-hermes)\" = true ]")
            p = c.exec("/opt/hermes/.venv/bin/python", "-c", RECONCILE, str(rounds), timeout=600)
            if p.returncode != 0:
                raise RuntimeError(p.stderr.decode())
            out[kind] = [float(x) for x in p.stdout.split()]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--version", default="3.2.3.0")
    a = ap.parse_args()
    v = a.version
    lines = ["## 6. In the container engine", "",
             "%s with runc, s6-overlay %s (the published pin), the images of `Tests/engine/images.sh`: the published "
             "image of hermes-agent 0.19.0 as its own files build it, with its shell glue (before; `docs/image-proof.md`), "
             "and this repository's Dockerfile FROM it (ours); every start runs the release's cont-init steps. Each table is one run, before and ours "
             "in turn. `-e S6_KILL_GRACETIME=0` as in the tests. %s"
             % (ENGINE, v, "Quick smoke pass: numbers are not meaningful." if a.quick else ""), ""]

    rounds = 3 if a.quick else 20
    st = start_times(v, rounds)
    lines += ["### Container start", "",
              "%d rounds each. CMD start: from `%s run` to the CMD's `date` (the host's clock); whole: `%s run --rm IMG true` "
              "to its exit (s6 stops the supervision tree after the CMD)." % (rounds, ENGINE, ENGINE), "",
              "| image | CMD start, median ms | low ms | whole run, median ms | low ms |", "|---|---:|---:|---:|---:|"]
    for kind in ("before", "ours"):
        lines.append("| %s | %s | %s | %s | %s |" % (kind, median_ms(st[kind]["cmd"]), low_ms(st[kind]["cmd"]),
                                                    median_ms(st[kind]["whole"]), low_ms(st[kind]["whole"])))
    lines.append("")

    runs = 30 if a.quick else 300
    cp = cmd_path(v, runs)
    direct = cp[0][1]
    lines += ["### The CMD path under the real /init", "",
              "`hyperfine -N --warmup 10 --runs %d` inside one running container, each command with the environment /init "
              "gives the CMD (hyperfine started with `env -i PATH=/command:...`), as root in `/opt/hermes`; TARGET is `/usr/bin/true`." % runs, "",
              "| command | mean ms | median ms | min ms | σ ms | overhead ms |", "|---|---:|---:|---:|---:|---:|"]
    for name, mean, med, mn, sd in cp:
        lines.append("| %s | %.3f | %.3f | %.3f | %.3f | %s |" % (name, mean * 1000, med * 1000, mn * 1000, sd * 1000,
                                                               "—" if mean == direct else "%.3f" % ((mean - direct) * 1000)))
    lines.append("")

    rounds = 3 if a.quick else 15
    gw = gateway_restarts(v, rounds)
    lines += ["### Gateway restart", "",
              "%d restarts each: `kill -9` of the gateway, then until the new gateway process (the venv's hermes, "
              "`gateway run`) runs as uid 10000, polled in /proc every 0.5 ms from inside the container. The path: "
              "s6-supervise, `finish`, `run` (with-contenv + s6-setuidgid, or privdrop), hermes; the slot registered by the "
              "release's S6ServiceManager (patched in ours). Both include "
              "the second s6-supervise waits before it restarts a service that died (the gateway had run for over a "
              "second each time); the difference between the rows is the glue." % rounds, "",
              "| slot | median ms | low ms | max ms |", "|---|---:|---:|---:|"]
    for kind in ("before", "ours"):
        lines.append("| %s | %s | %s | %.1f |" % (kind, median_ms(gw[kind]), low_ms(gw[kind]), max(gw[kind]) * 1000))
    lines.append("")

    rounds = 1 if a.quick else 8
    cb = cli_boot(v, rounds)
    rc = reconcile_times(v, 2 if a.quick else 15)
    lines += ["### Boot with the real CLI", "",
              "hermes-agent 0.19.0 in both (`before-cli`: the glue; `ours-cli`: the Dockerfile, the hermes-agent patch "
              "applied). %d rounds each, in turn: a fresh volume, `%s run -d ... IMG gateway run` with the API server "
              "(as the real-CLI scenarios); from `run -d` to the CMD's hermes process (the glue or hermes-init done) and to "
              "the gateway's first `GET /health` answer, both polled inside the container (the host's clock)." % (rounds, ENGINE), "",
              "| image | CMD's hermes, median ms | low ms | /health, median ms | low ms |", "|---|---:|---:|---:|---:|"]
    for kind in ("before", "ours"):
        c_, h_ = cb[kind]["cmd"] or [float("nan")], cb[kind]["health"]
        lines.append("| %s | %s | %s | %s | %s |" % (kind, median_ms(c_), low_ms(c_), median_ms(h_), low_ms(h_)))
    lines += ["", "The reconcile step (`python -m hermes_cli.container_boot`, fresh HERMES_HOME and scan directory, "
              "%d runs): the patch renders the finish script without importing the gateway package." % len(rc["ours"]), "",
              "| hermes_cli | median ms | low ms |", "|---|---:|---:|"]
    for kind, label in (("before", "as published (before)"), ("ours", "patched (ours)")):
        lines.append("| %s | %s | %s |" % (label, median_ms(rc[kind]), low_ms(rc[kind])))
    lines.append("")
    with open(a.out, "a") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
