#!/usr/bin/env bash
# The hermes-agent patch's tests against the real package: a venv under .build/ with
# hermes-agent (HERMES_AGENT_VERSION, default 0.19.0) from the engine tests' wheel cache
# (Tests/engine/cli/wheels.sh) and pytest; docker/hermes-agent/apply.py patches it as the
# Dockerfile patches the image; then pytest runs the upstream-style tests
# (docker/hermes-agent/tests) and ours (Tests/hermes-agent: the applier, and hermes-init's
# subcommand list against the CLI's).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=${HERMES_AGENT_VERSION:-0.19.0}
venv=$root/.build/hermes-agent-$version
if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -c 'import hermes_cli.service_manager' 2>/dev/null; then
  wheels=$(Tests/engine/cli/wheels.sh)
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-index --find-links "$wheels" "hermes-agent==$version"
  "$venv/bin/pip" install -q --disable-pip-version-check pytest
fi
# The unpatched renderer first: the tests below must be able to fail.
if "$venv/bin/python" - <<'PY'
import sys
from hermes_cli import service_manager as sm
sys.exit(0 if hasattr(sm, "_PRIVDROP") else 1)
PY
then echo "test-hermes-agent: patched already (the venv is reused)" >&2
else
  "$venv/bin/python" -c 'from hermes_cli.service_manager import S6ServiceManager as M; assert "s6-setuidgid" in M._render_run_script("default", {})'
  echo "test-hermes-agent: unpatched $version renders s6-setuidgid" >&2
fi
"$venv/bin/python" docker/hermes-agent/apply.py --subcommands "$venv/subcommands"
cd docker/hermes-agent
HERMES_INIT_BIN="${HERMES_INIT_BIN:-$root/.build/debug/hermes-init}" HERMES_REPO="$root" HERMES_SUBCOMMANDS_FILE="$venv/subcommands" HERMES_HOME=$(mktemp -d) \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider tests "$root/Tests/hermes-agent"
