#!/usr/bin/env bash
# Runs the PID-1 scenarios (Tests/pid1/scenarios.py) against hermes-init, tini,
# dumb-init and catatonit, each as PID 1 of a fresh PID namespace inside the image
# fixture, and prints a Markdown table. Root only.
#   scripts/compare-inits.sh [HERMES_INIT]   (default: dist/hermes-init)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hi=$(realpath "${1:-$root/dist/hermes-init}")
[ "$(id -u)" = 0 ] || { echo "compare-inits: needs root" >&2; exit 1; }
fix=$(mktemp -d)
trap 'rm -rf "$fix"' EXIT
sh "$root/Tests/fixture/make-image-root.sh" "$fix" "$hi"

scenarios=(exit_codes exit_codes_realtime forwarding orphans signal_exit grace_kill term_before_kill tty_job_control idle)
inits=("hermes-init:$hi" "tini:tini --" "dumb-init:dumb-init" "catatonit:catatonit --")

printf '| scenario |'
for i in "${inits[@]}"; do printf ' %s |' "${i%%:*}"; done
printf '\n|---|'
for _ in "${inits[@]}"; do printf -- '---|'; done
printf '\n'
for s in "${scenarios[@]}"; do
  printf '| %s |' "$s"
  for i in "${inits[@]}"; do
    # shellcheck disable=SC2086 # the init command is split on purpose
    line=$(env -i PATH=/usr/bin:/bin HERMES_HOME=/opt/data HERMES_INIT_GRACE=1 \
      unshare --mount --propagation private -- sh "$root/Tests/fixture/enter.sh" "$fix" \
      python3 "$root/Tests/pid1/scenarios.py" "$s" ${i#*:} 2>/dev/null | tail -n 1) || true
    printf ' %s |' "${line#*: }"
  done
  printf '\n'
done
