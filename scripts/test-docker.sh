#!/usr/bin/env bash
# The engine tests under Docker Engine: starts a dockerd of the tests' own
# (Tests/engine/dockerd.sh: its own socket and data root, no bridge, stopped and removed
# at the end), builds the images there with `docker build` (BuildKit, offline; the
# Debian base and the glue's images moved over from podman), then runs the engine suites
# that apply to Docker, Compose included (Tests/engine/run.py), and the release's own Docker
# test suite against both images (Tests/engine/upstream_suite.py). S6_VERSIONS defaults to
# 3.2.3.0 here (the published image's); the podman run covers both versions.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "${HERMES_DIST_READY:-}" = 1 ] || scripts/build-embedded.sh dist
dir=$(mktemp -d /tmp/hermes-dockerd.XXXXXX)
trap 'Tests/engine/dockerd.sh stop "$dir"' EXIT
Tests/engine/dockerd.sh start "$dir"
export DOCKER_HOST=unix:///run/hermes-test-docker.sock HERMES_ENGINE=docker
export S6_VERSIONS=${S6_VERSIONS:-3.2.3.0} HERMES_DIST_READY=1
Tests/engine/images.sh
python3 Tests/engine/run.py "$@"
# The release's own Docker test suite (tests/docker, unmodified), before vs ours, with the
# real CLI, on the first s6-overlay version: ours must pass every test the release passes.
# Each release of CLI_RELEASES (engine.sh: the oldest and the newest) with its own suite.
if [ $# -eq 0 ]; then
  # shellcheck source=/dev/null
  . Tests/engine/engine.sh
  v=${S6_VERSIONS%% *}
  results=${UPSTREAM_RESULTS:-$root/.build/engine-results/upstream.md}
  : > "$results"
  failed=0
  for r in $CLI_RELEASES; do
    printf '\nhermes-agent %s:\n\n' "$r" >> "$results"
    .build/tools/bin/python Tests/engine/upstream_suite.py "$(release_dir "$r")" "$(before_cli_image "$v" "$r")" \
      "$(ours_cli_image "$v" "$r")" "$results.$r" || failed=1
    cat "$results.$r" >> "$results"
  done
  exit "$failed"
fi
