#!/usr/bin/env python3
"""The engine tests: the images of images.sh run in podman (or HERMES_ENGINE=docker).

    run.py [SUITE...]      suites: boot, diff, behaviour, runtimes, cli, stress, faults, hardened, and
                           kube (podman) or compose (Docker) (default: all of the engine's;
                           under Docker all but diff, cli, stress and faults, NOT_BY_DEFAULT says why)

Each suite runs once per s6-overlay version; these jobs, which share nothing but the
images, run ENGINE_JOBS at a time (default 3). On 2 cores they are bound by CPU, and the
two real-CLI jobs set the pace. Prints one line per check, then `N passed, N failed`;
exits 1 if any check failed."""
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import test_behaviour
import test_cli
import test_boot
import test_diff
import test_compose
import test_hardened
import test_kube
import test_runtimes
import test_stress
import test_faults
from engine import KIND, VERSIONS, Checks

# One job per suite and s6-overlay version (the plain image has its own), the longest
# suites first so the short ones fill in beside them. Each job writes its table rows into
# its own list, so the tables come out in this order whatever order the jobs finished in.
JOBS = {
    "cli": [(v, lambda checks, rows, v=v: (test_cli.cli_checks(checks, v, rows), test_cli.routing_checks(checks, v, rows)))
            for v in VERSIONS]
    # the other releases with the real CLI (engine.sh's CLI_RELEASES: the oldest), on the first version
    + [("%s hermes-agent %s" % (VERSIONS[0], r),
        lambda checks, rows, r=r: test_cli.release_checks(checks, VERSIONS[0], r, rows))
       for r in test_cli.CLI_RELEASES if r != test_cli.NEWEST],
    # issue #30: the stop that sticks, on the first version (the race is in hermes_cli,
    # not in s6-overlay)
    "stress": [(VERSIONS[0], lambda checks, rows: test_stress.stress_checks(checks, VERSIONS[0], rows))],
    "faults": [(VERSIONS[0], lambda checks, rows: test_faults.fault_checks(checks, VERSIONS[0], rows))],
    "runtimes": [(v, lambda checks, rows, v=v: test_runtimes.runtime_checks(checks, v, rows)) for v in VERSIONS]
    + [("plain", lambda checks, rows: test_runtimes.plain_checks(checks, rows))],
    "hardened": [(v, lambda checks, rows, v=v: test_hardened.hardened_checks(checks, v, rows)) for v in VERSIONS],
    # Kubernetes YAML (podman kube play) and Compose (docker-compose), on the first version.
    "kube": [(VERSIONS[0], lambda checks, rows: test_kube.kube_checks(checks, VERSIONS[0], rows))] if KIND == "podman" else [],
    "compose": [(VERSIONS[0], lambda checks, rows: test_compose.compose_checks(checks, VERSIONS[0], rows))] if KIND == "docker" else [],
    "diff": [(v, lambda checks, rows, v=v: test_diff.diff_checks(checks, v, rows)) for v in VERSIONS],
    "boot": [(v, lambda checks, rows, v=v: [test_boot.boot_checks(checks, v, kind) for kind in ("ours", "before")])
             for v in VERSIONS],
    "behaviour": [(v, lambda checks, rows, v=v: test_behaviour.behaviour_checks(checks, v, rows)) for v in VERSIONS],
}
# Under Docker the default leaves out what the podman run and the release's own suite
# (upstream_suite.py, run right after in scripts/test-docker.sh) already prove there: the
# differential (the same images' decisions, both versions, in podman) and the real-CLI
# scenarios (the release's suite runs the real CLI under Docker: the supervised gateway,
# restarts, profile gateways, the exec shim, routing, remaps, the --user guard, the
# dashboard); the stress test and the faults (the CLI's own state) run in podman. All still run when named.
NOT_BY_DEFAULT = {"docker": {"cli", "diff", "stress", "faults"}}.get(KIND, set())
ROWS = {}  # (suite, version) -> table rows


def rows(suite):
    return [r for version, _ in JOBS[suite] for r in ROWS.get((suite, version), [])]


def write_tables(path):
    """The differential and behaviour tables as markdown (ENGINE_RESULTS=FILE keeps them)."""
    def table(f, header, rows):
        f.write("| %s |\n|%s\n" % (" | ".join(header), "---|" * len(header)))
        for row in rows:
            f.write("| %s |\n" % " | ".join(str(c).replace("|", "\\|") for c in row))
        f.write("\n")
    with open(path, "w") as f:
        table(f, ["s6-overlay", "case", "before (shell glue)", "ours", "result"], rows("diff"))
        table(f, ["s6-overlay", "behaviour", "before (shell glue)", "ours"], rows("behaviour"))
        table(f, ["s6-overlay", "runtime situation", "what ran", "exit code", "services"], rows("runtimes"))
        table(f, ["s6-overlay", "real CLI (hermes-agent %s unless named)" % test_cli.NEWEST, "before (shell glue)", "ours"],
              rows("cli"))
        table(f, ["s6-overlay", "stop/start stress", "before (shell glue)", "ours"], rows("stress"))
        table(f, ["s6-overlay", "fault", "what it must give", "before (shell glue)", "ours"], rows("faults"))
        table(f, ["engine", "s6-overlay", "runtime shape", "image", "what it gives", "more"],
              rows("hardened") + rows("kube") + rows("compose"))


def main():
    names = sys.argv[1:] or [n for n in JOBS if JOBS[n] and n not in NOT_BY_DEFAULT]
    unknown = [n for n in names if not JOBS.get(n)]
    if unknown:
        sys.exit("run.py: no suite %s here (suites with %s: %s)" % (", ".join(unknown), KIND, ", ".join(n for n in JOBS if JOBS[n])))
    checks = Checks()
    jobs = [(n, version, fn) for n in JOBS if n in names for version, fn in JOBS[n]]

    def job(n, version, fn):
        start = time.monotonic()
        fn(checks, ROWS.setdefault((n, version), []))
        print("job %s %s: %.0f s" % (n, version, time.monotonic() - start), file=sys.stderr, flush=True)

    with ThreadPoolExecutor(max_workers=int(os.environ.get("ENGINE_JOBS", "3"))) as pool:
        for f in [pool.submit(job, *j) for j in jobs]:
            f.result()  # a job that raised fails the run
    if os.environ.get("ENGINE_RESULTS"):
        write_tables(os.environ["ENGINE_RESULTS"])
    passed, failed = checks.summary()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
