#!/usr/bin/env python3
"""Stand-in for the Hermes CLI in the test images, and the `report` probe.

Both print one line, `REPORT <json>`, on stdout: argv, the whole environment, ids, groups,
cwd and whether fds 0 and 1 are terminals. Strings are the exact bytes, as latin-1 code
points, so nothing is lost to decoding. As `hermes`, `gateway run` and `dashboard` print a
report, a banner, and stay up until a signal ends them; STANDIN_EXIT=N makes it exit with N.
As `report`, `--stdin` also reports what it read from stdin, and `--contenv` adds the
environment /command/with-contenv gives a program in the same container.
"""
import json
import os
import signal
import subprocess
import sys
import time


def text(b):
    return b.decode("latin-1")


def snapshot():
    return {
        "argv": [text(os.fsencode(a)) for a in sys.argv],
        "env": {text(k): text(v) for k, v in os.environb.items()},
        "uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(), "egid": os.getegid(),
        "groups": sorted(os.getgroups()),
        "cwd": text(os.getcwdb()),
        "tty0": os.isatty(0), "tty1": os.isatty(1),
        "pid": os.getpid(), "ppid": os.getppid(),
    }


def emit(data):
    sys.stdout.write("REPORT " + json.dumps(data, sort_keys=True) + "\n")
    sys.stdout.flush()


def main():
    name = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    data = snapshot()
    if name == "report":
        if "--stdin" in args:
            data["stdin"] = text(sys.stdin.buffer.read())
        if "--contenv" in args:
            out = subprocess.run(["/command/with-contenv", sys.executable, "-c",
                                  "import os,json;print(json.dumps({k.decode('latin-1'):v.decode('latin-1') for k,v in os.environb.items()}))"],
                                 stdout=subprocess.PIPE, check=True).stdout
            data["contenv"] = json.loads(out)
        if "--sleep" in args:
            emit(data)
            while True:
                time.sleep(3600)
        emit(data)
        return 0
    # hermes
    serving = args[:1] == ["dashboard"] or "gateway" in args and "run" in args[args.index("gateway"):]
    if serving and "--help" not in args:
        emit(data)
        print("⚕ Hermes %s Starting: %s" % ("Dashboard" if args[:1] == ["dashboard"] else "Gateway", " ".join(args)), flush=True)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        while True:
            time.sleep(3600)
    emit(data)
    return int(os.environ.get("STANDIN_EXIT", "0"))


if __name__ == "__main__":
    sys.exit(main())
