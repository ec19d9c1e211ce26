#!/usr/bin/env python3
"""The engine tests: the images of images.sh run in podman (or HERMES_ENGINE=docker).

    run.py [SUITE...]      suites: boot, diff (default: all)

Prints one line per check, then `N passed, N failed`; exits 1 if any check failed."""
import sys

import os

import test_boot
import test_diff
from engine import VERSIONS, Checks

DIFF_TABLE = []

SUITES = {
    "boot": lambda checks: [test_boot.boot_checks(checks, v, kind) for v in VERSIONS for kind in ("ours", "before")],
    "diff": lambda checks: [test_diff.diff_checks(checks, v, DIFF_TABLE) for v in VERSIONS],
}


def write_diff_table(path):
    """The differential table as markdown (ENGINE_RESULTS=FILE keeps it)."""
    with open(path, "w") as f:
        f.write("| s6-overlay | case | before (shell glue) | ours | result |\n|---|---|---|---|---|\n")
        for row in DIFF_TABLE:
            f.write("| %s |\n" % " | ".join(str(c).replace("|", "\\|") for c in row))


def main():
    names = sys.argv[1:] or list(SUITES)
    checks = Checks()
    for n in names:
        SUITES[n](checks)
    if DIFF_TABLE and os.environ.get("ENGINE_RESULTS"):
        write_diff_table(os.environ["ENGINE_RESULTS"])
    passed, failed = checks.summary()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
