#!/usr/bin/env bash
# The long fuzzing run: every target (or those named) to RUNS executions, JOBS at a time
# (default 2, one a core), inputs up to MAX_LEN bytes (default 65536), from the kept corpus; then each corpus is minimised
# (libFuzzer -merge=1) back into Fuzz/corpus/TARGET, so CI's short pass starts from it.
# Prints a markdown table (target, executions, seconds, coverage, features, corpus,
# crashes) for docs/fuzzing.md. Exits non-zero on any crash or violated property.
#   Fuzz/long.sh RUNS [TARGET...]        e.g. Fuzz/long.sh 10000000
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=${1:?usage: Fuzz/long.sh RUNS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(passwd account envdir routing options procstat groups capeff runcheck)
jobs=${JOBS:-2}
max_len=${MAX_LEN:-65536}
work=$root/.build/fuzz-long-$(printf %s "${targets[*]}" | tr " " -)
rm -rf "$work"
mkdir -p "$work"
# HermesCore is in folders (System/, Accounts/, ...): every .swift under it.
mapfile -t core_sources < <(find "$root/Sources/HermesCore" -name "*.swift" | sort)
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name HermesCore \
  -I "$root/Sources/CHermes/include" -Xcc -D_GNU_SOURCE \
  "${core_sources[@]}" "$here/Harness.swift" -o "$work/fuzz-all"
one() {  # one TARGET: the run, then the merge
  local t=$1
  mkdir -p "$work/corpus-$t" "$work/min-$t"
  cp "$here/corpus/$t/"* "$work/corpus-$t/"
  if ! FUZZ_TARGET=$t "$work/fuzz-all" -runs="$runs" -max_len="$max_len" -print_final_stats=1 \
       -artifact_prefix="$work/$t-" "$work/corpus-$t" >"$work/$t.log" 2>&1; then
    echo "FAILED" > "$work/$t.status"
    return
  fi
  FUZZ_TARGET=$t "$work/fuzz-all" -merge=1 "$work/min-$t" "$here/corpus/$t" "$work/corpus-$t" >"$work/$t.merge.log" 2>&1
  echo "ok" > "$work/$t.status"
}
running=0
for t in "${targets[@]}"; do
  one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
status=0
echo "| target | executions | seconds | coverage (edges) | features | corpus kept | crashes |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for t in "${targets[@]}"; do
  log=$work/$t.log
  if [ "$(cat "$work/$t.status")" != ok ]; then
    echo "| $t | FAILED: $(grep -m1 -E 'property violated|ERROR' "$log" || true) | | | | | 1 |"
    status=1
    continue
  fi
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$')
  secs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -oE '[0-9]+ second' | grep -oE '[0-9]+')
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+')
  ft=$(echo "$last" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+')
  rm -rf "${here:?}/corpus/$t"
  mkdir -p "$here/corpus/$t"
  cp "$work/min-$t/"* "$here/corpus/$t/"
  echo "| $t | $execs | $secs | $cov | $ft | $(find "$here/corpus/$t" -type f | wc -l) | 0 |"
done
exit $status
