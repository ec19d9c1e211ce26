#!/usr/bin/env bash
# The base of a release stand-in: what the release's `FROM debian:N` and its apt-get step
# give, made here with mmdebstrap (no registry is reachable; Debian's archive is): the same
# Debian suite, minbase, with the apt-get step's package list read from the release's own
# Dockerfile (offline.py --apt). Releases with the same suite and list share one image.
#   base.sh RELEASE_DIR     prints the image's name, making it first if it is missing
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/../engine.sh"
read -r suite packages < <(python3 "$here/offline.py" --apt "$1")
tag=$(printf '%s %s' "$suite" "$packages" | sha256sum | cut -c1-12)
img=localhost/hermes-test/release-base:$suite-$tag
if ! $ENGINE image inspect "$img" >/dev/null 2>&1; then
  echo "release-base: making $img with mmdebstrap ($suite: $packages)" >&2
  mmdebstrap --quiet --variant=minbase --include="$packages" "$suite" - | $ENGINE import - "$img" >/dev/null
fi
echo "$img"
