#!/usr/bin/env bash
# The Dockerfile's own build stage, as `docker build` runs it, with podman here: FROM a
# stand-in for the official Swift image (Debian and the packages the official image has;
# no registry is reachable), with this machine's toolchain mounted at /toolchain.
#   1. the whole Dockerfile, BINARIES=build, FROM the s6-era stand-in with the real CLI
#      (the hermes-agent patch applied as for the published image): the image boots
#      under /init and the CMD runs as hermes with binaries made by the build stage;
#   2. the build stage cross-building for arm64 (TARGETARCH=arm64, as buildx sets it):
#      the aarch64 binaries it makes run (qemu-user through binfmt_misc).
# podman only: `docker build` cannot mount the toolchain.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=/dev/null
. "$here/engine.sh"
if [ "$ENGINE" != podman ]; then
  echo "build-dockerfile: podman only (build-time volumes); skipped with $ENGINE" >&2
  exit 0
fi
toolchain=$(cd "$(dirname "$(readlink -f "$(command -v swiftc)")")/../.." && pwd)
swift_image=localhost/hermes-test/swift-standin:bookworm
if ! $ENGINE image inspect "$swift_image" >/dev/null 2>&1; then
  echo "build-dockerfile: making $swift_image with mmdebstrap" >&2
  mmdebstrap --quiet --variant=minbase \
    --include=binutils,libc6-dev,libcurl4-openssl-dev,libedit2,libgcc-12-dev,libpython3-dev,libsqlite3-0,libstdc++-12-dev,libxml2-dev,libncurses-dev,libz3-dev,pkg-config,tzdata,zlib1g-dev,gcc,ca-certificates \
    bookworm - | $ENGINE import --change "ENV PATH=/toolchain/usr/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" - "$swift_image" >/dev/null
fi
v=${S6_VERSIONS%% *}
built=localhost/hermes-test/ours-built:$v
# buildah 1.28 (podman 4.3) resolves `FROM ${BINARIES}` to a stage only when the
# value is given on the command line, not from the ARG's default.
echo "build-dockerfile: $built (BINARIES=build)" >&2
$ENGINE build -q -v "$toolchain:/toolchain:ro" --build-arg BINARIES=build --build-arg "SWIFT_IMAGE=$swift_image" \
  --build-arg "TARGETARCH=$(dpkg --print-architecture)" \
  --build-arg "HERMES_BASE_IMAGE=$(before_cli_image "$v")" -t "$built" "$repo" >/dev/null
out=$($ENGINE run --rm --network=none -e S6_KILL_GRACETIME=0 "$built" sh -c 'id -u; /opt/hermes/bin/hermes-init --hermes-init-version' 2>/dev/null | tail -n 2)
[ "$out" = "$(printf '10000\nhermes-init %s' "$("$repo/dist/hermes-init" --hermes-init-version | cut -d' ' -f2)")" ] || {
  echo "build-dockerfile: the built image's CMD gave: $out" >&2
  exit 1
}
echo "build-dockerfile: $built boots, the CMD runs as hermes" >&2
echo "build-dockerfile: the build stage for arm64" >&2
$ENGINE build -q -v "$toolchain:/toolchain:ro" --target build --build-arg TARGETARCH=arm64 \
  --build-arg "SWIFT_IMAGE=$swift_image" -t localhost/hermes-test/build-arm64 "$repo" >/dev/null
$ENGINE run --rm --network=none localhost/hermes-test/build-arm64 sh -c \
  'file /out/privdrop /out/hermes-init && /out/privdrop --version && /out/hermes-init --hermes-init-version' >&2
