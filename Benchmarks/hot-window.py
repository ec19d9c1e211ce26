#!/usr/bin/env python3
"""Checks the hot-path layout of hermes-init (scripts/build-embedded.sh): on each start
path the image takes (a program given by path, no arguments, a subcommand), every
instruction it runs up to its execve lies in one 64 KiB-aligned window of the program,
the span the kernel's fault-around maps at the first fault, so the rest of the program is
never mapped on that path. When the check fails, scripts/hot-layout.sh is due. As root.

    hot-window.py HERMES_INIT TRUE

Prints the pages and 64-byte cache lines of code run and the window; exits 1 when an
instruction lies outside it."""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(os.path.dirname(HERE), "Tests", "fixture")
WINDOW = 64 * 1024


def main():
    hermes_init, true = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        fix = os.path.join(tmp, "fix")
        subprocess.run(["sh", os.path.join(FIXTURE, "make-image-root.sh"), fix, hermes_init], check=True,
                       capture_output=True)
        out = os.path.join(tmp, "cg")
        os.mkdir(out)
        os.chmod(out, 0o777)
        pages, lines, outside = set(), set(), []
        for n, args in enumerate([[true], [], ["chat"]]):
            profile = os.path.join(out, str(n))
            subprocess.run(["unshare", "--mount", "--propagation", "private", "--", "sh",
                            os.path.join(FIXTURE, "enter.sh"), fix, "valgrind", "--tool=callgrind", "--dump-instr=yes",
                            "--compress-pos=no", "--vgdb=no", "--dump-before=execve",
                            f"--callgrind-out-file={profile}", hermes_init] + args,
                           env={"PATH": "/command:/usr/bin:/bin"}, capture_output=True)
            if not os.path.exists(profile + ".1"):
                sys.exit(f"hot-window: no profile for {args}")
            addresses = [int(m.group(1), 16) for m in re.finditer(r"^(0x[0-9a-f]+) ", open(profile + ".1").read(), re.M)]
            if not addresses:
                sys.exit(f"hot-window: the profile for {args} has no addresses")
            pages |= {a // 4096 for a in addresses}
            lines |= {a // 64 for a in addresses}
            first = min(addresses) // WINDOW
            outside += [(args, hex(a)) for a in addresses if a // WINDOW != first]
    window = min(pages) * 4096 // WINDOW * WINDOW
    print(f"hot-window: {len(pages)} pages run, {len(lines)} cache lines, window {window:#x}-{window + WINDOW:#x}")
    if outside:
        print(f"hot-window: {len(outside)} instructions outside it, first {outside[0]}: run scripts/hot-layout.sh",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
