#!/usr/bin/env python3
"""The engine tests: the images of images.sh run in podman (or HERMES_ENGINE=docker).

    run.py [SUITE...]      suites: boot (default: all)

Prints one line per check, then `N passed, N failed`; exits 1 if any check failed."""
import sys

import test_boot
from engine import VERSIONS, Checks

SUITES = {
    "boot": lambda checks: [test_boot.boot_checks(checks, v, kind) for v in VERSIONS for kind in ("ours", "before")],
}


def main():
    names = sys.argv[1:] or list(SUITES)
    checks = Checks()
    for n in names:
        SUITES[n](checks)
    passed, failed = checks.summary()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
