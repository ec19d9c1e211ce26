#!/bin/sh
# Installs a real s6-overlay release into an image root, as the published Dockerfile does:
# the noarch, arch and symlinks-noarch tarballs, checked against their SHA256SUMS first.
#   scripts/s6-overlay.sh VERSION ROOT
# The tarballs come from $S6_OVERLAY_DIST/VERSION (default: ../shared/s6-overlay next to
# this repository, where CI has them); ARCH (default: uname -m) picks the arch tarball.
set -eu
version=$1
root=$2
here=$(cd "$(dirname "$0")/.." && pwd)
dist=${S6_OVERLAY_DIST:-$here/../shared/s6-overlay}/$version
arch=${ARCH:-$(uname -m)}
[ -f "$dist/s6-overlay-$arch.tar.xz" ] || {
  echo "s6-overlay.sh: no s6-overlay $version for $arch in $dist (set S6_OVERLAY_DIST)" >&2
  exit 1
}
(cd "$dist" && grep -E " (s6-overlay-noarch|s6-overlay-$arch|s6-overlay-symlinks-noarch)\.tar\.xz\$" SHA256SUMS | sha256sum -c --quiet -) || {
  echo "s6-overlay.sh: checksum mismatch in $dist" >&2
  exit 1
}
mkdir -p "$root"
for t in noarch "$arch" symlinks-noarch; do
  tar -C "$root" -Jxpf "$dist/s6-overlay-$t.tar.xz"
done
