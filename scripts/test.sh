#!/usr/bin/env bash
# Every test: unit and end-to-end tests against the SwiftPM debug build, then the
# end-to-end tests again against the shipped Embedded/musl binaries and against the
# regular static fallback build. Root runs the privilege tests for real.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh

step() { printf '\n== %s\n' "$*" >&2; }

step "rules: no Foundation or Dispatch in Sources/"
if grep -rnE '^\s*(@_exported\s+)?import\s+(Foundation|FoundationEssentials|Dispatch)\b' Sources; then
  echo "Sources/ must not import Foundation or Dispatch" >&2
  exit 1
fi

step "swift test (unit + end-to-end, debug build)"
swift build --build-tests
swift test --skip-build

step "shipped build: Embedded Swift, static musl"
scripts/build-embedded.sh dist
step "end-to-end tests against dist/"
HERMES_BIN_DIR="$root/dist" swift test --skip-build --filter EndToEndTests

step "fallback build: swift build -c release -Xswiftc -static-executable"
swift build -c release -Xswiftc -static-executable
file .build/release/privdrop | grep -q 'statically linked'
step "end-to-end tests against the static fallback"
HERMES_BIN_DIR="$root/.build/release" swift test --skip-build --filter EndToEndTests

step "benchmark smoke pass (not timed)"
Benchmarks/run.sh --quick
