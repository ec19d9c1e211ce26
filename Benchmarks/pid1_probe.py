#!/usr/bin/env python3
"""One init's PID-1 numbers, as JSON on stdout: signal hand-off latency, CPU spent
reaping 1000 orphans, context switches while idle.
    pid1_probe.py BINDIR SAMPLES INIT [INIT-ARGS...]"""
import json
import os
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "pid1"))
from scenarios import default_signals, kill_namespace, wait_for_child  # noqa: E402  (shared with the PID-1 tests)

bindir, samples, init = sys.argv[1], int(sys.argv[2]), sys.argv[3:]


def namespace(args, **kw):
    return subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "--"] + init + args,
                            preexec_fn=default_signals, stdout=subprocess.PIPE, **kw)


def cpu_ns(pid):
    return int(open(f"/proc/{pid}/schedstat").read().split()[0])


def switches(pid):
    status = dict(line.split(":\t", 1) for line in open(f"/proc/{pid}/status").read().splitlines() if ":\t" in line)
    return int(status["voluntary_ctxt_switches"]) + int(status["nonvoluntary_ctxt_switches"])


# Hand-off latency.
p = namespace([f"{bindir}/sigecho"])
pid1 = wait_for_child(p.pid)
assert p.stdout.readline() == b"ready\n"
lat = []
for _ in range(samples + 10):
    t0 = time.monotonic_ns()
    os.kill(pid1, signal.SIGUSR1)
    t1 = int(p.stdout.readline())
    lat.append((t1 - t0) / 1000)
    time.sleep(0.002)
lat = sorted(lat[10:])
# Idle: nothing happens for 3 s.
time.sleep(0.3)
s0 = switches(pid1)
time.sleep(3)
idle = switches(pid1) - s0
kill_namespace(p, pid1)

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


def reap_cpu(n):
    q = namespace(["sh", "-c", ORPHANS.replace("${N}", str(n))])
    pid = wait_for_child(q.pid)
    assert q.stdout.readline() == b"done\n"
    used = cpu_ns(pid)
    kill_namespace(q, pid)
    return used


reap = statistics.median(reap_cpu(1000) for _ in range(3)) - statistics.median(reap_cpu(0) for _ in range(3))
print(json.dumps(dict(
    median_us=statistics.median(lat), mean_us=statistics.mean(lat), p90_us=lat[int(len(lat) * 0.9)],
    reap_cpu_ms=reap / 1e6, idle_switches=idle)))
