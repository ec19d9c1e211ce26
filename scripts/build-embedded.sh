#!/usr/bin/env bash
# Builds the shipped binaries: Embedded Swift compiled against musl's headers and
# linked statically with musl-gcc. Usage: scripts/build-embedded.sh [OUTDIR] (default dist/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/dist}")
musl_include=/usr/include/x86_64-linux-musl

command -v musl-gcc >/dev/null || { echo "build-embedded: musl-gcc missing (apt-get install musl-tools)" >&2; exit 1; }
[ -d "$musl_include" ] || { echo "build-embedded: $musl_include missing (apt-get install musl-dev)" >&2; exit 1; }

obj=$(mktemp -d)
trap 'rm -rf "$obj"' EXIT
mkdir -p "$out"

flags=(
  -enable-experimental-feature Embedded -wmo -Osize -parse-as-library
  -Xfrontend -function-sections
  -Xcc -nostdlibinc -Xcc -isystem -Xcc "$musl_include" -Xcc -D_GNU_SOURCE
  -I "$root/Sources/CHermes/include"
)
# clang says "libc not found for 'x86_64-unknown-linux-gnu'" because of -nostdlibinc; harmless.
quiet() { "$@" 2> >(grep -v "libc not found" >&2); }

# The allocator of Sources/CHermes/arena.c (see there) in place of musl's malloc.
musl-gcc -c -Os -DHERMES_ARENA "$root/Sources/CHermes/arena.c" -o "$obj/arena.o"

quiet swiftc "${flags[@]}" -module-name HermesCore \
  -emit-module -emit-module-path "$obj/HermesCore.swiftmodule" \
  -c "$root"/Sources/HermesCore/*.swift -o "$obj/HermesCore.o"

build() {  # build NAME TARGETDIR
  quiet swiftc "${flags[@]}" -module-name "$2" -I "$obj" -c "$root/Sources/$2/Entry.swift" -o "$obj/$1.o"
  musl-gcc -static -Os -Wl,--gc-sections -Wl,-z,noseparate-code -s "$obj/HermesCore.o" "$obj/$1.o" "$obj/arena.o" -o "$out/$1"
  if ! file "$out/$1" | grep -q 'statically linked'; then
    echo "build-embedded: $out/$1 is not a static executable" >&2
    exit 1
  fi
}
build privdrop Privdrop
build hermes-init HermesInit
for f in "$out/privdrop" "$out/hermes-init"; do echo "build-embedded: $f: $(stat -c %s "$f") bytes"; done
