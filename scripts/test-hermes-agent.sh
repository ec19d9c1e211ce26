#!/usr/bin/env bash
# The hermes-agent patch's tests against the real package, for every release
# docker/hermes-agent/releases lists (or the ones named: test-hermes-agent.sh 0.15.0 ...):
# a venv per release under .build/ from one wheel cache (Tests/hermes-agent/wheels.sh);
# docker/hermes-agent/apply.py patches it as the Dockerfile patches the image; then pytest
# runs the upstream-style tests (docker/hermes-agent/tests) and ours (Tests/hermes-agent:
# the applier, the releases file, hermes-init's subcommand list against the CLI's).
# Prints a line per release, then `N passed, N failed` (releases).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ $# -gt 0 ]; then versions=("$@"); else
  mapfile -t versions < <(awk '!/^#/ && NF { print $1 }' docker/hermes-agent/releases)
fi
wheels=$(Tests/hermes-agent/wheels.sh)
passed=0 failed=0
results=$root/.build/hermes-agent-results.md
printf '| hermes-agent | patch | unpatched renders s6-setuidgid | pytest |\n|---|---|---|---|\n' > "$results"
for version in "${versions[@]}"; do
  venv=$root/.build/hermes-agent-$version
  patch=$(awk -v v="$version" '$1 == v { print $2 }' docker/hermes-agent/releases)
  if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c 'import hermes_cli.service_manager' 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --no-compile --disable-pip-version-check --no-index --find-links "$wheels" \
      "hermes-agent==$version" 'pytest==9.0.3'
  fi
  # The unpatched renderer first: the tests below must be able to fail.
  if "$venv/bin/python" -c 'import sys; from hermes_cli import service_manager as sm; sys.exit(0 if hasattr(sm, "_PRIVDROP") else 1)'
  then unpatched="(venv reused, patched)"
  else
    "$venv/bin/python" -c 'from hermes_cli.service_manager import S6ServiceManager as M; assert "exec s6-setuidgid hermes" in M._render_run_script("default", {})'
    unpatched=yes
  fi
  echo "== hermes-agent $version ($patch)" >&2
  HERMES_HOME=$(mktemp -d) "$venv/bin/python" docker/hermes-agent/apply.py --subcommands "$venv/subcommands" --release "$venv/release"
  set +e
  (cd docker/hermes-agent && HERMES_INIT_BIN="${HERMES_INIT_BIN:-$root/.build/debug/hermes-init}" HERMES_REPO="$root" \
    HERMES_SUBCOMMANDS_FILE="$venv/subcommands" HERMES_HOME=$(mktemp -d) \
    "$venv/bin/python" -m pytest -q -p no:cacheprovider tests "$root/Tests/hermes-agent") > "$venv/pytest.log" 2>&1
  rc=$?
  set -e
  summary=$(tail -1 "$venv/pytest.log")
  echo "hermes-agent $version: $summary" >&2
  if [ $rc = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); cat "$venv/pytest.log" >&2; fi
  printf '| %s | %s | %s | %s |\n' "$version" "\`$patch\`" "$unpatched" "$summary" >> "$results"
done
cat "$results"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
