#!/usr/bin/env python3
"""PID-1 numbers for several inits, as JSON on stdout (one object per init): signal
hand-off latency, CPU spent reaping 1000 orphans, context switches while idle.
    pid1_probe.py BINDIR SAMPLES 'INIT [ARGS]' ['INIT [ARGS]'...]
All the inits run at once and the hand-off samples are taken from each in turn, so that
they share whatever else the machine is doing."""
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "pid1"))
from scenarios import default_signals, kill_namespace, wait_for_child  # noqa: E402  (shared with the PID-1 tests)

bindir, samples, inits = sys.argv[1], int(sys.argv[2]), [shlex.split(a) for a in sys.argv[3:]]


def namespace(init, args, **kw):
    return subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--"] + init + args,
                            preexec_fn=default_signals, stdout=subprocess.PIPE, **kw)


def cpu_ns(pid):
    return int(open(f"/proc/{pid}/schedstat").read().split()[0])


def switches(pid):
    status = dict(line.split(":\t", 1) for line in open(f"/proc/{pid}/status").read().splitlines() if ":\t" in line)
    return int(status["voluntary_ctxt_switches"]) + int(status["nonvoluntary_ctxt_switches"])


# Hand-off latency, every init alive at once, sampled in turn.
procs = [namespace(init, [f"{bindir}/sigecho"]) for init in inits]
pids = [wait_for_child(p.pid) for p in procs]
for p in procs:
    assert p.stdout.readline() == b"ready\n"
lat = [[] for _ in inits]
for round_ in range(samples + 10):
    for i in range(len(inits)):
        k = (i + round_) % len(inits)
        t0 = time.monotonic_ns()
        os.kill(pids[k], signal.SIGUSR1)
        t1 = int(procs[k].stdout.readline())
        if round_ >= 10:
            lat[k].append((t1 - t0) / 1000)
        time.sleep(0.001)
# Idle: nothing happens for 3 s.
time.sleep(0.3)
before = [switches(pid) for pid in pids]
time.sleep(3)
idle = [switches(pid) - b for pid, b in zip(pids, before)]
for p, pid in zip(procs, pids):
    kill_namespace(p, pid)

ORPHANS = r"""
i=0
while [ $i -lt ${N} ]; do ( sleep 0 & ) ; i=$((i + 1)); done
while :; do
  z=0
  for f in /proc/[0-9]*/stat; do
    read -r line < "$f" 2>/dev/null || continue
    case ${line##*) } in Z*) z=1; break ;; esac
  done
  [ $z = 0 ] && break
  sleep 0.05
done
echo done
exec sleep 1000
"""


def reap_cpu(init, n):
    q = namespace(init, ["sh", "-c", ORPHANS.replace("${N}", str(n))])
    pid = wait_for_child(q.pid)
    assert q.stdout.readline() == b"done\n"
    used = cpu_ns(pid)
    kill_namespace(q, pid)
    return used


results = []
for i, init in enumerate(inits):
    reap = (statistics.median(reap_cpu(init, 1000) for _ in range(3))
            - statistics.median(reap_cpu(init, 0) for _ in range(3)))
    ls = sorted(lat[i])
    results.append(dict(median_us=statistics.median(ls), mean_us=statistics.mean(ls), p90_us=ls[int(len(ls) * 0.9)],
                        reap_cpu_ms=reap / 1e6, idle_switches=idle[i]))
print(json.dumps(results))
