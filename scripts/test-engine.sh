#!/usr/bin/env bash
# The engine tests alone: builds the test images (Tests/engine/images.sh: a Debian base
# made with mmdebstrap, the s6-era stand-in of the published image for each s6-overlay
# version in S6_VERSIONS, and this repository's Dockerfile FROM it), builds the
# Dockerfile's own build stage with a stand-in Swift image (Tests/engine/build-dockerfile.sh,
# podman only, left out when suites are named), then runs Tests/engine/run.py [SUITE...].
# podman by default; HERMES_ENGINE=docker for Docker.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "${HERMES_DIST_READY:-}" = 1 ] || scripts/build-embedded.sh dist  # scripts/test.sh has just made it
Tests/engine/images.sh
# The Dockerfile's own build stage (podman only), for amd64 and cross for arm64.
[ $# -gt 0 ] || Tests/engine/build-dockerfile.sh
exec python3 Tests/engine/run.py "$@"
