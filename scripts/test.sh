#!/usr/bin/env bash
# Every test: unit tests (SwiftPM debug build); the end-to-end tests against the shipped
# Embedded/musl binaries, the regular static fallback and the aarch64 build under qemu-user; the engine tests (the image built and run in podman and in Docker Engine under the real s6-overlay
# /init, beside the published image as the newest supported hermes-agent's own files build it, with the probe and
# with the real CLI, and the oldest with the real CLI; kube play and Compose; each of the two releases' own
# tests/docker suite against both); the hermes-agent patch's pytest tests against every supported release
# (docker/hermes-agent/releases); the whole suite under AddressSanitizer with UndefinedBehaviorSanitizer;
# a short fuzzing pass; a smoke pass of the benchmarks. Root runs the privilege tests
# for real. FUZZ_SECONDS (default 10) sets the time per fuzz target.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup.sh

step() { printf '\n== %s (%s)\n' "$*" "$(date +%T)" >&2; }

step "rules: no Foundation or Dispatch in Sources/"
if grep -rnE '^\s*(@_exported\s+)?import\s+(Foundation|FoundationEssentials|Dispatch)\b' Sources; then
  echo "Sources/ must not import Foundation or Dispatch" >&2
  exit 1
fi

step "unit tests (debug build)"
# The end-to-end tests run against the shipped build, the fallback, aarch64 and, for the
# debug build, its ASan + UBSan variant below.
swift build --build-tests
swift test --skip-build --filter HermesCoreTests

step "shipped build: Embedded Swift, static musl"
scripts/build-embedded.sh dist
export HERMES_DIST_READY=1  # the engine tests and the benchmarks take dist/ as it is
step "end-to-end tests against dist/"
HERMES_BIN_DIR="$root/dist" swift test --skip-build --filter EndToEndTests

step "fallback build: swift build -c release -Xswiftc -static-executable"
swift build -c release -Xswiftc -static-executable
file .build/release/privdrop | grep -q 'statically linked'
step "end-to-end tests against the static fallback"
HERMES_BIN_DIR="$root/.build/release" swift test --skip-build --filter EndToEndTests

if [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  step "aarch64: the shipped build for aarch64, end-to-end tests against it under qemu-user"
  ARCH=aarch64 scripts/build-embedded.sh dist-aarch64
  file dist-aarch64/privdrop dist-aarch64/hermes-init
  HERMES_BIN_DIR="$root/dist-aarch64" swift test --skip-build --filter EndToEndTests
fi

step "engine tests: the images under s6-overlay's own /init in podman (Tests/engine)"
# ENGINE_RESULTS: the tables of docs/image-proof.md, printed after each engine's run.
mkdir -p .build/engine-results
ENGINE_RESULTS=$root/.build/engine-results/podman.md scripts/test-engine.sh
cat .build/engine-results/podman.md

step "engine tests under Docker Engine: its own dockerd, docker build, Compose, the release's own tests/docker (Tests/engine)"
ENGINE_RESULTS=$root/.build/engine-results/docker.md UPSTREAM_RESULTS=$root/.build/engine-results/upstream.md \
  scripts/test-docker.sh
cat .build/engine-results/docker.md
echo "The releases' own tests/docker, against each release's stand-in (before) and ours:"
cat .build/engine-results/upstream.md

step "hermes-agent patch: pytest against every supported release (docker/hermes-agent/releases), patched as the image is"
scripts/test-hermes-agent.sh

step "AddressSanitizer + UndefinedBehaviorSanitizer: the whole suite, one build"
# Swift code traps on overflow and bounds on its own (swiftc has no -sanitize=undefined
# on Linux); the C shims get clang's UBSan, whose handlers are part of the ASan runtime,
# and -fno-sanitize-recover makes any report abort. Leak checks off: our programs exec
# or _exit.
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 swift test --sanitize=address --scratch-path .build-asan \
  -Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=all
# The instrumentation is really in what the suite ran: the ASan runtime in both binaries,
# and calls to UBSan's handlers from HermesCore's code (the C shims are inline functions,
# compiled into the Swift objects that use them; the runtime alone defines the handlers).
for p in privdrop hermes-init; do
  [ "$(nm .build-asan/debug/$p | grep -c ' T __asan_init$' || true)" = 1 ] || { echo "$p: not built with ASan" >&2; exit 1; }
done
ubsan_calls=$(for o in .build-asan/debug/HermesCore.build/*.o; do nm "$o"; done | grep -c ' U __ubsan_handle_' || true)
[ "$ubsan_calls" -gt 0 ] || { echo "HermesCore: no UBSan checks in its C shims" >&2; exit 1; }

step "fuzzing, ${FUZZ_SECONDS:-10} s per target"
Fuzz/run.sh "${FUZZ_SECONDS:-10}"

step "benchmark smoke pass (not timed)"
Benchmarks/run.sh --quick
