"""Kubernetes YAML played for real with `podman kube play` (podman only): the manifests of
deploy/kubernetes/, unchanged but for the image (ours with the real CLI):

  hermes.yaml             a Deployment, the data on a PersistentVolumeClaim, /run and /tmp
                          as emptyDir, readOnlyRootFilesystem, drop ALL + the five
                          capabilities: s6-overlay's /init is PID 1, the gateway supervised
                          as hermes, the probe (the gateway's /health) passes, the root is
                          read-only, PID 1 holds exactly the five capabilities;
  hermes-shared-pid.yaml  a Pod with shareProcessNamespace: the pause process is PID 1,
                          hermes-init the entry point: the boot steps, then `gateway run`
                          as hermes with --external-supervisor, the probe passes.
`kube down` ends each; its volumes are removed after, and nothing of it is left.
What a real cluster adds (the kubelet's probes and restarts, fsGroup, a CSI volume, a
Memory-backed emptyDir) is not shown here: docs/image-proof.md says so."""
import os
import tempfile
import time

from engine import REPO, engine
from test_cli import cli_image

MANIFESTS = os.path.join(REPO, "deploy", "kubernetes")
# CHOWN 0, DAC_OVERRIDE 1, KILL 5, SETGID 6, SETUID 7
CAP_MASK = "00000000000000e3"


def play(path, img):
    """The manifest with the image set, written to a temporary file: its path."""
    with open(path) as f:
        text = f.read().replace("image: hermes-agent:local", "image: " + img)
    fd, out = tempfile.mkstemp(suffix=".yaml", prefix="hermes-test-kube-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return out


def wait_for(fn, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = fn()
        if v:
            return v
        time.sleep(1)
    return None


def sh(container, script):
    p = engine("exec", container, "/bin/sh", "-c", script, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace").strip()


def kube_checks(checks, version, table):
    img = cli_image("ours", version)
    for manifest, pod, volume, shared in (("hermes.yaml", "hermes-pod-0", "hermes-data", False),
                                          ("hermes-shared-pid.yaml", "hermes-shared-pid", "hermes-data-shared-pid", True)):
        tag = "kube %s" % version
        container = pod + "-hermes"
        path = play(os.path.join(MANIFESTS, manifest), img)
        engine("volume", "rm", "-f", volume)  # a claim's volume left by an earlier run
        try:
            p = engine("kube", "play", "--network", "none", path, timeout=180)
            played = p.returncode == 0
            if not shared:
                # The gateway slot supervised by s6-overlay's s6-svscan, PID 1.
                find = ('st=$(/command/s6-svstat -o up,pid /run/service/gateway-default 2>/dev/null) && '
                        '[ "${st%% *}" = true ] && echo "${st##* }"')
            else:
                find = ('for s in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$s" | grep -q "gateway run --[e]xternal-supervisor" '
                        '&& { d=${s%/cmdline}; echo "${d#/proc/}"; break; }; done')
            pid = wait_for(lambda: (lambda r: r[1] if r[0] == 0 and r[1].isdigit() else None)(sh(container, find)), 120) if played else None
            ids = sh(container, "grep -E '^(Uid|Gid):' /proc/%s/status | awk '{print $2}' | tr '\\n' ' '" % pid)[1] if pid else ""
            _, pid1 = sh(container, "cat /proc/1/comm")
            _, caps = sh(container, "grep CapEff /proc/1/status" if not shared else "grep CapEff /proc/%s/status" % pid) if pid else (0, "")
            ro_rc, _ = sh(container, "touch /hermes-test-ro 2>/dev/null")
            healthy = pid is not None and wait_for(lambda: engine("healthcheck", "run", container, timeout=60).returncode == 0, 120)
            argv = sh(container, "tr '\\0' ' ' < /proc/%s/cmdline" % pid)[1] if pid else ""
        finally:
            down = engine("kube", "down", path, timeout=120)
            os.unlink(path)
        engine("volume", "rm", "-f", volume)
        left = [n for n in engine("ps", "-a", "--format", "{{.Names}}").stdout.decode().split() if n.startswith(pod)]
        left += [n for n in engine("pod", "ps", "--format", "{{.Name}}").stdout.decode().split() if n == pod]
        want_pid1 = "catatonit" if shared else "s6-svscan"
        ok = (played and pid is not None and ids.split()[:2] == ["10000", "10000"] and pid1 == want_pid1
              and (not shared or "--external-supervisor" in argv) and ro_rc != 0 and bool(healthy))
        what = ("Pod, shareProcessNamespace: PID 1 %s, hermes-init the entry point" % pid1 if shared
                else "Deployment: PID 1 %s (s6-overlay)" % pid1)
        checks.check("kube play %s: %s; gateway as hermes, probe passes, root read-only" % (manifest, what), tag, ok,
                     "played %s pid %s ids %r pid1 %s ro_rc %s healthy %s argv %r %s" % (
                         played, pid, ids, pid1, ro_rc, healthy, argv[-120:], p.stderr.decode(errors="replace")[-300:]))
        checks.check("kube play %s: %s CHOWN, DAC_OVERRIDE, SETUID, SETGID, KILL (%s)"
                     % (manifest, "the gateway holds no more than" if shared else "PID 1 holds exactly", CAP_MASK), tag,
                     caps.endswith(CAP_MASK) if not shared else caps.split()[-1:] and int(caps.split()[-1], 16) & ~0xE3 == 0,
                     caps)
        checks.check("kube down %s: the pod and its containers are gone" % manifest, tag,
                     down.returncode == 0 and not left, "rc %s left %s" % (down.returncode, left))
        table.append(("podman kube play", version, manifest, "ours (real CLI)",
                      "gateway up as hermes (uid %s), probe %s, root read-only %s" % (
                          ids.split()[0] if ids else "-", "passes" if healthy else "FAILS", "yes" if ro_rc != 0 else "NO"),
                      "PID 1 %s; kube down leaves nothing" % pid1 if not left else "LEFT: %s" % left))
