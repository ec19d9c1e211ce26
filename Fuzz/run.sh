#!/usr/bin/env bash
# Builds the fuzz harnesses (Fuzz/Harness.swift + HermesCore, with libFuzzer and
# AddressSanitizer, -O), replays the kept corpus Fuzz/corpus/TARGET of each target, then
# fuzzes it for SECONDS from that corpus (copied: the kept one is not rewritten here;
# Fuzz/long.sh does the long run and keeps its minimised corpus).
#   Fuzz/run.sh [SECONDS] [TARGET...]     (default 60 s; targets passwd account envdir routing options procstat groups capeff runcheck)
# Exits non-zero on any crash or violated property; the reproducer is left in .build/fuzz/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(passwd account envdir routing options procstat groups capeff runcheck)
work=$root/.build/fuzz
mkdir -p "$work"
# HermesCore is in folders (System/, Accounts/, ...): every .swift under it.
mapfile -t core_sources < <(find "$root/Sources/HermesCore" -name "*.swift" | sort)
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name HermesCore \
  -I "$root/Sources/CHermes/include" -Xcc -D_GNU_SOURCE \
  "${core_sources[@]}" "$here/Harness.swift" -o "$work/fuzz-all"
status=0
for t in "${targets[@]}"; do
  corpus=$work/corpus-$t
  mkdir -p "$corpus"
  cp "$here/corpus/$t/"* "$corpus/"
  log=$work/$t.log
  # The kept corpus first, replayed as it is (-runs=0 runs only the given inputs).
  if ! FUZZ_TARGET=$t "$work/fuzz-all" -runs=0 -max_len=65536 "$here/corpus/$t" >"$log.replay" 2>&1; then
    echo "fuzz $t: the kept corpus FAILED, see $log.replay" >&2
    grep -E 'ERROR|property violated|Fatal error' "$log.replay" | head -5 >&2
    status=1
    continue
  fi
  if FUZZ_TARGET=$t "$work/fuzz-all" -max_total_time="$seconds" -max_len=65536 \
       -artifact_prefix="$work/$t-" "$corpus" >"$log" 2>&1; then
    echo "fuzz $t: $(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | sed 's/Done /executions: /; s/ runs in / in /; s/ second/ s/'), $(grep -oE 'cov: [0-9]+' "$log" | tail -1), corpus $(find "$corpus" -type f | wc -l) inputs, no crash"
  else
    echo "fuzz $t: FAILED, see $log" >&2
    grep -E 'ERROR|property violated|Fatal error' "$log" | head -5 >&2
    status=1
  fi
done
exit $status
