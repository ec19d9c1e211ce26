#!/usr/bin/env bash
# The main job: set up, build the shipped static binaries into dist/, show them working.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh
scripts/build-embedded.sh dist
file dist/privdrop dist/hermes-init
dist/privdrop --version
echo "privdrop nobody id:"
if [ "$(id -u)" = 0 ]; then dist/privdrop nobody id; else dist/privdrop --explain nobody id; fi
