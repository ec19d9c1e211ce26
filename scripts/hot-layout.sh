#!/usr/bin/env bash
# Writes scripts/layout/hot.order: the functions hermes-init runs on a container start,
# for scripts/build-embedded.sh to put at the front of the program (see there). Run it
# after changing what the start path calls; Benchmarks/hot-window.py tells when it is due.
#   scripts/hot-layout.sh        (root: the start path drops privileges; needs valgrind)
# Each start path the image takes (a program given by path, no arguments, a subcommand)
# runs under callgrind in the image fixture up to its execve; every address it ran is
# mapped to the names of the function holding it; execve itself goes last.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ "$(id -u)" = 0 ] || { echo "hot-layout: needs root" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "hot-layout: needs valgrind" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
HERMES_KEEP_SYMBOLS=1 scripts/build-embedded.sh "$tmp/bin" >/dev/null
musl-gcc -static -Os -o "$tmp/bin/true" Benchmarks/cref/true.c
sh Tests/fixture/make-image-root.sh "$tmp/fix" "$tmp/bin/hermes-init" >/dev/null
mkdir -m 777 "$tmp/cg"
n=0
for args in "$tmp/bin/true" "" "chat"; do
  n=$((n + 1))
  # shellcheck disable=SC2086 # the empty case is no argument at all
  env -i PATH=/command:/usr/bin:/bin unshare --mount --propagation private -- sh Tests/fixture/enter.sh "$tmp/fix" \
    valgrind --tool=callgrind --dump-instr=yes --compress-pos=no --vgdb=no --dump-before=execve \
    --callgrind-out-file="$tmp/cg/$n" "$tmp/bin/hermes-init" $args >/dev/null 2>&1 || true
  [ -s "$tmp/cg/$n.1" ] || { echo "hot-layout: no profile for '$args'" >&2; exit 1; }
done
nm -n --defined-only "$tmp/bin/hermes-init" > "$tmp/nm"
python3 - "$tmp/nm" "$tmp"/cg/*.1 > scripts/layout/hot.order <<'PY'
import bisect, re, sys
syms = []
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 3 and f[1] in "tTwW":
        syms.append((int(f[0], 16), f[2]))
starts = [a for a, _ in syms]
seen, order = set(), []
for profile in sys.argv[2:]:
    for line in open(profile):
        m = re.match(r"(0x[0-9a-f]+) ", line)
        if not m:
            continue
        i = bisect.bisect_right(starts, int(m.group(1), 16)) - 1
        j = i
        while j >= 0 and syms[j][0] == syms[i][0]:  # every name of that address
            if syms[j][1] not in seen:
                seen.add(syms[j][1])
                order.append(syms[j][1])
            j -= 1
# The exec itself: the profiles stop as it is entered.
for name in ("execve", "__syscall_ret"):
    if name not in seen:
        order.append(name)
print("\n".join(order))
PY
echo "hot-layout: $(wc -l < scripts/layout/hot.order) names in scripts/layout/hot.order"
