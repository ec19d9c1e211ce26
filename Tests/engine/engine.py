"""Running containers for the engine tests: podman (or HERMES_ENGINE=docker) with the
settings of engine.sh, and the REPORT lines of the probe (probe/report.py)."""
import json
import os
import subprocess
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KIND = os.environ.get("HERMES_ENGINE", "podman")
# For Docker, Debian's docker.io client (engine.sh says why); HERMES_DOCKER names another.
ENGINE = os.environ.get("HERMES_DOCKER", "/usr/bin/docker") if KIND == "docker" else KIND
if KIND == "podman":
    os.environ.setdefault("CONTAINERS_CONF", os.path.join(HERE, "containers.conf"))
# The runtime's own init under --init, as it names itself in /proc/1/comm.
RUNTIME_INIT_COMM = {"podman": "podman-init", "docker": "docker-init"}.get(KIND)
VERSIONS = os.environ.get("S6_VERSIONS", "3.2.3.0 3.2.3.2").split()
# s6 waits for services to stop; 0 keeps each container's shutdown at about a second.
FAST = ["-e", "S6_KILL_GRACETIME=0"]


def image(kind, version):
    return "localhost/hermes-test/%s:%s" % (kind, version)


class Run:
    def __init__(self, rc, out, err, seconds):
        self.rc, self.out, self.err, self.seconds = rc, out, err, seconds

    @property
    def reports(self):
        return [json.loads(l[7:]) for l in self.out.decode("utf-8", "replace").splitlines() if l.startswith("REPORT ")]

    @property
    def report(self):
        r = self.reports
        return r[-1] if r else None

    @property
    def stderr(self):
        return self.err.decode("utf-8", "replace")

    @property
    def stdout(self):
        return self.out.decode("utf-8", "replace")


def engine(*args, timeout=120, stdin=None, check=False):
    p = subprocess.run([ENGINE] + list(args), input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s %s: rc %d: %s" % (ENGINE, " ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return p


def remove(name):
    """Removes a container at once, running or not."""
    engine("rm", "-f", *(["-t", "0"] if KIND == "podman" else []), name)


def run(img, args=(), opts=(), timeout=90, stdin=b""):
    """`run --rm` of IMG with ARGS as the command; a run that outlives TIMEOUT is killed
    and gives rc None."""
    name = "hermes-test-" + uuid.uuid4().hex[:12]
    argv = [ENGINE, "run", "--rm", "--name", name, "--network=none", "-i"] + FAST + list(opts) + [img] + list(args)
    start = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(stdin, timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        remove(name)
        out, err = p.communicate()
        rc = None
    return Run(rc, out, err, time.monotonic() - start)


class Container:
    """A detached container, removed on exit from the with-block."""

    def __init__(self, img, args=(), opts=()):
        self.name = "hermes-test-" + uuid.uuid4().hex[:12]
        engine("run", "-d", "--name", self.name, "--network=none", *FAST, *opts, img, *args, check=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        remove(self.name)

    def exec(self, *args, user=None, timeout=60):
        opts = ["--user", user] if user else []
        return engine("exec", *opts, self.name, *args, timeout=timeout)

    def sh(self, script, timeout=60):
        return self.exec("/bin/sh", "-c", script, timeout=timeout)

    # Waiting happens inside the container, in one `exec` whose loop polls every 0.2 s:
    # an `exec` per poll costs the engine's CLI and runtime each time, and with several
    # jobs polling at once that took the CPU the containers being waited for needed.
    # The loop exits 0 when the condition holds (printing what it found) and 3 when its
    # deadline passes; any other outcome is the exec failing (the container restarting,
    # say), and is tried again until the deadline.
    POLL = ('end=$(( $(date +%s) + $1 )); shift; '
            'while :; do "$@" && exit 0; [ "$(date +%s)" -lt "$end" ] || exit 3; sleep 0.2; done')

    def poll(self, timeout, *argv):
        """Runs ARGV inside the container every 0.2 s until it succeeds: its stdout, or
        None when TIMEOUT passed."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            try:
                p = self.exec("/bin/sh", "-c", self.POLL, "poll", str(max(1, int(left + 0.999))), *argv,
                              timeout=left + 10)
            except subprocess.TimeoutExpired:
                return None
            if p.returncode == 0:
                return p.stdout.decode("utf-8", "replace")
            if p.returncode == 3:
                return None
            time.sleep(0.2)

    def wait(self, script, timeout=30.0):
        """Waits for a shell condition inside the container to hold."""
        return self.poll(timeout, "/bin/sh", "-c", script) is not None

    def process(self, pid):
        """Ids, environment (exact bytes as latin-1) and argv of a process in the container."""
        code = ("import json,sys;p='/proc/%s/';"
                "st=dict(l.split(':',1) for l in open(p+'status'));"
                "env=dict(e.split(b'=',1) for e in open(p+'environ','rb').read().split(b'\\0') if b'=' in e);"
                "print(json.dumps({'uid':int(st['Uid'].split()[0]),'gid':int(st['Gid'].split()[0]),"
                "'groups':sorted(int(g) for g in st['Groups'].split()),'cwd':__import__('os').readlink(p+'cwd'),"
                "'argv':[a.decode('latin-1') for a in open(p+'cmdline','rb').read().split(b'\\0')[:-1]],"
                "'env':{k.decode('latin-1'):v.decode('latin-1') for k,v in env.items()}}))") % pid
        # Only the process's own uid may read its environ (podman gives root no
        # CAP_SYS_PTRACE), so the probe runs as that uid.
        status = self.exec("cat", "/proc/%s/status" % pid)
        uid = [l.split()[1] for l in status.stdout.decode().splitlines() if l.startswith("Uid:")]
        if not uid:
            return None
        p = self.exec("/usr/bin/python3", "-c", code, user=uid[0])
        if p.returncode != 0:
            print("process %s: %s" % (pid, p.stderr.decode(errors="replace").strip()[-300:]))
            return None
        return json.loads(p.stdout)

    def contenv(self):
        """The environment s6-overlay's own with-contenv gives a program in this container."""
        # `exec` gets the image's PATH, without /command, where with-contenv's execline
        # programs are (only s6-overlay-symlinks-noarch is installed).
        p = self.exec("/usr/bin/env", "PATH=/command:/usr/bin:/bin", "/command/with-contenv", "/usr/bin/python3", "-c",
                      "import os,json;print(json.dumps({k.decode('latin-1'):v.decode('latin-1') for k,v in os.environb.items()}))")
        return json.loads(p.stdout)

    def service_pid(self, slot, argv_has, timeout=30.0, other_than=None):
        """The pid of a supervised slot once it runs a program whose argv contains ARGV_HAS
        (and that is not OTHER_THAN), confirmed from outside with `process`."""
        find = ('st=$(/command/s6-svstat -o up,pid "$1" 2>/dev/null) && [ "${st%% *}" = true ] && '
                'pid=${st##* } && [ "$pid" != "$3" ] && tr "\\0" " " < /proc/$pid/cmdline | grep -qF -- "$2" && echo "$pid"')
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            out = self.poll(end - time.monotonic(), "/bin/sh", "-c", find, "find", slot, argv_has, str(other_than))
            if out is None:
                return None
            info = self.process(out.strip())
            if info and argv_has in " ".join(info["argv"]):
                return int(out.strip())
            time.sleep(0.2)
        return None


class Checks:
    """Named checks with results, printed as a table and counted."""

    def __init__(self):
        self.rows = []
        self.lock = threading.Lock()  # suites run in threads (run.py)

    def check(self, name, version, ok, detail=""):
        with self.lock:
            self.rows.append((name, version, bool(ok), detail))
            print("%-4s %-8s %s%s" % ("ok" if ok else "FAIL", version, name, "" if ok else ": " + detail), flush=True)
        return ok

    def summary(self):
        failed = sum(1 for r in self.rows if not r[2])
        return len(self.rows) - failed, failed
