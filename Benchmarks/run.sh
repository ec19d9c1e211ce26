#!/usr/bin/env bash
# Benchmarks: builds what they need, then writes Benchmarks/RESULTS.md (root only).
#   Benchmarks/run.sh            full run (a few minutes; section 5 in podman, HERMES_ENGINE=docker for Docker)
#   Benchmarks/run.sh --quick    smoke pass: same steps, few runs, report to a temp file
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"
[ "$(id -u)" = 0 ] || { echo "Benchmarks/run.sh: needs root (privilege drops, namespaces)" >&2; exit 1; }
scripts/setup.sh
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
chmod 755 "$bin"
if [ "${HERMES_DIST_READY:-}" = 1 ]; then  # scripts/test.sh has just made dist/
  cp dist/privdrop dist/hermes-init "$bin/"
else
  scripts/build-embedded.sh "$bin" >/dev/null
fi
swift build -c release -Xswiftc -static-executable --product privdrop >/dev/null
cp .build/release/privdrop "$bin/privdrop-fallback"
for p in privdrop-ref true sigecho floor floor-drop; do
  musl-gcc -static -Os -s -o "$bin/$p" "$here/cref/$p.c"
done
for p in interleave syscost hermes-init-ref; do
  musl-gcc -static -O2 -s -o "$bin/$p" "$here/cref/$p.c"
done
# The start path must run in one 64 KiB window of hermes-init (scripts/layout/): checked
# on a copy with symbols, laid out as the stripped one.
HERMES_KEEP_SYMBOLS=1 scripts/build-embedded.sh "$bin/symbols" >/dev/null
python3 "$here/hot-window.py" "$bin/symbols/hermes-init" "$bin/true"
# The reference with symbols too: section 5 counts the code each runs up to its exec.
musl-gcc -static -O2 -o "$bin/symbols/hermes-init-ref" "$here/cref/hermes-init-ref.c"
# The C reference of hermes-init's contract must give hermes-init's results.
python3 "$here/cref/compare-ref.py" "$bin/hermes-init" "$bin/hermes-init-ref" >/dev/null || {
  python3 "$here/cref/compare-ref.py" "$bin/hermes-init" "$bin/hermes-init-ref" | grep -v '^ok' >&2
  exit 1
}
# The engine section (6.) needs the test images, for the published pin only. They are
# built after the exec benchmarks, never before: building them churns memory, and for
# minutes after it this VM's host takes back CPU and pages (50 % steal seen; a direct exec
# 3.3x slower), which would measure the host rather than the programs.
engine_images() { S6_VERSIONS=3.2.3.0 Tests/engine/images.sh; }
if [ "${1-}" = --quick ]; then
  out=$(mktemp)
  python3 "$here/bench.py" --bin "$bin" --out "$out" --quick
  engine_images
  python3 "$here/engine_bench.py" --out "$out" --quick
  # Not a timed test: it checks that every table came out with numbers.
  for section in "## 1." "## 2." "## 3." "## 4." "## 5." "## Targets" "## 6." "### Boot with the real CLI"; do
    grep -q "^$section" "$out" || { echo "bench smoke: section $section missing" >&2; exit 1; }
  done
  if grep -E '^\| [^|]+ \|.*(nan|None)' "$out"; then echo "bench smoke: a value is missing" >&2; exit 1; fi
  echo "bench smoke: ok ($(grep -c '^| ' "$out") table rows)"
  rm -f "$out"
else
  python3 "$here/bench.py" --bin "$bin" --out "$here/RESULTS.md"
  engine_images
  python3 "$here/engine_bench.py" --out "$here/RESULTS.md"
fi
