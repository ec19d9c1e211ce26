#!/usr/bin/env bash
# A stand-in of the published image of one release, built from that release's own files:
# its Dockerfile step by step (offline.py replaces only what needs the network, and prints
# what it replaced), its docker/ glue, its source tree (the sdist with the release's files
# over it), on the base of base.sh, with the wheels of wheels.sh and the s6-overlay release
# from ../shared/s6-overlay. podman only (the build mounts the wheels and s6-overlay).
#   build.sh RELEASE_DIR S6_VERSION TAG
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=/dev/null
. "$here/../engine.sh"
release=$1 s6=$2 tag=$3
base=$("$here/base.sh" "$release")
cache=$("$here/wheels.sh" "$release" "$base")
s6dir=${S6_OVERLAY_DIST:-$repo/../shared/s6-overlay}/$s6
arch=$(uname -m)
(cd "$s6dir" && grep -E " (s6-overlay-noarch|s6-overlay-$arch|s6-overlay-symlinks-noarch)\.tar\.xz\$" SHA256SUMS | sha256sum -c --quiet -)
sum() { awk -v f="$1" '$2 == f { print $1 }' "$s6dir/SHA256SUMS"; }
# Built again only when what it is made of changed: the release's files, these scripts,
# the base, the wheels and the s6-overlay release (a label on the image keeps their hash).
inputs=$({ (cd "$release" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
  sha256sum "$here"/offline.py "$here"/build.sh "$here"/base.sh "$here"/wheels.sh
  cat "$s6dir/SHA256SUMS"; echo "$base"; ls "$cache/wheels" "$cache/sdist"; } | sha256sum | cut -c1-16)
if [ "$(podman image inspect --format '{{index .Labels "hermes.test.inputs"}}' "$tag" 2>/dev/null)" = "$inputs" ]; then
  echo "release: $tag is up to date" >&2
  exit 0
fi
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
python3 "$here/offline.py" "$release" "$cache"/sdist/hermes_agent-*.tar.gz "$ctx" > "$ctx/STEPS"
upper=$(echo "$arch" | tr '[:lower:]' '[:upper:]')
podman "${BUILD[@]}" -f "$ctx/Containerfile" \
  -v "$cache/wheels:/offline/wheels:ro" -v "$s6dir:/offline/s6:ro" \
  --build-arg "RELEASE_BASE=$base" --build-arg "TARGETARCH=$(dpkg --print-architecture)" --build-arg "S6_OVERLAY_VERSION=$s6" \
  --build-arg "S6_OVERLAY_NOARCH_SHA256=$(sum s6-overlay-noarch.tar.xz)" \
  --build-arg "S6_OVERLAY_${upper}_SHA256=$(sum "s6-overlay-$arch.tar.xz")" \
  --build-arg "S6_OVERLAY_SYMLINKS_SHA256=$(sum s6-overlay-symlinks-noarch.tar.xz)" \
  --label "hermes.test.inputs=$inputs" -t "$tag" "$ctx/tree" >/dev/null
echo "release: $tag from $(basename "$release") on s6-overlay $s6 ($(wc -l < "$ctx/STEPS") steps replaced)" >&2
