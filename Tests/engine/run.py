#!/usr/bin/env python3
"""The engine tests: the images of images.sh run in podman (or HERMES_ENGINE=docker).

    run.py [SUITE...]      suites: boot, diff, behaviour, runtimes, cli (default: all)

Prints one line per check, then `N passed, N failed`; exits 1 if any check failed."""
import sys

import os

import test_behaviour
import test_cli
import test_boot
import test_diff
import test_runtimes
from engine import VERSIONS, Checks

DIFF_TABLE = []

SUITES = {
    "boot": lambda checks: [test_boot.boot_checks(checks, v, kind) for v in VERSIONS for kind in ("ours", "before")],
    "diff": lambda checks: [test_diff.diff_checks(checks, v, DIFF_TABLE) for v in VERSIONS],
    "behaviour": lambda checks: [test_behaviour.behaviour_checks(checks, v, BEHAVIOUR_TABLE) for v in VERSIONS],
    "runtimes": lambda checks: [test_runtimes.runtime_checks(checks, v, RUNTIME_TABLE) for v in VERSIONS]
    + [test_runtimes.plain_checks(checks, RUNTIME_TABLE)],
    "cli": lambda checks: [(test_cli.cli_checks(checks, v, CLI_TABLE), test_cli.routing_checks(checks, v, CLI_TABLE))
                           for v in VERSIONS],
}
CLI_TABLE = []
BEHAVIOUR_TABLE = []
RUNTIME_TABLE = []


def write_tables(path):
    """The differential and behaviour tables as markdown (ENGINE_RESULTS=FILE keeps them)."""
    def table(f, header, rows):
        f.write("| %s |\n|%s\n" % (" | ".join(header), "---|" * len(header)))
        for row in rows:
            f.write("| %s |\n" % " | ".join(str(c).replace("|", "\\|") for c in row))
        f.write("\n")
    with open(path, "w") as f:
        table(f, ["s6-overlay", "case", "before (shell glue)", "ours", "result"], DIFF_TABLE)
        table(f, ["s6-overlay", "behaviour", "before (shell glue)", "ours"], BEHAVIOUR_TABLE)
        table(f, ["s6-overlay", "runtime situation", "what ran", "exit code", "services"], RUNTIME_TABLE)
        table(f, ["s6-overlay", "real CLI (hermes-agent 0.19.0)", "before (shell glue)", "ours"], CLI_TABLE)


def main():
    names = sys.argv[1:] or list(SUITES)
    checks = Checks()
    for n in names:
        SUITES[n](checks)
    if os.environ.get("ENGINE_RESULTS"):
        write_tables(os.environ["ENGINE_RESULTS"])
    passed, failed = checks.summary()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
