#!/usr/bin/env bash
# Builds the engine-test images with podman (or HERMES_ENGINE=docker, where the base and
# "before" images are moved from podman with `podman save | docker load` when podman has
# them, as a user pulls the published image, and ours are built with `docker build`):
#   localhost/hermes-test/debian:bookworm   Debian minbase + python3-venv (mmdebstrap), once
#   localhost/hermes-test/before:VERSION    the published s6-era image's stand-in with the
#                                           shell glue (standin/), real s6-overlay VERSION
#   localhost/hermes-test/ours:VERSION      this repository's Dockerfile FROM the stand-in,
#                                           with the shipped binaries from dist/
#   localhost/hermes-test/ours-runtime-init:VERSION   the same, --target runtime-init
#   localhost/hermes-test/cli-base:0.19.0   the Debian base with the real hermes-agent in
#                                           its venv, from the wheel cache (cli/), once
#   localhost/hermes-test/before-cli:VERSION  the same glue (standin/, HERMES=cli) around the real CLI
#   localhost/hermes-test/ours-cli:VERSION  the Dockerfile FROM it (the patch applied)
# for each VERSION in S6_VERSIONS (default 3.2.3.0 3.2.3.2), and
#   localhost/hermes-test/plain:latest      no s6-overlay: Debian, hermes, the venv, the
#                                           binaries, ENTRYPOINT hermes-init (plain/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=/dev/null
. "$here/engine.sh"

# Under Docker, the images podman has and Docker lacks move in one archive (shared
# layers once: the base is in all of them); what podman lacks is built below.
if [ "$ENGINE" != podman ] && command -v podman >/dev/null; then
  move=()
  for img in "$BASE_IMAGE" "$CLI_BASE_IMAGE" $(for v in $S6_VERSIONS; do before_image "$v"; before_cli_image "$v"; done); do
    if podman image exists "$img" 2>/dev/null && ! $ENGINE image inspect "$img" >/dev/null 2>&1; then move+=("$img"); fi
  done
  if [ ${#move[@]} -gt 0 ]; then
    echo "images: ${move[*]} from podman" >&2
    podman save -m "${move[@]}" | $ENGINE load -q >/dev/null
  fi
fi
if ! $ENGINE image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  echo "images: making $BASE_IMAGE with mmdebstrap" >&2
  mmdebstrap --quiet --variant=minbase --include=python3-minimal,python3-venv,procps bookworm - \
    | $ENGINE import - "$BASE_IMAGE" >/dev/null
fi
if [ ! -x "$repo/dist/hermes-init" ] || [ ! -x "$repo/dist/privdrop" ]; then
  "$repo/scripts/build-embedded.sh" "$repo/dist"
fi
if ! $ENGINE image inspect "$CLI_BASE_IMAGE" >/dev/null 2>&1; then
  wheels=$("$here/cli/wheels.sh")
  echo "images: $CLI_BASE_IMAGE from $wheels" >&2
  $ENGINE "${BUILD[@]}" -f "$here/cli/Containerfile.base" --build-arg "BASE=$BASE_IMAGE" \
    --build-arg "HERMES_AGENT_VERSION=$HERMES_AGENT_VERSION" -t "$CLI_BASE_IMAGE" "$wheels" >/dev/null
fi
arch=$(uname -m)
for v in $S6_VERSIONS; do
  # The glue's images: moved from podman under Docker; (re)built in podman.
  if [ "$ENGINE" != podman ] && $ENGINE image inspect "$(before_image "$v")" >/dev/null 2>&1 \
    && $ENGINE image inspect "$(before_cli_image "$v")" >/dev/null 2>&1; then
    :
  else
  ctx=$(mktemp -d)
  trap 'rm -rf "$ctx"' EXIT
  cp -a "$here/standin/." "$ctx/"
  dist=${S6_OVERLAY_DIST:-$repo/../shared/s6-overlay}/$v
  (cd "$dist" && grep -E " (s6-overlay-noarch|s6-overlay-$arch|s6-overlay-symlinks-noarch)\.tar\.xz\$" SHA256SUMS | sha256sum -c --quiet -)
  cp "$dist/s6-overlay-noarch.tar.xz" "$dist/s6-overlay-symlinks-noarch.tar.xz" "$ctx/"
  cp "$dist/s6-overlay-$arch.tar.xz" "$ctx/s6-overlay-arch.tar.xz"
  echo "images: $(before_image "$v")" >&2
  $ENGINE "${BUILD[@]}" -f "$ctx/Containerfile" --build-arg "BASE=$BASE_IMAGE" --build-arg HERMES=probe \
    -t "$(before_image "$v")" "$ctx" >/dev/null
  echo "images: $(before_cli_image "$v")" >&2
  $ENGINE "${BUILD[@]}" -f "$ctx/Containerfile" --build-arg "BASE=$CLI_BASE_IMAGE" --build-arg HERMES=cli \
    -t "$(before_cli_image "$v")" "$ctx" >/dev/null
  rm -rf "$ctx"
  trap - EXIT
  fi
  echo "images: $(ours_image "$v")" >&2
  # The probe stand-in's hermes_cli is no hermes-agent: nothing to patch there.
  $ENGINE "${BUILD[@]}" -f "$repo/Dockerfile" --build-arg "HERMES_BASE_IMAGE=$(before_image "$v")" \
    --build-arg BINARIES=prebuilt --build-arg HERMES_AGENT_PATCH=skip -t "$(ours_image "$v")" "$repo" >/dev/null
  $ENGINE "${BUILD[@]}" -f "$repo/Dockerfile" --build-arg "HERMES_BASE_IMAGE=$(before_image "$v")" \
    --build-arg BINARIES=prebuilt --build-arg HERMES_AGENT_PATCH=skip --target runtime-init \
    -t "localhost/hermes-test/ours-runtime-init:$v" "$repo" >/dev/null
  echo "images: $(ours_cli_image "$v")" >&2
  $ENGINE "${BUILD[@]}" -f "$repo/Dockerfile" --build-arg "HERMES_BASE_IMAGE=$(before_cli_image "$v")" \
    --build-arg BINARIES=prebuilt -t "$(ours_cli_image "$v")" "$repo" >/dev/null
done
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$here/plain/Containerfile" "$here/standin/report.py" "$repo/dist/hermes-init" "$repo/dist/privdrop" "$ctx/"
echo "images: localhost/hermes-test/plain:latest" >&2
$ENGINE "${BUILD[@]}" -f "$ctx/Containerfile" --build-arg "BASE=$BASE_IMAGE" -t localhost/hermes-test/plain:latest "$ctx" >/dev/null
