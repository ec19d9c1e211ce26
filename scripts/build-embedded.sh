#!/usr/bin/env bash
# Builds the shipped binaries: Embedded Swift compiled against musl's headers and
# linked statically against musl.
#   scripts/build-embedded.sh [OUTDIR]          (default dist/)
#   ARCH=aarch64 scripts/build-embedded.sh OUT  (x86_64 or aarch64; default: this machine's)
#
# Per target, derived from ARCH:
#   ARCH-unknown-linux-gnu, when the toolchain ships Embedded modules for it (an x86_64
#     toolchain for x86_64, an aarch64 one for aarch64): linked by musl-gcc (musl-tools)
#     with the toolchain's ld.lld.
#   otherwise, for aarch64 (an x86_64 toolchain cross-building): Swift target
#     aarch64-none-none-elf, the Embedded modules the toolchain ships for 64-bit Arm
#     (the calling convention and data model of aarch64 Linux, AAPCS64 and LP64);
#     objects for musl's aarch64 headers, linked by the toolchain's ld.lld against
#     /usr/lib/aarch64-linux-musl (musl-dev:arm64) and the cross gcc's libgcc
#     (gcc-aarch64-linux-gnu). GNU ld refuses these objects ("copy relocation against
#     non-copyable protected symbol"); lld links them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/dist}")
arch=${ARCH:-$(uname -m)}
case $arch in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) echo "build-embedded: unsupported ARCH '$arch' (x86_64 or aarch64)" >&2; exit 1 ;;
esac
musl_include=/usr/include/$arch-linux-musl
musl_lib=/usr/lib/$arch-linux-musl
missing() { echo "build-embedded: $1 missing for $arch ($2)" >&2; exit 1; }
[ -d "$musl_include" ] || missing "$musl_include" "apt-get install musl-dev$([ "$arch" = "$(uname -m)" ] || echo ":arm64")"
[ -f "$musl_lib/libc.a" ] || missing "$musl_lib/libc.a" "apt-get install musl-dev$([ "$arch" = "$(uname -m)" ] || echo ":arm64")"
swift_bin=$(dirname "$(readlink -f "$(command -v swiftc)")")
embedded=$swift_bin/../lib/swift/embedded
if [ -d "$embedded/$arch-unknown-linux-gnu" ]; then
  swift_target=$arch-unknown-linux-gnu
  bare=false
elif [ "$arch" = aarch64 ] && [ -d "$embedded/aarch64-none-none-elf" ]; then
  swift_target=aarch64-none-none-elf
  bare=true
else
  missing "Embedded Swift modules" "$embedded has neither $arch-unknown-linux-gnu nor a bare-metal $arch target"
fi
if [ "$bare" = false ]; then
  command -v musl-gcc >/dev/null || missing musl-gcc "apt-get install musl-tools"
  cc=(musl-gcc)
else
  command -v aarch64-linux-gnu-gcc >/dev/null || missing aarch64-linux-gnu-gcc "apt-get install gcc-aarch64-linux-gnu"
  cc=(aarch64-linux-gnu-gcc -nostdinc -isystem "$musl_include" -isystem "$(aarch64-linux-gnu-gcc -print-file-name=include)")
fi
# Both targets link with the toolchain's lld (the hot-path layout below needs it).
[ -x "$swift_bin/ld.lld" ] || missing "$swift_bin/ld.lld" "the Swift toolchain's lld"

obj=$(mktemp -d)
trap 'rm -rf "$obj"' EXIT
mkdir -p "$out"

flags=(
  -target "$swift_target"
  -enable-experimental-feature Embedded -wmo -Osize -parse-as-library
  -Xfrontend -function-sections
  -Xcc -nostdlibinc -Xcc -isystem -Xcc "$musl_include" -Xcc -D_GNU_SOURCE
  -D HERMES_MUSL
  -I "$root/Sources/CHermes/include"
)
# The bare-metal target defines no OS macros; musl's headers and ours want Linux's.
if [ "$bare" = true ]; then flags+=(-Xcc -D__linux__ -Xcc -D__unix__ -Xcc -D__gnu_linux__); fi
# clang says "libc not found for '<target>'" because of -nostdlibinc; harmless.
quiet() { "$@" 2> >(grep -v "libc not found" >&2); }

# The allocator of Sources/CHermes/arena.c (see there) in place of musl's malloc.
"${cc[@]}" -c -Os -DHERMES_ARENA "$root/Sources/CHermes/arena.c" -o "$obj/arena.o"

# HermesCore is in folders (System/, Accounts/, ...): every .swift under it.
mapfile -t core_sources < <(find "$root/Sources/HermesCore" -name "*.swift" | sort)
quiet swiftc "${flags[@]}" -module-name HermesCore \
  -emit-module -emit-module-path "$obj/HermesCore.swiftmodule" \
  -c "${core_sources[@]}" -o "$obj/HermesCore.o"

# The layout of the hot path (scripts/layout/, made by scripts/hot-layout.sh): the
# functions a container start runs, in the order it first runs them, at the front of
# the text, with .init, so that one 64 KiB fault-around window maps all of it and the
# rest of the program is never mapped on that path. A name the list has and the
# program lacks is skipped: a stale list costs speed, never correctness.
layout=(--symbol-ordering-file="$root/scripts/layout/hot.order" --no-warn-symbol-ordering
        -T "$root/scripts/layout/hot.ld")
# HERMES_KEEP_SYMBOLS=1: not stripped (scripts/hot-layout.sh maps addresses to names).
strip=$([ "${HERMES_KEEP_SYMBOLS:-}" = 1 ] || echo 1)

link() {  # link OUTPUT OBJECTS...
  local output=$1
  shift
  if [ "$bare" = false ]; then
    # The toolchain's lld, as for aarch64: it takes the hot-path layout below.
    PATH="$swift_bin:$PATH" musl-gcc -static -Os -fuse-ld=lld -Wl,--no-dynamic-linker -Wl,--gc-sections \
      -Wl,--no-rosegment -Wl,-z,norelro "${layout[@]/#/-Wl,}" ${strip:+-s} "$@" -o "$output"
  else
    local gcc_dir
    gcc_dir=$(dirname "$(aarch64-linux-gnu-gcc -print-libgcc-file-name)")
    # Two segments (code and read-only data; data), as -z noseparate-code gives GNU ld:
    # a static program has nothing to relocate, so RELRO would protect nothing.
    "$swift_bin/ld.lld" -static --gc-sections --no-rosegment -z norelro "${layout[@]}" ${strip:+-s} -o "$output" \
      "$musl_lib/crt1.o" "$musl_lib/crti.o" "$gcc_dir/crtbeginT.o" "$@" \
      -L"$musl_lib" -L"$gcc_dir" --start-group -lc -lgcc -lgcc_eh --end-group \
      "$gcc_dir/crtend.o" "$musl_lib/crtn.o"
  fi
}

build() {  # build NAME TARGETDIR
  quiet swiftc "${flags[@]}" -module-name "$2" -I "$obj" -c "$root/Sources/$2/Entry.swift" -o "$obj/$1.o"
  link "$out/$1" "$obj/HermesCore.o" "$obj/$1.o" "$obj/arena.o"
  if ! file "$out/$1" | grep -q 'statically linked'; then
    echo "build-embedded: $out/$1 is not a static executable" >&2
    exit 1
  fi
  if file "$out/$1" | grep -q interpreter; then
    echo "build-embedded: $out/$1 names an interpreter" >&2
    exit 1
  fi
}
build privdrop Privdrop
build hermes-init HermesInit
for f in "$out/privdrop" "$out/hermes-init"; do echo "build-embedded: $f ($arch): $(stat -c %s "$f") bytes"; done
